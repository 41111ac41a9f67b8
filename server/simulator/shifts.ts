/**
 * The duty roster in motion: the lead publishes each day's roster the evening before, the crews come
 * in before each shift boundary and take their seats over one to one, a few come late, one now and
 * then not at all (and a colleague off that day may cover), one now and then goes home early, and
 * each operator takes breaks. Who works is the day's plan (duty.ts); this is when and how.
 */
import type { ShiftDef } from '../../shared/config';
import { localDate } from '../../shared/time';
import { BREAK_REASONS } from './catalog';
import type { Agent, BreakPlan, CallCenter } from './call-center';
import { MIN, SEC, type SimContext } from './context';
import { addDays, leadFor, makeDayPlan, type DayPlan, type DutyOptions, type ShiftPlan } from './duty';
import type { HandoverDesk } from './handovers';
import { shiftAt, type RosterEntry, type Staff } from './roster';

/** How often a break falls in the first or last 30 minutes of a shift (第三十二条). */
const RESTRICTED_BREAK = 0.03;
/** How often a break runs past the 15-minute busy_too_long threshold. */
const LONG_BREAK = 0.025;
/**
 * How often the successor sits down beside the predecessor, who then leaves (第二十九条); otherwise
 * the predecessor signs out first and the successor takes the empty seat after a gap (第二十八条:
 * mostly within 30 s), which shows the handover_gap rule now and then.
 */
const SIDE_BY_SIDE = 0.85;

