/**
 * The shift's pure parts for the screens (SHIFTS.md): the handover at the nearest boundary (also
 * before the center kept any record, from the configured shifts), what the wall says about it and
 * when, the attendance figures, the roster upload's problems and the staffing chart's series.
 * No runes, no DOM.
 */
import type { AttendanceView, HandoverView, RosterView, Snapshot, StaffingInterval } from '../../../shared/snapshot';
import { localParts, shiftAt } from '../../../shared/time';
import type { Level } from './targets';

const MIN = 60_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** The configured shifts as shared/time.ts takes them (`start` "HH:MM" → minutes after midnight). */
function shiftConfig(center: Snapshot['center']) {
  const shifts = center.shifts.map((s) => {
    const [h, m] = s.start.split(':').map(Number);
    return { name: s.name, startMin: (h ?? 0) * 60 + (m ?? 0) };
  });
  return { shifts: shifts.length ? shifts : [{ name: '', startMin: 0 }], timeZone: center.timeZone };
}

/** The name of the shift that starts at `boundary`. */
export function shiftStartingAt(center: Snapshot['center'], boundary: number): string {
  return shiftAt(boundary, shiftConfig(center)).name;
}

/**
 * The handover at the boundary nearest to `now`: the snapshot's, or, while the center keeps no
 * record yet (`handover: null`), a pending one worked out from the configured shifts, so the first
 * handover can be written too.
 */
export function currentHandover(s: Pick<Snapshot, 'handover' | 'center'>, now: number): HandoverView {
  if (s.handover) return s.handover;
  const shift = shiftAt(now, shiftConfig(s.center));
  const boundary = now - shift.start <= shift.end - now ? shift.start : shift.end;
  return {
    boundary,
    status: 'pending',
    opensAt: boundary - (s.center.thresholds.handoverOpenMin ?? 30) * MIN,
    handoverId: null,
    submittedBy: null,
    submittedAt: null,
    notes: null,
    openItems: null,
    acceptedBy: null,
    acceptedAt: null,
    acceptNotes: null,
  };
}

/** The outgoing lead may write the handover now: its window is open and nothing is submitted yet. */
export const canSubmit = (h: HandoverView, now: number): boolean => h.status === 'pending' && now >= h.opensAt;

/** The incoming lead may sign it: submitted, not yet accepted. */
export const canAccept = (h: HandoverView): boolean => h.status === 'submitted' && h.handoverId !== null;

/**
 * The handover's colour: signed is fine; before the boundary an open handover is work in progress;
 * after it, one still unwritten is overdue and one unsigned waits for the incoming lead.
 */
export function handoverLevel(h: HandoverView, now: number): Level | 'neutral' {
  if (h.status === 'accepted') return 'ok';
  if (now < h.boundary) return 'neutral';
  return h.status === 'pending' ? 'bad' : 'warn';
}

/**
 * Whether the wall shows the handover: from the moment it opens until as long after the boundary
 * (handoverOpenMin, 30 min by default), and past that for as long as it is not signed.
 */
export function wallShowsHandover(h: HandoverView | null, now: number): boolean {
  if (!h || now < h.opensAt) return false;
  return now <= h.boundary + (h.boundary - h.opensAt) || h.status !== 'accepted';
}

/**
 * One problem of a refused roster (400 invalid_roster `details`): the data line it is on (1 = the
 * first line under the header, 0 = the header, null = the whole upload), the field and what is wrong.
 */
export interface RosterProblem {
  line: number | null;
  field: string;
  message: string;
}

export function rosterProblems(details: unknown): RosterProblem[] {
  if (!Array.isArray(details)) return [];
  return details.flatMap((d): RosterProblem[] => {
    if (d === null || typeof d !== 'object') return [];
    const o = d as Record<string, unknown>;
    return [
      {
        line: typeof o.line === 'number' && Number.isInteger(o.line) ? o.line : null,
        field: typeof o.field === 'string' ? o.field : '',
        message: typeof o.message === 'string' ? o.message : '',
      },
    ];
  });
}

