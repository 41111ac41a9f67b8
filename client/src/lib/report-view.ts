/**
 * The reports screen's pure parts: the routes' addresses, sorting the agents table, the range's
 * sums the days report does not total itself (callbacks, incidents), violations, the trend chart's
 * series and the names of downloaded files.
 */
import { VIOLATION_RULES, type AgentRow, type DayRow, type Violations } from '../../../shared/reports';
import type { DateRange } from './report-range';

export type ReportKind = 'days' | 'agents' | 'agent';

/** `/api/v1/reports/days?from=…&to=…` (`agent`: `/reports/agents/:agentId`), `&format=csv` for the file. */
export function reportPath(kind: ReportKind, r: DateRange, opts: { agentId?: string; csv?: boolean } = {}): string {
  const base =
    kind === 'days' ? '/api/v1/reports/days' : kind === 'agents' ? '/api/v1/reports/agents' : `/api/v1/reports/agents/${encodeURIComponent(opts.agentId ?? '')}`;
  const q = new URLSearchParams({ from: r.from, to: r.to });
  if (opts.csv) q.set('format', 'csv');
  return `${base}?${q.toString()}`;
}

/** A name for a downloaded CSV when the server names none: `12319-days-2026-03-01_2026-03-31.csv`. */
export function csvFilename(kind: ReportKind, r: DateRange, agentId?: string): string {
  const what = kind === 'agent' ? `agent-${(agentId ?? '').replace(/[^\w.-]+/g, '_') || 'unknown'}` : kind;
  const span = r.from === r.to ? r.from : `${r.from}_${r.to}`;
  return `12319-${what}-${span}.csv`;
}

export function violationTotal(v: Violations): number {
  return VIOLATION_RULES.reduce((n, rule) => n + (v[rule] ?? 0), 0);
}

/** The rules an agent broke, with counts, in the rules' order (none: []). */
export function violationList(v: Violations): { rule: (typeof VIOLATION_RULES)[number]; count: number }[] {
  return VIOLATION_RULES.filter((rule) => (v[rule] ?? 0) > 0).map((rule) => ({ rule, count: v[rule] }));
}

/** The attendance columns (SHIFTS.md): signed in late, absent, left early. */
export type AttendanceColumn = keyof AgentRow['attendance'];

export const isAttendanceColumn = (c: string): c is AttendanceColumn => c === 'late' || c === 'absent' || c === 'leftEarly';

/** An agent's count of one attendance kind (0 in rows from before the roster was kept). */
export function attendanceCount(a: Pick<AgentRow, 'attendance'>, c: AttendanceColumn): number {
  return a.attendance?.[c] ?? 0;
}

/** The agents table's sortable columns, in display order. */
export const AGENT_COLUMNS = [
  'agentId',
  'name',
  'answered',
  'ronas',
  'talkSec',
  'wrapupSec',
  'avgTalkSec',
  'avgHandleSec',
  'signedInSec',
  'busySec',
  'occupancy',
  'callbacks',
  'violations',
  'late',
  'absent',
  'leftEarly',
] as const;
export type AgentColumn = (typeof AGENT_COLUMNS)[number];
export type SortDir = 'asc' | 'desc';
export interface AgentSort {
  column: AgentColumn;
  dir: SortDir;
}

const TEXT_COLUMNS: ReadonlySet<AgentColumn> = new Set(['agentId', 'name']);

/** The value a column sorts by: text, a number, or null (no value: always last). */
function sortValue(a: AgentRow, c: AgentColumn): string | number | null {
  if (c === 'violations') return violationTotal(a.violations);
  if (isAttendanceColumn(c)) return attendanceCount(a, c);
  const v = a[c];
  return typeof v === 'string' || typeof v === 'number' ? v : null;
}

const collator = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' });

/** A copy of `rows` sorted by the column; rows without a value last either way, then by 工号. */
export function sortAgents<T extends AgentRow>(rows: readonly T[], s: AgentSort): T[] {
  const sign = s.dir === 'asc' ? 1 : -1;
  return [...rows].sort((x, y) => {
    const a = sortValue(x, s.column);
    const b = sortValue(y, s.column);
    if (a === null || b === null || a === '' || b === '') {
      const empty = Number(a === null || a === '') - Number(b === null || b === '');
      if (empty !== 0) return empty;
    } else {
      const d = typeof a === 'number' && typeof b === 'number' ? a - b : collator.compare(String(a), String(b));
      if (d !== 0) return d * sign;
    }
    return collator.compare(x.agentId, y.agentId);
  });
}

/** After a click on `column`'s heading: the same column flips; another starts ascending for text, descending for figures. */
export function nextSort(current: AgentSort, column: AgentColumn): AgentSort {
  if (current.column === column) return { column, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { column, dir: TEXT_COLUMNS.has(column) ? 'asc' : 'desc' };
}

/** The `aria-sort` of a column heading. */
export function ariaSort(current: AgentSort, column: AgentColumn): 'ascending' | 'descending' | 'none' {
  return current.column !== column ? 'none' : current.dir === 'asc' ? 'ascending' : 'descending';
}

export interface RangeSums {
  callbacks: DayRow['callbacks'];
  incidents: DayRow['incidents'];
}

/** Callbacks and incidents summed over the days (the report's `total` holds the call window only). */
export function rangeSums(days: readonly DayRow[]): RangeSums {
  const out: RangeSums = { callbacks: { missed: 0, returned: 0, returnedLate: 0 }, incidents: { raised: 0, major: 0, lateAcknowledgements: 0 } };
  for (const d of days) {
    out.callbacks.missed += d.callbacks.missed;
    out.callbacks.returned += d.callbacks.returned;
    out.callbacks.returnedLate += d.callbacks.returnedLate;
    out.incidents.raised += d.incidents.raised;
    out.incidents.major += d.incidents.major;
    out.incidents.lateAcknowledgements += d.incidents.lateAcknowledgements;
  }
  return out;
}

/** "3/15" (month/day, no zero padding): the trend chart's axis and the print layout. */
export function shortDate(date: string): string {
  const m = /^\d{4}-(\d{2})-(\d{2})$/.exec(date);
  return m ? `${Number(m[1])}/${Number(m[2])}` : date;
}

export interface TrendSeries {
  labels: string[];
  dates: string[];
  offered: number[];
  /** percent 0–100, null where there is nothing to divide */
  serviceLevel: (number | null)[];
  answerRate: (number | null)[];
  /** true for today's row (its figures are still coming in) */
  partial: boolean[];
}

const percent = (v: number | null) => (v === null || !Number.isFinite(v) ? null : Math.round(v * 1000) / 10);

/** The days as plain arrays for Chart.js. */
export function trendSeries(days: readonly DayRow[]): TrendSeries {
  return {
    labels: days.map((d) => shortDate(d.date)),
    dates: days.map((d) => d.date),
    offered: days.map((d) => d.offered),
    serviceLevel: days.map((d) => percent(d.serviceLevel)),
    answerRate: days.map((d) => percent(d.answerRate)),
    partial: days.map((d) => d.partial === true),
  };
}
