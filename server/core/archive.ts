/**
 * The archive record of a day (REPORTS.md): the day's window sums, intervals, categories, callbacks,
 * incidents and every agent's figures, as a pure function of the state. Raw sums, not ratios, so a
 * range is summed exactly (reports.ts turns them into the routes' rows).
 *
 * A day is read from the state while the state holds it (the archive horizon: `retentionDays` plus
 * one day, after which no event can change it any more) and from the archive store after that.
 * `now` only clips what is still running: the interval an agent is in, an incident's deadline
 * not reached yet. A day that is over reads the same at any later `now`.
 */
import type { CenterConfig } from '../../shared/config';
import { CATEGORIES, type Category } from '../../shared/events';
import type { HandoverRow, ViolationRule } from '../../shared/reports';
import { endOfDay, localDate, startOfDay } from '../../shared/time';
import { leadAckDeadline } from './incidents';
import { emptySums } from './metrics';
import type { AgentDaySums, AgentRec, RestrictedRec, State, WindowSums } from './state';
import { maskNumbersIn } from '../../shared/mask';
import { attendanceCounts, type AttendanceCounts } from './shift';
import { followupRecord, type FollowupRecord } from './tickets';

const MIN = 60_000;
/** how far back an open spell's days are looked for, at most (a state without history yet, a stuck agent) */
const HORIZON_CAP_MS = 400 * 86_400_000;
const SIGNED_IN = new Set(['available', 'ringing', 'talking', 'wrapup', 'busy']);

/** An agent's figures on a day as archived: the reducer's sums, the busy reasons as pairs, the violations by rule. */
export type AgentDayRecord = Omit<AgentDaySums, 'busyByReason' | 'rona' | 'notSignedIn' | 'busyTooLong'> & {
  agentId: string;
  name: string | null;
  /** [reason, ms], sorted by reason ("" for a busy without reason) */
  busyByReason: [string, number][];
  violations: Record<ViolationRule, number>;
  /** the rostered shifts starting that day: signed in late, absent, left early (SHIFTS.md) */
  attendance: AttendanceCounts;
};

/** An agent with no figures yet. */
export function zeroAgentRecord(agentId: string, name: string | null): AgentDayRecord {
  const { busyByReason: _b, rona: _r, notSignedIn: _n, busyTooLong: _t, ...sums } = emptyAgentDay();
  return { agentId, name, ...sums, busyByReason: [], violations: { rona: 0, not_signed_in: 0, busy_too_long: 0, restricted_window: 0 }, attendance: { late: 0, absent: 0, leftEarly: 0 } };
}

export interface DayArchive {
  /** the record's shape (ARCHIVE_VERSION) */
  v: number;
  /** YYYY-MM-DD in the center's time zone */
  date: string;
  /** epoch ms of the day's local midnight */
  start: number;
  window: WindowSums;
  /** the day's 30-minute intervals that had calls, by start */
  intervals: { start: number; sums: WindowSums }[];
  categories: Record<Category, number>;
  callbacks: { missed: number; returned: number; returnedLate: number };
  incidents: { raised: number; major: number; lateAcknowledgements: number };
  /** sorted by agentId (code-unit order) */
  agents: AgentDayRecord[];
  /** the handover records of the boundaries of the day, by boundary (SHIFTS.md: listed per day) */
  handovers: HandoverRecord[];
  /** the day's follow-up calls (FOLLOWUP.md) */
  followup: FollowupRecord;
}

/** A handover as archived: the row the reports give (shared/reports.ts HandoverRow). */
export type HandoverRecord = HandoverRow;

export function emptyAgentDay(): AgentDaySums {
  return {
    answered: 0,
    ronas: 0,
    talkMs: 0,
    talkN: 0,
    wrapMs: 0,
    handleMs: 0,
    handleN: 0,
    signedInMs: 0,
    availableMs: 0,
    busyMs: 0,
    busyByReason: new Map(),
    callbacks: 0,
    rona: 0,
    notSignedIn: 0,
    busyTooLong: 0,
  };
}

/** YYYY-MM-DD of the local day containing `ms` (shared/time's `localDate`). */
export const dateOf = localDate;

/**
 * Episodes of the restricted-window rule (第三十二条) among an agent's records up to `upTo`: one per
 * shift from the first 签出/示忙 inside the window, a new one after the open one was acknowledged. A
 * sign-out whose seat another operator took within the window is a handover, not an episode. Shared
 * by the live rule and the day's counts, so they always agree.
 */