/**
 * A roster problem's message as a key of the page's words and its figures, for the server's
 * messages this build knows (the server words them in English); null: show the server's own.
 */
export function rosterMessage(message: string): { key: 'rosterRequired' | 'rosterUnknownShift' | 'rosterDuplicate' | 'rosterTooManyCells' | 'rosterBadHeader'; params: Record<string, string> } | null {
  if (message === 'required') return { key: 'rosterRequired', params: {} };
  let m = /^unknown shift "(.*)": the shifts are (.*)$/.exec(message);
  if (m) return { key: 'rosterUnknownShift', params: { shift: m[1]!, shifts: m[2]! } };
  m = /^(.*) is already on (.*) \(line (\d+)\)$/.exec(message);
  if (m) return { key: 'rosterDuplicate', params: { agent: m[1]!, shift: m[2]!, n: m[3]! } };
  m = /^more than (\d+) cells$/.exec(message);
  if (m) return { key: 'rosterTooManyCells', params: { n: m[1]! } };
  m = /^the first line must be (.*)$/.exec(message);
  if (m) return { key: 'rosterBadHeader', params: { header: m[1]! } };
  return null;
}

export interface StaffingSeries {
  /** "HH:MM" of each interval's start */
  labels: string[];
  required: (number | null)[];
  rostered: (number | null)[];
  signedIn: (number | null)[];
  forecast: (number | null)[];
  /** the interval `now` is in, or -1 when it is not today's */
  current: number;
  /** any forecast at all (a center without history has none) */
  hasForecast: boolean;
  hasRoster: boolean;
}

/** Today's staffing intervals as plain arrays for Chart.js (nulls kept: no line or bar there). */
export function staffingSeries(intervals: readonly StaffingInterval[], now: number, tz: string): StaffingSeries {
  const labels = intervals.map((i) => {
    const p = localParts(i.start, tz);
    return `${pad2(p.hour)}:${pad2(p.minute)}`;
  });
  const current = intervals.findLastIndex((i) => i.start <= now);
  const last = intervals[current];
  const inToday = last !== undefined && now < last.start + 30 * MIN;
  const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    labels,
    required: intervals.map((i) => i.requiredAgents),
    rostered: intervals.map((i) => i.rostered),
    signedIn: intervals.map((i) => round1(i.signedIn)),
    forecast: intervals.map((i) => round1(i.forecastOffered)),
    current: inToday ? current : -1,
    hasForecast: intervals.some((i) => i.forecastOffered !== null),
    hasRoster: intervals.some((i) => i.rostered !== null),
  };
}

export type RosterStatus = RosterView['status'];

/** Each roster status's colour on the lead's list (the word goes with it). */
export const ROSTER_STATUS_LEVEL: Record<RosterStatus, Level | 'neutral'> = {
  absent: 'bad',
  left_early: 'bad',
  late: 'warn',
  pending: 'neutral',
  present: 'ok',
  out: 'none',
};

/** What needs the lead first: absent, left early, late, not yet in, then those at work and those gone. */
const STATUS_ORDER: readonly RosterStatus[] = ['absent', 'left_early', 'late', 'pending', 'present', 'out'];

/** The roster, what needs the lead first, in the server's order (by 工号) within a status. */
export function rosterByStatus(entries: readonly RosterView[]): RosterView[] {
  const rank = (s: RosterStatus) => (STATUS_ORDER.includes(s) ? STATUS_ORDER.indexOf(s) : STATUS_ORDER.length);
  return entries.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e.status) - rank(b.e.status) || a.i - b.i).map(({ e }) => e);
}

/** The attendance's headline figures. */
export function attendanceFigures(a: AttendanceView): { rostered: number; present: number; late: number; absent: number; leftEarly: number; unscheduled: number } {
  return { rostered: a.rostered, present: a.present, late: a.late.length, absent: a.absent.length, leftEarly: a.leftEarly.length, unscheduled: a.unscheduled.length };
}
