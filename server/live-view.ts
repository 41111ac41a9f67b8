/**
 * Turns the replica's state into what screens receive: derives the snapshot on every change
 * (coalesced) and on a 1-second tick, diffs it against the last one published, and hands the
 * operations to subscribers. A tick that only moved clock figures publishes nothing.
 */
import type { CenterConfig } from '../shared/config';
import type { PatchOp } from '../shared/patch';
import type { Snapshot } from '../shared/snapshot';
import { derive } from './core/derive';
import { diff, onlyClock } from './core/diff';
import type { Logger } from 'pino';
import type { Clock } from './ports';
import type { Replica } from './replica';

export interface Published {
  cursor: string;
  serverTime: number;
  ops: PatchOp[];
}

export class LiveView {
  private base: Snapshot;
  private subscribers = new Set<(p: Published) => void>();
  private pending: NodeJS.Timeout | null = null;
  private tick: NodeJS.Timeout | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly replica: Replica,
    private readonly config: CenterConfig,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'error'>,
    /** how long a burst of events is gathered into one patch (ms) */
    private readonly coalesceMs = 20,
  ) {
    this.base = this.current();
  }

  /** A fresh snapshot of the state now (for GET /api/v1/snapshot). */
  current(): Snapshot {
    return derive(this.replica.state, this.clock.now(), this.config, this.replica.cursor);
  }

  /** The last published snapshot: what a new connection starts from, consistent with the next patch. */
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
    if (this.pending) clearTimeout(this.pending);
  }

  subscribe(fn: (p: Published) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = null;
      this.publishSafely();
    }, this.coalesceMs);
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

  /** Derives, diffs and, when something a person would notice changed, publishes. */
  publish(): void {
    const next = this.current();
    const ops = diff(this.base, next);
    const cursorMoved = next.cursor !== this.base.cursor;
    if (ops.length === 0 && !cursorMoved) return;
    if (!cursorMoved && onlyClock(ops)) return;
    this.base = next;
    const p: Published = { cursor: next.cursor, serverTime: next.serverTime, ops };
    for (const fn of this.subscribers) fn(p);
  }
}
