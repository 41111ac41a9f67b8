/**
 * The node's replica of the event log: reads the stream from its cursor (its own blocking
 * connection), validates each entry, applies it to the core, keeps a periodic snapshot, and tells
 * listeners when the state moved. Redis going away is waited out with backoff, never a crash.
 */
import type { Logger } from 'pino';
import { parseEvent } from '../shared/events';
import { emptyState, type State } from './core/state';
import { Reducer } from './core/reduce';
import type { EventLog, LogEntry, SnapshotStore } from './ports';
import { compareStreamIds } from './core/stream-id';

export interface ReplicaOptions {
  log: EventLog;
  snapshots: SnapshotStore;
  logger: Logger;
  batchSize?: number;
  blockMs?: number;
  snapshotEveryMs?: number;
}

/** Why an entry is not an event: the reason copied to the rejected stream, or null when it is fine. */
export function validateEntry(entry: LogEntry): { reason: string } | { event: ReturnType<typeof parseEvent> & { ok: true } } {
  const extra = entry.fields.filter((f) => f !== 'event');
  if (entry.raw === null) return { reason: 'entry has no "event" field' };
  if (extra.length) return { reason: `entry must have exactly one field "event"; also has: ${extra.join(', ')}` };
  let value: unknown;
  try {
    value = JSON.parse(entry.raw);
  } catch {
    return { reason: 'event is not valid JSON' };
  }
  const r = parseEvent(value);
  if (!r.ok) return { reason: r.issues.map((i) => `${i.path || '(event)'}: ${i.message}`).join('; ') };
  return { event: r };
}

export class Replica {
  private reducer: Reducer = new Reducer();
  private cursorValue = '0-0';
  private running = false;
  private loop: Promise<void> | null = null;
  private listeners = new Set<() => void>();
  private lastSavedCursor = '0-0';
  private snapshotTimer: NodeJS.Timeout | null = null;
  private healthy = false;
  private caughtUp = false;
  private readonly o: Required<ReplicaOptions>;

  constructor(options: ReplicaOptions) {
    this.o = { batchSize: 500, blockMs: 1000, snapshotEveryMs: 5000, ...options };
  }

  get state(): State {
    return this.reducer.state;
  }
  get cursor(): string {
    return this.cursorValue;
  }
  /** true while the last read from the log succeeded */
  get connected(): boolean {
    return this.healthy;
  }
  /** true once the reader has read everything that was in the log when it started */
  get replayed(): boolean {
    return this.caughtUp;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Loads the newest snapshot, replays the log up to its end, then keeps reading live. */
  async start(): Promise<void> {
    const saved = await this.o.snapshots.load();
    if (saved) {
      try {
        this.reducer = new Reducer(JSON.parse(saved.state) as State);
        this.cursorValue = saved.cursor;
        this.lastSavedCursor = saved.cursor;
        this.o.logger.info({ cursor: saved.cursor }, 'loaded snapshot');
      } catch (err) {
        this.o.logger.warn({ err }, 'snapshot unreadable; replaying the whole log');
        this.reducer = new Reducer(emptyState());
      }
    }
    this.running = true;
    // replay synchronously up to the end so the first snapshot a client sees is complete
    const end = await this.o.log.lastId();
    while (compareStreamIds(this.cursorValue, end) < 0) {
      const n = await this.readOnce(0);
      if (n === 0) break;
    }
    this.caughtUp = true;
    this.healthy = true;
    this.emit();
    this.loop = this.run();
    this.snapshotTimer = setInterval(() => void this.saveSnapshot(), this.o.snapshotEveryMs);
    this.snapshotTimer.unref();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    await this.loop?.catch(() => undefined);
    await this.saveSnapshot();
  }

  /** Writes {cursor, state} if anything was applied since the last save. */
  async saveSnapshot(): Promise<void> {
    if (this.cursorValue === this.lastSavedCursor) return;
    const cursor = this.cursorValue;
    try {
      await this.o.snapshots.save({ cursor, state: JSON.stringify(this.reducer.state) });
      this.lastSavedCursor = cursor;
    } catch (err) {
      this.o.logger.warn({ err: String(err) }, 'snapshot not saved; will retry');
    }
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        const n = await this.readOnce(this.o.blockMs);
        if (!this.healthy) this.o.logger.info('event log reachable again');
        this.healthy = true;
        backoff = 100;
        if (n > 0) this.emit();
      } catch (err) {
        if (!this.running) break;
        if (this.healthy) this.o.logger.error({ err: String(err) }, 'event log unreachable; retrying with backoff');
        this.healthy = false;
        this.emit();
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
  }

  /** Reads and applies one batch; returns how many entries were consumed. */
  private async readOnce(blockMs: number): Promise<number> {
    const entries = await this.o.log.read(this.cursorValue, this.o.batchSize, blockMs);
    for (const entry of entries) {
      const v = validateEntry(entry);
      if ('reason' in v) {
        // count and move the cursor before the await: a snapshot (or a save) taken while the copy
        // is written must not count this entry against the previous cursor
        this.reducer.noteRejected();
        this.cursorValue = entry.id;
        await this.o.log.reject(entry, v.reason).catch((err) => this.o.logger.warn({ err: String(err) }, 'could not copy a rejected entry'));
        this.o.logger.warn({ id: entry.id, reason: v.reason }, 'rejected stream entry');
      } else {
        this.reducer.apply(v.event.event, entry.id);
        this.cursorValue = entry.id;
      }
    }
    return entries.length;
  }

  private emit(): void {
    for (const fn of this.listeners) fn();
  }
}
