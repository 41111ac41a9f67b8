/**
 * The snapshot: the whole current view, as `GET /api/v1/snapshot` and the Socket.IO `snapshot`
 * event carry it. Field names are fixed by the public API (docs/api.md). Optional values are `null`.
 */
import type { Thresholds } from './config';
import type { Category, IncidentSeverity } from './events';

export const AGENT_STATES = ['offline', 'logged_in', 'available', 'ringing', 'talking', 'wrapup', 'busy'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** The per-window figures of the metric definitions (today, shift). Seconds, unrounded. */
export interface WindowStats {
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredInSL: number;
  serviceLevel: number | null;
  answerRate: number | null;
  timelyRate: number | null;
  asaSec: number | null;
  maxWaitSec: number | null;
  avgTalkSec: number | null;
  avgHandleSec: number | null;
}

export interface ShiftView extends WindowStats {
  name: string;
  /** epoch ms of the current shift's start */
  start: number;
  /** epoch ms of the next shift's start (where this one ends) */
  end: number;
}

export interface IntervalBucket {
  start: number;
  offered: number;
  answered: number;
  abandoned: number;
  shortAbandoned: number;
  answeredInSL: number;
}

export interface QueueFigures {
  waiting: number;
  longestWaitSec: number | null;
}

export interface WaitingCall {
  callId: string;
  queue: string;
  /** epoch ms of the latest call.queued (a transferred call waits from its transfer) */
  since: number;
  /** masked caller number, or null when unknown */
  caller: string | null;
  /** the agent it is ringing at, or null */
  agentId: string | null;
}

export interface AgentView {
  id: string;
  name: string | null;
  seat: string | null;
  state: AgentState;
  since: number;
  reason: string | null;
  callId: string | null;
}

export type AgentCounts = Record<AgentState, number>;

export interface MissedCallView {
  callId: string;
  /** masked */
  caller: string;
  abandonedAt: number;
  due: number;
  overdue: boolean;
}

/** A missed call that was returned today (回复), kept so the lead sees who called back and when. */
export interface ReturnedCallView {
  callId: string;
  /** masked */
  caller: string;
  abandonedAt: number;
  returnedBy: string;
  returnedAt: number;
  reached: boolean | null;
  /** returned after its due time */
  late: boolean;
}

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

export interface IncidentView {
  incidentId: string;
  title: string;
  severity: IncidentSeverity;
  location: string | null;
  raisedAt: number;
  /** the operator (工号) who raised it, or null */
  raisedBy: string | null;
  status: IncidentStatus;
  acknowledgements: { by: string; role: 'lead' | 'director'; at: number }[];
  escalatedTo: 'director' | 'external' | null;
  reportedAt: number | null;
  resolvedAt: number | null;
  report: { by: string; nature: string; harm: string; measures: string; progress: string } | null;
  resolvedBy: string | null;
}

export const ALERT_RULES = [
  'call_waiting',
  'no_agent_available',
  'missed_call_overdue',
  'rona',
  'not_signed_in',
  'busy_too_long',
  'restricted_window',
  'handover_gap',
  'incident_unacknowledged',
  'incident_director_pending',
  'incident_report_overdue',
  'service_level_low',
  'late_signin',
  'absent',
  'left_early',
  'handover_not_submitted',
  'handover_unaccepted',
  'understaffed',
  'ticket_returned_twice',
  'dispatch_overdue',
  'special_task_stalled',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/**
 * An alert's figures, by rule (docs/api.md lists them): `queue`, `waitSec`, `dueMin`, `agentId`,
 * `name`, `count`, `windowMin`, `minutes`, `action`, `seat`, `gapSec`, `incidentId`, `title`,
 * `severity`, `ackSec`, `serviceLevel`, `target`. Screens turn them into text in their own language
 * (shared/alert-text.ts).
 */
export type AlertParams = Record<string, string | number | null>;

export interface AlertView {
  id: string;
  rule: AlertRule;
  severity: 'warning' | 'critical';
  subject: string;
  since: number;
  /** the alert's figures: what a screen renders, in its language */
  params: AlertParams;
  /** the alert as Chinese text (the center's language), for scripts that show it as is */
  message: string;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
}

/**
 * One telephony feed (a PBX adapter) as the node last saw it: its health key
 * `<prefix>feeds:<name>`, read every 5 s. A key that expired is listed with `connected: false` and
 * its last `since` / `lastEventAt` until the node restarts. Operational status, not stream data.
 */
export interface FeedView {
  name: string;
  connected: boolean;
  /** epoch ms since when the feed has been in this state (as the adapter last reported it) */
  since: number;
  /** epoch ms of the last PBX event the adapter turned into wallboard events, or null */
  lastEventAt: number | null;
}

/** One operator on the current shift's roster, and where they are (SHIFTS.md). */
export interface RosterView {
  agentId: string;
  name: string | null;
  seat: string | null;
  status: 'present' | 'late' | 'pending' | 'absent' | 'left_early' | 'out';
}

/**
 * Attendance (考勤) of the current shift, against the roster of its day (null: no roster for it).
 * `late`: signed in after the shift's start; `absent`: not signed in `absentAfterMin` after it;
 * `leftEarly`: signed out before its end and not back (a handover at the seat is not early);
 * `unscheduled`: signed in but not on the roster.
 */
export interface AttendanceView {
  /** the shift's name */
  shift: string;
  start: number;
  end: number;
  rostered: number;
  present: number;
  late: string[];
  absent: string[];
  leftEarly: string[];
  unscheduled: string[];
  /** the roster of the shift, by work number, with each operator's status now */
  entries: RosterView[];
}

/** The handover (交接班) at the shift boundary nearest to now. */
export interface HandoverView {
  /** epoch ms of the boundary (the incoming shift's start) */
  boundary: number;
  status: 'pending' | 'submitted' | 'accepted';
  /** from when the outgoing lead may submit (handoverOpenMin before the boundary) */
  opensAt: number;
  handoverId: string | null;
  submittedBy: string | null;
  submittedAt: number | null;
  notes: string | null;
  openItems: { missedCalls: string[]; incidents: string[]; alerts: string[] } | null;
  acceptedBy: string | null;
  acceptedAt: number | null;
  acceptNotes: string | null;
}

/** One 30-minute interval of the staffing plan (排班建议). */
export interface StaffingInterval {
  start: number;
  /** mean offered calls of the same weekday and interval over the last 4 weeks (null: no history) */
  forecastOffered: number | null;
  /** mean handle time there, seconds (null: no history) */
  forecastAhtSec: number | null;
  /** Erlang C: the fewest agents for the service-level target (null without a forecast) */
  requiredAgents: number | null;
  /** operators rostered on the shift covering the interval (null: no roster) */
  rostered: number | null;
  /** mean operators signed in over the interval (past and current ones; null for those to come) */
  signedIn: number | null;
}

/** Follow-up calls (回访) over a period (FOLLOWUP.md). */
export interface FollowupFigures {
  followups: number;
  /** all but `unreachable` */
  reached: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  /** (satisfied + basically satisfied) / reached; null when nobody was reached */
  satisfactionRate: number | null;
}

/** A dissatisfied case tracked as a special task (专项), through every step. */
export interface SpecialTaskView {
  ticketId: string;
  category: string | null;
  unit: string | null;
  dissatisfiedAt: number;
  lastEventAt: number;
  /** every step of the ticket: created, dispatched, returned, replied, followup (with its result), supervised, closed */
  steps: { type: string; at: number; unit?: string; result?: string }[];
}

/** The tickets with a unit and no reply yet (转办未回复), by unit. */
export interface DispatchView {
  open: number;
  byUnit: { unit: string; open: number; oldestSince: number }[];
  /** the dispatches past `replyDueDays`, oldest first */
  overdue: { ticketId: string; unit: string; category: string | null; dispatchedAt: number }[];
}

export interface FollowupView {
  today: FollowupFigures;
  month: FollowupFigures;
  /** dissatisfied follow-ups this month, by the ticket's category and by its unit (no prototype: keys come from outside) */
  dissatisfiedBy: { category: Record<string, number>; unit: Record<string, number> };
  specialTasks: SpecialTaskView[];
  dispatch: DispatchView;
}

export interface Snapshot {
  cursor: string;
  serverTime: number;
  /** the center, with the thresholds in force (screens colour and count down by them) */
  center: { name: string; timeZone: string; thresholds: Thresholds; shifts: { name: string; start: string }[] };
  shift: ShiftView;
  today: WindowStats;
  intervals: IntervalBucket[];
  queue: QueueFigures & { byQueue: Record<string, QueueFigures>; calls: WaitingCall[] };
  /** calls waiting at each whole minute of the last 60 minutes, oldest first (61 points) */
  waitingHistory: { t: number; waiting: number }[];
  agents: AgentView[];
  agentCounts: AgentCounts;
  missedCalls: MissedCallView[];
  /** missed calls returned today, newest first */
  returnedCalls: ReturnedCallView[];
  /** today's callbacks: returned in time, returned late, and pending past due now */
  callbacks: { returnedToday: number; returnedLateToday: number; overdueNow: number };
  categories: Record<Category, number>;
  incidents: IncidentView[];
  alerts: AlertView[];
  ingest: { rejected: number; duplicates: number; anomalies: number };
  /** telephony feeds by name (empty for a center without adapters, e.g. the plain demo) */
  feeds: FeedView[];
  /** the current shift's attendance against its roster (null: no roster) */
  attendance: AttendanceView | null;
  /** the handover at the nearest shift boundary (null: the center keeps no handover record here yet) */
  handover: HandoverView | null;
  /** today's staffing: forecast, required, rostered and signed in, per 30-minute interval */
  staffing: { intervals: StaffingInterval[] };
  /** tickets after the call: follow-ups and satisfaction, special tasks, dispatches (FOLLOWUP.md) */
  followup: FollowupView;
}
