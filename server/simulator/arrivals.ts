/**
 * Ordinary calls: a Poisson process whose rate follows the day's profile (quiet at night, peaks in
 * mid-morning and mid-afternoon), scaled per calendar day so no two days look alike.
 */
import { startOfDay, zonedEpoch } from '../../shared/time';
import { loadAt, MAX_LOAD } from './catalog';
import type { CallCenter } from './call-center';
import { HOUR, type SimContext } from './context';
import { hashSeed, mulberry32 } from './prng';

/** Most a day's volume strays from the average; weekends run lower. */
const DAY_SPREAD = 0.15;
const WEEKEND = 0.85;

interface Day {
  start: number;
  end: number;
  factor: number;
}

export class Arrivals {
  private day: Day | null = null;
  /** calls per ms at load 1 */
  private readonly base: number;

  constructor(
    private readonly ctx: SimContext,
    private readonly center: CallCenter,
    callsPerDay: number,
    private readonly seed: number,
  ) {
    this.base = callsPerDay / 24 / HOUR;
  }

  start(): void {
    if (this.base > 0) this.scheduleNext(this.ctx.now);
  }

  /** Thinning (Lewis–Shedler): candidates at the peak rate, each kept with probability rate/peak. */
  private scheduleNext(from: number): void {
    const rng = this.ctx.rng;
    const peak = this.base * MAX_LOAD * (1 + DAY_SPREAD);
    let t = from;
    for (;;) {
      t += rng.exponential(1 / peak);
      if (rng.float() * peak < this.rateAt(t)) break;
    }
    this.ctx.at(t, () => {
      this.center.addCall(null);
      this.scheduleNext(t);
    });
  }

  private rateAt(t: number): number {
    const d = this.dayOf(t);
    return this.base * d.factor * loadAt((t - d.start) / HOUR);
  }

  /** The local day containing `t`; its volume factor comes from the date alone, not the draw order. */
  private dayOf(t: number): Day {
    if (this.day && t >= this.day.start && t < this.day.end) return this.day;
    const tz = this.ctx.timeZone;
    const start = startOfDay(t, tz);
    const p = this.ctx.local(start);
    const end = zonedEpoch(p.year, p.month, p.day + 1, 0, tz);
    const u = mulberry32(hashSeed(this.seed, 'day', p.year, p.month, p.day))();
    const weekend = p.weekday === 0 || p.weekday === 6 ? WEEKEND : 1;
    this.day = { start, end, factor: (1 - DAY_SPREAD + 2 * DAY_SPREAD * u) * weekend };
    return this.day;
  }
}
