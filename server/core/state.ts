/**
 * The core's state: everything `reduce` has learnt from the event stream. Nothing here depends on
 * the clock: only event times. The full caller number lives here (for the audited reveal) and is
 * masked by `derive` on the way out.
 *
 * Everything keyed by an id that comes from outside (agent, call, seat, queue, incident, alert) is a
 * `Map`: a plain object indexed by `"__proto__"` or `"constructor"` reads its prototype, and one such
 * id in the stream would otherwise take every node down. `encodeState`/`decodeState` turn the state
 * into JSON text for the snapshot and back.
 */
import type { AgentState } from '../../shared/snapshot';
import type { CenterConfig } from '../../shared/config';
import type { Category, IncidentSeverity } from '../../shared/events';

export interface AgentRec {
  id: string;
  name: string | null;
  seat: string | null;
  state: AgentState;
  since: number;
  reason: string | null;
  /** the call ringing at, talked on, or (in wrap-up) last handled */
  callId: string | null;
  /** call whose leg is in wrap-up: its wrap-up ends with this agent's next event */
  wrapCallId: string | null;
  /** ts of recent call.rona events (bounded) */
  ronas: number[];
  /** agent.busy / agent.signout events of the archive horizon, for the restricted-window rule and its counts */
  restricted: RestrictedRec[];
  /** ts of the call.rona that opened the agent's latest rona episode (null: none yet) */
  ronaEpisode: number | null;
  /**
   * When the agent became signed in (1) or stopped being so (0), in event order, over the archive
   * horizon: attendance (SHIFTS.md) reads who was signed in when from it.
   */
  presence: [number, 0 | 1][];
}

/** A ticket after the call (FOLLOWUP.md): its dispatch, returns, follow-ups and special task. */
export interface TicketRec {
  ticketId: string;
  /** from its ticket.created (null: created before the state's history, or never seen) */
  category: Category | null;
  /** the agent who registered it (第五十八条), or null */
  createdBy: string | null;
  /** the unit it was last dispatched to or replied from */
  unit: string | null;
  /** when it was dispatched to `unit` and has had no reply (and was not returned) since; null: none pending */
  dispatchedAt: number | null;
  /** returns since the last reply */
  returnsInRow: number;
  /** ts of the return that made it twice in a row (the alert's episode); null: none */
  returnEpisode: number | null;
  /** when it became a special task (a dissatisfied follow-up), while it is one */
  dissatisfiedAt: number | null;
  closedAt: number | null;
  lastEventAt: number;
  /** every step, oldest first (bounded) */
  steps: { type: string; at: number; unit?: string; result?: string }[];
}

/** One day's follow-up calls (回访), by the day of the call. */
export interface FollowupDay {
  followups: number;
  reached: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  /** dissatisfied ones by the ticket's category ("" unknown) */
  byCategory: Map<string, number>;
  /** dissatisfied ones by the ticket's unit ("" none) */
  byUnit: Map<string, number>;
}

/** A day's roster as published (the last one for a date wins). */
export interface RosterRec {
  entries: { agentId: string; name: string | null; shift: string; seat: string | null }[];
  by: string;
  at: number;
}

/** A handover (交接班) record: the outgoing lead's submission and the incoming lead's acceptance. */
export interface HandoverRec {
  handoverId: string;
  /** the boundary: the incoming shift's start */
  shiftStart: number;
  by: string;
  at: number;
  notes: string;
  openItems: { missedCalls: string[]; incidents: string[]; alerts: string[] };
  acceptedBy: string | null;
  acceptedAt: number | null;
  acceptNotes: string | null;
}

/**
 * One agent's figures on one day (the assessment of 第三十九条), as running sums updated by the
 * reducer: legs by the day they started, state times split at midnight. The interval the agent is
 * in now, and the restricted-window episodes, are added when the day is read (see archive.ts).
 */
