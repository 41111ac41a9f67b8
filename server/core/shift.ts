/**
 * The shift as the regulation runs it (SHIFTS.md): attendance against the roster (第十八条–第二十条,
 * 第五十七条), the handover record (第三十条–第三十三条) and the staffing view (第四十条). Pure: state,
 * clock and config in; views, alert drafts and per-agent counts out.
 */
import type { CenterConfig } from '../../shared/config';
import type { AlertParams, AlertView, AttendanceView, HandoverView, RosterView, StaffingInterval } from '../../shared/snapshot';
import { endOfDay, intervalStarts, localDate as dateOf, localParts, shiftAt, shiftBoundaries, startOfDay, type ShiftWindow } from '../../shared/time';
import { maskNumbersIn } from '../../shared/mask';
import type { AgentRec, HandoverRec, RosterRec, State } from './state';

const MIN = 60_000;
const INTERVAL = 30 * MIN;
const SIGNED_IN = new Set(['available', 'ringing', 'talking', 'wrapup', 'busy']);
const pad = (n: number) => String(n).padStart(2, '0');

export type ShiftDraft = Omit<AlertView, 'acknowledgedBy' | 'acknowledgedAt' | 'message'>;

/** Local HH:MM of an instant. */
export function hhmm(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/** The roster lines of one shift instance (the roster of the day it starts on), one per agent. */
export function rosterOf(state: State, shift: ShiftWindow, tz: string): RosterRec['entries'] | null {
  const roster = state.rosters.get(dateOf(shift.start, tz));
  if (!roster) return null;
  const seen = new Set<string>();
  return roster.entries.filter((e) => e.shift === shift.name && !seen.has(e.agentId) && seen.add(e.agentId));
}

/** How one rostered agent kept one shift, as of `upTo` (its presence read up to the shift's end at the latest). */
export interface AgentShift {
  /** signed in at the shift's start (on time) */
  onTime: boolean;
  /** first sign-in after the start, or null */
  firstIn: number | null;
  /** signed in at `upTo` */
  inNow: boolean;
  /** when the agent last left, if it left during the shift and is not back; null otherwise */
  leftAt: number | null;
  /** that leaving was the handover at the seat (the successor took it within the window) */
  handedOver: boolean;
}

/** Whether `a` was signed in at `t`, from its presence record. */
function signedInAt(presence: readonly [number, 0 | 1][], t: number): boolean {
  let v: 0 | 1 = 0;
  for (const [ts, x] of presence) if (ts <= t) v = x;
  return v === 1;
}

export function agentShift(a: AgentRec | undefined, shift: ShiftWindow, upTo: number, config: CenterConfig): AgentShift {
  if (!a) return { onTime: false, firstIn: null, inNow: false, leftAt: null, handedOver: false };
  // the record is in event order; a late event may sit out of time order
  const presence = a.presence.length > 1 && a.presence.some((p, i) => i > 0 && p[0] < a.presence[i - 1]![0]) ? [...a.presence].sort((x, y) => x[0] - y[0]) : a.presence;
  const end = Math.min(upTo, shift.end);
  const onTime = signedInAt(presence, shift.start);
  let firstIn: number | null = null;
  let lastOut: number | null = null;
  let inNow = onTime;
  for (const [ts, x] of presence) {
    if (ts <= shift.start || ts > end) continue;
    if (x === 1 && firstIn === null && !onTime) firstIn = ts;
    if (x === 0) lastOut = ts;
    inNow = x === 1;
  }
  const leftAt = !inNow && lastOut !== null && lastOut < shift.end ? lastOut : null;
  const w = config.thresholds.restrictedWindowMin * MIN;
  const handedOver =
    leftAt !== null && a.restricted.some((r) => r.type === 'signout' && r.ts === leftAt && r.takenOverAt !== null && r.takenOverAt <= upTo && r.takenOverAt - r.ts <= w);
  return { onTime, firstIn, inNow, leftAt, handedOver };
}

/** A rostered agent's status on the shift at `now`. */
function statusOf(x: AgentShift, shift: ShiftWindow, now: number, config: CenterConfig): RosterView['status'] {
  if (x.inNow) return x.firstIn !== null ? 'late' : 'present';
  if (!x.onTime && x.firstIn === null) return now >= shift.start + config.thresholds.absentAfterMin * MIN ? 'absent' : 'pending';
  if (x.leftAt !== null && !x.handedOver) return 'left_early';
  return 'out';
}

const byWorkNumber = (a: string, b: string) => (a.length !== b.length && /^\d+$/.test(a) && /^\d+$/.test(b) ? a.length - b.length : a < b ? -1 : a > b ? 1 : 0);

/** Attendance of the shift in force at `now` (null: no roster for it). */
export function attendanceOf(state: State, now: number, config: CenterConfig): AttendanceView | null {
  const tz = config.timeZone;
  const shift = shiftAt(now, config);
  const roster = rosterOf(state, shift, tz);
  if (!roster) return null;
  const entries: RosterView[] = [];
  const late: string[] = [];
  const absent: string[] = [];
  const leftEarly: string[] = [];
  let present = 0;
  const rostered = new Set<string>();
  for (const e of roster) {
    rostered.add(e.agentId);
    const a = state.agents.get(e.agentId);
    const x = agentShift(a, shift, now, config);
    const status = statusOf(x, shift, now, config);
    if (x.inNow) present++;
    if (x.firstIn !== null) late.push(e.agentId);
    if (status === 'absent') absent.push(e.agentId);
    if (status === 'left_early') leftEarly.push(e.agentId);
    entries.push({ agentId: e.agentId, name: a?.name ?? e.name, seat: e.seat, status });
  }
  // the outgoing shift's operators wait for their successors (第二十九条): not unscheduled meanwhile.
  // Fix (issue 12 tests): nor are the next shift's operators who sign in during the last
  // restrictedWindowMin to be on time for it (the successor may sign in first, docs/rules.md).
  const w = config.thresholds.restrictedWindowMin * MIN;
  const previous = now < shift.start + w ? rosterOf(state, shiftAt(shift.start - 1, config), tz) : null;
  const next = now >= shift.end - w ? rosterOf(state, shiftAt(shift.end, config), tz) : null;
  const handingOver = new Set([...(previous ?? []), ...(next ?? [])].map((e) => e.agentId));
  const unscheduled: string[] = [];
  for (const a of state.agents.values()) if (SIGNED_IN.has(a.state) && !rostered.has(a.id) && !handingOver.has(a.id)) unscheduled.push(a.id);
  entries.sort((x, y) => byWorkNumber(x.agentId, y.agentId));
  for (const l of [late, absent, leftEarly, unscheduled]) l.sort(byWorkNumber);
  return { shift: shift.name, start: shift.start, end: shift.end, rostered: roster.length, present, late, absent, leftEarly, unscheduled, entries };
}

/** The attendance rules (SHIFTS.md): late_signin, absent, left_early, for the shift in force. */
export function attendanceAlerts(state: State, now: number, config: CenterConfig, view: AttendanceView | null, out: ShiftDraft[]): void {
  if (!view) return;
  const shift: ShiftWindow = { name: view.shift, start: view.start, end: view.end };
  const t = config.thresholds;
  for (const e of view.entries) {
    const who: AlertParams = { agentId: e.agentId, name: e.name, shift: shift.name };
    if (e.status === 'pending') {
      out.push({ id: `late_signin:${e.agentId}:${shift.start}`, rule: 'late_signin', severity: 'warning', subject: e.agentId, since: shift.start, params: { ...who, at: hhmm(shift.start, config.timeZone) } });
    } else if (e.status === 'absent') {
      out.push({ id: `absent:${e.agentId}:${shift.start}`, rule: 'absent', severity: 'critical', subject: e.agentId, since: shift.start + t.absentAfterMin * MIN, params: { ...who, minutes: t.absentAfterMin } });
    } else if (e.status === 'left_early') {
      const a = state.agents.get(e.agentId);
      const x = agentShift(a, shift, now, config);
      const loggedOut = a?.state === 'offline';
      out.push({ id: `left_early:${e.agentId}:${x.leftAt}`, rule: 'left_early', severity: 'warning', subject: e.agentId, since: x.leftAt!, params: { ...who, action: loggedOut ? 'logout' : 'signout' } });
    }
  }
}

/** Whether the center keeps its rosters or handovers here (otherwise the handover rules stay silent), and since when. */
function handoverInUseSince(state: State): number | null {
  let since: number | null = null;
  for (const r of state.rosters.values()) since = since === null ? r.at : Math.min(since, r.at);
  for (const h of state.handovers.values()) since = since === null ? h.at : Math.min(since, h.at);
  return since;
}

function handoverAt(state: State, boundary: number): HandoverRec | null {
  for (const h of state.handovers.values()) if (h.shiftStart === boundary) return h;
  return null;
}

/** The boundary a handover submitted at `now` is for: the next one once its window is open, else the current shift's start. */
export function handoverBoundary(now: number, config: CenterConfig): number {
  const shift = shiftAt(now, config);
  return now >= shift.end - config.thresholds.handoverOpenMin * MIN ? shift.end : shift.start;
}

/** The handover at the boundary nearest to now (null while the center keeps none here). */
export function handoverView(state: State, now: number, config: CenterConfig): HandoverView | null {
  if (handoverInUseSince(state) === null) return null;
  const shift = shiftAt(now, config);
  const boundary = now - shift.start <= shift.end - now ? shift.start : shift.end;
  const h = handoverAt(state, boundary);
  return {
    boundary,
    status: !h ? 'pending' : h.acceptedAt !== null ? 'accepted' : 'submitted',
    opensAt: boundary - config.thresholds.handoverOpenMin * MIN,
    handoverId: h?.handoverId ?? null,
    submittedBy: h?.by ?? null,
    submittedAt: h?.at ?? null,
    // notes are free text a lead typed: a caller's number in them is masked like everywhere (第十条)
    notes: h ? maskNumbersIn(h.notes) : null,
    openItems: h ? { missedCalls: [...h.openItems.missedCalls], incidents: [...h.openItems.incidents], alerts: [...h.openItems.alerts] } : null,
    acceptedBy: h?.acceptedBy ?? null,
    acceptedAt: h?.acceptedAt ?? null,
    acceptNotes: h?.acceptNotes != null ? maskNumbersIn(h.acceptNotes) : null,
  };
}

/**
 * handover_not_submitted (from the boundary until submitted, within the shift it starts) and
 * handover_unaccepted (handoverAcceptMin after the submission or the boundary, whichever is later,
 * until accepted), for the boundaries since the center began keeping the record here.
 */
export function handoverAlerts(state: State, now: number, config: CenterConfig, out: ShiftDraft[]): void {
  const since = handoverInUseSince(state);
  if (since === null) return;
  const t = config.thresholds;
  const shift = shiftAt(now, config);
  const params = (b: number, name: string): AlertParams => ({ shift: name, at: hhmm(b, config.timeZone) });
  if (shift.start >= since && !handoverAt(state, shift.start)) {
    out.push({ id: `handover_not_submitted:${shift.start}`, rule: 'handover_not_submitted', severity: 'warning', subject: String(shift.start), since: shift.start, params: params(shift.start, shift.name) });
  }
  for (const [b, name] of [[shift.start, shift.name], [shift.end, shiftAt(shift.end, config).name]] as const) {
    const h = handoverAt(state, b);
    if (!h || h.acceptedAt !== null) continue;
    const due = Math.max(h.at, h.shiftStart) + t.handoverAcceptMin * MIN;
    if (now < due) continue;
    out.push({ id: `handover_unaccepted:${h.handoverId}`, rule: 'handover_unaccepted', severity: 'warning', subject: String(b), since: due, params: { ...params(b, name), minutes: t.handoverAcceptMin } });
  }
}

/** Attendance counts of one agent on one day (the shifts that start that day), for the archive. */
export interface AttendanceCounts {
  late: number;
  absent: number;
  leftEarly: number;
}

/** Per agent, the attendance of the rostered shifts starting on the day, as of `now` (presence clipped to each shift's end). */
export function attendanceCounts(state: State, dayStart: number, now: number, config: CenterConfig): Map<string, AttendanceCounts> {
  const tz = config.timeZone;
  const out = new Map<string, AttendanceCounts>();
  const dayEnd = endOfDay(dayStart, tz);
  for (const start of shiftBoundaries(dayStart, dayEnd - 1, config)) {
    if (start > now) continue;
    const shift = shiftAt(start, config);
    const roster = rosterOf(state, shift, tz);
    if (!roster) continue;
    // Fix (issue 12 tests): `now`, not `now` clipped to the shift's end: agentShift clips the
    // presence itself, and a successor who takes the seat just after the end still makes the
    // sign-out before it a handover (as restrictedEpisodes counts it), not leaving early.
    for (const e of roster) {
      const x = agentShift(state.agents.get(e.agentId), shift, now, config);
      const status = statusOf(x, shift, now, config);
      let c = out.get(e.agentId);
      if (!c) out.set(e.agentId, (c = { late: 0, absent: 0, leftEarly: 0 }));
      if (x.firstIn !== null) c.late++;
      if (status === 'absent') c.absent++;
      if (status === 'left_early') c.leftEarly++;
    }
  }
  return out;
}

/** What the staffing view takes from outside: the day's forecast (from the archive, see staffing.ts). */
export interface StaffingForecast {
  /** the local day it is for (its start) */
  day: number;
  intervals: Map<number, { forecastOffered: number | null; forecastAhtSec: number | null; requiredAgents: number | null }>;
}

/** Operators rostered per 30-minute interval of a day (null: no roster for the shift covering it). */
export function rosteredByInterval(state: State, starts: readonly number[], config: CenterConfig): (number | null)[] {
  const counts = new Map<number, number | null>();
  return starts.map((s) => {
    const shift = shiftAt(s, config);
    if (!counts.has(shift.start)) counts.set(shift.start, rosterOf(state, shift, config.timeZone)?.length ?? null);
    return counts.get(shift.start)!;
  });
}

/** Today's staffing: the forecast, the roster and (up to now) the mean operators signed in, per interval. */
export function staffingView(state: State, now: number, config: CenterConfig, forecast: StaffingForecast | null): StaffingInterval[] {
  const tz = config.timeZone;
  const today = startOfDay(now, tz);
  const starts = intervalStarts(endOfDay(now, tz) - 1, tz);
  const rostered = rosteredByInterval(state, starts, config);
  const f = forecast && forecast.day === today ? forecast.intervals : null;
  // the spells running now (not yet in signedInByInterval), gathered once
  const since: number[] = [];
  for (const a of state.agents.values()) if (SIGNED_IN.has(a.state)) since.push(a.since);
  const signedInNow = since.length;
  return starts.map((start, i) => {
    const fc = f?.get(start);
    let signedIn: number | null = null;
    if (start <= now) {
      const end = Math.min(now, start + INTERVAL);
      let ms = state.signedInByInterval.get(start) ?? 0;
      for (const x of since) if (x < end) ms += end - Math.max(x, start);
      signedIn = end > start ? Math.round((ms / (end - start)) * 10) / 10 : signedInNow;
    }
    return {
      start,
      forecastOffered: fc?.forecastOffered ?? null,
      forecastAhtSec: fc?.forecastAhtSec ?? null,
      requiredAgents: fc?.requiredAgents ?? null,
      rostered: rostered[i]!,
      signedIn,
    };
  });
}

/** understaffed: fewer operators signed in now than the current interval requires (shift, warning). */
export function understaffedAlert(state: State, now: number, config: CenterConfig, intervals: readonly StaffingInterval[], out: ShiftDraft[]): void {
  const current = intervals.findLast((i) => i.start <= now);
  if (!current || current.requiredAgents === null) return;
  let signedIn = 0;
  for (const a of state.agents.values()) if (SIGNED_IN.has(a.state)) signedIn++;
  if (signedIn >= current.requiredAgents) return;
  out.push({
    id: `understaffed:shift:${current.start}`,
    rule: 'understaffed',
    severity: 'warning',
    subject: 'shift',
    since: current.start,
    params: { at: hhmm(current.start, config.timeZone), signedIn, required: current.requiredAgents },
  });
}
