/**
 * Drives a simulation against the real (or a fake) clock and writes its events through the same
 * EventLog every other source uses. Simulated time = start + (clock.now() − realStart) × speed, and
 * events carry simulated time. With a warm-up, the day's history so far goes in first, in batches,
 * so the wall opens on a center that is already staffed and busy.
 */
import type { HotlineEvent } from '../../shared/events';
import { startOfDay } from '../../shared/time';
import type { Clock, EventLog } from '../ports';
import { createSimulation, type SimulationOptions } from './simulation';

export interface SimulatorOptions extends Omit<SimulationOptions, 'start' | 'showcaseAt'> {
  /** where the events go: only `append` is used */
  log: Pick<EventLog, 'append'>;
  /** the real clock the speed factor applies to */
  clock: Clock;
  /** simulated seconds per real second; default 1 (60 = a day in 24 minutes) */
  speed?: number;
  /** simulated epoch ms at which the live run begins; default clock.now() */
  start?: number;
  /**
   * Simulated epoch ms to generate history from (≤ start), or 'midnight' for the local midnight of
   * `start`. For "the last N hours", pass start − N × 3 600 000. Default: no history.
   */
  warmupFrom?: number | 'midnight';
  /** how often due events are appended, in real ms; default 200 */
  tickMs?: number;
  /** most events per append call (the HTTP ingest limit is 1,000); default 1000 */
  batchSize?: number;
  /** a failed append is retried on the next tick; this hears about the failure */
  onError?: (error: unknown) => void;
  /**
   * The demo's guarantees around the live start (SimulationOptions.showcaseAt): a late sign-in in
   * the shift in force, and a late operator and the whole handover at the next boundary. Default false.
   */
  showcase?: boolean;
  /**
   * Events made elsewhere, merged into the output by time: the lives of the archived days' recent
   * tickets (history.ts `carryDays`). Those before the warm-up's start go first, the rest as their
   * time comes. Default none.
   */
  carry?: readonly HotlineEvent[];
}

export interface SimulatorHandle {
  /** settles once the warm-up history (everything due at start) has been appended */
  readonly ready: Promise<void>;
  /** the current simulated time, so the handle can serve as the wallboard's Clock when speed ≠ 1 */
  now(): number;
  /** stops the timer and waits for an append in flight; nothing is appended afterwards */
  stop(): Promise<void>;
}

/** Starts appending simulated events; returns at once (see `ready` for the warm-up). */
export function startSimulator(options: SimulatorOptions): SimulatorHandle {
  const { log, clock, speed = 1, tickMs = 200, batchSize = 1000, onError = () => {}, warmupFrom, start, showcase = false, carry = [], ...simOptions } = options;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new Error('speed must be a positive number');
  if (!(tickMs > 0)) throw new Error('tickMs must be positive');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');

  const realStart = clock.now();
  const simStart = start ?? realStart;
  const from = warmupFrom === 'midnight' ? startOfDay(simStart, simOptions.timeZone ?? 'Asia/Shanghai') : (warmupFrom ?? simStart);
  if (from > simStart) throw new Error('warmupFrom must not be after start');
  const sim = createSimulation({ ...simOptions, start: from, ...(showcase ? { showcaseAt: simStart } : {}) });
  const now = () => simStart + (clock.now() - realStart) * speed;
  const extra = carry.slice().sort((a, b) => a.ts - b.ts);
  let nextExtra = 0;
  /** the simulation's events up to t, with the carried ones of that time merged in (ties: carried first) */
  function dueUntil(t: number): HotlineEvent[] {
    const own = sim.nextUntil(t);
    if (nextExtra >= extra.length || extra[nextExtra]!.ts > t) return own;
    const out: HotlineEvent[] = [];
    let i = 0;
    for (; nextExtra < extra.length && extra[nextExtra]!.ts <= t; nextExtra++) {
      const c = extra[nextExtra]!;
      for (; i < own.length && own[i]!.ts < c.ts; i++) out.push(own[i]!);
      out.push(c);
    }
    for (; i < own.length; i++) out.push(own[i]!);
    return out;
  }

  let pending: HotlineEvent[] = [];
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let running: Promise<void> = Promise.resolve();

  async function drain(): Promise<void> {
    const due = dueUntil(Math.floor(now()));
    pending = pending.length === 0 ? due : pending.concat(due);
    while (pending.length > 0 && !stopped) {
      const batch = pending.slice(0, batchSize);
      await log.append(batch);
      // dropped only once appended: a failed batch is offered again on the next tick
      pending = pending.slice(batch.length);
    }
  }

  function tick(): void {
    timer = null;
    running = drain()
      .catch((e: unknown) => onError(e))
      .then(() => {
        if (!stopped) timer = setTimeout(tick, tickMs);
      });
  }

  tick();
  const ready = running;

  return {
    ready,
    now,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