export interface AgentDaySums {
  answered: number;
  ronas: number;
  /** ms over the legs that ended */
  talkMs: number;
  talkN: number;
  /** ms over the legs whose wrap-up ended */
  wrapMs: number;
  handleMs: number;
  handleN: number;
  signedInMs: number;
  availableMs: number;
  busyMs: number;
  /** ms busy by reason ("" for none) */
  busyByReason: Map<string, number>;
  callbacks: number;
  /** episodes that started this day and are over (the restricted-window rule is counted on reading) */
  rona: number;
  notSignedIn: number;
  busyTooLong: number;
}

/** An agent.busy or agent.signout, kept for the restricted-window rule (第三十二条). */
export interface RestrictedRec {
  ts: number;
  type: 'busy' | 'signout';
  /** for a signout: the seat left */
  seat: string | null;
  /** for a signout: when another agent signed in at that seat afterwards (a handover), else null */
  takenOverAt: number | null;
  /** the shift `ts` falls in (start, end), worked out once when the event is applied */
  shiftStart: number;
  shiftEnd: number;
}

export interface LegRec {
  agentId: string;
  start: number;
  end: number | null;
  wrapEnd: number | null;
}

export type CallStatus = 'waiting' | 'talking' | 'ended' | 'abandoned';

export interface CallRec {
  id: string;
  /** ts of the first call.queued; null if the call was never queued (anomaly): then it is in no window */
  firstQueuedAt: number | null;
  queue: string;
  caller: string | null;
  status: CallStatus;
  /** ts of the latest call.queued or transfer while waiting */
  waitingSince: number | null;
  ringingAgent: string | null;
  talkingAgent: string | null;
  /** ts of the first call.answered */
  answeredAt: number | null;
  /** ts of the call.abandoned of a never-answered call */
  abandonedAt: number | null;
  legs: LegRec[];
  /** every wait of the call: [start, end or null while waiting] (for the waiting-calls history) */
  waits: [number, number | null][];
  lastTs: number;
  /** what the call adds to its windows now, and which windows those are (null: none) */
  counted: CountedCall | null;
}

/**
 * Running sums of one window (a day, a shift or an interval). Plain data: it is part of the state.
 * Durations are summed in whole milliseconds, so adding and removing a call's terms is exact.
 */
export interface WindowSums {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredInSL: number;
  /** sum of the waits of answered calls (ms) */
  waitSum: number;
  /** longest wait of an answered or abandoned call (ms); only grows (see decisions.md) */
  maxWait: number | null;
  /** ms */
  talkSum: number;
  talkN: number;
  /** ms */
  handleSum: number;
  handleN: number;
}

/** What one call adds to each of its windows: the sums' terms for that call. */
export type Contribution = Omit<WindowSums, 'maxWait' | 'offered'> & { wait: number | null };

/** The windows a call was counted in (by its first queueing) and what it added to them. */
export interface CountedCall {
  queuedAt: number;
  day: number;
  shift: number;
  interval: number;
  terms: Contribution;
}

/** Running totals per window, keyed by the window's start (epoch ms). */
export interface Windows {
  days: Map<number, WindowSums>;
  shifts: Map<number, WindowSums>;
  intervals: Map<number, WindowSums>;
}

export interface MissedRec {
  callId: string;
  caller: string;
  abandonedAt: number;
  returnedBy: string | null;
  returnedAt: number | null;
  reached: boolean | null;
}

export interface IncidentRec {
  incidentId: string;
  title: string;
  severity: IncidentSeverity;
  location: string | null;
  callId: string | null;
  raisedAt: number;
  raisedBy: string | null;
  acknowledgements: { by: string; role: 'lead' | 'director'; at: number }[];
  escalations: { by: string; to: 'director' | 'external'; at: number }[];
  report: { by: string; at: number; nature: string; harm: string; measures: string; progress: string } | null;
  resolvedAt: number | null;
  resolvedBy: string | null;
  note: string | null;
}