export function restrictedEpisodes(state: State, a: AgentRec, upTo: number, windowMin: number): RestrictedRec[] {
  const w = windowMin * MIN;
  const out: RestrictedRec[] = [];
  let openId: string | null = null;
  let openShift = -1;
  for (const r of a.restricted) {
    if (r.ts > upTo) continue;
    if (r.type === 'signout' && r.takenOverAt !== null && r.takenOverAt <= upTo && r.takenOverAt - r.ts <= w) continue;
    if (!(r.ts < r.shiftStart + w || r.ts >= r.shiftEnd - w)) continue;
    if (openId !== null && openShift === r.shiftStart) {
      const ack = state.alertAcks.get(openId);
      if (!ack || r.ts <= ack.at) continue; // still the same episode
    }
    openId = `restricted_window:${a.id}:${r.ts}`;
    openShift = r.shiftStart;
    out.push(r);
  }
  return out;
}

/**
 * Every day the state holds figures of, oldest first: those with sums, and those an agent has been
 * signed in (or waiting to sign in) through without an event, whose time is still in the spell it is in.
 */
export function daysHeld(state: State, tz: string): number[] {
  const days = new Set<number>([...state.windows.days.keys(), ...state.categoriesByDay.keys(), ...state.agentDays.keys(), ...state.followupsByDay.keys()]);
  const latest = Math.max(state.latestTs, state.maxEventTs);
  for (const a of state.agents.values()) {
    if (a.state === 'offline') continue;
    // (a spell is never longer than the state's history: pruning finalises its days as they leave)
    const from = Math.max(a.since, state.historyFrom, latest - HORIZON_CAP_MS);
    for (let d = startOfDay(from, tz); d <= latest; d = endOfDay(d, tz)) if (d >= state.historyFrom) days.add(d);
  }
  return [...days].sort((a, b) => a - b);
}

const byId = (a: { agentId: string }, b: { agentId: string }) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0);

/**
 * The archive record of the day starting at `dayStart`, from the state, at `now` (what is still
 * running is clipped at `now` or at the day's end, whichever is first).
 */
