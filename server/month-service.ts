/**
 * This month's follow-up figures reach further back than the live state: the days of the month the
 * state no longer holds whole come from the archive (FOLLOWUP.md: month figures). Every finished day
 * of the month is read, so a day that leaves the state meanwhile is there already (finished days are
 * archived within a minute, and before they leave). Read when the node starts, when the day changes
 * and every 10 minutes, and given to the live view as an input.
 */
import type { Logger } from 'pino';
import type { CenterConfig } from '../shared/config';
import { endOfDay, startOfDay } from '../shared/time';
import { dateOf } from './core/archive';
import { monthStart, type MonthArchive } from './core/tickets';
import type { ArchiveStore, Clock } from './ports';

const REFRESH_MS = 10 * 60_000;

export class MonthService {
  private value: MonthArchive | null = null;
  private timer: NodeJS.Timeout | null = null;
  private listeners = new Set<() => void>();
  /** the state's `historyFrom` at the last refresh: when it moves, days left the state */
  private seenHistoryFrom = -1;

  constructor(
    private readonly archive: ArchiveStore,
    /** the live state's `historyFrom` (days before it are the archive's) */
    private readonly historyFrom: () => number,
    private readonly config: CenterConfig,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  current(): MonthArchive | null {
    return this.value;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async start(): Promise<void> {
    await this.refresh();
    let last = this.clock.now();
    this.timer = setInterval(() => {
      const now = this.clock.now();
      if (now - last >= REFRESH_MS || startOfDay(now, this.config.timeZone) !== startOfDay(last, this.config.timeZone)) {
        last = now;
        void this.refresh();
      }
    }, 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Call when the state moved: reads the archive again once days have left the state. */
  stateMoved(): void {
    if (this.historyFrom() !== this.seenHistoryFrom) void this.refresh();
  }

  async refresh(): Promise<void> {
    this.seenHistoryFrom = this.historyFrom();
    try {
      const tz = this.config.timeZone;
      const now = this.clock.now();
      const month = monthStart(now, tz);
      // every finished day of the month, held whole by the state or not: derive takes a day from here
      // only once the state no longer holds it, and a day leaving the state is in the archive already
      const days: number[] = [];
      for (let d = month; d < startOfDay(now, tz); d = endOfDay(d, tz)) days.push(d);
      const records = await this.archive.get(days.map((d) => dateOf(d, tz)));
      const next: MonthArchive = { month, days: new Map([...records.values()].map((r) => [r.start, r.followup])) };
      const changed = JSON.stringify([this.value?.month, [...(this.value?.days ?? [])]]) !== JSON.stringify([next.month, [...next.days]]);
      if (changed) {
        this.value = next;
        for (const fn of this.listeners) fn();
      }
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'month figures not read from the archive; will retry');
    }
  }
}
