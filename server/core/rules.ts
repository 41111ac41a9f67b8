/**
 * The alert rules of the regulation (docs/rules.md): a pure function of state, clock and config.
 * An alert's `id` encodes its rule, subject and the start of the episode, so it is stable while the
 * condition lasts and an acknowledgement sticks to that episode only.
 */
import type { CenterConfig, Thresholds } from '../../shared/config';
import { alertText } from '../../shared/alert-text';
import type { AlertParams, AlertRule, AlertView, AttendanceView, StaffingInterval, WindowStats } from '../../shared/snapshot';
import { attendanceAlerts, handoverAlerts, rosterOf, understaffedAlert } from './shift';
import { shiftAt, shiftBoundaries, type ShiftWindow } from '../../shared/time';
import { hasAck, leadAckDeadline } from './incidents';
import { restrictedEpisodes } from './archive';
import type { AgentRec, State } from './state';

const SEC = 1000;
const MIN = 60_000;

/** Rules whose acknowledgement clears the alert (for restricted_window it is the lead's approval). */
const CLEARED_BY_ACK: ReadonlySet<AlertRule> = new Set(['rona', 'restricted_window', 'not_signed_in', 'left_early', 'ticket_returned_twice']);

type Draft = Omit<AlertView, 'acknowledgedBy' | 'acknowledgedAt' | 'message'>;

export interface RuleContext {
  shift: ShiftWindow;
  shiftStats: WindowStats;
  /** the shift's attendance (SHIFTS.md), null without a roster */
  attendance: AttendanceView | null;
  /** today's staffing intervals */
  staffing: readonly StaffingInterval[];
  /** the ticket rules' alerts (tickets.ts works them out with the follow-up view) */
  tickets?: readonly Draft[];
}

/** The previous derive's alerts by id, reused when unchanged (see ViewCache in derive.ts). */
export interface AlertMemo {
  alerts: Map<string, AlertView>;
}

