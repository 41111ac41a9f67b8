/**
 * The telephony feeds' health as this node sees it: the FeedStore read every 5 s (and at start).
 * A feed whose key is there is as its adapter reported it; a name seen once whose key then expired
 * stays listed as down (`connected: false`, its last `since` / `lastEventAt`) until the node
 * restarts. Operational status, not stream data: nothing here goes into the core state, and nodes
 * started at different times may know different expired names.
 */
import type { Logger } from 'pino';
import { FEED_POLL_MS } from '../shared/feeds';
import type { FeedView } from '../shared/snapshot';
import type { FeedRecord, FeedStore } from './ports';

/** A feed as /admin lists it: the snapshot's fields, the PBX, and whether its key is still there. */
export interface FeedDetail extends FeedView {
  pbx: string | null;
  /** false once its key expired: the adapter stopped reporting */
  reporting: boolean;
}

/** Names remembered at most: a key writer inventing names must not grow the snapshot without end. */
export const MAX_FEEDS = 64;

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function sameView(a: readonly FeedView[], b: readonly FeedView[]): boolean {
  return (
    a.length === b.length &&
    a.every((x, i) => {
      const y = b[i]!;
      return x.name === y.name && x.connected === y.connected && x.since === y.since && x.lastEventAt === y.lastEventAt;
    })
  );
}

export class FeedMonitor {
  /** name → what is known of it (names come from outside: a Map) */
  readonly #known = new Map<string, FeedDetail>();
  #view: readonly FeedView[] = [];
  readonly #listeners = new Set<() => void>();
  #timer: NodeJS.Timeout | null = null;
  #polling: Promise<void> | null = null;
  /** the store failed on the last poll: said once per outage, not every 5 s */
  #failing = false;
  #overflowTold = false;

  constructor(
    private readonly store: FeedStore,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
    private readonly pollMs = FEED_POLL_MS,
  ) {}

  /** Reads the store once (the first snapshot already has the feeds), then every `pollMs`. */
  async start(): Promise<void> {
    await this.poll();
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.poll(), this.pollMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Called after a poll that changed what the snapshot lists. */
  onChange(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** The feeds as the snapshot lists them, sorted by name; the same array until something changes. */
  feeds(): readonly FeedView[] {
    return this.#view;
  }

  /** Every known feed with its PBX and whether it still reports, sorted by name (for /admin). */
  details(): FeedDetail[] {
    return [...this.#known.values()].map((f) => ({ ...f })).sort(byName);
  }

  /**
   * Reads the store and updates the view. A store that cannot be read (Redis away) changes nothing:
   * the node's own connection trouble is not the feeds' (screens show that as 数据延迟). Calls made
   * while a read is running share it.
   */
  poll(): Promise<void> {
    return (this.#polling ??= this.#read().finally(() => (this.#polling = null)));
  }

  async #read(): Promise<void> {
    let records: FeedRecord[];
    try {
      records = await this.store.list();
    } catch (err) {
      if (!this.#failing) this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'feed health: cannot read the feed keys; keeping the last known');
      this.#failing = true;
      return;
    }
    if (this.#failing) this.logger.info({}, 'feed health: feed keys readable again');
    this.#failing = false;
    this.#apply(records);
  }

  #apply(records: readonly FeedRecord[]): void {
    const present = new Set<string>();
    for (const r of [...records].sort(byName)) {
      if (present.has(r.name)) continue;
      if (!this.#known.has(r.name) && !this.#makeRoom()) continue;
      present.add(r.name);
      this.#known.set(r.name, { name: r.name, connected: r.connected, since: r.since, lastEventAt: r.lastEventAt, pbx: r.pbx, reporting: true });
    }
    for (const [name, f] of this.#known) {
      if (!present.has(name) && (f.reporting || f.connected)) this.#known.set(name, { ...f, connected: false, reporting: false });
    }
    const view = [...this.#known.values()].map((f) => ({ name: f.name, connected: f.connected, since: f.since, lastEventAt: f.lastEventAt })).sort(byName);
    if (sameView(view, this.#view)) return;
    this.#view = view;
    for (const fn of this.#listeners) fn();
  }

  /** Room for one more name: forgets the expired feed silent the longest, or says there is none. */
  #makeRoom(): boolean {
    if (this.#known.size < MAX_FEEDS) return true;
    let oldest: FeedDetail | null = null;
    for (const f of this.#known.values()) {
      if (!f.reporting && (!oldest || Math.max(f.since, f.lastEventAt ?? 0) < Math.max(oldest.since, oldest.lastEventAt ?? 0))) oldest = f;
    }
    if (oldest) {
      this.#known.delete(oldest.name);
      return true;
    }
    if (!this.#overflowTold) this.logger.warn({ max: MAX_FEEDS }, 'feed health: more feeds than the wallboard lists; the others are ignored');
    this.#overflowTold = true;
    return false;
  }
}
