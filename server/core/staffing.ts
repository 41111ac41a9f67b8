/**
 * The staffing forecast (排班建议, 第四十条; SHIFTS.md): for each 30-minute interval of a day, the
 * mean offered calls and the handle time of the same weekday and interval over the last 4 weeks,
 * and the agents Erlang C requires for the service-level target. Pure: the weeks' archive records in,
 * the forecast out.
 */
import type { CenterConfig } from '../../shared/config';
import { endOfDay, intervalStarts, localParts, zonedEpoch } from '../../shared/time';
import type { DayArchive } from './archive';
import { requiredAgents } from './erlang';
import type { StaffingForecast } from './shift';

/** How many weeks back the forecast looks. */
export const FORECAST_WEEKS = 4;
const INTERVAL_SEC = 1800;

/** The starts of the same weekday 1…FORECAST_WEEKS weeks before `day` (local midnights). */
export function forecastDays(day: number, tz: string): number[] {
  const p = localParts(day, tz);
  return Array.from({ length: FORECAST_WEEKS }, (_, k) => zonedEpoch(p.year, p.month, p.day - 7 * (k + 1), 0, tz));
}

const slot = (ms: number, tz: string) => {
  const p = localParts(ms, tz);
  return p.hour * 2 + Math.floor(p.minute / 30);
};

/**
 * The forecast for `day` from the records of the weeks before (those the archive has; a week without
 * a record is left out, so fewer weeks count when fewer exist; none: every figure null).
 */
export function forecastFor(day: number, records: readonly DayArchive[], config: CenterConfig): StaffingForecast {
  const tz = config.timeZone;
  // a day without a single call is a day without data (before the center began, an outage), not a quiet day
  const weeks = records.filter((r) => r.window.offered > 0);
  const t = config.thresholds;
  const sums = new Map<number, { offered: number; handleSum: number; handleN: number }>();
  for (const w of weeks) {
    for (const i of w.intervals) {
      const k = slot(i.start, tz);
      const s = sums.get(k) ?? { offered: 0, handleSum: 0, handleN: 0 };
      s.offered += i.sums.offered;
      s.handleSum += i.sums.handleSum;
      s.handleN += i.sums.handleN;
      sums.set(k, s);
    }
  }
  const intervals: StaffingForecast['intervals'] = new Map();
  for (const start of intervalStarts(endOfDay(day, tz) - 1, tz)) {
    if (weeks.length === 0) {
      intervals.set(start, { forecastOffered: null, forecastAhtSec: null, requiredAgents: null });
      continue;
    }
    const s = sums.get(slot(start, tz));
    const forecastOffered = (s?.offered ?? 0) / weeks.length;
    const forecastAhtSec = s && s.handleN > 0 ? s.handleSum / s.handleN / 1000 : null;
    const required =
      forecastOffered === 0
        ? 0
        : forecastAhtSec === null
          ? null
          : requiredAgents({ callsPerInterval: forecastOffered, intervalSec: INTERVAL_SEC, ahtSec: forecastAhtSec, targetSl: t.serviceLevelTarget, targetSec: t.slThresholdSec });
    intervals.set(start, { forecastOffered, forecastAhtSec, requiredAgents: required });
  }
  return { day, intervals };
}
