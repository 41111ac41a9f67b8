/**
 * The duty roster in motion: who comes in before each shift boundary, who hands their seat over to
 * whom, who goes home early as the evening load drops, and when each operator takes a break.
 */
import { BREAK_REASONS } from './catalog';
import type { Agent, BreakPlan, CallCenter } from './call-center';
import { MIN, SEC, type SimContext } from './context';
import { drawRoster, shiftAt, type RosterEntry, type Staff } from './roster';

/** How often an operator logs in and then does not 签入 for more than 5 minutes (第二十一条). */
const LATE_SIGNIN = 0.04;
/** How often a break falls in the first or last 30 minutes of a shift (第三十二条). */
const RESTRICTED_BREAK = 0.03;
/** How often a break runs past the 15-minute busy_too_long threshold. */
const LONG_BREAK = 0.025;

export class ShiftPlanner {
  /** the crew of the shift in force (or about to be), with their seats */
  private duty: RosterEntry[] = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly center: CallCenter,
    private readonly staff: Staff,
  ) {}

  /** The simulation starts with nobody in: the current shift's crew comes in over the first minutes. */
  start(): void {
    const { ctx } = this;
    const rng = ctx.rng;
    const shift = shiftAt(ctx.now, ctx.timeZone);
    this.duty = drawRoster(this.staff, shift.index, rng);
    for (const { member, seat } of this.duty) {
      const delay = rng.chance(LATE_SIGNIN) ? rng.uniform(5.5, 12) * MIN : rng.uniform(10, 90) * SEC;
      this.center.scheduleLogin(this.center.agent(member.id), ctx.now + rng.uniform(0, 120) * SEC, seat, shift.end, delay);
    }
    ctx.at(Math.max(ctx.now + SEC, shift.end - 90 * MIN), () => this.planBoundary(shift.end));
  }

  /**
   * Prepares the handover at boundary `b`. Seats both crews use are handed over one to one; seats the
   * next crew does not need are closed about an hour early, so no seat is left empty at the boundary
   * itself (which the handover_gap rule would rightly flag).
   */
  private planBoundary(b: number): void {
    const { ctx, center } = this;
    const rng = ctx.rng;
    const next = shiftAt(b, ctx.timeZone);
    const incoming = drawRoster(this.staff, next.index, rng);
    const outgoing = this.duty;
    this.duty = incoming;
    const inSeats = new Set(incoming.map((e) => e.seat));
    const outSeats = new Set(outgoing.map((e) => e.seat));

    for (const { member, seat } of outgoing) {
      const agent = center.agent(member.id);
      let leaveAt = inSeats.has(seat) ? b - rng.uniform(0, 60) * SEC : b - rng.uniform(35, 70) * MIN;
      // only when the simulation itself started late in the shift
      if (leaveAt < ctx.now) leaveAt = ctx.now + rng.uniform(0, 5) * MIN;
      ctx.at(leaveAt, () => center.startLeaving(agent));
    }

    for (const { member, seat } of incoming) {
      const agent = center.agent(member.id);
      const late = rng.chance(LATE_SIGNIN);
      const handover = outSeats.has(seat);
      // a late one either comes in early and waits at an occupied seat, or dawdles at a free one
      const loginAt = b - (late && handover ? rng.uniform(6, 11) * MIN : rng.uniform(90, 200) * SEC);
      const freeSeatDelay = late && !handover ? rng.uniform(5.5, 12) * MIN : rng.uniform(20, 150) * SEC;
      center.scheduleLogin(agent, loginAt, seat, next.end, freeSeatDelay);
    }

    ctx.at(next.end - 90 * MIN, () => this.planBoundary(next.end));
  }

  /** Two or three breaks a shift, away from its first and last 40 minutes, bar the odd exception. */
  planBreaks(agent: Agent): void {
    const { ctx } = this;
    const rng = ctx.rng;
    // an operator may sign in a little before their shift begins
    const shift = shiftAt(agent.shiftEnd - 1, ctx.timeZone);
    const start = shift.start;
    const end = agent.shiftEnd;
    const count = rng.chance(0.3) ? 3 : 2;
    for (let i = 0; i < count; i++) {
      const restricted = rng.chance(RESTRICTED_BREAK);
      const reason = i === 0 && shift.index !== 0 ? 'meal' : rng.weighted(BREAK_REASONS);
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
