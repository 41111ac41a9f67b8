/**
 * The metric formulas of docs/metrics.md: per-call classification and per-window aggregation.
 * Pure functions of the calls and the thresholds.
 */
import type { Thresholds } from '../../shared/config';
import type { IntervalBucket, WindowStats } from '../../shared/snapshot';
import type { CallRec } from './state';

/** The figures of one call for the windows it belongs to (by its first call.queued). */
export interface CallOutcome {
  queuedAt: number;
  answered: boolean;
  abandoned: boolean;
  short: boolean;
  inSL: boolean;
  /** wait in seconds for an answered or abandoned call, else null */
  waitSec: number | null;
}

export function outcome(c: CallRec, t: Pick<Thresholds, 'slThresholdSec' | 'shortAbandonSec'>): CallOutcome | null {
  if (c.firstQueuedAt === null) return null;
  const q = c.firstQueuedAt;
  if (c.answeredAt !== null) {
    const wait = Math.max(0, c.answeredAt - q) / 1000;
    return { queuedAt: q, answered: true, abandoned: false, short: false, inSL: wait <= t.slThresholdSec, waitSec: wait };
  }
  if (c.abandonedAt !== null) {
    const wait = Math.max(0, c.abandonedAt - q) / 1000;
    return { queuedAt: q, answered: false, abandoned: true, short: wait < t.shortAbandonSec, inSL: false, waitSec: wait };
  }
  return { queuedAt: q, answered: false, abandoned: false, short: false, inSL: false, waitSec: null };
}

/** Running sums for one window; `finish` turns them into the snapshot's WindowStats. */
export class WindowAcc {
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

export function emptyBucket(start: number): IntervalBucket {
  return { start, offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredInSL: 0 };
}

export function addToBucket(b: IntervalBucket, o: CallOutcome): void {
  b.offered++;
  if (o.answered) {
    b.answered++;
    if (o.inSL) b.answeredInSL++;
  } else if (o.abandoned) {
    b.abandoned++;
    if (o.short) b.shortAbandoned++;
  }
}

/** Index of the last start ≤ t in ascending `starts` (-1 when t precedes them all). */
export function bucketIndex(starts: readonly number[], t: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  let ans = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (starts[mid]! <= t) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}