export class ShiftPlanner {
  private readonly plans = new Map<string, DayPlan>();
  private readonly duty: DutyOptions;
  /** who is at (or still coming to) a seat until the end of the shift in force */
  private onDuty: RosterEntry[] = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly center: CallCenter,
    private readonly staff: Staff,
    private readonly shifts: readonly ShiftDef[],
    seed: number,
    private readonly handovers: () => HandoverDesk,
    showcaseAt?: number,
  ) {
    this.duty = { seed, staff, shifts, timeZone: ctx.timeZone, ...(showcaseAt !== undefined ? { showcaseAt } : {}) };
  }

  dayPlan(date: string): DayPlan {
    let p = this.plans.get(date);
    if (!p) {
      p = makeDayPlan(this.duty, date);
      this.plans.set(date, p);
      for (const d of this.plans.keys()) if (d < addDays(date, -3)) this.plans.delete(d);
    }
    return p;
  }

  /** The plan of the shift that starts at `start`. */
  shiftPlan(start: number): ShiftPlan {
    const w = shiftAt(start, this.shifts, this.ctx.timeZone);
    return this.dayPlan(localDate(w.start, this.ctx.timeZone)).shifts[w.index]!;
  }

  /** The plan of the shift that ends at boundary `b`. */
  shiftBefore(b: number): ShiftPlan {
    return this.shiftPlan(shiftAt(b - 1, this.shifts, this.ctx.timeZone).start);
  }

  /** The 值班长 on duty at `t`. */
  leadAt(t: number): string {
    const w = shiftAt(t, this.shifts, this.ctx.timeZone);
    return leadFor(localDate(w.start, this.ctx.timeZone), w.index, this.shifts.length);
  }

  /**
   * The simulation opens: the rosters it needs are published at once, and the crew of the shift in
   * force is at its seats (bar the late ones still to come and the planned absentee).
   */
  start(): void {
    const { ctx, center } = this;
    const now = ctx.now;
    const w = shiftAt(now, this.shifts, ctx.timeZone);
    const plan = this.shiftPlan(w.start);
    this.publishFrom(now, w.start);
    this.handovers().markShiftStart(now);
    // opening at (or just after) a boundary: that handover is made now
    if (now - w.start <= 30 * MIN) this.handovers().schedule(plan);

    for (const e of plan.crew) {
      const id = e.member.id;
      if (plan.absent.has(id)) continue;
      const leaveAt = plan.leaveEarly.get(id);
      if (leaveAt !== undefined && leaveAt <= now) continue;
      const agent = center.agent(id);
      const late = plan.late.get(id);
      const arrive = late ? plan.start + late.delayMs : now;
      if (arrive > now) {
        const loginAt = late!.dawdle ? Math.max(now, plan.start - ctx.rng.uniform(1, 3) * MIN) : Math.max(now, arrive - ctx.rng.uniform(0.5, 2) * MIN);
        center.scheduleLogin(agent, loginAt, e.seat, plan.end, arrive - loginAt);
      } else {
        center.scheduleLogin(agent, now, e.seat, plan.end, 0);
      }
      if (leaveAt !== undefined) ctx.at(leaveAt, () => center.startLeaving(agent));
    }
    for (const c of plan.covers) center.scheduleLogin(center.agent(c.entry.member.id), Math.max(now, c.at - ctx.rng.uniform(0.5, 2) * MIN), c.entry.seat, plan.end, ctx.rng.uniform(20, 60) * SEC);
    this.onDuty = this.staying(plan);
    ctx.at(Math.max(now + SEC, w.end - 90 * MIN), () => this.planBoundary(w.end));
  }

  /** The operators of a shift who will still be there at its end: the roster less absentees and early leavers, plus covers. */
  private staying(plan: ShiftPlan): RosterEntry[] {
    return [...plan.crew.filter((e) => !plan.absent.has(e.member.id) && !plan.leaveEarly.has(e.member.id)), ...plan.covers.map((c) => c.entry)];
  }

  // ── the roster ───────────────────────────────────────────────────────────────

  /** At the start: the rosters of the shift in force and of today, and tomorrow's if its time has come; then one a day. */
  private publishFrom(now: number, shiftStart: number): void {
    const tz = this.ctx.timeZone;
    const today = localDate(now, tz);
    for (const d of [...new Set([localDate(shiftStart, tz), today])].sort()) this.publish(d);
    let next = addDays(today, 1);
    if (this.dayPlan(next).publishAt <= now) {
      this.publish(next);
      next = addDays(next, 1);
    }
    this.schedulePublish(next);
  }

  private schedulePublish(date: string): void {
    this.ctx.at(this.dayPlan(date).publishAt, () => {
      this.publish(date);
      this.schedulePublish(addDays(date, 1));
    });
  }

  /** The lead on duty publishes the day's roster (排班表): every shift's crew with their seats. */
  private publish(date: string): void {
    const plan = this.dayPlan(date);
    const entries = plan.shifts.flatMap((s) => s.crew.map((e) => ({ agentId: e.member.id, name: e.member.name, shift: s.name, seat: e.seat })));
    this.ctx.emit('roster.published', { date, entries, by: this.leadAt(this.ctx.now) });
  }

  // ── the boundary ─────────────────────────────────────────────────────────────

  /**
   * Prepares the boundary `b`, 90 minutes ahead. A seat both crews use is handed over one to one
   * before the boundary: mostly the successor signs in beside the predecessor, who then leaves
   * (第二十九条); otherwise the predecessor signs out and the successor takes the seat after a short
   * gap (第二十八条), or beside a predecessor still on a call when the boundary is near. A late
   * successor's predecessor waits at the seat until they come. A
   * seat the next crew does not use (fewer at night, or its operator absent and not covered) closes
   * at the boundary: its operator works the shift out and logs off (no early departure, and no
   * 签出 inside the next shift's first 30 minutes).
   */
  private planBoundary(b: number): void {
    const { ctx, center } = this;
    const rng = ctx.rng;
    const next = this.shiftPlan(b);
    const outgoing = new Map(this.onDuty.map((e) => [e.seat, e]));
    this.handovers().schedule(next);
    this.handovers().markShiftStart(b);

    const arrivals: { entry: RosterEntry; arrive: number | null; dawdle: boolean }[] = [];
    for (const entry of next.crew) {
      const id = entry.member.id;
      if (next.absent.has(id)) continue;
      const late = next.late.get(id);
      arrivals.push({ entry, arrive: late ? b + late.delayMs : null, dawdle: late?.dawdle ?? false });
      const leaveAt = next.leaveEarly.get(id);
      if (leaveAt !== undefined) ctx.at(leaveAt, () => center.startLeaving(center.agent(id)));
    }
    for (const c of next.covers) arrivals.push({ entry: c.entry, arrive: c.at, dawdle: false });

    for (const { entry, arrive, dawdle } of arrivals) {
      const agent = center.agent(entry.member.id);
      const before = outgoing.get(entry.seat);
      outgoing.delete(entry.seat);
      const predecessor = before ? center.agent(before.member.id) : null;
      if (arrive === null) {
        // on time: in a few minutes before the boundary, at the latest just before it
        const signinBy = b - rng.uniform(5, 20) * SEC;
        if (predecessor && rng.chance(SIDE_BY_SIDE)) {
          const leaveAt = b - rng.uniform(1, 8) * MIN;
          const signinAt = leaveAt - rng.uniform(0.5, 3) * MIN;
          const loginAt = signinAt - rng.uniform(20, 100) * SEC;
          ctx.at(leaveAt, () => center.startLeaving(predecessor));
          center.scheduleLogin(agent, loginAt, entry.seat, next.end, signinAt - loginAt, signinAt);
        } else if (predecessor) {
          const leaveAt = b - rng.uniform(3, 10) * MIN;
          ctx.at(leaveAt, () => center.startLeaving(predecessor));
          center.scheduleLogin(agent, leaveAt - rng.uniform(0.5, 2) * MIN, entry.seat, next.end, rng.uniform(20, 100) * SEC, signinBy);
        } else {
          center.scheduleLogin(agent, b - rng.uniform(2, 5) * MIN, entry.seat, next.end, rng.uniform(20, 100) * SEC, signinBy);
        }
      } else {
        // late (or a cover): a dawdler logs in on time and does not 签入; the predecessor waits for them
        const loginAt = dawdle ? b - rng.uniform(1, 3) * MIN : arrive - rng.uniform(0.5, 2) * MIN;
        if (predecessor) ctx.at(Math.max(b + 20 * SEC, arrive - rng.uniform(0.3, 1.5) * MIN), () => center.startLeaving(predecessor));
        center.scheduleLogin(agent, loginAt, entry.seat, next.end, Math.max(0, arrive - loginAt));
      }
    }
    for (const e of outgoing.values()) ctx.at(b, () => center.startLeaving(center.agent(e.member.id), true));

    this.onDuty = this.staying(next);
    ctx.at(next.end - 90 * MIN, () => this.planBoundary(next.end));
  }

  /** Two or three breaks a shift, away from its first and last 40 minutes, bar the odd exception. */
  planBreaks(agent: Agent): void {
    const { ctx } = this;
    const rng = ctx.rng;
    // an operator may sign in a little before their shift begins
    const shift = shiftAt(agent.shiftEnd - 1, this.shifts, ctx.timeZone);
    const start = shift.start;
    const end = agent.shiftEnd;
    const count = rng.chance(0.3) ? 3 : 2;
    for (let i = 0; i < count; i++) {
      const restricted = rng.chance(RESTRICTED_BREAK);
      const reason = i === 0 && !this.staff.night[shift.index] ? 'meal' : rng.weighted(BREAK_REASONS);
      let at: number;
      let durationMs: number;
      if (restricted) {
        at = rng.chance(0.5) ? start + rng.uniform(3, 26) * MIN : end - rng.uniform(12, 28) * MIN;
        durationMs = rng.uniform(3, 6) * MIN;
      } else {
        at = rng.uniform(start + 40 * MIN, end - 50 * MIN);
        durationMs = rng.chance(LONG_BREAK) ? rng.uniform(16, 28) * MIN : breakMinutes(reason, rng.float()) * MIN;
      }
      if (at <= ctx.now) continue;
      const plan: BreakPlan = { reason, durationMs, restricted };
      agent.breakTimers.push(ctx.at(at, () => this.center.takeBreak(agent, plan)));
    }
  }
}

/** Ordinary break lengths stay under the 15-minute busy_too_long threshold. */
function breakMinutes(reason: keyof typeof BREAK_REASONS, u: number): number {
  if (reason === 'meal') return 9 + 5 * u;
  if (reason === 'training') return 6 + 8 * u;
  return 3 + 8 * u;
}
