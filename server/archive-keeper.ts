/**
 * Keeps the daily archive and the stream's retention (REPORTS.md), on every node (their writes are
 * the same, and a write computed at an earlier stream position never overwrites a later one):
 *
 * - every minute, the days that are over and that the state holds whole are written to the archive
 *   when their record changed (a late event for yesterday rewrites yesterday);
 * - on start and every hour, the stream is trimmed: only entries older than `retentionDays`, only
 *   behind the newest snapshot's cursor, and only of days already archived, keeping the day before
 *   the first whole one for a replay to start from; the audit stream and the archive keep `historyDays`.
 */
import type { Logger } from 'pino';
import type { CenterConfig } from '../shared/config';
import { endOfDay, startOfDay } from '../shared/time';
import { dateOf, dayArchive, daysHeld, holdsWholeDay } from './core/archive';
import { streamIdMs } from './core/stream-id';
import type { ArchiveStore, AuditLog, Clock, EventLog, SnapshotStore } from './ports';
import type { Replica } from './replica';

const DAY = 86_400_000;
export const ARCHIVE_EVERY_MS = 60_000;
export const RETAIN_EVERY_MS = 3_600_000;

export interface KeeperDeps {
  replica: Replica;
  archive: ArchiveStore;
  log: EventLog;
  snapshots: SnapshotStore;
  audit: AuditLog;
  config: CenterConfig;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
}

export interface RetainResult {
  /** stream entries removed */
  trimmed: number;
  /** from when the stream holds every event (0: not trimmed this time) */
  wholeFrom: number;
  audit: number;
  archiveDays: number;
}

export class ArchiveKeeper {
  /** what this node last wrote per date, to skip unchanged days */
  private readonly written = new Map<string, string>();
  private timers: NodeJS.Timeout[] = [];
  private busy: Promise<unknown> = Promise.resolve();

  constructor(private readonly d: KeeperDeps) {}

  start(): void {
    const run = (fn: () => Promise<unknown>) => () => {
      this.busy = this.busy.then(fn).catch((err) => this.d.logger.warn({ err: String(err) }, 'archive upkeep failed; will retry'));
    };
    run(() => this.writeClosedDays())();
    run(() => this.retain())();
    const a = setInterval(run(() => this.writeClosedDays()), ARCHIVE_EVERY_MS);
    const b = setInterval(run(() => this.retain()), RETAIN_EVERY_MS);
    a.unref();
    b.unref();
    this.timers = [a, b];
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await this.busy;
  }

  /** Writes the finished days the state holds whole whose record changed; returns how many. */
  async writeClosedDays(): Promise<number> {
    const { replica, config, clock } = this.d;
    const state = replica.state;
    const cursor = replica.cursor;
    const now = clock.now();
    let n = 0;
    // taken in one synchronous pass, so every record is of the same cursor
    const records = daysHeld(state, config.timeZone)
      .filter((day) => holdsWholeDay(state, day) && endOfDay(day, config.timeZone) <= now)
      .map((day) => dayArchive(state, day, now, config));
    for (const rec of records) {
      const text = JSON.stringify(rec);
      if (this.written.get(rec.date) === text) continue;
      await this.d.archive.put(rec, cursor);
      this.written.set(rec.date, text);
      n++;
    }
    return n;
  }

  /** Retention: trims the stream, the audit and the archive as far as allowed. */
  async retain(): Promise<RetainResult> {
    const { replica, config, clock, log } = this.d;
    const now = clock.now();
    const tz = config.timeZone;
    const result: RetainResult = { trimmed: 0, wholeFrom: 0, audit: 0, archiveDays: 0 };
    const snap = await this.d.snapshots.load();
    // the days pruning finalised must be in the archive before the entries they came from go
    if (snap && (await replica.flushArchive())) {
      const limit = Math.min(streamIdMs(snap.cursor), now - config.eventTime.retentionDays * DAY, replica.state.historyFrom);
      if (limit > 0) {
        const wholeFrom = startOfDay(limit, tz);
        // A replay of the trimmed stream (no usable snapshot) needs the state at wholeFrom's midnight:
        // the crew signed in across it, the calls it cut, the missed calls returned the next morning,
        // the seat handovers. The whole day before is kept for that (its figures stay the archive's),
        // and an event may be stamped up to maxClockSkewMin after its entry: those are kept too.
        const before = startOfDay(wholeFrom - 1, tz) - config.eventTime.maxClockSkewMin * 60_000;
        if (wholeFrom > (await log.trimmedBefore())) {
          result.trimmed = await log.trim(before, wholeFrom);
          result.wholeFrom = wholeFrom;
          this.d.logger.info({ trimmed: result.trimmed, wholeFrom: new Date(wholeFrom).toISOString() }, 'event stream trimmed (retention)');
        }
      }
    }
    const keepFrom = now - config.historyDays * DAY;
    result.audit = await this.d.audit.trim(keepFrom);
    result.archiveDays = await this.d.archive.deleteBefore(dateOf(startOfDay(keepFrom, tz), tz));
    return result;
  }
}
