/** Plain data for the charts (Chart.js gets plain arrays, never $state proxies). */
import type { IntervalBucket } from '../../../shared/snapshot';
import { localParts } from '../../../shared/time';
import { bucketServiceLevel } from './wall-view';

export interface IntervalSeries {
  /** "00:00" … "23:30": the whole day, so the axis never rescales as the day goes on */
  labels: string[];
  offered: (number | null)[];
  answered: (number | null)[];
  /** percent 0–100, null where there is nothing to divide */
  serviceLevel: (number | null)[];
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * Today's 30-minute buckets laid on the 48 slots of the day (by local time in `tz`). Slots after
 * `now` stay empty (null); past slots without a bucket are 0.
 */
export function intervalSeries(intervals: readonly IntervalBucket[], now: number, tz: string): IntervalSeries {
  const labels: string[] = [];
  for (let k = 0; k < 48; k++) labels.push(`${pad2(Math.floor(k / 2))}:${k % 2 ? '30' : '00'}`);
  const nowP = localParts(now, tz);
  const nowSlot = Math.floor((nowP.hour * 60 + nowP.minute) / 30);
  const offered: (number | null)[] = labels.map((_, k) => (k <= nowSlot ? 0 : null));
  const answered = [...offered];
  const serviceLevel: (number | null)[] = labels.map(() => null);
  for (const b of intervals) {
    const p = localParts(b.start, tz);
    if (p.year !== nowP.year || p.month !== nowP.month || p.day !== nowP.day) continue;
    const k = Math.floor((p.hour * 60 + p.minute) / 30);
    offered[k] = (offered[k] ?? 0) + b.offered;
    answered[k] = (answered[k] ?? 0) + b.answered;
    const sl = bucketServiceLevel(b);
    serviceLevel[k] = sl === null ? null : Math.round(sl * 1000) / 10;
  }
  return { labels, offered, answered, serviceLevel };
}

export interface WaitingSeries {
  /** minutes before the newest point (60 … 0) */
  minutesAgo: number[];
  /** epoch ms of each point */
  times: number[];
  waiting: number[];
  /** the newest point's value, and the highest of the hour */
  last: number;
  peak: number;
}

/** `snapshot.waitingHistory` (61 points, oldest first) as plain arrays. */
export function waitingSeries(history: readonly { t: number; waiting: number }[]): WaitingSeries {
  const newest = history.length ? history[history.length - 1]!.t : 0;
  const minutesAgo = history.map((p) => Math.round((newest - p.t) / 60_000));
  const waiting = history.map((p) => p.waiting);
  return { minutesAgo, times: history.map((p) => p.t), waiting, last: waiting[waiting.length - 1] ?? 0, peak: Math.max(0, ...waiting) };
}