export interface SeatRec {
  /** who is signed in at the seat now, or null */
  agentId: string | null;
  /** when the last person signed out of it (while nobody has signed in since) */
  vacatedAt: number | null;
  /** who left it */
  vacatedBy: string | null;
}

export interface AlertAck {
  by: string;
  at: number;
  note: string | null;
}

export interface State {
  v: typeof STATE_VERSION;
  /** the settings the running totals were computed with (`configKey`): a state of others is not loaded */
  configKey: string;
  agents: Map<string, AgentRec>;
  calls: Map<string, CallRec>;
  /** ids of the calls waiting now (status 'waiting'): what the screens' queue is made of */
  waiting: Set<string>;
  /** how many agents are available now */
  availableAgents: number;
  /** waits that ended recently, [start, end], for the waiting-calls history of the last hour */
  recentWaits: [number, number][];
  windows: Windows;
  missed: Map<string, MissedRec>;
  /** ticket ids seen (with their ts), to count a ticket once */
  ticketIds: Map<string, number>;
  /** tickets per category, by the local day they were created */
  categoriesByDay: Map<number, Record<Category, number>>;
  incidents: Map<string, IncidentRec>;
  alertAcks: Map<string, AlertAck>;
  seats: Map<string, SeatRec>;
  /** per queue: since when calls wait there while no agent is available (absent: not the case) */
  noAgentSince: Map<string, number>;
  /** per local day (its start), per agent: that day's figures */
  agentDays: Map<number, Map<string, AgentDaySums>>;
  /** tickets by id (FOLLOWUP.md) */
  tickets: Map<string, TicketRec>;
  /** bumped on every ticket event: the follow-up view is worked out again only when it moved */
  ticketsVersion: number;
  /** follow-up calls per local day */
  followupsByDay: Map<number, FollowupDay>;
  /** rosters by date (YYYY-MM-DD) */
  rosters: Map<string, RosterRec>;
  /** handover records by id (one per boundary: a newer submission replaces one not yet accepted) */
  handovers: Map<string, HandoverRec>;
  /** per 30-minute interval (its start): the time agents spent signed in in it, summed (ms), for staffing */
  signedInByInterval: Map<number, number>;
  /**
   * Days that start before this instant are not (wholly) here: pruned (and archived), or cut off
   * because the state was replayed from a log trimmed at this point. They are the archive's.
   */
  historyFrom: number;
  /** calls that finished and whose records were pruned, with their last ts: late events about them are ignored */
  forgottenCalls: Map<string, number>;
  /** event ids applied recently, oldest first, for idempotency, with their stream times (two columns: no tuple per event) */
  seen: { ids: string[]; at: number[] };
  /** the newest stream time seen (ms of the stream IDs, set by Redis on append): drives id pruning */
  latestTs: number;
  /** the newest event `ts` seen */
  maxEventTs: number;
  counters: { rejected: number; duplicates: number; anomalies: number; applied: number };
}

/** Bumped whenever the shape changes: a snapshot of another version is not loaded (the node replays). */
export const STATE_VERSION = 7;

/**
 * The settings the reducer's running totals depend on (time zone, shifts, the two thresholds that
 * classify a call). A snapshot made under other settings is not loaded: the node replays instead.
 */
export function configKey(config: CenterConfig): string {
  const t = config.thresholds;
  // the event-time limits decide which entries are applied at all, so they belong here too
  // and the thresholds the per-agent and per-day figures of the archive are counted by
  return JSON.stringify([
    config.timeZone,
    config.shifts.map((x) => x.startMin),
    t.slThresholdSec,
    t.shortAbandonSec,
    config.eventTime.maxClockSkewMin,
    config.eventTime.retentionDays,
    t.callbackDueMin,
    t.ronaWindowMin,
    t.notSignedInMin,
    t.busyTooLongMin,
    t.restrictedWindowMin,
    t.incidentLeadAckSec,
  ]);
}

