/**
 * `derive`: the view of the state at an instant. Pure: state + now + config in, snapshot out.
 * It never writes to the state, so evaluating "too early" leaves no trace. Caller numbers are
 * masked here, for every role: no other path turns state into output.
 */
import type { CenterConfig } from '../../shared/config';
import { CATEGORIES, type Category } from '../../shared/events';
import { maskCaller } from '../../shared/mask';
import {
  AGENT_STATES,
  type AgentCounts,
  type AgentView,
  type IncidentView,
  type MissedCallView,
  type QueueFigures,
  type ReturnedCallView,
  type Snapshot,
  type WaitingCall,
} from '../../shared/snapshot';
import { endOfDay, intervalStarts, shiftAt, startOfDay } from '../../shared/time';
import { addToBucket, bucketIndex, emptyBucket, outcome, WindowAcc } from './metrics';
import { deriveAlerts } from './rules';
import { incidentEscalation } from './incidents';
import type { State } from './state';

const MIN = 60_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** Stable order for work numbers: numeric ones by value, then the rest as text. */
export function compareWorkIds(a: string, b: string): number {
  if (a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function derive(state: State, now: number, config: CenterConfig, cursor: string): Snapshot {
  const t = config.thresholds;
  const tz = config.timeZone;
  const dayStart = startOfDay(now, tz);
  const dayEnd = endOfDay(now, tz);
  const shift = shiftAt(now, config);
  const starts = intervalStarts(now, tz);
  const intervals = starts.map(emptyBucket);
  const today = new WindowAcc();
  const shiftAcc = new WindowAcc();
  const from = Math.min(dayStart, shift.start);

  // the two queues of the contract are always present, others appear while calls wait in them;
  // queue names come from outside, so the object has no prototype to collide with
  const byQueue: Record<string, QueueFigures> = Object.create(null);
  byQueue.general = { waiting: 0, longestWaitSec: null };
  byQueue.specialist = { waiting: 0, longestWaitSec: null };
  const waitingCalls: WaitingCall[] = [];
  // calls waiting at each whole minute of the last hour
  const lastMinute = Math.floor(now / MIN) * MIN;
  const history = Array.from({ length: 61 }, (_, k) => ({ t: lastMinute - (60 - k) * MIN, waiting: 0 }));
  const historyFrom = history[0]!.t;
  for (const c of state.calls.values()) {
    for (const [ws, we] of c.waits ?? []) {
      if (we !== null && we <= historyFrom) continue;
      for (const h of history) if (ws <= h.t && (we === null || we > h.t)) h.waiting++;
    }
    if (c.status === 'waiting') {
      const since = c.waitingSince ?? c.lastTs;
      const wait = Math.max(0, now - since) / 1000;
      const q = (byQueue[c.queue] ??= { waiting: 0, longestWaitSec: null });
      q.waiting++;
      q.longestWaitSec = q.longestWaitSec === null ? wait : Math.max(q.longestWaitSec, wait);
      waitingCalls.push({
        callId: c.id,
        queue: c.queue,
        since,
        caller: c.caller === null ? null : maskCaller(c.caller),
        agentId: c.ringingAgent,
      });
    }
    if (c.firstQueuedAt === null || c.firstQueuedAt < from) continue;
    const o = outcome(c, t);
    if (!o) continue;
    // each window has an end: a view of an earlier day (yesterday's export) counts none of today
    if (o.queuedAt >= dayStart && o.queuedAt < dayEnd) {
      today.add(c, o);
      const b = intervals[bucketIndex(starts, o.queuedAt)];
      if (b) addToBucket(b, o);
    }
    if (o.queuedAt >= shift.start && o.queuedAt < shift.end) shiftAcc.add(c, o);
  }
  waitingCalls.sort((a, b) => a.since - b.since || compareWorkIds(a.callId, b.callId));
  let longest: number | null = null;
  for (const q of Object.values(byQueue)) if (q.longestWaitSec !== null) longest = Math.max(longest ?? 0, q.longestWaitSec);

  const agentCounts = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as AgentCounts;
  const agents: AgentView[] = [];
  for (const id of [...state.agents.keys()].sort(compareWorkIds)) {
    const a = state.agents.get(id)!;
    agentCounts[a.state]++;
    agents.push({ id: a.id, name: a.name, seat: a.seat, state: a.state, since: a.since, reason: a.reason, callId: a.callId });
  }

  const dueMs = t.callbackDueMin * MIN;
  const missedCalls: MissedCallView[] = [];
  const returnedCalls: ReturnedCallView[] = [];
  const callbacks = { returnedToday: 0, returnedLateToday: 0, overdueNow: 0 };
  for (const m of state.missed.values()) {
    const due = m.abandonedAt + dueMs;
    if (m.returnedAt === null) {
      const overdue = now > due;
      if (overdue) callbacks.overdueNow++;
      missedCalls.push({ callId: m.callId, caller: maskCaller(m.caller), abandonedAt: m.abandonedAt, due, overdue });
    } else if (m.returnedAt >= dayStart && m.returnedAt < dayEnd) {
      const late = m.returnedAt > due;
      if (late) callbacks.returnedLateToday++;
      else callbacks.returnedToday++;
      returnedCalls.push({
        callId: m.callId,
        caller: maskCaller(m.caller),
        abandonedAt: m.abandonedAt,
        returnedBy: m.returnedBy ?? '',
        returnedAt: m.returnedAt,
        reached: m.reached,
        late,
      });
    }
  }
  missedCalls.sort((a, b) => a.abandonedAt - b.abandonedAt || compareWorkIds(a.callId, b.callId));
  returnedCalls.sort((a, b) => b.returnedAt - a.returnedAt || compareWorkIds(a.callId, b.callId));

  const categories = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  for (const tk of state.tickets) if (tk.ts >= dayStart && tk.ts < dayEnd) categories[tk.category]++;

  const incidents: IncidentView[] = [];
  for (const i of state.incidents.values()) {
    if (i.resolvedAt !== null && i.resolvedAt < dayStart) continue;
    incidents.push({
      incidentId: i.incidentId,
      title: i.title,
      severity: i.severity,
      location: i.location,
      raisedAt: i.raisedAt,
      raisedBy: i.raisedBy,
      status: i.resolvedAt !== null ? 'resolved' : i.acknowledgements.length > 0 ? 'acknowledged' : 'open',
      acknowledgements: i.acknowledgements.map((a) => ({ ...a })),
      escalatedTo: incidentEscalation(i, now, t),
      reportedAt: i.report?.at ?? null,
      resolvedAt: i.resolvedAt,
      report: i.report ? { by: i.report.by, nature: i.report.nature, harm: i.report.harm, measures: i.report.measures, progress: i.report.progress } : null,
      resolvedBy: i.resolvedBy,
    });
  }
  incidents.sort(
    (a, b) =>
      Number(a.resolvedAt !== null) - Number(b.resolvedAt !== null) || b.raisedAt - a.raisedAt || compareWorkIds(a.incidentId, b.incidentId),
  );

  const shiftStats = shiftAcc.finish();
  return {
    cursor,
    serverTime: now,
    center: {
      name: config.centerName,
      timeZone: tz,
      thresholds: { ...t },
      shifts: config.shifts.map((s) => ({ name: s.name, start: `${pad(Math.floor(s.startMin / 60))}:${pad(s.startMin % 60)}` })),
    },
    shift: { name: shift.name, start: shift.start, end: shift.end, ...shiftStats },
    today: today.finish(),
    intervals,
    queue: { waiting: waitingCalls.length, longestWaitSec: longest, byQueue, calls: waitingCalls },
    waitingHistory: history,
    agents,
    agentCounts,
    missedCalls,
    returnedCalls,
    callbacks,
    categories,
    incidents,
    alerts: deriveAlerts(state, now, config, { shift, shiftStats }),
    ingest: { rejected: state.counters.rejected, duplicates: state.counters.duplicates, anomalies: state.counters.anomalies },
  };
}
