/**
 * The duty plan of a day (排班): who is rostered on each shift and at which seat, who of them will
 * be late, absent or leave early, who covers for an absentee, which lead runs each shift, and when
 * the handover at each shift's start is submitted and accepted. A plan is a pure function of the
 * seed and the date (its own random stream), so it is the same whenever and however often it is
 * made: the roster published the evening before is the crew that comes in.
 */
import type { ShiftDef } from '../../shared/config';
import { zonedEpoch } from '../../shared/time';
import { ACCEPT_NOTES, SHIFT_LEADS } from './catalog';
import { HOUR, MIN, SEC } from './context';
import { hashSeed, Random } from './prng';
import { drawRoster, shiftAt, type RosterEntry, type Staff } from './roster';

/**
 * Per rostered operator and shift: about 32 operator-shifts a day with the default 40 operators, so
 * 2–3 late sign-ins a day, an absence every two or three days (six in ten of them covered by an
 * operator off that day, who is then unscheduled) and a departure before the shift's end about
 * every day or two.
 */
export const RATES = {
  late: 0.08,
  /** a late operator who logs in on time but does not 签入 (also the not_signed_in rule) */
  dawdle: 0.35,
  absent: 0.012,
  cover: 0.6,
  leaveEarly: 0.025,
  /** per shift boundary: the handover submitted after the boundary, accepted more than 15 min late */
  lateSubmit: 0.12,
  lateAccept: 0.12,
} as const;

/** How a late operator comes in: `delayMs` after the shift's start (a dawdler logs in on time). */
export interface LateArrival {
  delayMs: number;
  dawdle: boolean;
}

/** An operator off that day who takes an absentee's seat. */
export interface Cover {
  entry: RosterEntry;
  at: number;
}

/** The handover at a shift's start: the outgoing lead submits, the incoming lead accepts. */
export interface HandoverPlan {
  handoverId: string;
  boundary: number;
  from: string;
  to: string;
  submitAt: number;
  acceptAt: number;
  acceptNotes: string | null;
}

export interface ShiftPlan {
  date: string;
  index: number;
  name: string;
  start: number;
  end: number;
  lead: string;
  /** the published roster of the shift */
  crew: RosterEntry[];
  late: Map<string, LateArrival>;
  absent: Set<string>;
  /** operator id → when they leave */
  leaveEarly: Map<string, number>;
  covers: Cover[];
  handover: HandoverPlan;
}

export interface DayPlan {
  date: string;
  /** the evening before, when the lead publishes the roster */
  publishAt: number;
  shifts: ShiftPlan[];
}

export interface DutyOptions {
  seed: number;
  staff: Staff;
  shifts: readonly ShiftDef[];
  timeZone: string;
  /**
   * The live demo's start: the shift in force then has at least one late sign-in already, and the
   * first boundary after it has a late operator and an ordinary handover submitted and accepted
   * after that start, so a viewer sees both soon.
   */
  showcaseAt?: number;
}

const pad = (n: number) => String(n).padStart(2, '0');

function dateParts(date: string): [number, number, number] {
  return [Number(date.slice(0, 4)), Number(date.slice(5, 7)), Number(date.slice(8, 10))];
}

/** The date `days` after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = dateParts(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * The lead of shift `index` on `date`: the three leads take the shifts in turn, one place later
 * each day, so neighbouring shifts (across midnight too) always have different leads.
 */
export function leadFor(date: string, index: number, shiftCount: number): string {
  const [y, m, d] = dateParts(date);
  const day = Math.round(Date.UTC(y, m - 1, d) / (24 * HOUR));
  const k = day * (shiftCount + 1) + index;
  return SHIFT_LEADS[((k % SHIFT_LEADS.length) + SHIFT_LEADS.length) % SHIFT_LEADS.length]!;
}

function lateArrival(rng: Random): LateArrival {
  const dawdle = rng.chance(RATES.dawdle);
  // under absentAfterMin (30): a late operator is late, not absent
  const minutes = dawdle ? rng.uniform(5, 12) : rng.chance(0.15) ? rng.uniform(18, 27) : rng.uniform(3, 15);
  return { delayMs: Math.round(minutes * MIN), dawdle };
}

