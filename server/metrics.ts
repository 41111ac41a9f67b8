/**
 * The node's Prometheus metrics (OPERATIONS.md, docs/metrics.md "Prometheus"): one prom-client
 * Registry per running app, so several apps in one process (the tests) never share a figure.
 *
 * Nothing here sits on the hot path except two histogram observations (one per derive + diff, one
 * per broadcast patch, its size measured where Socket.IO encodes it anyway). Every other figure is
 * read when Prometheus scrapes: the replica's per-process counts, the sockets in each role's room,
 * the feeds and the alerts of the last published snapshot, and the reader's lag (one Redis read).
 */
import { collectDefaultMetrics, Counter, exponentialBuckets, Gauge, Histogram, Registry } from 'prom-client';
import type { AlertView, FeedView } from '../shared/snapshot';
import { compareStreamIds, streamIdMs } from './core/stream-id';
import type { Role } from './ports';

export const ROLES: readonly Role[] = ['wall', 'lead', 'director', 'admin'];
export const ALERT_SEVERITIES: readonly AlertView['severity'][] = ['warning', 'critical'];

/** Where the scraped figures come from (read at scrape time only). */
export interface MetricsSources {
  /** stream entries this process has taken from the log since it started, as the core counts them */
  processed(): { applied: number; rejected: number; duplicates: number };
  /** seconds the reader is behind the log (see readerLagSeconds) */
  readerLag(): Promise<number>;
  /** open sockets by role */
  sockets(): Readonly<Record<Role, number>>;
  /** the telephony feeds as this node last read them */
  feeds(): readonly FeedView[];
  /** the alerts of the last published snapshot */
  alerts(): readonly AlertView[];
}

/**
 * How far behind the log the reader is, in seconds: 0 when it has applied every entry in the log;
 * otherwise now − the time of the last applied stream entry (the millisecond part of the cursor's
 * stream ID), the contract's formula. The reader is taken for behind when the log cannot be read
 * (it cannot tell whether it misses anything, and nothing new reaches the screens meanwhile).
 */
export async function readerLagSeconds(reader: { cursor: string; connected: boolean }, lastId: () => Promise<string>, now: number): Promise<number> {
  const cursor = reader.cursor;
  if (reader.connected) {
    try {
      if (compareStreamIds(cursor, await lastId()) >= 0) return 0;
    } catch {
      // unreadable: behind, as far as anyone can tell
    }
  }
  return Math.max(0, now - streamIdMs(cursor)) / 1000;
}

export class Metrics {
  readonly registry = new Registry();
  /** derive + diff of one LiveView.publish, in seconds */
  readonly publishSeconds: Histogram;
  /** the Socket.IO packet of one broadcast patch, in bytes */
  readonly patchBytes: Histogram;

  constructor(sources: MetricsSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    // Counters of this process: they start at 0 with it (a restart is a counter reset, which
    // rate() and increase() expect), and the replay at start-up counts, because it was applied.
    const counted = (name: string, help: string, key: 'applied' | 'rejected' | 'duplicates') =>
      new Counter({
        name,
        help,
        registers,
        collect() {
          this.reset();
          this.inc(sources.processed()[key]);
        },
      });
    counted('hotline_events_applied_total', 'Stream entries applied to the state by this process (duplicates and invalid entries are counted apart)', 'applied');
    counted('hotline_events_rejected_total', 'Stream entries refused by this process (invalid, or the reducer failed on them); copied to <prefix>events:rejected', 'rejected');
    counted('hotline_events_duplicate_total', 'Stream entries ignored by this process because their event id was already applied', 'duplicates');

    new Gauge({
      name: 'hotline_reader_lag_seconds',
      help: 'How far behind the event log the reader is: 0 when every entry is applied, else now minus the time of the last applied entry',
      registers,
      async collect() {
        this.set(await sources.readerLag());
      },
    });
    new Gauge({
      name: 'hotline_sockets',
      help: 'Open Socket.IO connections (screens) on this node, by role',
      labelNames: ['role'],
      registers,
      collect() {
        const counts = sources.sockets();
        for (const role of ROLES) this.set({ role }, counts[role]);
      },
    });
    new Gauge({
      name: 'hotline_feed_connected',
      help: 'A telephony feed as this node last read its health key: 1 connected, 0 down or stopped reporting',
      labelNames: ['feed'],
      registers,
      collect() {
        // a feed forgotten (more than the wallboard lists) must not stay at its last value
        this.reset();
        for (const f of sources.feeds()) this.set({ feed: f.name }, f.connected ? 1 : 0);
      },
    });
    new Gauge({
      name: 'hotline_alerts_active',
      help: 'Alerts on the screens now (acknowledged or not), by severity',
      labelNames: ['severity'],
      registers,
      collect() {
        const n: Record<string, number> = { warning: 0, critical: 0 };
        for (const a of sources.alerts()) n[a.severity] = (n[a.severity] ?? 0) + 1;
        for (const severity of ALERT_SEVERITIES) this.set({ severity }, n[severity] ?? 0);
      },
    });
    this.publishSeconds = new Histogram({
      name: 'hotline_publish_seconds',
      help: 'Time to derive the snapshot and diff it against the last published one, per publish attempt (state changes and the 1-second tick)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.patchBytes = new Histogram({
      name: 'hotline_patch_bytes',
      help: 'Size of each broadcast patch as Socket.IO encoded it (UTF-8 bytes, once for every screen)',
      // 64 B … 2 MiB
      buckets: exponentialBuckets(64, 2, 16),
      registers,
    });
  }

  /** The scrape: the text format, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
