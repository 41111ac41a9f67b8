/**
 * This month's follow-up figures reach further back than the live state: the days of the month the
 * state no longer holds whole come from the archive (FOLLOWUP.md: month figures). Worked out when
 * the node starts, when the day changes and every 10 minutes, and given to the live view as an input.
 */
import type { Logger } from 'pino';
import type { CenterConfig } from '../shared/config';
import { endOfDay, startOfDay } from '../shared/time';
import { holdsWholeDay } from './core/archive';
import type { State } from './core/state';
import { monthStart, type MonthArchive } from './core/tickets';
import type { Clock } from './ports';
import type { ReportsService } from './reports-service';

const REFRESH_MS = 10 * 60_000;

export class MonthService {
  private value: MonthArchive | null = null;
  private timer: NodeJS.Timeout | null = null;
  private listeners = new Set<() => void>();

  constructor(
    private readonly state: () => State,
    private readonly reports: ReportsService,
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

  async refresh(): Promise<void> {
    try {
      const tz = this.config.timeZone;
      const now = this.clock.now();
      const month = monthStart(now, tz);
      const state = this.state();
      const days: number[] = [];
      for (let d = month; d < startOfDay(now, tz); d = endOfDay(d, tz)) if (!holdsWholeDay(state, d)) days.push(d);
      const records = await this.reports.dayRecords(days);
      const next: MonthArchive = { month, days: new Map(records.map((r) => [r.start, r.followup])) };
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
