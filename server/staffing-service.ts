/**
 * Today's staffing forecast for the live view, and plans for other days (SHIFTS.md, 第四十条). The
 * forecast comes from the archive (the same weekday of the last 4 weeks), so it is worked out when
 * the node starts, when the day changes and every 10 minutes (a late event may change a past day),
 * not on every derive. One service behind the snapshot, the plan route and the tests.
 */
import type { Logger } from 'pino';
import type { CenterConfig } from '../shared/config';
import type { StaffingInterval } from '../shared/snapshot';
import { endOfDay, intervalStarts, startOfDay } from '../shared/time';
import { rosteredByInterval, staffingView, type StaffingForecast } from './core/shift';
import { forecastDays, forecastFor } from './core/staffing';
import type { State } from './core/state';
import type { Clock } from './ports';
import type { ReportsService } from './reports-service';

export const FORECAST_REFRESH_MS = 10 * 60_000;

export class StaffingService {
  private today: StaffingForecast | null = null;
  private timer: NodeJS.Timeout | null = null;
  private listeners = new Set<() => void>();

  constructor(
    private readonly state: () => State,
    private readonly reports: ReportsService,
    private readonly config: CenterConfig,
    private readonly clock: Clock,
    private readonly logger: Pick<Logger, 'warn'>,
  ) {}

  /** The forecast the live view shows (null until worked out). */
  current(): StaffingForecast | null {
    return this.today;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async start(): Promise<void> {
    await this.refresh();
    // every minute: cheap unless the day changed or the 10 minutes are up
    let last = this.clock.now();
    this.timer = setInterval(() => {
      const now = this.clock.now();
      const dayChanged = this.today !== null && this.today.day !== startOfDay(now, this.config.timeZone);
      if (dayChanged || now - last >= FORECAST_REFRESH_MS) {
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

  /** Works today's forecast out again; listeners hear when it changed. */
  async refresh(): Promise<void> {
    try {
      const next = await this.forecast(startOfDay(this.clock.now(), this.config.timeZone));
      const changed = JSON.stringify([...(this.today?.intervals ?? [])]) !== JSON.stringify([...next.intervals]) || this.today?.day !== next.day;
      this.today = next;
      if (changed) for (const fn of this.listeners) fn();
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'staffing forecast not worked out; will retry');
    }
  }

  /** The forecast for the day starting at `day`. */
  async forecast(day: number): Promise<StaffingForecast> {
    const weeks = await this.reports.dayRecords(forecastDays(day, this.config.timeZone));
    return forecastFor(day, weeks, this.config);
  }

  /**
   * The staffing plan of a day: forecast and required per interval, the roster, and (today, up to
   * now) the mean signed in; days past and to come have no signed-in figures here.
   */
  async plan(day: number): Promise<StaffingInterval[]> {
    const now = this.clock.now();
    const tz = this.config.timeZone;
    const state = this.state();
    const forecast = await this.forecast(day);
    if (day === startOfDay(now, tz)) return staffingView(state, now, this.config, forecast);
    const starts = intervalStarts(endOfDay(day, tz) - 1, tz);
    const rostered = rosteredByInterval(state, starts, this.config);
    return starts.map((start, i) => ({ start, ...forecast.intervals.get(start)!, rostered: rostered[i]!, signedIn: null }));
  }
}
