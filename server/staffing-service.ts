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
import { ArchiveInput } from './archive-input';

export class StaffingService extends ArchiveInput<StaffingForecast> {
  constructor(
    private readonly state: () => State,
    private readonly reports: ReportsService,
    private readonly config: CenterConfig,
    clock: Clock,
    logger: Pick<Logger, 'warn'>,
  ) {
    super(clock, config.timeZone, logger, 'staffing forecast');
  }

  /** Today's forecast (the live view's). */
  protected read(): Promise<StaffingForecast> {
    return this.forecast(startOfDay(this.clock.now(), this.timeZone));
  }

  protected keyOf(f: StaffingForecast): string {
    return JSON.stringify([f.day, [...f.intervals]]);
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
