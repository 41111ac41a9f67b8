/** Feed health keys in process memory, expiring by the injected clock (the demo and tests without Redis). */
import { systemClock, type Clock, type FeedRecord, type FeedStore } from '../../ports';

/** FeedStore in memory. Names come from outside: a Map, never an object's keys. */
export class MemoryFeedStore implements FeedStore {
  readonly #feeds = new Map<string, { record: FeedRecord; expiresAt: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  async list(): Promise<FeedRecord[]> {
    const now = this.clock.now();
    const out: FeedRecord[] = [];
    for (const [name, f] of this.#feeds) {
      if (f.expiresAt <= now) this.#feeds.delete(name);
      else out.push({ ...f.record });
    }
    return out;
  }

  async put(record: FeedRecord, ttlMs: number): Promise<void> {
    this.#feeds.set(record.name, { record: { ...record }, expiresAt: this.clock.now() + Math.max(1, Math.round(ttlMs)) });
  }
}
