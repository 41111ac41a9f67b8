/**
 * The simulated center the benchmark loads: 300 agents, a day of ~100,000 events (~20,000 calls) by
 * the time the run starts, then live events continuing that day.
 *
 * A day's volume depends on the hour: at 08:00 a real center has seen a tenth of its calls. So the
 * center is placed in the fixed-offset zone (Etc/GMT±N) where it is now about 17:00, and every run,
 * at any hour, sees a full working day so far. Only the zone's label changes; the load is the same.
 */
import type { HotlineEvent } from '../../shared/events';
import { localParts, startOfDay } from '../../shared/time';
import { createSimulation, type Simulation } from '../../server/simulator';

export const AGENTS = 300;
const SEED = 12319;
const INCIDENTS_PER_DAY = 6;
/** local hour the center is placed at */
const HOUR = 17;

/** The Etc/GMT±N zone in which it is now HOUR:xx (Etc names count west as positive). */
export function benchTimeZone(at = Date.now()): string {
  const utcHour = new Date(at).getUTCHours();
  let offset = HOUR - utcHour;
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  return offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

export interface DayPlan {
  timeZone: string;
  callsPerDay: number;
  /** events and calls the day had by the time it was planned */
  events: number;
  calls: number;
}

function simulate(plan: Pick<DayPlan, 'timeZone' | 'callsPerDay'>, start: number): Simulation {
  return createSimulation({ seed: SEED, start, timeZone: plan.timeZone, agents: AGENTS, callsPerDay: plan.callsPerDay, incidentsPerDay: INCIDENTS_PER_DAY });
}

/** Finds the callsPerDay that gives about `target` events from local midnight to now. */
export function planDay(target: number, timeZone: string): DayPlan {
  let callsPerDay = Math.round(target * 0.23); // about 4.3 events per call of the average day by 17:00
  let day: HotlineEvent[] = [];
  for (let i = 0; i < 4; i++) {
    day = openDay({ timeZone, callsPerDay }).events;
    if (Math.abs(day.length - target) / target < 0.03) break;
    callsPerDay = Math.round((callsPerDay * target) / day.length);
  }
  return { timeZone, callsPerDay, events: day.length, calls: day.filter((e) => e.type === 'call.queued').length };
}

/** The day so far (local midnight → now), and the simulation positioned to continue it. */
export function openDay(plan: Pick<DayPlan, 'timeZone' | 'callsPerDay'>, at = Date.now()): { events: HotlineEvent[]; sim: Simulation } {
  const sim = simulate(plan, startOfDay(at, plan.timeZone));
  return { events: sim.nextUntil(at), sim };
}

/**
 * Live events continuing the simulated day, handed out `n` at a time with `ts` set to now: the
 * benchmark's rate (500/s) is far above a real center's, so simulated time runs ahead of the clock
 * and the events are stamped with the moment they are appended (as a telephony adapter would).
 */
export function liveSource(sim: Simulation): (n: number) => HotlineEvent[] {
  let buffer: HotlineEvent[] = [];
  let at = 0;
  return (n) => {
    while (buffer.length - at < n) {
      buffer = buffer.slice(at).concat(sim.nextUntil(sim.time + 600_000));
      at = 0;
    }
    const ts = Date.now();
    const out = buffer.slice(at, at + n).map((e) => ({ ...e, ts }) as HotlineEvent);
    at += n;
    return out;
  };
}

/**
 * A week of the same center in the stream (the log keeps 7 days): `total` events ending about now,
 * produced in hourly chunks so they never all sit in memory. `sink` gets each chunk in order.
 */
export async function streamWeek(total: number, timeZone: string, sink: (events: HotlineEvent[]) => Promise<void>): Promise<{ events: number; from: number; to: number }> {
  const to = Date.now();
  const from = startOfDay(to - 6 * 86_400_000, timeZone) + 3_600_000; // well inside the 7-day retention
  const count = (callsPerDay: number) => {
    const sim = simulate({ timeZone, callsPerDay }, from);
    let n = 0;
    for (let t = from; t < to; t += 3_600_000) n += sim.nextUntil(Math.min(t + 3_600_000, to)).length;
    return n;
  };
  // one counting pass at a guess, then scale (events grow about linearly with calls)
  const guess = Math.round(total / ((to - from) / 86_400_000) / 5.4);
  const callsPerDay = Math.round((guess * total) / count(guess));
  const sim = simulate({ timeZone, callsPerDay }, from);
  let n = 0;
  let last = from;
  for (let t = from; t < to && n < total; t += 3_600_000) {
    const chunk = sim.nextUntil(Math.min(t + 3_600_000, to)).slice(0, total - n);
    if (chunk.length === 0) continue;
    n += chunk.length;
    last = chunk[chunk.length - 1]!.ts;
    await sink(chunk);
  }
  return { events: n, from, to: last };
}

/** "17:04" in the plan's zone */
export function localTime(timeZone: string, at = Date.now()): string {
  const p = localParts(at, timeZone);
  return `${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}
