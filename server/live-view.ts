/**
 * Turns the replica's state into what screens receive: derives the snapshot on every change
 * (adaptively coalesced, see `schedule`) and on a 1-second tick, diffs it against the last one
 * published, and hands the operations to subscribers. A tick that only moved clock figures
 * publishes nothing.
 *
 * The telephony feeds' health (`feeds`, read by the FeedMonitor) is an input of `derive` like the
 * clock, never part of the replica's state; a change of it is published like any other (call
 * `changed()` when it changes, or the next tick finds it).
 *
 * Every published patch carries a node-wide `seq` (one more than the previous patch of this node),
 * so the realtime adapter can send the very same message to every screen.
 */
import type { CenterConfig } from '../shared/config';
import type { PatchOp } from '../shared/patch';
import type { FeedView, Snapshot } from '../shared/snapshot';
import { derive, ViewCache } from './core/derive';
import type { StaffingForecast } from './core/shift';
import type { MonthArchive } from './core/tickets';
import { diff, onlyClock } from './core/diff';
import type { Logger } from 'pino';
import type { Clock } from './ports';
import type { Replica } from './replica';

export interface Published {
  /** node-wide: increases by one per patch published on this node (1, 2, 3, … from the start) */
  seq: number;
  cursor: string;
  serverTime: number;
  ops: PatchOp[];
}

type Pending = { kind: 'immediate'; handle: NodeJS.Immediate } | { kind: 'timeout'; handle: NodeJS.Timeout };

export class LiveView {
  private base: Snapshot;
  /** unchanged items stay the same objects between derives, so diffing them is an identity check */
  private readonly cache = new ViewCache();
  private seq = 0;
  private subscribers = new Set<(p: Published) => void>();
  private pending: Pending | null = null;
  /** performance.now() of the last patch published (a monotonic clock: the domain clock may stand still or jump) */
  private lastPublishAt = -Infinity;
  private tick: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;
  /** told how long each publish's derive + diff took, in seconds (the metrics), or null */
  private timed: ((seconds: number) => void) | null = null;

  constructor(
    private readonly replica: Replica,
    private readonly config: CenterConfig,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'error'>,
    /** the telephony feeds as this node last read them (none: a center without adapters) */
    private readonly feeds: () => readonly FeedView[] = () => [],
    /** today's staffing forecast (from the archive, see staffing-service.ts), an input like the feeds */
    private readonly forecast: () => StaffingForecast | null = () => null,
    /** this month's archived follow-ups (see month-service.ts), an input like the feeds */
    private readonly month: () => MonthArchive | null = () => null,
    /** under load, how long changes are gathered into one patch (ms); an idle view publishes at once */
    private readonly coalesceMs = 20,
  ) {
    this.base = this.current();
  }

  /** A fresh snapshot of the state now (for GET /api/v1/snapshot). */
  current(): Snapshot {
    return derive(this.replica.state, this.clock.now(), this.config, this.replica.cursor, this.cache, this.feeds(), this.forecast(), this.month());
  }

  /**
   * The last published snapshot: what a new connection starts from. It already contains every patch
   * published so far and none published after it (see `publish`), so the next patch applies to it.
   */
  latest(): Snapshot {
    return this.base;
  }

  start(): void {
    this.base = this.current();
    this.unsubscribe = this.replica.onChange(() => this.schedule());
    this.tick = setInterval(() => this.publishSafely(), 1000);
    this.tick.unref();
  }

  stop(): void {
    this.unsubscribe?.();
    if (this.tick) clearInterval(this.tick);
    this.clearPending();
  }

  /** Something `derive` reads besides the replica changed (the feeds): publish it soon, as a state change is. */
  changed(): void {
    this.schedule();
  }

  /** Reports the time of every publish attempt's derive + diff (seconds), published or not. */
  onTimed(fn: ((seconds: number) => void) | null): void {
    this.timed = fn;
  }

  subscribe(fn: (p: Published) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  private clearPending(): void {
    if (this.pending?.kind === 'immediate') clearImmediate(this.pending.handle);
    else if (this.pending?.kind === 'timeout') clearTimeout(this.pending.handle);
    this.pending = null;
  }

  /**
   * Adaptive coalescing. Idle (nothing published for `coalesceMs`): publish on the next
   * setImmediate, i.e. once the current batch of events has been applied, with no added delay.
   * Busy (a patch went out less than `coalesceMs` ago): gather further changes until
   * `coalesceMs` after that patch, so a stream of events costs at most one derive and one patch
   * per `coalesceMs`, however many events it has.
   */
  private schedule(): void {
    if (this.pending) return;
    const since = performance.now() - this.lastPublishAt;
    const run = () => {
      this.pending = null;
      this.publishSafely();
    };
    if (since >= this.coalesceMs) this.pending = { kind: 'immediate', handle: setImmediate(run) };
    else this.pending = { kind: 'timeout', handle: setTimeout(run, this.coalesceMs - since) };
  }

  /**
   * A failure to derive must not kill the process from a timer: the screens keep the last published
   * view (and go stale by their heartbeat rules), the log says why, and the next change tries again.
   */
  private publishSafely(): void {
    try {
      this.publish();
    } catch (err) {
      this.logger.error({ err: err instanceof Error ? err.stack : String(err) }, 'could not derive the view');
    }
  }

  /**
   * Derives, diffs and, when something a person would notice changed, publishes.
   *
   * Invariant the realtime adapter relies on: `base` is replaced and every subscriber is called in
   * one synchronous step, with no await in between. A socket that gets `latest()` therefore either
   * got it before this step (and receives this patch, which applies to it) or after it (and its
   * snapshot already contains this patch); it can never miss a patch nor get one twice.
   */
  publish(): void {
    const started = this.timed ? performance.now() : 0;
    const next = this.current();
    const ops = diff(this.base, next);
    if (this.timed) this.timed((performance.now() - started) / 1000);
    const cursorMoved = next.cursor !== this.base.cursor;
    if (ops.length === 0 && !cursorMoved) return;
    if (!cursorMoved && onlyClock(ops)) return;
    this.base = next;
    this.seq += 1;
    this.lastPublishAt = performance.now();
    const p: Published = { seq: this.seq, cursor: next.cursor, serverTime: next.serverTime, ops };
    for (const fn of this.subscribers) fn(p);
  }
}
