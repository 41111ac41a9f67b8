/** Pure helpers for the telephony feeds' health (snapshot `feeds`). No runes, no DOM. */
import type { FeedView, Snapshot } from '../../../shared/snapshot';
import { hhmm, isoDate } from './format';

/** The feeds that are down, in the snapshot's order (by name). A snapshot without `feeds` (a server from before them) has none. */
export function downFeeds(s: Pick<Snapshot, 'feeds'> | null | undefined): FeedView[] {
  const feeds: unknown = s?.feeds;
  return Array.isArray(feeds) ? (feeds as FeedView[]).filter((f) => f !== null && typeof f === 'object' && f.connected === false) : [];
}

/**
 * Since when nothing has come from a down feed: the later of `since` and `lastEventAt`. A feed that
 * reported itself down went down at `since`; one whose key expired (the adapter stopped) keeps the
 * `since` of when it connected, and its last event is then the last sign of life.
 */
export function feedSilentSince(f: Pick<FeedView, 'since' | 'lastEventAt'>): number {
  return typeof f.lastEventAt === 'number' && f.lastEventAt > f.since ? f.lastEventAt : f.since;
}

/** "10:31" for a time of the same local day as `now`, "11-26 10:31" for another day. */
export function feedTime(ms: number, now: number, tz: string): string {
  const day = isoDate(ms, tz).date;
  return day === isoDate(now, tz).date ? hhmm(ms, tz) : `${day.slice(5)} ${hhmm(ms, tz)}`;
}
