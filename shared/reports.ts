/**
 * The shapes of the reports routes (/api/v1/reports/*): what the server answers and the /reports
 * screen reads. Zod-free, so the client imports it as it is.
 */
import type { Category } from './events';
import type { FollowupFigures, IntervalBucket, WindowStats } from './snapshot';

/** The rules an operator's violations are counted by (docs/rules.md). */
export const VIOLATION_RULES = ['rona', 'not_signed_in', 'busy_too_long', 'restricted_window'] as const;
export type ViolationRule = (typeof VIOLATION_RULES)[number];
export type Violations = Record<ViolationRule, number>;

/** `YYYY-MM-DD`, a day of the center's time zone. */
export type DateString = string;

export interface DayRow extends WindowStats {
  date: DateString;
  /** present (true) on today's row: the day is not over, its figures are live */
  partial?: true;
  intervals: IntervalBucket[];
  categories: Record<Category, number>;
  callbacks: { missed: number; returned: number; returnedLate: number };
  incidents: { raised: number; major: number; lateAcknowledgements: number };
  /** the handover records of the day's shift boundaries (交接本) */
  handovers: HandoverRow[];
  /** the day's follow-up calls (回访) and satisfaction */
  followup: FollowupFigures;
}

export interface HandoverRow {
  /** epoch ms of the boundary (the incoming shift's start) */
  boundary: number;
  handoverId: string;
  submittedBy: string;
  submittedAt: number;
  notes: string;
  openItems: { missedCalls: number; incidents: number; alerts: number };
  acceptedBy: string | null;
  acceptedAt: number | null;
  acceptNotes: string | null;
}

export interface DaysReport {
  from: DateString;
  to: DateString;
  timeZone: string;
  days: DayRow[];
  /** the window over every call first queued in the range */
  total: WindowStats;
}

export interface AgentRow {
  agentId: string;
  name: string | null;
  answered: number;
  ronas: number;
  talkSec: number;
  wrapupSec: number;
  avgTalkSec: number | null;
  avgHandleSec: number | null;
  signedInSec: number;
  availableSec: number;
  busySec: number;
  /** seconds busy by reason; a busy without a reason is under "" */
  busyByReason: Record<string, number>;
  occupancy: number | null;
  callbacks: number;
  violations: Violations;
  /** the rostered shifts (SHIFTS.md): signed in late, absent, left early */
  attendance: { late: number; absent: number; leftEarly: number };
}

export interface AgentsReport {
  from: DateString;
  to: DateString;
  timeZone: string;
  agents: AgentRow[];
}

export interface AgentDaysReport {
  from: DateString;
  to: DateString;
  timeZone: string;
  agentId: string;
  name: string | null;
  days: (AgentRow & { date: DateString; partial?: true })[];
}

/** The longest range a report may cover, in days (both ends included). */
export const MAX_REPORT_DAYS = 366;