export function dayArchive(state: State, dayStart: number, now: number, config: CenterConfig): DayArchive {
  const tz = config.timeZone;
  const t = config.thresholds;
  const dayEnd = endOfDay(dayStart, tz);
  const upTo = Math.min(now, dayEnd);
  const inDay = (ms: number) => ms >= dayStart && ms < dayEnd && ms <= now;

  const window = { ...(state.windows.days.get(dayStart) ?? emptySums()) };
  const intervals: DayArchive['intervals'] = [];
  for (const [start, sums] of state.windows.intervals) if (start >= dayStart && start < dayEnd && sums.offered !== 0) intervals.push({ start, sums: { ...sums } });
  intervals.sort((a, b) => a.start - b.start);
  const categories = Object.fromEntries(CATEGORIES.map((c) => [c, state.categoriesByDay.get(dayStart)?.[c] ?? 0])) as Record<Category, number>;

  const callbacks = { missed: 0, returned: 0, returnedLate: 0 };
  const dueMs = t.callbackDueMin * MIN;
  for (const m of state.missed.values()) {
    if (!inDay(m.abandonedAt)) continue;
    callbacks.missed++;
    if (m.returnedAt === null) continue;
    callbacks.returned++;
    if (m.returnedAt > m.abandonedAt + dueMs) callbacks.returnedLate++;
  }

  const incidents = { raised: 0, major: 0, lateAcknowledgements: 0 };
  for (const i of state.incidents.values()) {
    if (!inDay(i.raisedAt)) continue;
    incidents.raised++;
    if (i.severity === 'major') incidents.major++;
    const deadline = leadAckDeadline(i, t);
    const ack = i.acknowledgements.find((a) => a.role === 'lead');
    if (ack ? ack.at > deadline : deadline < upTo) incidents.lateAcknowledgements++;
  }

  const agents = new Map<string, AgentDayRecord>();
  const record = (id: string): AgentDayRecord => {
    let r = agents.get(id);
    if (!r) {
      r = zeroAgentRecord(id, state.agents.get(id)?.name ?? null);
      agents.set(id, r);
    }
    return r;
  };
  const reasons = new Map<string, Map<string, number>>();
  const addReason = (id: string, reason: string, ms: number) => {
    let m = reasons.get(id);
    if (!m) reasons.set(id, (m = new Map()));
    m.set(reason, (m.get(reason) ?? 0) + ms);
  };
  for (const [id, d] of state.agentDays.get(dayStart) ?? []) {
    const r = record(id);
    r.answered = d.answered;
    r.ronas = d.ronas;
    r.talkMs = d.talkMs;
    r.talkN = d.talkN;
    r.wrapMs = d.wrapMs;
    r.handleMs = d.handleMs;
    r.handleN = d.handleN;
    r.signedInMs = d.signedInMs;
    r.availableMs = d.availableMs;
    r.busyMs = d.busyMs;
    r.callbacks = d.callbacks;
    r.violations.rona = d.rona;
    r.violations.not_signed_in = d.notSignedIn;
    r.violations.busy_too_long = d.busyTooLong;
    for (const [reason, ms] of d.busyByReason) addReason(id, reason, ms);
  }
  for (const a of state.agents.values()) {
    // the spell the agent is in now: its part of this day, and an episode it has become
    const from = Math.max(a.since, dayStart);
    if (SIGNED_IN.has(a.state) && upTo > from) {
      const r = record(a.id);
      const ms = upTo - from;
      r.signedInMs += ms;
      if (a.state === 'available') r.availableMs += ms;
      if (a.state === 'busy') {
        r.busyMs += ms;
        addReason(a.id, a.reason ?? '', ms);
      }
    }
    if (a.state === 'busy' && inDay(a.since + t.busyTooLongMin * MIN) && upTo - a.since >= t.busyTooLongMin * MIN) record(a.id).violations.busy_too_long++;
    if (a.state === 'logged_in' && inDay(a.since + t.notSignedInMin * MIN) && upTo - a.since >= t.notSignedInMin * MIN) record(a.id).violations.not_signed_in++;
    for (const r of restrictedEpisodes(state, a, Number.MAX_SAFE_INTEGER, t.restrictedWindowMin)) {
      if (inDay(r.ts)) record(a.id).violations.restricted_window++;
    }
  }
  for (const [id, m] of reasons) record(id).busyByReason = [...m].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  for (const [id, c] of attendanceCounts(state, dayStart, now, config)) record(id).attendance = c;
  const handovers: HandoverRecord[] = [];
  for (const h of state.handovers.values()) {
    if (h.shiftStart < dayStart || h.shiftStart >= dayEnd || h.at > now) continue;
    handovers.push({
      boundary: h.shiftStart,
      handoverId: h.handoverId,
      submittedBy: h.by,
      submittedAt: h.at,
      notes: maskNumbersIn(h.notes),
      openItems: { missedCalls: h.openItems.missedCalls.length, incidents: h.openItems.incidents.length, alerts: h.openItems.alerts.length },
      acceptedBy: h.acceptedAt !== null && h.acceptedAt <= now ? h.acceptedBy : null,
      acceptedAt: h.acceptedAt !== null && h.acceptedAt <= now ? h.acceptedAt : null,
      acceptNotes: h.acceptedAt !== null && h.acceptedAt <= now && h.acceptNotes !== null ? maskNumbersIn(h.acceptNotes) : null,
    });
  }
  handovers.sort((a, b) => a.boundary - b.boundary);

  return {
    v: ARCHIVE_VERSION,
    date: dateOf(dayStart, tz),
    start: dayStart,
    window,
    intervals,
    categories,
    callbacks,
    incidents,
    agents: [...agents.values()].sort(byId),
    handovers,
    followup: followupRecord(state.followupsByDay.get(dayStart)),
  };
}

/**
 * Whether the state holds the whole of the day starting at `dayStart`: not pruned yet (pruning takes
 * whole days) and not cut by a replay of a trimmed log. Other days are the archive store's.
 */
export function holdsWholeDay(state: State, dayStart: number): boolean {
  return dayStart >= state.historyFrom;
}

/** Bumped when the record's shape changes; a record of another version is not read. */
export const ARCHIVE_VERSION = 3;

/**
 * A stored record from its JSON text, or null when it is not one (another version, damaged). Ids
 * and reasons stay inside arrays, so no key of the text reaches a prototype.
 */
export function parseArchiveRecord(text: string): DayArchive | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return null;
  }
  if (v === null || typeof v !== 'object') return null;
  const d = v as Partial<DayArchive> & { v?: unknown };
  if (d.v === 1 && Array.isArray(d.agents)) {
    // version 1 had no attendance and no handovers (before the roster and the handover record)
    d.v = 2;
    d.handovers = [];
    for (const a of d.agents) a.attendance ??= { late: 0, absent: 0, leftEarly: 0 };
  }
  if (d.v === 2) {
    // version 2 had no follow-ups (before FOLLOWUP.md)
    d.v = ARCHIVE_VERSION;
    d.followup = followupRecord(undefined);
  }
  if (d.v !== ARCHIVE_VERSION || !Array.isArray(d.handovers) || typeof d.followup !== 'object' || d.followup === null || typeof d.date !== 'string' || typeof d.start !== 'number' || typeof d.window !== 'object' || d.window === null) return null;
  if (!Array.isArray(d.intervals) || !Array.isArray(d.agents) || typeof d.categories !== 'object' || typeof d.callbacks !== 'object' || typeof d.incidents !== 'object') return null;
  return d as DayArchive;
}
