/**
 * Calendar arithmetic in the center's IANA time zone, with no dependency on the process's own TZ.
 * "Today", shift boundaries and the 30-minute intervals are all wall-clock notions of that zone.
 */
import type { CenterConfig } from './config';

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Wall-clock fields of an instant in a zone, read with Intl (slow: used to learn the offset). */
function intlParts(ms: number, tz: string): LocalParts {
  const out: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) out[p.type] = p.value;
  return {
    year: Number(out.year),
    month: Number(out.month),
    day: Number(out.day),
    hour: Number(out.hour),
    minute: Number(out.minute),
    second: Number(out.second),
    weekday: WEEKDAYS[out.weekday ?? 'Sun'] ?? 0,
  };
}

// Every zone's offset is a whole number of quarter hours and changes only at a quarter-hour instant
// (UTC), so within one UTC quarter hour it is one number: learn it once per quarter hour and zone,
// then read wall-clock fields with plain UTC arithmetic. The reducer and `derive` call this per
// call and per event, and Intl's formatToParts is by far the slowest step otherwise.
const QUARTER = 15 * 60_000;
const offsets = new Map<string, Map<number, number>>();

/** The zone's offset from UTC at an instant, in ms (Asia/Shanghai: +8 h). */
export function zoneOffsetMs(ms: number, tz: string): number {
  const slot = Math.floor(ms / QUARTER);
  let zone = offsets.get(tz);
  if (!zone) offsets.set(tz, (zone = new Map()));
  let off = zone.get(slot);
  if (off === undefined) {
    const at = slot * QUARTER;
    const p = intlParts(at, tz);
    off = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - at;
    if (zone.size > 20_000) zone.clear();
    zone.set(slot, off);
  }
  return off;
}

/** Wall-clock fields of an instant in a zone. */
export function localParts(ms: number, tz: string): LocalParts {
  const d = new Date(ms + zoneOffsetMs(ms, tz));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    weekday: d.getUTCDay(),
  };
}

/**
 * The instant at which the wall clock of `tz` shows the given local date and minute of day.
 * In a DST gap the later instant is used; in an overlap, the earlier one.
 * `day` may overflow (day 0, day 32) like Date.UTC.
 */
export function zonedEpoch(year: number, month: number, day: number, minuteOfDay: number, tz: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  let guess = wall - zoneOffsetMs(wall, tz);
  const second = wall - zoneOffsetMs(guess, tz);
  if (second !== guess) {
    // offset changed between the two guesses (DST edge); take the one that maps back, else the later.
    const back = (g: number) => {
      const p = localParts(g, tz);
      return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) === wall;
    };
    guess = back(second) ? second : back(guess) ? guess : Math.max(guess, second);
  }
  return guess;
}

/** `YYYY-MM-DD` of the local calendar day containing `ms`. */
export function localDate(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Local midnight that starts the calendar day containing `ms`. */
export function startOfDay(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return zonedEpoch(p.year, p.month, p.day, 0, tz);
}

/** Epoch ms of the next local midnight after `ms` (where its day ends; days last 23 to 25 hours). */
export function endOfDay(ms: number, tz: string): number {
  return startOfDay(startOfDay(ms, tz) + 36 * 3_600_000, tz);
}

/** Start of the 30-minute wall-clock bucket containing `ms`. */
export function intervalStart(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return zonedEpoch(p.year, p.month, p.day, Math.floor((p.hour * 60 + p.minute) / 30) * 30, tz);
}

/** Small memo for per-day calendars: the view is derived many times a second, days change rarely. */
const dayMemo = new Map<string, number[]>();
function memo(key: string, make: () => number[]): number[] {
  let v = dayMemo.get(key);
  if (!v) {
    if (dayMemo.size > 64) dayMemo.clear();
    v = make();
    dayMemo.set(key, v);
  }
  return v;
}

/** Starts of today's 30-minute buckets, from local midnight up to the one containing `now`. */
export function intervalStarts(now: number, tz: string): number[] {
  const p = localParts(now, tz);
  const all = memo(`i|${tz}|${p.year}-${p.month}-${p.day}`, () => {
    const out: number[] = [];
    for (let k = 0; k < 48; k++) {
      const s = zonedEpoch(p.year, p.month, p.day, k * 30, tz);
      if (out.length === 0 || s > out[out.length - 1]!) out.push(s);
    }
    return out;
  });
  return all.filter((s) => s <= now);
}

export interface ShiftWindow {
  name: string;
  start: number;
  end: number;
}

/** The shift in force at `ms`: each shift runs from its start to the next one's, wrapping midnight. */
export function shiftAt(ms: number, config: Pick<CenterConfig, 'shifts' | 'timeZone'>): ShiftWindow {
  const p = localParts(ms, config.timeZone);
  const sig = config.shifts.map((s) => s.startMin).join(',');
  // the shift starts of yesterday, today and tomorrow, in order (index i ↔ shift i % n)
  const ats = memo(`s|${config.timeZone}|${sig}|${p.year}-${p.month}-${p.day}`, () => {
    const out: number[] = [];
    for (const dayOffset of [-1, 0, 1]) {
      for (const s of config.shifts) out.push(zonedEpoch(p.year, p.month, p.day + dayOffset, s.startMin, config.timeZone));
    }
    return out;
  });
  let i = ats.length - 1;
  while (i > 0 && ats[i]! > ms) i--;
  const start = ats[i]!;
  const end = ats[i + 1] ?? start + 86_400_000;
  return { name: config.shifts[i % config.shifts.length]!.name, start, end };
}

/** Every shift boundary (instant a shift starts) within [from, to]. */
export function shiftBoundaries(from: number, to: number, config: Pick<CenterConfig, 'shifts' | 'timeZone'>): number[] {
  const out: number[] = [];
  const p = localParts(from, config.timeZone);
  const days = Math.ceil((to - from) / 86_400_000) + 2;
  for (let d = -1; d <= days; d++) {
    for (const s of config.shifts) {
      const at = zonedEpoch(p.year, p.month, p.day + d, s.startMin, config.timeZone);
      if (at >= from && at <= to) out.push(at);
    }
  }
  return [...new Set(out)].sort((a, b) => a - b);
}
