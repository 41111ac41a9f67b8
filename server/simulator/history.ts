/**
 * Past days for the reports on a fresh machine: the simulation runs over the days before today at
 * full speed, straight into a pure Reducer (not through the stream, which refuses events older than
 * `retentionDays`), and each day's archive record is taken from the state as the archive keeper
 * would. `simulateHistory` is pure; `archiveHistory` writes its records to an ArchiveStore with the
 * position "0-0", so any record computed later from the stream wins.
 */
import type { CenterConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import { endOfDay, localParts, zonedEpoch } from '../../shared/time';
import { dayArchive, type DayArchive } from '../core/archive';
import { Reducer } from '../core/reduce';
import type { ArchiveStore } from '../ports';
import { HOUR } from './context';
import { createSimulation, type SimulationOptions } from './simulation';

/**
 * The simulation starts this long before the first day, so that day opens on a staffed center (a
 * simulation starts empty); the partial day before is not archived.
 */
const LEAD_IN_MS = 2 * HOUR;
/**
 * A day's record is taken this long after its end, not at midnight: by then the midnight handover
 * (one operator signing out just before 00:00, the next taking the seat just after: not a
 * restricted-window violation), the talk and wrap-up of calls running over midnight and the callbacks
 * of the last missed calls are settled, and the record equals the one pruning finalises from the
 * same events (tests/unit/history.test.ts). Taken at midnight, 25 of 28 days differed from it.
 */
const SETTLE_MS = 1 * HOUR;

export interface HistoryOptions extends Omit<SimulationOptions, 'start' | 'timeZone' | 'shifts' | 'showcaseAt' | 'existingHandover'> {
  /** the center's configuration: its time zone makes the days, its thresholds the figures */
  config: CenterConfig;
  /** epoch ms of today's local midnight: the history ends there */
  todayStart: number;
  /** how many days before today to archive */
  days: number;
  /** sees every simulated event as it is applied (counts, tests) */
  onEvent?: (event: HotlineEvent) => void;
}

/** The archive records of the `days` local days before `todayStart`, oldest first. Deterministic. */
export function simulateHistory(options: HistoryOptions): DayArchive[] {
  const { config, todayStart, days, onEvent, ...simOptions } = options;
  if (!Number.isInteger(days) || days < 0) throw new Error('days must be a non-negative integer');
  if (days === 0) return [];
  const tz = config.timeZone;
  const p = localParts(todayStart, tz);
  const first = zonedEpoch(p.year, p.month, p.day - days, 0, tz);
  const sim = createSimulation({ ...simOptions, start: first - LEAD_IN_MS, timeZone: tz, shifts: config.shifts });
  const reducer = new Reducer(config);
  let n = 0;
  const feedUntil = (t: number) => {
    for (const e of sim.nextUntil(t)) {
      onEvent?.(e);
      reducer.apply(e, `${e.ts}-${n++}`);
    }
    // days pruning finalises are taken here at their settle time instead; drop its copies
    reducer.takeFinalized();
  };

  const records: DayArchive[] = [];
  for (let day = first; day < todayStart; day = endOfDay(day, tz)) {
    const settled = endOfDay(day, tz) + SETTLE_MS;
    feedUntil(settled);
    records.push(dayArchive(reducer.state, day, settled, config));
  }
  return records;
}

/** Simulates the history and writes it to the archive; returns what was written and how long it took. */
export async function archiveHistory(archive: ArchiveStore, options: HistoryOptions): Promise<{ records: DayArchive[]; ms: number }> {
  const t0 = performance.now();
  const records = simulateHistory(options);
  // "0-0": earlier than any stream position, so a record the keeper computes from the stream replaces it
  for (const r of records) await archive.put(r, '0-0');
  return { records, ms: performance.now() - t0 };
}
