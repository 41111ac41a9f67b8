/**
 * The simulation's shared clock, random source, agenda and output. Every part of the simulator acts
 * only from inside a scheduled action, at that action's time, so the events come out in time order.
 */
import type { EventOf, EventType, HotlineEvent } from '../../shared/events';
import { localParts, type LocalParts } from '../../shared/time';
import { Random } from './prng';
import { TimerQueue, type Timer } from './timer-queue';

/** The fields of an event that its producer chooses (the envelope is filled in here). */
export type EventFields<T extends EventType> = Omit<EventOf<T>, 'v' | 'id' | 'type' | 'ts'>;

export class SimContext {
  /** simulated time of the action being run (or of the last one run) */
  now: number;
  readonly rng: Random;
  private readonly agenda = new TimerQueue();
  private out: HotlineEvent[] = [];
  private events = 0;
  private readonly counters = new Map<string, number>();

  constructor(
    readonly idPrefix: string,
    seed: number,
    start: number,
    readonly timeZone: string,
  ) {
    this.now = start;
    this.rng = new Random(seed);
  }

  /** Runs `run` at `t`, or right away (in simulated time) when `t` has passed: time never goes back. */
  at(t: number, run: () => void): Timer {
    return this.agenda.push(Math.max(Math.round(t), this.now), run);
  }

  after(ms: number, run: () => void): Timer {
    return this.at(this.now + ms, run);
  }

  /** Emits an event of this moment and hands it back. */
  emit<T extends EventType>(type: T, fields: EventFields<T>): EventOf<T> {
    this.events++;
    const e = { v: 1, id: `${this.idPrefix}-${this.events}`, type, ts: this.now, ...fields } as unknown as EventOf<T>;
    this.out.push(e);
    return e;
  }

  /** Emits an event built beforehand (a ticket's planned life), envelope and all; its `ts` must be now. */
  emitPlanned(e: HotlineEvent): void {
    if (e.ts !== this.now) throw new Error(`planned event ${e.id} at ${e.ts}, emitted at ${this.now}`);
    this.out.push(e);
  }

  /** A fresh id for a call ("c"), ticket ("t") or incident ("i"); deterministic like the event ids. */
  nextId(kind: string): string {
    const n = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, n);
    return `${this.idPrefix}-${kind}${n}`;
  }

  local(t = this.now): LocalParts {
    return localParts(t, this.timeZone);
  }

  /** Runs every action due at or before `t` and hands back what they emitted. */
  runUntil(t: number): HotlineEvent[] {
    for (let next = this.agenda.peek(); next && next.at <= t; next = this.agenda.peek()) {
      this.agenda.pop();
      this.now = next.at;
      next.run();
    }
    if (t > this.now) this.now = t;
    const out = this.out;
    this.out = [];
    return out;
  }
}

/** Seconds and minutes in ms, to keep the timing tables readable. */
export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;
