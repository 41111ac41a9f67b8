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
import { ArchiveInput } from './archive-input';

export class MonthService extends ArchiveInput<MonthArchive> {
  /** the state's `historyFrom` at the last refresh: when it moves, days left the state */
  private seenHistoryFrom = -1;

  constructor(
    private readonly archive: ArchiveStore,
    /** the live state's `historyFrom` (days before it are the archive's) */
    private readonly historyFrom: () => number,
    config: CenterConfig,
    clock: Clock,
    logger: Pick<Logger, 'warn'>,
  ) {
    super(clock, config.timeZone, logger, 'month figures');
  }

  /** Call when the state moved: reads the archive again once days have left the state. */
  stateMoved(): void {
    if (this.historyFrom() !== this.seenHistoryFrom) void this.refresh();
  }

  protected async read(): Promise<MonthArchive> {
    this.seenHistoryFrom = this.historyFrom();
    const tz = this.timeZone;
    const now = this.clock.now();
    const month = monthStart(now, tz);
    // every finished day of the month, held whole by the state or not: derive takes a day from here
    // only once the state no longer holds it, and a day leaving the state is in the archive already
    const days: number[] = [];
    for (let d = month; d < startOfDay(now, tz); d = endOfDay(d, tz)) days.push(d);
    const records = await this.archive.get(days.map((d) => dateOf(d, tz)));
    return { month, days: new Map([...records.values()].map((r) => [r.start, r.followup])) };
  }

  protected keyOf(v: MonthArchive): string {
    return JSON.stringify([v.month, [...v.days]]);
  }
}
