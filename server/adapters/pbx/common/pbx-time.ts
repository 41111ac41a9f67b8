/**
 * PBX clocks and PBX-reported times, as both adapters treat them. Pure: `now` is given.
 */

/** How far back a PBX-reported start of a state (login, pause, status change) may be put. */
export const MAX_PAST_MS = 24 * 60 * 60_000;

/**
 * A time the PBX reports for a state that began long ago (LoginTime, LastPause,
 * last_status_change): at most 24 h before now. The wallboard refuses events older than its
 * retention (7 days), and a static Asterisk member on a PBX up for a week logged in a week ago:
 * the event would be refused while the feed believes the agent signed in.
 */
export function notTooOld(at: number, now: number): number {
  return Math.max(at, now - MAX_PAST_MS);
}
