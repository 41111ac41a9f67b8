/**
 * `derive`: the view of the state at an instant. Pure: state + now + config (+ the feeds' health, an
 * input like the clock) in, snapshot out.
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
  type AlertView,
  type FeedView,
  type IncidentView,
  type MissedCallView,
  type QueueFigures,
  type ReturnedCallView,
  type Snapshot,
  type WaitingCall,
} from '../../shared/snapshot';
import { endOfDay, intervalStarts, shiftAt, startOfDay } from '../../shared/time';
import { intervalBucket, windowStats } from './metrics';
import { deriveAlerts } from './rules';
import { incidentEscalation } from './incidents';
import { attendanceOf, handoverView, staffingView, type StaffingForecast } from './shift';
import { followupView, type FollowupResult, type MonthArchive } from './tickets';
import type { AgentRec, MissedRec, State } from './state';

const MIN = 60_000;
const pad = (n: number) => String(n).padStart(2, '0');

/** Stable order for work numbers: numeric ones by value, then the rest as text. */
export function compareWorkIds(a: string, b: string): number {
  if (a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b)) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Most recent returned calls in the snapshot: the list is for the lead's eye, the counts are in `callbacks`. */
export const RETURNED_SHOWN = 100;

/**
 * Views of records that did not change, kept between derives so an unchanged item is the very same
 * object as before: `diff` then passes it by identity instead of comparing it field by field. A
 * memo only: the snapshot is the same with or without it.
 */
export class ViewCache {
  readonly agents = new WeakMap<AgentRec, AgentView>();
  readonly missed = new WeakMap<MissedRec, MissedCallView>();
  readonly returned = new WeakMap<MissedRec, ReturnedCallView>();
  alerts = new Map<string, AlertView>();
  /** the follow-up view, kept while no ticket event came and no due time passed (it walks every open ticket) */
  followup: { version: number; archived: MonthArchive | null; validUntil: number; day: number; result: FollowupResult } | null = null;
}

/** Code-unit order: the same on every node, whatever its locale. */
const byName = (a: FeedView, b: FeedView) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * `feeds` is the telephony feeds' health as the node last read it (operational status, not stream
 * data: never part of the state); the snapshot lists it sorted by name.
 */
