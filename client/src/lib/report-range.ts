/**
 * The reports' date ranges: days of the center's time zone as `YYYY-MM-DD`, the presets (今天, 昨天,
 * 本周 from Monday, 本月, 上月) worked out from "today" in that zone, the checks a custom range
 * passes before the server is asked (docs/api.md, MAX_REPORT_DAYS), and the print month. Pure: the
 * caller passes today's date (isoDate(serverNow, timeZone)).
 */
import { MAX_REPORT_DAYS, type DateString } from '../../../shared/reports';

export interface DateRange {
  from: DateString;
  to: DateString;
}

export const PRESETS = ['today', 'yesterday', 'week', 'month', 'lastMonth'] as const;
export type Preset = (typeof PRESETS)[number];

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;
const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` as days since 1970-01-01 (a calendar day: no time zone involved); null when not a real date. */
export function dayNumber(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return null;
  return ms / DAY_MS;
}

/** The day `n` days since 1970-01-01 as `YYYY-MM-DD`. */
export function dayString(n: number): DateString {
  const d = new Date(n * DAY_MS);
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/** `date` moved by `days` (negative: back). */
export function addDays(date: DateString, days: number): DateString {
  const n = dayNumber(date);
  if (n === null) throw new Error(`not a date: ${date}`);
  return dayString(n + days);
}

/** Both ends included: 2026-03-01…2026-03-31 is 31 days. */
export function rangeDays(r: DateRange): number {
  const a = dayNumber(r.from);
  const b = dayNumber(r.to);
  return a === null || b === null ? 0 : b - a + 1;
}

/** Every day of the range, in order. */
export function daysOf(r: DateRange): DateString[] {
  const a = dayNumber(r.from);
  const b = dayNumber(r.to);
  if (a === null || b === null) return [];
  const out: DateString[] = [];
  for (let n = a; n <= b; n++) out.push(dayString(n));
  return out;
}

function monthStart(date: DateString): DateString {
  return `${date.slice(0, 8)}01`;
}

/** The last day of the month of `date`. */
function monthEnd(date: DateString): DateString {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7));
  return dayString(Date.UTC(y, m, 0) / DAY_MS);
}

/** A preset's range on the day `today`. Ranges never run past today (the days after have no data). */
export function presetRange(p: Preset, today: DateString): DateRange {
  const n = dayNumber(today);
  if (n === null) throw new Error(`not a date: ${today}`);
  switch (p) {
    case 'today':
      return { from: today, to: today };
    case 'yesterday': {
      const y = dayString(n - 1);
      return { from: y, to: y };
    }
    case 'week': {
      // 1970-01-01 was a Thursday: (n + 3) % 7 is 0 on Mondays
      const sinceMonday = (((n + 3) % 7) + 7) % 7;
      return { from: dayString(n - sinceMonday), to: today };
    }
    case 'month':
      return { from: monthStart(today), to: today };
    case 'lastMonth': {
      const end = dayString((dayNumber(monthStart(today)) ?? n) - 1);
      return { from: monthStart(end), to: end };
    }
  }
}

/** The preset whose range `r` is on `today`, or null (a custom range). The first match wins (本周 on a Monday is also 今天). */
export function presetOf(r: DateRange, today: DateString): Preset | null {
  return PRESETS.find((p) => {
    const x = presetRange(p, today);
    return x.from === r.from && x.to === r.to;
  }) ?? null;
}

export type RangeProblem = 'missing' | 'reversed' | 'tooLong';

/** What is wrong with a range before the server is asked, or null. */
export function rangeProblem(r: { from: string; to: string }): RangeProblem | null {
  const a = dayNumber(r.from);
  const b = dayNumber(r.to);
  if (a === null || b === null) return 'missing';
  if (a > b) return 'reversed';
  if (b - a + 1 > MAX_REPORT_DAYS) return 'tooLong';
  return null;
}

/** `YYYY-MM` of a day. */
export function monthOf(date: DateString): string {
  return date.slice(0, 7);
}

/**
 * The print month's range: its first day to its last, or to today while it is the current month;
 * null for a month that is not `YYYY-MM` or has not begun.
 */
export function monthRange(month: string, today: DateString): DateRange | null {
  const m = MONTH_RE.exec(month);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
  const from = `${month}-01`;
  if (from > today) return null;
  const end = monthEnd(from);
  return { from, to: end < today ? end : today };
}

/** True when `r` covers exactly one calendar month (to its end, or to today in the current one). */
export function isWholeMonth(r: DateRange, today: DateString): boolean {
  const m = monthRange(monthOf(r.from), today);
  return m !== null && m.from === r.from && m.to === r.to;
}

/** Reads a range from the page's query (`?from=…&to=…`), or null when there is none or it does not pass. */
export function rangeFromQuery(search: string): DateRange | null {
  const q = new URLSearchParams(search);
  const from = q.get('from') ?? '';
  const to = q.get('to') ?? '';
  return rangeProblem({ from, to }) === null ? { from, to } : null;
}
