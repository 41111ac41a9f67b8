/**
 * The node's replica of the event log: reads the stream from its cursor (its own blocking
 * connection), validates each entry, applies it to the core, keeps a periodic snapshot, and tells
 * listeners when the state moved. Redis going away is waited out with backoff, never a crash.
 */
import type { Logger } from 'pino';
import type { CenterConfig } from '../shared/config';
import { eventTimeProblem, parseEvent, type EventTimeLimits, type HotlineEvent } from '../shared/events';
import { parseJson } from '../shared/json';
import { decodeState, encodeState, type State } from './core/state';
import { Reducer } from './core/reduce';
import type { ArchiveStore, EventLog, LogEntry, SnapshotStore } from './ports';
import type { DayArchive } from './core/archive';
import { compareStreamIds, streamIdMs } from './core/stream-id';

/** The largest `event` text a stream entry may carry: the same 1 MiB as an HTTP ingest body. */
export const MAX_ENTRY_BYTES = 1024 * 1024;
/**
 * How often the state is saved. Encoding a busy day's state blocks the event loop for tens of
 * milliseconds, which every screen would feel as latency; a restart replays at most this much.
 */
export const SNAPSHOT_EVERY_MS = 30_000;
/** Entries per read while replaying (live reads take `batchSize`). */
const CATCH_UP_BATCH = 5000;
/** How much of a refused entry's text is copied to the rejected stream. */
const REJECTED_COPY_CHARS = 64 * 1024;

export interface ReplicaOptions {
  log: EventLog;
  snapshots: SnapshotStore;
  logger: Logger;
  /** the center's settings: the reducer's running totals and the limits on event times follow them */
  config: CenterConfig;
  /** where the days pruning finalises are written (REPORTS.md); none: they are only dropped */
  archive?: ArchiveStore | null;
  batchSize?: number;
  blockMs?: number;
  snapshotEveryMs?: number;
}

/**
 * Why an entry is not an event (the reason copied to the rejected stream), or the event. Only the
 * entry itself decides, never this node's clock: the time check uses the entry's stream ID, so every
 * replica and every replay reject exactly the same entries.
 */
export function validateEntry(entry: LogEntry, limits: EventTimeLimits): { reason: string } | { event: HotlineEvent } {
  if (entry.raw === null) return { reason: 'entry has no "event" field' };
  if (entry.fields.length !== 1) {
    const names = entry.fields.map((f) => JSON.stringify(f)).join(', ');
    return { reason: `entry must have exactly one field "event"; has ${entry.fields.length}: ${names}` };
  }
  // the text's UTF-8 size is at least its length and at most three times it: encode only when in doubt
  if (entry.raw.length > MAX_ENTRY_BYTES || (entry.raw.length * 3 > MAX_ENTRY_BYTES && new TextEncoder().encode(entry.raw).length > MAX_ENTRY_BYTES)) {
    return { reason: `event is larger than ${MAX_ENTRY_BYTES} bytes` };
  }
  const json = parseJson(entry.raw);
  if (!json.ok) return { reason: json.error === 'too_deep' ? `event ${json.message}` : 'event is not valid JSON' };
  const r = parseEvent(json.value);
  if (!r.ok) return { reason: r.issues.map((i) => `${i.path || '(event)'}: ${i.message}`).join('; ') };
  const late = eventTimeProblem(r.event.ts, streamIdMs(entry.id), limits);
  if (late) return { reason: late };
  return { event: r.event };
}

export class Replica {
  private reducer: Reducer;
  private cursorValue = '0-0';
  private running = false;
  private loop: Promise<void> | null = null;
  private listeners = new Set<() => void>();
  private lastSavedCursor = '0-0';
  private snapshotTimer: NodeJS.Timeout | null = null;
  private healthy = false;
  private caughtUp = false;
  /** the log generation the state belongs to */
  private generation = '';
  /** the generation found when the log turned out to be another one: the loop rebuilds before reading on */
  private logLost: string | null = null;
  private saving: Promise<void> = Promise.resolve();
  /** days finalised by pruning and not yet in the archive, with the position they were final at */
  private pendingDays: { day: DayArchive; asOf: string }[] = [];
  /**
   * Stream entries this process took from the log since it started, as the core counts them (the
   * state's own counters live as long as the state: snapshots carry them, a rebuild resets them).
   * Read by the metrics (`hotline_events_*_total`).
   */
  readonly processed = { applied: 0, rejected: 0, duplicates: 0 };
  private readonly o: Required<ReplicaOptions>;

