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

/** How far the PBX's clock may be off the adapter's before its event times are not used. */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Whether an event's PBX time can be used: a PBX clock off by more than `maxSkewMs` (no NTP) would
 * date every event wrongly, and the wallboard refuses events too far ahead. Says so once.
 */
export class PbxClock {
  private warned = false;
  constructor(
    private readonly label: string,
    private readonly log: { warn(o: object, msg: string): void },
    readonly maxSkewMs = MAX_CLOCK_SKEW_MS,
  ) {}

  trusted(pbxTime: number, receivedAt: number): boolean {
    if (Math.abs(pbxTime - receivedAt) <= this.maxSkewMs) return true;
    if (!this.warned) {
      this.warned = true;
      this.log.warn({ pbxTime, adapterTime: receivedAt }, `${this.label}: the PBX clock is off by more than ${Math.round(this.maxSkewMs / 60_000)} minutes; using the time events are received (check NTP on the PBX)`);
    }
    return false;
  }
}