export function derive(
  state: State,
  now: number,
  config: CenterConfig,
  cursor: string,
  cache: ViewCache = new ViewCache(),
  feeds: readonly FeedView[] = [],
  forecast: StaffingForecast | null = null,
  month: MonthArchive | null = null,
): Snapshot {
  const t = config.thresholds;
  const tz = config.timeZone;
  const dayStart = startOfDay(now, tz);
  const dayEnd = endOfDay(now, tz);
  const shift = shiftAt(now, config);
  const starts = intervalStarts(now, tz);
  // the windows are running totals kept by the reducer: nothing here grows with the day's calls
  const intervals = starts.map((k) => intervalBucket(k, state.windows.intervals.get(k)));
  const today = windowStats(state.windows.days.get(dayStart));
  const shiftStats = windowStats(state.windows.shifts.get(shift.start));

  // the two queues of the contract are always present, others appear while calls wait in them;
  // queue names come from outside, so the object has no prototype to collide with
  const byQueue: Record<string, QueueFigures> = Object.create(null);
  byQueue.general = { waiting: 0, longestWaitSec: null };
  byQueue.specialist = { waiting: 0, longestWaitSec: null };
  const waitingCalls: WaitingCall[] = [];
  const history = waitingHistory(state, now);
  for (const id of state.waiting) {
    const c = state.calls.get(id)!;
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
  waitingCalls.sort((a, b) => a.since - b.since || compareWorkIds(a.callId, b.callId));
  let longest: number | null = null;
  for (const q of Object.values(byQueue)) if (q.longestWaitSec !== null) longest = Math.max(longest ?? 0, q.longestWaitSec);

  const agentCounts = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as AgentCounts;
  const agents: AgentView[] = [];
  for (const id of [...state.agents.keys()].sort(compareWorkIds)) {
    const a = state.agents.get(id)!;
    agentCounts[a.state]++;
    let v = cache.agents.get(a);
    if (!v || v.name !== a.name || v.seat !== a.seat || v.state !== a.state || v.since !== a.since || v.reason !== a.reason || v.callId !== a.callId) {
      v = { id: a.id, name: a.name, seat: a.seat, state: a.state, since: a.since, reason: a.reason, callId: a.callId };
      cache.agents.set(a, v);
    }
    agents.push(v);
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
      let v = cache.missed.get(m);
      if (!v || v.overdue !== overdue || v.due !== due) {
        v = { callId: m.callId, caller: maskCaller(m.caller), abandonedAt: m.abandonedAt, due, overdue };
        cache.missed.set(m, v);
      }
      missedCalls.push(v);
    } else if (m.returnedAt >= dayStart && m.returnedAt < dayEnd) {
      const late = m.returnedAt > due;
      if (late) callbacks.returnedLateToday++;
      else callbacks.returnedToday++;
      let v = cache.returned.get(m);
      if (!v || v.late !== late) {
        v = { callId: m.callId, caller: maskCaller(m.caller), abandonedAt: m.abandonedAt, returnedBy: m.returnedBy ?? '', returnedAt: m.returnedAt, reached: m.reached, late };
        cache.returned.set(m, v);
      }
      returnedCalls.push(v);
    }
  }
  missedCalls.sort((a, b) => a.abandonedAt - b.abandonedAt || compareWorkIds(a.callId, b.callId));
  returnedCalls.sort((a, b) => b.returnedAt - a.returnedAt || compareWorkIds(a.callId, b.callId));
  if (returnedCalls.length > RETURNED_SHOWN) returnedCalls.length = RETURNED_SHOWN;

  const categories = { ...(state.categoriesByDay.get(dayStart) ?? (Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>)) };

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

  const attendance = attendanceOf(state, now, config);
  let fu = cache.followup;
  if (!fu || fu.version !== state.ticketsVersion || fu.archived !== month || now >= fu.validUntil || now < fu.day) {
    const result = followupView(state, now, config, month);
    fu = cache.followup = { version: state.ticketsVersion, archived: month, validUntil: result.validUntil, day: dayStart, result };
  }
  const staffing = staffingView(state, now, config, forecast);

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
    today,
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
    alerts: deriveAlerts(state, now, config, { shift, shiftStats, attendance, staffing, tickets: fu.result.drafts }, cache),
    ingest: { rejected: state.counters.rejected, duplicates: state.counters.duplicates, anomalies: state.counters.anomalies },
    feeds: feeds.map((f) => ({ name: f.name, connected: f.connected, since: f.since, lastEventAt: f.lastEventAt })).sort(byName),
    attendance,
    handover: handoverView(state, now, config),
    staffing: { intervals: staffing },
    followup: fu.result.view,
  };
}

/**
 * Calls waiting at each whole minute of the last hour (61 points, oldest first): the waits still
 * open and those that ended recently. Each wait adds one to the run of minutes it covers, via a
 * difference array, so the cost follows the last two hours' waits, not the day's.
 */
function waitingHistory(state: State, now: number): { t: number; waiting: number }[] {
  const lastMinute = Math.floor(now / MIN) * MIN;
  const from = lastMinute - 60 * MIN;
  const delta = new Array<number>(62).fill(0);
  const cover = (ws: number, we: number | null) => {
    // minutes t_k = from + k·MIN with ws ≤ t_k < we
    const k0 = Math.max(0, Math.ceil((ws - from) / MIN));
    const k1 = we === null ? 60 : Math.min(60, Math.ceil((we - from) / MIN) - 1);
    if (k0 > k1) return;
    delta[k0]!++;
    delta[k1 + 1]!--;
  };
  for (const [ws, we] of state.recentWaits) if (we > from) cover(ws, we);
  for (const id of state.waiting) {
    const waits = state.calls.get(id)!.waits;
    const open = waits[waits.length - 1];
    if (open && open[1] === null) cover(open[0], null);
  }
  let running = 0;
  return Array.from({ length: 61 }, (_, k) => {
    running += delta[k]!;
    return { t: from + k * MIN, waiting: running };
  });
}