export function emptyState(config: CenterConfig): State {
  return {
    v: STATE_VERSION,
    configKey: configKey(config),
    agents: new Map(),
    calls: new Map(),
    waiting: new Set(),
    availableAgents: 0,
    recentWaits: [],
    windows: { days: new Map(), shifts: new Map(), intervals: new Map() },
    missed: new Map(),
    ticketIds: new Map(),
    categoriesByDay: new Map(),
    incidents: new Map(),
    alertAcks: new Map(),
    seats: new Map(),
    noAgentSince: new Map(),
    agentDays: new Map(),
    tickets: new Map(),
    ticketsVersion: 0,
    followupsByDay: new Map(),
    rosters: new Map(),
    handovers: new Map(),
    signedInByInterval: new Map(),
    historyFrom: 0,
    forgottenCalls: new Map(),
    seen: { ids: [], at: [] },
    latestTs: 0,
    maxEventTs: 0,
    counters: { rejected: 0, duplicates: 0, anomalies: 0, applied: 0 },
  };
}

const MAP_FIELDS = ['agents', 'calls', 'missed', 'ticketIds', 'categoriesByDay', 'incidents', 'alertAcks', 'seats', 'noAgentSince', 'forgottenCalls', 'rosters', 'handovers', 'signedInByInterval', 'tickets'] as const;
const WINDOW_FIELDS = ['days', 'shifts', 'intervals'] as const;

/** The state as JSON text (maps and sets as arrays), for the snapshot store. */
export function encodeState(state: State): string {
  return JSON.stringify(state, (_key, value: unknown) => (value instanceof Map || value instanceof Set ? [...value] : value));
}

/**
 * The state from `encodeState`'s text, or null when it is of another version, of other settings
 * (`configKey`), or not a state at all (the node then replays the log). Keys stay strings inside
 * pairs, so no key can reach a prototype.
 */
export function decodeState(text: string, config: CenterConfig): State | null {
  const raw: unknown = JSON.parse(text);
  if (raw === null || typeof raw !== 'object') return null;
  const s = raw as Record<string, unknown>;
  if (s.v !== STATE_VERSION || s.configKey !== configKey(config)) return null;
  for (const f of MAP_FIELDS) {
    if (!Array.isArray(s[f])) return null;
    s[f] = new Map(s[f] as [unknown, unknown][]);
  }
  if (!Array.isArray(s.waiting) || !Array.isArray(s.recentWaits)) return null;
  const seen = s.seen as { ids?: unknown; at?: unknown } | null;
  if (seen === null || typeof seen !== 'object' || !Array.isArray(seen.ids) || !Array.isArray(seen.at) || seen.ids.length !== seen.at.length) return null;
  const counters = s.counters as Record<string, unknown> | null;
  if (counters === null || typeof counters !== 'object' || !['rejected', 'duplicates', 'anomalies', 'applied'].every((k) => typeof counters[k] === 'number')) return null;
  s.waiting = new Set(s.waiting as string[]);
  if (!Array.isArray(s.agentDays) || typeof s.historyFrom !== 'number' || !Array.isArray(s.followupsByDay) || typeof s.ticketsVersion !== 'number') return null;
  s.followupsByDay = new Map(
    (s.followupsByDay as [number, FollowupDay][]).map(([day, f]) => [
      day,
      { ...f, byCategory: new Map(f.byCategory as unknown as [string, number][]), byUnit: new Map(f.byUnit as unknown as [string, number][]) },
    ]),
  );
  s.agentDays = new Map(
    (s.agentDays as [number, [string, AgentDaySums][]][]).map(([day, agents]) => [
      day,
      new Map(agents.map(([id, x]) => [id, { ...x, busyByReason: new Map(x.busyByReason as unknown as [string, number][]) }])),
    ]),
  );
  const w = s.windows as Record<string, unknown> | null;
  if (w === null || typeof w !== 'object') return null;
  for (const f of WINDOW_FIELDS) {
    if (!Array.isArray(w[f])) return null;
    w[f] = new Map(w[f] as [number, unknown][]);
  }
  return s as unknown as State;
}
