/**
 * The oracle for the incremental windows: today's, the shift's and the intervals' figures recomputed
 * from every call in the state, the way `derive` computed them before the running totals (one pass
 * over all calls). Tests compare the incremental figures with these over random streams.
 */
import type { CenterConfig } from '../../shared/config';
import type { IntervalBucket, WindowStats } from '../../shared/snapshot';
import { endOfDay, intervalStarts, shiftAt, startOfDay } from '../../shared/time';
import { outcome, type CallOutcome } from '../../server/core/metrics';
import type { CallRec, State } from '../../server/core/state';

class WindowAcc {
  offered = 0;
  answered = 0;
  abandoned = 0;
  shortAbandoned = 0;
  answeredInSL = 0;
  private waitSum = 0;
  private maxWait: number | null = null;
  private talkSum = 0;
  private talkN = 0;
  private handleSum = 0;
  private handleN = 0;

  add(c: CallRec, o: CallOutcome): void {
    this.offered++;
    if (o.answered) {
      this.answered++;
      this.waitSum += o.waitSec!;
      if (o.inSL) this.answeredInSL++;
    } else if (o.abandoned) {
      this.abandoned++;
      if (o.short) this.shortAbandoned++;
    }
    if (o.waitSec !== null) this.maxWait = this.maxWait === null ? o.waitSec : Math.max(this.maxWait, o.waitSec);
    for (const leg of c.legs) {
      if (leg.end === null) continue;
      const talk = Math.max(0, leg.end - leg.start) / 1000;
      this.talkSum += talk;
      this.talkN++;
      if (leg.wrapEnd !== null) {
        this.handleSum += talk + Math.max(0, leg.wrapEnd - leg.end) / 1000;
        this.handleN++;
      }
    }
  }

  finish(): WindowStats {
    const divisor = this.answered + this.abandoned - this.shortAbandoned;
    return {
      offered: this.offered,
      answered: this.answered,
      abandoned: this.abandoned,
      shortAbandoned: this.shortAbandoned,
      answeredInSL: this.answeredInSL,
      serviceLevel: divisor > 0 ? this.answeredInSL / divisor : null,
      answerRate: divisor > 0 ? this.answered / divisor : null,
      timelyRate: this.answered > 0 ? this.answeredInSL / this.answered : null,
      asaSec: this.answered > 0 ? this.waitSum / this.answered : null,
      maxWaitSec: this.maxWait,
      avgTalkSec: this.talkN > 0 ? this.talkSum / this.talkN : null,
      avgHandleSec: this.handleN > 0 ? this.handleSum / this.handleN : null,
    };
  }
}

export interface ReferenceWindows {
  today: WindowStats;
  shift: WindowStats;
  intervals: IntervalBucket[];
  /** calls waiting at each whole minute of the last hour */
  waitingHistory: { t: number; waiting: number }[];
}

/** The windows at `now` from a full pass over `state.calls`. */
export function referenceWindows(state: State, now: number, config: CenterConfig): ReferenceWindows {
  const t = config.thresholds;
  const tz = config.timeZone;
  const dayStart = startOfDay(now, tz);
  const dayEnd = endOfDay(now, tz);
  const shift = shiftAt(now, config);
  const starts = intervalStarts(now, tz);
  const buckets = new Map(starts.map((s) => [s, { start: s, offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredInSL: 0 }]));
  const today = new WindowAcc();
  const shiftAcc = new WindowAcc();
  const MIN = 60_000;
  const lastMinute = Math.floor(now / MIN) * MIN;
  const history = Array.from({ length: 61 }, (_, k) => ({ t: lastMinute - (60 - k) * MIN, waiting: 0 }));
  for (const c of state.calls.values()) {
    for (const [ws, we] of c.waits) for (const h of history) if (ws <= h.t && (we === null || we > h.t)) h.waiting++;
    const o = outcome(c, t);
    if (!o) continue;
    if (o.queuedAt >= dayStart && o.queuedAt < dayEnd) {
      today.add(c, o);
      // a call belongs to the 30-minute bucket it was first queued in
      let k = starts.length - 1;
      while (k >= 0 && starts[k]! > o.queuedAt) k--;
      const b = k >= 0 && (k < starts.length - 1 || o.queuedAt < starts[k]! + 30 * MIN) ? buckets.get(starts[k]!) : undefined;
      if (b) {
        b.offered++;
        if (o.answered) {
          b.answered++;
          if (o.inSL) b.answeredInSL++;
        } else if (o.abandoned) {
          b.abandoned++;
          if (o.short) b.shortAbandoned++;
        }
      }
    }
    if (o.queuedAt >= shift.start && o.queuedAt < shift.end) shiftAcc.add(c, o);
  }
  return { today: today.finish(), shift: shiftAcc.finish(), intervals: [...buckets.values()], waitingHistory: history };
}
