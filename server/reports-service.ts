/**
 * History and assessment (REPORTS.md) behind the reports routes: the day records of a range, each
 * from the live state while the state holds the whole day (fresh, and today live), else from the
 * archive store. One service for the HTTP routes, the CLI and the tests.
 */
import type { CenterConfig } from '../shared/config';
import { MAX_REPORT_DAYS, type AgentDaysReport, type AgentsReport, type DaysReport } from '../shared/reports';
import { endOfDay, startOfDay, zonedEpoch } from '../shared/time';
import { dateOf, dayArchive, holdsWholeDay, type DayArchive } from './core/archive';
import { agentDays, agentTotals, dayRow, emptyDay, sumDays } from './core/reports';
import { windowStats } from './core/metrics';
import type { State } from './core/state';
import type { ArchiveStore, Clock } from './ports';

export type RangeError = { code: 'invalid_date' | 'reversed_range' | 'range_too_long'; message: string };

/** A range of local days, both ends included. */
export interface DayRange {
  from: string;
  to: string;
  /** the starts of the days of the range, up to today (a day not begun yet has no row) */
  days: number[];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The local midnight starting the day `text` (YYYY-MM-DD, a real date of the years 2000–2999), or null. */
export function dayStartOf(text: string, tz: string): number | null {
  const m = DATE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > new Date(Date.UTC(y, mo, 0)).getUTCDate() || y < 2000 || y > 2999) return null;
  return zonedEpoch(y, mo, d, 0, tz);
}

/** Parses `from`/`to` (YYYY-MM-DD): at most MAX_REPORT_DAYS days, `from` not after `to`. */
export function parseRange(from: unknown, to: unknown, tz: string, now: number): DayRange | RangeError {
  const a = typeof from === 'string' ? dayStartOf(from, tz) : null;
  const b = typeof to === 'string' ? dayStartOf(to, tz) : null;
  if (a === null || b === null) return { code: 'invalid_date', message: 'from and to must be dates YYYY-MM-DD' };
  if (a > b) return { code: 'reversed_range', message: 'from is after to' };
  const days: number[] = [];
  for (let d = a; d <= b; d = endOfDay(d, tz)) {
    days.push(d);
    if (days.length > MAX_REPORT_DAYS) return { code: 'range_too_long', message: `a report covers at most ${MAX_REPORT_DAYS} days` };
  }
  const today = startOfDay(now, tz);
  return { from: from as string, to: to as string, days: days.filter((d) => d <= today) };
}

/** The names the rosters give (the newest roster first): for an operator rostered but never logged in. */
function rosterNames(state: State): Map<string, string> {
  const names = new Map<string, string>();
  const dates = [...state.rosters.keys()].sort().reverse();
  for (const d of dates) for (const e of state.rosters.get(d)!.entries) if (e.name && !names.has(e.agentId)) names.set(e.agentId, e.name);
  return names;
}

export class ReportsService {
  constructor(
    private readonly state: () => State,
    private readonly archive: ArchiveStore,
    private readonly config: CenterConfig,
    private readonly clock: Clock,
  ) {}

  /** The records of the range's days, oldest first, with today's marked partial. */
  async records(range: DayRange): Promise<{ day: DayArchive; partial: boolean }[]> {
    const tz = this.config.timeZone;
    const now = this.clock.now();
    const today = startOfDay(now, tz);
    const state = this.state();
    const fromArchive = range.days.filter((d) => !holdsWholeDay(state, d));
    const stored = await this.archive.get(fromArchive.map((d) => dateOf(d, tz)));
    return range.days.map((d) => {
      const day = holdsWholeDay(state, d) ? dayArchive(state, d, now, this.config) : (stored.get(dateOf(d, tz)) ?? emptyDay(d, tz));
      return { day, partial: d === today };
    });
  }

  /** The records of those days (local midnights), each from the state or the archive (a day with none: zeros). */
  async dayRecords(days: readonly number[]): Promise<DayArchive[]> {
    return (await this.records({ from: '', to: '', days: [...days] })).map((r) => r.day);
  }

  async days(range: DayRange): Promise<DaysReport> {
    const now = this.clock.now();
    const tz = this.config.timeZone;
    const recs = await this.records(range);
    return {
      from: range.from,
      to: range.to,
      timeZone: tz,
      days: recs.map((r) => dayRow(r.day, tz, r.partial, now)),
      total: windowStats(sumDays(recs.map((r) => r.day))),
    };
  }

  async agents(range: DayRange): Promise<AgentsReport> {
    const recs = await this.records(range);
    const state = this.state();
    return {
      from: range.from,
      to: range.to,
      timeZone: this.config.timeZone,
      agents: agentTotals(
        recs.map((r) => r.day),
        (id) => state.agents.get(id)?.name ?? rosterNames(state).get(id) ?? null,
      ),
    };
  }

  async agent(agentId: string, range: DayRange): Promise<AgentDaysReport> {
    const recs = await this.records(range);
    const partialDates = new Set(recs.filter((r) => r.partial).map((r) => r.day.date));
    const rows = agentDays(
      recs.map((r) => r.day),
      agentId,
    );
    const live = this.state().agents.get(agentId)?.name ?? rosterNames(this.state()).get(agentId) ?? null;
    const name = live ?? rows.findLast((r) => r.row.name !== null)?.row.name ?? null;
    return {
      from: range.from,
      to: range.to,
      timeZone: this.config.timeZone,
      agentId,
      name,
      days: rows.map((r) => ({ date: r.date, ...(partialDates.has(r.date) ? { partial: true as const } : {}), ...r.row, name })),
    };
  }
}
