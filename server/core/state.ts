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
  /** recent agent.busy / agent.signout events, for the restricted-window rule (bounded) */
  restricted: RestrictedRec[];
}

/** An agent.busy or agent.signout, kept for the restricted-window rule (第三十二条). */
export interface RestrictedRec {
  ts: number;
  type: 'busy' | 'signout';
  /** for a signout: the seat left */
  seat: string | null;
  /** for a signout: when another agent signed in at that seat afterwards (a handover), else null */
  takenOverAt: number | null;
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

export interface TicketRec {
  ts: number;
  category: Category;
  ticketId: string;
}

export interface AlertAck {
  by: string;
  at: number;
  note: string | null;
}

export interface State {
  v: typeof STATE_VERSION;
  agents: Map<string, AgentRec>;
  calls: Map<string, CallRec>;
  missed: Map<string, MissedRec>;
  tickets: TicketRec[];
  incidents: Map<string, IncidentRec>;
  alertAcks: Map<string, AlertAck>;
  seats: Map<string, SeatRec>;
  /** per queue: since when calls wait there while no agent is available (absent: not the case) */
  noAgentSince: Map<string, number>;
  /** event ids applied recently, oldest first, for idempotency: [id, ts] */
  seen: [string, number][];
  /** the newest stream time seen (ms of the stream IDs, set by Redis on append): drives id pruning */
  latestTs: number;
  /** the newest event `ts` seen */
  maxEventTs: number;
  counters: { rejected: number; duplicates: number; anomalies: number; applied: number };
}

/** Bumped whenever the shape changes: a snapshot of another version is not loaded (the node replays). */
export const STATE_VERSION = 2;

export function emptyState(): State {
  return {
    v: STATE_VERSION,
    agents: new Map(),
    calls: new Map(),
    missed: new Map(),
    tickets: [],
    incidents: new Map(),
    alertAcks: new Map(),
    seats: new Map(),
    noAgentSince: new Map(),
    seen: [],
    latestTs: 0,
    maxEventTs: 0,
    counters: { rejected: 0, duplicates: 0, anomalies: 0, applied: 0 },
  };
}

const MAP_FIELDS = ['agents', 'calls', 'missed', 'incidents', 'alertAcks', 'seats', 'noAgentSince'] as const;

/** The state as JSON text (maps as arrays of [key, value] pairs), for the snapshot store. */
export function encodeState(state: State): string {
  return JSON.stringify(state, (_key, value: unknown) => (value instanceof Map ? [...value] : value));
}

/**
 * The state from `encodeState`'s text, or null when it is of another version or not a state at all
 * (the node then replays the log). Keys stay strings inside pairs, so no key can reach a prototype.
 */
export function decodeState(text: string): State | null {
  const raw: unknown = JSON.parse(text);
  if (raw === null || typeof raw !== 'object' || (raw as { v?: unknown }).v !== STATE_VERSION) return null;
  const s = raw as Record<string, unknown>;
  for (const f of MAP_FIELDS) {
    if (!Array.isArray(s[f])) return null;
    s[f] = new Map(s[f] as [string, unknown][]);
  }
  return s as unknown as State;
}
