/**
 * The event log in process memory, for the demo without Redis and for fast tests. It mimics the Redis
 * stream closely: `<ms>-<seq>` IDs that only grow, field lists per entry, a read that blocks until an
 * append, its timeout or close.
 */
import type { HotlineEvent } from '../../../shared/events';
import { randomUUID } from 'node:crypto';
import { systemClock, type Clock, type EventLog, type LogEntry, type LogIdentity } from '../../ports';
import { parseStreamId, type StreamId } from '../../core/stream-id';


interface StoredEntry {
  id: string;
  key: StreamId;
  fields: Array<[string, string]>;
}

/** What `reject` kept, as the Redis adapter writes it to `<prefix>events:rejected`. */
export interface RejectedEntry {
  id: string;
  raw: string;
  reason: string;
}

function compareIds(a: StreamId, b: StreamId): number {
  return a.ms - b.ms || a.seq - b.seq;
}

/** EventLog in memory. The clock only feeds the ms part of new IDs, as Redis' own clock would. */
export class MemoryEventLog implements EventLog {
  readonly #entries: StoredEntry[] = [];
  readonly #rejected: RejectedEntry[] = [];
  readonly #waiters = new Set<() => void>();
  #last: StreamId = { ms: 0, seq: 0 };
  #closed = false;
  #generation = randomUUID();
  #trimmedBefore = 0;

  constructor(
    private readonly clock: Clock = systemClock,
    /** how many refused entries are kept, like the Redis adapter's capped rejected stream */
    private readonly rejectedMax = 10_000,
  ) {}

  async append(events: readonly HotlineEvent[]): Promise<string[]> {
    // Serialise everything first so that one bad event leaves the log untouched.
    const texts = events.map((e) => JSON.stringify(e));
    const ids = texts.map((text) => this.#add([['event', text]]));
    this.#wake();
    return ids;
  }

  /**
   * Appends an entry with arbitrary fields, like a raw XADD: lets tests and fault drills put entries
   * with a missing or extra field into the log. Returns the new ID.
   */
  appendFields(fields: ReadonlyArray<readonly [string, string]>): string {
    const id = this.#add(fields.map(([name, value]) => [name, value]));
    this.#wake();
    return id;
  }

  async read(cursor: string, count: number, blockMs: number): Promise<LogEntry[]> {
    const after = parseStreamId(cursor);
    const limit = Math.max(1, Math.floor(count));
    const deadline = Date.now() + Math.max(0, blockMs);
    for (;;) {
      if (this.#closed) return [];
      const found = this.#after(after, limit);
      const left = deadline - Date.now();
      if (found.length > 0 || left <= 0) return found;
      await this.#waitForAppend(left);
    }
  }

  async reject(entry: LogEntry, reason: string): Promise<void> {
    // like the Redis adapter: one copy per original entry, however many times it is met
    const last = this.#rejected[this.#rejected.length - 1];
    if (last && compareIds(parseStreamId(entry.id), parseStreamId(last.id)) <= 0) return;
    this.#rejected.push({ id: entry.id, raw: entry.raw ?? '', reason });
    if (this.#rejected.length > this.rejectedMax) this.#rejected.splice(0, this.#rejected.length - this.rejectedMax);
  }

  /** Everything `reject` received, oldest first. */
  rejected(): RejectedEntry[] {
    return this.#rejected.map((r) => ({ ...r }));
  }

  async lastId(): Promise<string> {
    return this.#entries.at(-1)?.id ?? '0-0';
  }

  async identity(): Promise<LogIdentity> {
    return { generation: this.#generation, lastGeneratedId: this.#last.ms === 0 && this.#last.seq === 0 ? '0-0' : `${this.#last.ms}-${this.#last.seq}` };
  }

  async trim(beforeMs: number, wholeFrom: number): Promise<number> {
    const keep = this.#entries.findIndex((e) => e.key.ms >= beforeMs);
    const n = keep === -1 ? this.#entries.length : keep;
    this.#entries.splice(0, n);
    this.#trimmedBefore = Math.max(this.#trimmedBefore, wholeFrom);
    return n;
  }

  async trimmedBefore(): Promise<number> {
    return this.#trimmedBefore;
  }

  /** Removes every entry but remembers the IDs issued, as XTRIM does (for tests of trimming). */
  trimAll(): void {
    this.#entries.length = 0;
  }

  /** Empties the log and begins a new generation, as a Redis restarted without persistence would. */
  lose(): void {
    this.#entries.length = 0;
    this.#last = { ms: 0, seq: 0 };
    this.#generation = randomUUID();
    this.#trimmedBefore = 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake();
  }

  #add(fields: Array<[string, string]>): string {
    const now = Math.max(0, Math.floor(this.clock.now()));
    // Like Redis: a clock that stands still or steps back only bumps the sequence number.
    const key = now > this.#last.ms ? { ms: now, seq: 0 } : { ms: this.#last.ms, seq: this.#last.seq + 1 };
    this.#last = key;
    const id = `${key.ms}-${key.seq}`;
    this.#entries.push({ id, key, fields });
    return id;
  }

  #after(cursor: StreamId, limit: number): LogEntry[] {
    // Entries are sorted by ID: binary search for the first one past the cursor.
    let lo = 0;
    let hi = this.#entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(this.#entries[mid]!.key, cursor) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return this.#entries.slice(lo, lo + limit).map((e) => {
      const event = e.fields.find(([name]) => name === 'event');
      return { id: e.id, raw: event ? event[1] : null, fields: e.fields.map(([name]) => name) };
    });
  }

  #waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#waiters.add(done);
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
