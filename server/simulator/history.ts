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
  /**
   * Carry the tickets filed in the last `carryDays` local days before today into `carry` (default
   * 0: none). At most `retentionDays` − 1, so that every carried event is young enough for the stream.
   */
  carryDays?: number;
}

/** The archived days, and the carried tickets' lives in time order (their events after today included). */
export interface History {
  records: DayArchive[];
  carry: HotlineEvent[];
}

/** The archive records of the `days` local days before `todayStart`, oldest first. Deterministic. */
export function simulateHistory(options: HistoryOptions): DayArchive[] {
  return runHistory(options).records;
}

/**
 * The archive records, and the lives of the tickets filed in the last `carryDays` days: every event
 * from the `ticket.created` to the `ticket.closed`, planned ones after today included. The live
 * stream starts at today's midnight, so without them a ticket's life ends with the archived days;
 * server/demo.ts hands them to the live simulator, which appends those up to now at once and the
 * rest when their time comes. Their follow-ups on archived days change no figure there: those days
 * are before the log's trim point, the archive's (state.historyFrom), and only today's count.
 */
export function runHistory(options: HistoryOptions): History {
  const { config, todayStart, days, onEvent, carryDays = 0, ...simOptions } = options;
  if (!Number.isInteger(days) || days < 0) throw new Error('days must be a non-negative integer');
  if (!Number.isInteger(carryDays) || carryDays < 0 || carryDays > Math.min(days, config.eventTime.retentionDays - 1)) {
    throw new Error('carryDays must be an integer from 0 to the days and to retentionDays − 1');
  }
  if (days === 0) return { records: [], carry: [] };
  const tz = config.timeZone;
  const p = localParts(todayStart, tz);
  const first = zonedEpoch(p.year, p.month, p.day - days, 0, tz);
  const carryFrom = zonedEpoch(p.year, p.month, p.day - carryDays, 0, tz);
  const carry: HotlineEvent[] = [];
  const onTicketLife = (life: HotlineEvent[]) => {
    simOptions.onTicketLife?.(life);
    // filed before today (those after midnight are the live simulation's own)
    if (life[0]!.ts >= carryFrom && life[0]!.ts < todayStart) carry.push(...life);
  };
  const sim = createSimulation({ ...simOptions, start: first - LEAD_IN_MS, timeZone: tz, shifts: config.shifts, onTicketLife });
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
  // (a stable sort: each ticket's events keep their order)
  return { records, carry: carryDays > 0 ? carry.sort((a, b) => a.ts - b.ts) : [] };
}

/** Simulates the history and writes it to the archive; returns what was written, the carried tickets and how long it took. */
export async function archiveHistory(archive: ArchiveStore, options: HistoryOptions): Promise<History & { ms: number }> {
  const t0 = performance.now();
  const history = runHistory(options);
  // "0-0": earlier than any stream position, so a record the keeper computes from the stream replaces it
  for (const r of history.records) await archive.put(r, '0-0');
  return { ...history, ms: performance.now() - t0 };
}