/** The plan of one local day (its shifts are those that start that day). Deterministic. */
export function makeDayPlan(o: DutyOptions, date: string): DayPlan {
  const { staff, shifts, timeZone: tz } = o;
  const [y, m, d] = dateParts(date);
  const rng = new Random(hashSeed(o.seed, 'duty', date));
  const publishAt = zonedEpoch(y, m, d - 1, rng.int(17 * 60, 20 * 60), tz) + rng.int(0, 59) * SEC;
  const plans: ShiftPlan[] = shifts.map((def, index) => {
    const w = shiftAt(zonedEpoch(y, m, d, def.startMin, tz), shifts, tz);
    const crew = drawRoster(staff, index, rng);
    const late = new Map<string, LateArrival>();
    const absent = new Set<string>();
    const leaveEarly = new Map<string, number>();
    const length = w.end - w.start;
    for (const { member } of crew) {
      const r = rng.float();
      if (r < RATES.absent) absent.add(member.id);
      else if (r < RATES.absent + RATES.late) late.set(member.id, lateArrival(rng));
      else if (r < RATES.absent + RATES.late + RATES.leaveEarly) {
        // well inside the shift: away from the restricted windows and before the next crew is planned
        const lo = w.start + Math.min(2 * HOUR, 0.3 * length);
        const hi = Math.max(lo, w.end - Math.max(100 * MIN, 0.3 * length));
        leaveEarly.set(member.id, Math.round(rng.uniform(lo, hi)));
      }
    }
    const covers: Cover[] = [];
    const off = staff.pools[index]!.filter((m) => !crew.some((e) => e.member === m));
    for (const e of crew) {
      if (!absent.has(e.member.id) || off.length === 0 || !rng.chance(RATES.cover)) continue;
      const member = off.splice(rng.int(0, off.length - 1), 1)[0]!;
      covers.push({ entry: { member, seat: e.seat }, at: w.start + Math.round(rng.uniform(12, 40) * MIN) });
    }
    const from = index > 0 ? leadFor(date, index - 1, shifts.length) : leadFor(addDays(date, -1), shifts.length - 1, shifts.length);
    const b = w.start;
    const submitAt = rng.chance(RATES.lateSubmit) ? b + rng.uniform(4, 25) * MIN : b - rng.uniform(5, 20) * MIN;
    const acceptAt = rng.chance(RATES.lateAccept)
      ? Math.max(submitAt, b) + rng.uniform(17, 35) * MIN
      : Math.max(submitAt, b - 5 * MIN) + rng.uniform(1, 9) * MIN;
    return {
      date,
      index,
      name: def.name,
      start: w.start,
      end: w.end,
      lead: leadFor(date, index, shifts.length),
      crew,
      late,
      absent,
      leaveEarly,
      covers,
      handover: {
        handoverId: `ho-${date}-${pad(Math.floor(def.startMin / 60))}${pad(def.startMin % 60)}`,
        boundary: b,
        from,
        to: leadFor(date, index, shifts.length),
        submitAt: Math.round(submitAt),
        acceptAt: Math.round(acceptAt),
        acceptNotes: rng.pick(ACCEPT_NOTES),
      },
    };
  });
  if (o.showcaseAt !== undefined) showcase(o, date, plans, o.showcaseAt);
  return { date, publishAt, shifts: plans };
}

/** The demo's guarantees around its live start (DutyOptions.showcaseAt), from a stream of their own. */
function showcase(o: DutyOptions, date: string, plans: ShiftPlan[], at: number): void {
  const current = shiftAt(at, o.shifts, o.timeZone);
  const rng = new Random(hashSeed(o.seed, 'showcase', date));
  for (const p of plans) {
    const isCurrent = p.start === current.start && p.start < at;
    const isNext = p.start === current.end;
    if (!isCurrent && !isNext) continue;
    const present = p.crew.filter((e) => !p.absent.has(e.member.id) && !p.leaveEarly.has(e.member.id));
    if (present.length > 0 && ![...p.late.keys()].some((id) => present.some((e) => e.member.id === id))) {
      const e = rng.pick(present);
      p.late.set(e.member.id, { delayMs: Math.round(rng.uniform(6, 14) * MIN), dawdle: false });
    }
    if (isNext) {
      const b = p.start;
      const submitAt = Math.min(b - MIN, Math.max(b - rng.uniform(10, 20) * MIN, at + rng.uniform(1, 3) * MIN));
      p.handover = { ...p.handover, submitAt: Math.round(submitAt), acceptAt: Math.round(Math.max(submitAt, b) + rng.uniform(2, 6) * MIN) };
    }
  }
}