export function deriveAlerts(state: State, now: number, config: CenterConfig, ctx: RuleContext, memo: AlertMemo = { alerts: new Map() }): AlertView[] {
  const t = config.thresholds;
  const drafts: Draft[] = [];
  callRules(state, now, t, drafts);
  for (const a of state.agents.values()) agentRules(state, a, now, config, drafts);
  seatRules(state, now, config, drafts);
  incidentRules(state, now, t, drafts);
  attendanceAlerts(state, now, config, ctx.attendance, drafts);
  handoverAlerts(state, now, config, drafts);
  understaffedAlert(state, now, config, ctx.staffing, drafts);
  if (ctx.tickets) drafts.push(...ctx.tickets);
  const sl = ctx.shiftStats;
  const divisor = sl.answered + sl.abandoned - sl.shortAbandoned;
  if (divisor >= 20 && sl.serviceLevel !== null && sl.serviceLevel < t.serviceLevelTarget) {
    drafts.push({
      id: `service_level_low:shift:${ctx.shift.start}`,
      rule: 'service_level_low',
      severity: 'warning',
      subject: 'shift',
      since: ctx.shift.start,
      params: { serviceLevel: sl.serviceLevel, target: t.serviceLevelTarget },
    });
  }
  const alerts: AlertView[] = [];
  const seen = new Map<string, AlertView>();
  for (const d of drafts) {
    const ack = state.alertAcks.get(d.id);
    if (ack && CLEARED_BY_ACK.has(d.rule)) continue;
    const by = ack?.by ?? null;
    const at = ack?.at ?? null;
    let a = memo.alerts.get(d.id);
    if (!a || a.severity !== d.severity || a.since !== d.since || a.acknowledgedBy !== by || a.acknowledgedAt !== at || !sameParams(a.params, d.params)) {
      a = { ...d, message: alertText(d, 'zh-CN'), acknowledgedBy: by, acknowledgedAt: at };
    }
    seen.set(a.id, a);
    alerts.push(a);
  }
  memo.alerts = seen;
  alerts.sort(
    (a, b) =>
      Number(b.severity === 'critical') - Number(a.severity === 'critical') ||
      b.since - a.since ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return alerts;
}

function callRules(state: State, now: number, t: Thresholds, out: Draft[]): void {
  for (const id of state.waiting) {
    const c = state.calls.get(id)!;
    const since = c.waitingSince ?? c.lastTs;
    const wait = now - since;
    if (wait < t.waitWarnSec * SEC) continue;
    const critical = wait >= t.waitCriticalSec * SEC;
    out.push({
      id: `call_waiting:${c.id}:${since}`,
      rule: 'call_waiting',
      severity: critical ? 'critical' : 'warning',
      subject: c.id,
      since: since + t.waitWarnSec * SEC,
      params: { queue: c.queue, waitSec: critical ? t.waitCriticalSec : t.waitWarnSec },
    });
  }
  for (const queue of [...state.noAgentSince.keys()].sort()) {
    const since = state.noAgentSince.get(queue)!;
    out.push({
      id: `no_agent_available:${queue}:${since}`,
      rule: 'no_agent_available',
      severity: 'critical',
      subject: queue,
      since,
      params: { queue },
    });
  }
  const due = t.callbackDueMin * MIN;
  for (const m of state.missed.values()) {
    if (m.returnedAt !== null || now <= m.abandonedAt + due) continue;
    out.push({
      id: `missed_call_overdue:${m.callId}`,
      rule: 'missed_call_overdue',
      severity: 'critical',
      subject: m.callId,
      since: m.abandonedAt + due,
      params: { dueMin: t.callbackDueMin },
    });
  }
}

function agentRules(state: State, a: AgentRec, now: number, config: CenterConfig, out: Draft[]): void {
  const t = config.thresholds;
  const who = { agentId: a.id, name: a.name };
  // rona: episodes of ring-no-answer; an acknowledgement closes the episode it names
  const window = t.ronaWindowMin * MIN;
  let start: number | null = null;
  let last = -Infinity;
  let inWindow = 0;
  for (const r of [...a.ronas].sort((x, y) => x - y)) {
    if (r > now) break;
    const acked = start !== null && state.alertAcks.get(`rona:${a.id}:${start}`);
    if (start === null || r - last > window || (acked && r > acked.at)) {
      start = r;
      inWindow = 0;
    }
    last = r;
    if (now - r <= window) inWindow++;
  }
  if (start !== null && now - last <= window) {
    out.push({
      id: `rona:${a.id}:${start}`,
      rule: 'rona',
      severity: inWindow >= 2 ? 'critical' : 'warning',
      subject: a.id,
      since: start,
      params: { ...who, count: inWindow, windowMin: t.ronaWindowMin },
    });
  }
  if (a.state === 'logged_in' && now - a.since >= t.notSignedInMin * MIN) {
    out.push({
      id: `not_signed_in:${a.id}:${a.since}`,
      rule: 'not_signed_in',
      severity: 'warning',
      subject: a.id,
      since: a.since + t.notSignedInMin * MIN,
      params: { ...who, minutes: t.notSignedInMin },
    });
  }
  if (a.state === 'busy' && now - a.since >= t.busyTooLongMin * MIN) {
    out.push({
      id: `busy_too_long:${a.id}:${a.since}`,
      rule: 'busy_too_long',
      severity: 'warning',
      subject: a.id,
      since: a.since + t.busyTooLongMin * MIN,
      params: { ...who, minutes: t.busyTooLongMin },
    });
  }
  restrictedRule(state, a, now, config, who, out);
}

/**
 * 第三十二条: no 签出 or 示忙 in the first or last restrictedWindowMin of a shift without the lead's
 * approval. One alert per agent and shift, from the first such event; after an acknowledgement the
 * next such event starts a new one. A sign-out at a seat that another operator has taken, or takes
 * within restrictedWindowMin, is the handover itself (第二十八条), not a violation; a late taker is
 * the handover_gap rule's business.
 */
function restrictedRule(state: State, a: AgentRec, now: number, config: CenterConfig, who: AlertParams, out: Draft[]): void {
  const t = config.thresholds;
  for (const r of restrictedEpisodes(state, a, now, t.restrictedWindowMin)) {
    if (r.shiftEnd <= now) continue; // that shift is over: the alert ended with it
    out.push({
      id: `restricted_window:${a.id}:${r.ts}`,
      rule: 'restricted_window',
      severity: 'warning',
      subject: a.id,
      since: r.ts,
      params: { ...who, action: r.type, windowMin: t.restrictedWindowMin },
    });
  }
}

/**
 * 第二十八条: after a sign-out near a shift boundary the seat must be taken within handoverGapSec.
 * The alert lasts until someone signs in at the seat, or until the restricted window after that
 * boundary has passed: by then the handover is over and an empty seat is a staffing decision.
 */
function seatRules(state: State, now: number, config: CenterConfig, out: Draft[]): void {
  const t = config.thresholds;
  const w = t.restrictedWindowMin * MIN;
  const gap = t.handoverGapSec * SEC;
  for (const seat of [...state.seats.keys()].sort()) {
    const s = state.seats.get(seat)!;
    if (s.agentId !== null || s.vacatedAt === null) continue;
    if (now - s.vacatedAt < gap) continue;
    const near = shiftBoundaries(s.vacatedAt - w, s.vacatedAt + w, config);
    if (near.length === 0) continue;
    if (now >= Math.max(...near) + w && now >= s.vacatedAt + gap + w) continue;
    // a seat the incoming shift's roster does not staff (fewer operators at night) is not a gap
    const left = s.vacatedAt;
    const boundary = near.reduce((x, y) => (Math.abs(y - left) < Math.abs(x - left) ? y : x));
    const incoming = rosterOf(state, shiftAt(boundary, config), config.timeZone);
    if (incoming && incoming.some((e) => e.seat !== null) && !incoming.some((e) => e.seat === seat)) continue;
    out.push({
      id: `handover_gap:${seat}:${s.vacatedAt}`,
      rule: 'handover_gap',
      severity: 'critical',
      subject: seat,
      since: s.vacatedAt + gap,
      params: { seat, gapSec: t.handoverGapSec },
    });
  }
}

function incidentRules(state: State, now: number, t: Thresholds, out: Draft[]): void {
  for (const i of state.incidents.values()) {
    if (i.resolvedAt !== null && i.resolvedAt <= now) continue;
    const about = { incidentId: i.incidentId, title: i.title, severity: i.severity };
    const leadDeadline = leadAckDeadline(i, t);
    if (now >= leadDeadline && !hasAck(i, 'lead', now)) {
      out.push({
        id: `incident_unacknowledged:${i.incidentId}`,
        rule: 'incident_unacknowledged',
        severity: 'critical',
        subject: i.incidentId,
        since: leadDeadline,
        params: { ...about, ackSec: t.incidentLeadAckSec },
      });
    }
    if (i.severity !== 'major') continue;
    const dirDeadline = i.raisedAt + t.incidentDirectorAckSec * SEC;
    if (now >= dirDeadline && !hasAck(i, 'director', now)) {
      out.push({
        id: `incident_director_pending:${i.incidentId}`,
        rule: 'incident_director_pending',
        severity: 'critical',
        subject: i.incidentId,
        since: dirDeadline,
        params: about,
      });
    }
    const reportDue = i.raisedAt + t.incidentReportDueMin * MIN;
    if (now >= reportDue && (i.report === null || i.report.at > now)) {
      out.push({
        id: `incident_report_overdue:${i.incidentId}`,
        rule: 'incident_report_overdue',
        severity: 'critical',
        subject: i.incidentId,
        since: reportDue,
        params: { ...about, dueMin: t.incidentReportDueMin },
      });
    }
  }
}


function sameParams(a: AlertParams, b: AlertParams): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
}