  constructor(options: ReplicaOptions) {
    this.o = { batchSize: 500, blockMs: 1000, snapshotEveryMs: SNAPSHOT_EVERY_MS, archive: null, ...options };
    this.reducer = new Reducer(this.o.config);
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
    await this.loadSnapshot();
    if (this.cursorValue === '0-0') await this.markTrimmed();
    this.running = true;
    // replay up to the end before serving, so the first snapshot a client sees is complete
    await this.catchUp(await this.o.log.lastId());
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

  /**
   * Writes {cursor, state} if anything was applied since the last save, and only while the log is
   * still the one the state came from: a node that outlived its Redis must not plant its old state in
   * a fresh one, where a starting node would trust it over the (new, shorter) log.
   */
  saveSnapshot(): Promise<void> {
    // one save at a time (the timer's and stop()'s), so an older state never lands after a newer one
    this.saving = this.saving.then(() => this.saveOnce());
    return this.saving;
  }

  private async saveOnce(): Promise<void> {
    if (this.cursorValue === this.lastSavedCursor) return;
    // a snapshot past a pruned day whose record is not in the archive would lose that day for good
    if (!(await this.flushArchive())) return;
    const cursor = this.cursorValue;
    const generation = this.generation;
    const state = encodeState(this.reducer.state);
    try {
      if (!(await this.checkLog())) return;
      // a rebuild while the log was being checked: this state belongs to the log that was lost
      if (this.generation !== generation) return;
      await this.o.snapshots.save({ cursor, state, generation });
      this.lastSavedCursor = cursor;
    } catch (err) {
      this.o.logger.warn({ err: String(err) }, 'snapshot not saved; will retry');
    }
  }

  /** The saved snapshot, unless it is unreadable, of another version, or not of this log. */
  private async loadSnapshot(): Promise<void> {
    const log = await this.o.log.identity();
    this.generation = log.generation;
    const saved = await this.o.snapshots.load();
    if (!saved) return;
    let state: State | null = null;
    try {
      state = decodeState(saved.state, this.o.config);
    } catch {
      state = null;
    }
    if (!state) {
      this.o.logger.warn('snapshot unreadable, of another version or of other settings; replaying the whole log');
      return;
    }
    if (saved.generation !== log.generation || compareStreamIds(saved.cursor, log.lastGeneratedId) > 0 || (this.o.log.holds && !(await this.o.log.holds(saved.cursor)))) {
      this.o.logger.error({ cursor: saved.cursor }, 'the snapshot is not of this event log (was the log lost or restored?); rebuilding from the log');
      return;
    }
    this.reducer = new Reducer(this.o.config, state);
    this.cursorValue = saved.cursor;
    this.lastSavedCursor = saved.cursor;
    this.o.logger.info({ cursor: saved.cursor }, 'loaded snapshot');
  }

  /**
   * Whether the log is still the one this node's state came from: same generation, not behind the
   * cursor (a restored older backup), and still holding the entry at the cursor (a failover to a
   * replica that lacked it). When not, flags the loss for the read loop.
   */
  private async checkLog(): Promise<boolean> {
    // the cursor as it is now: the reader may apply newer entries while the identity is on its way,
    // and those must not make the log look behind
    const cursor = this.cursorValue;
    const generation = this.generation;
    const log = await this.o.log.identity();
    // the entry at the cursor too: after a failover the log may go on without the last entries read
    const same = log.generation === generation && compareStreamIds(cursor, log.lastGeneratedId) <= 0 && (cursor === '0-0' || !this.o.log.holds || (await this.o.log.holds(cursor)));
    if (generation !== this.generation) return true; // rebuilt meanwhile: that rebuild checked already
    if (same) return true;
    this.logLost = log.generation;
    return false;
  }

  /** Forgets everything and reads the log again from its start. */
  private rebuild(generation: string): void {
    this.o.logger.error({ cursor: this.cursorValue }, 'the event log is not the one this node read (lost or replaced); rebuilding from the log');
    this.reducer = new Reducer(this.o.config);
    this.cursorValue = '0-0';
    this.lastSavedCursor = '0-0';
    this.generation = generation;
    this.logLost = null;
    this.pendingDays = [];
  }

  private async run(): Promise<void> {
    let backoff = 100;
    while (this.running) {
      try {
        // back from an outage: the Redis that answers may have lost the log meanwhile
        if (!this.healthy) await this.checkLog();
        if (this.logLost !== null) {
          this.rebuild(this.logLost);
          await this.markTrimmed();
          await this.catchUp(await this.o.log.lastId());
          this.emit();
        }
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

  /**
   * Replays the log up to `end` in large batches, asking Redis for the next batch before applying
   * the current one, so reading (in Redis and on the wire) and applying overlap. Nothing is derived
   * or published meanwhile: listeners hear once, at the end.
   */
  private async catchUp(end: string): Promise<void> {
    const quiet = (p: Promise<LogEntry[]>) => {
      p.catch(() => undefined); // awaited below; a failure surfaces there, not as an unhandled rejection
      return p;
    };
    if (compareStreamIds(this.cursorValue, end) >= 0) return;
    // a replay from the log's start may meet a trim by another node: see below
    const fromStart = this.cursorValue === '0-0';
    let next = quiet(this.o.log.read(this.cursorValue, CATCH_UP_BATCH, 0));
    for (;;) {
      const entries = await next;
      // A trim raises its mark before it cuts: when these entries came after a cut, the mark read
      // now says so, before a day it cut is taken for whole (and finalised into the archive).
      if (fromStart) await this.markTrimmed();
      if (entries.length === 0) return;
      const last = entries[entries.length - 1]!.id;
      const more = compareStreamIds(last, end) < 0;
      if (more) next = quiet(this.o.log.read(last, CATCH_UP_BATCH, 0));
      await this.applyBatch(entries);
      if (!more) return;
    }
  }

  /**
   * A replay from the log's start: when the log was trimmed, the days before the trim point are
   * not whole in it, and the state must leave them to the archive.
   */
  private async markTrimmed(): Promise<void> {
    const from = await this.o.log.trimmedBefore();
    if (from > this.reducer.state.historyFrom) {
      this.reducer.state.historyFrom = from;
      this.o.logger.info({ wholeFrom: new Date(from).toISOString() }, 'the log was trimmed: days before it come from the archive');
    }
  }

  /** Writes the days pruning finalised to the archive; false while some could not be written. */
  async flushArchive(): Promise<boolean> {
    const archive = this.o.archive;
    if (!archive) {
      this.pendingDays = [];
      return true;
    }
    while (this.pendingDays.length > 0) {
      const { day, asOf } = this.pendingDays[0]!;
      try {
        await archive.put(day, asOf);
      } catch (err) {
        this.o.logger.warn({ err: String(err), date: day.date }, 'a finished day could not be archived yet; will retry');
        return false;
      }
      this.pendingDays.shift();
    }
    return true;
  }

  /** Reads and applies one batch; returns how many entries were consumed. */
  private async readOnce(blockMs: number): Promise<number> {
    const entries = await this.o.log.read(this.cursorValue, this.o.batchSize, blockMs);
    await this.applyBatch(entries);
    return entries.length;
  }

  /** Applies a batch of entries in order and copies the refused ones to the rejected stream. */
  private async applyBatch(entries: LogEntry[]): Promise<void> {
    const refused: { entry: LogEntry; reason: string }[] = [];
    const counters = this.reducer.state.counters;
    const before = { applied: counters.applied, rejected: counters.rejected, duplicates: counters.duplicates };
    // the batch is applied without an await in between, so a snapshot never sees half of it
    for (const entry of entries) {
      const reason = this.applyEntry(entry);
      this.cursorValue = entry.id;
      if (reason !== null) refused.push({ entry, reason });
      // (pruning runs inside apply: what it finalised is final at this entry)
      const done = this.reducer.takeFinalized();
      for (const day of done) this.pendingDays.push({ day, asOf: entry.id });
    }
    this.processed.applied += counters.applied - before.applied;
    this.processed.rejected += counters.rejected - before.rejected;
    this.processed.duplicates += counters.duplicates - before.duplicates;
    if (this.pendingDays.length > 0) await this.flushArchive();
    for (const { entry, reason } of refused) {
      this.o.logger.warn({ id: entry.id, reason }, 'rejected stream entry');
      const copy = entry.raw !== null && entry.raw.length > REJECTED_COPY_CHARS ? { ...entry, raw: entry.raw.slice(0, REJECTED_COPY_CHARS) } : entry;
      await this.o.log.reject(copy, reason).catch((err) => this.o.logger.warn({ err: String(err) }, 'could not copy a rejected entry'));
    }
  }

  /**
   * Applies one entry; returns why it was refused, or null. A reducer that throws on an entry is a
   * bug, but it must cost that one entry, not the reader: the entry is refused like an invalid one
   * (identically on every replica, since the reducer is deterministic) and reading goes on.
   */
  private applyEntry(entry: LogEntry): string | null {
    const v = validateEntry(entry, this.o.config.eventTime);
    if ('reason' in v) {
      this.reducer.noteRejected();
      return v.reason;
    }
    try {
      this.reducer.apply(v.event, entry.id);
      return null;
    } catch (err) {
      this.reducer.noteRejected();
      this.o.logger.error({ id: entry.id, err: err instanceof Error ? err.stack : String(err) }, 'the reducer failed on a stream entry; entry refused');
      return `could not be applied: ${err instanceof Error ? err.message : String(err)}`;
    }
  }

  private emit(): void {
    for (const fn of this.listeners) {
      try {
        fn();
      } catch (err) {
        // a listener's failure (deriving the view) is not the log's: never let it stop the reader
        this.o.logger.error({ err: err instanceof Error ? err.stack : String(err) }, 'a state listener failed');
      }
    }
  }
}
