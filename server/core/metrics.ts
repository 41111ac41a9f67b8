/**
 * The metric formulas of docs/metrics.md, kept as running totals. A call's contribution to its
 * windows (the day, the shift and the 30-minute interval it was first queued in) is a pure function
 * of the call; the reducer adds it when the call appears and swaps it whenever the call changes
 * (answered, ended, a leg's wrap-up over), so a window's figures cost the same whatever the day's
 * volume, and a call pruned from memory leaves its figures behind.
 */
import type { Thresholds } from '../../shared/config';
import type { IntervalBucket, WindowStats } from '../../shared/snapshot';
import type { CallRec, Contribution, WindowSums } from './state';

export type { Contribution, WindowSums };

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

export function emptySums(): WindowSums {
  return { offered: 0, answered: 0, abandoned: 0, shortAbandoned: 0, answeredInSL: 0, waitSum: 0, maxWait: null, talkSum: 0, talkN: 0, handleSum: 0, handleN: 0 };
}

/** The call's terms, or null when it belongs to no window (never queued). */
export function contributionOf(c: CallRec, t: Pick<Thresholds, 'slThresholdSec' | 'shortAbandonSec'>): Contribution | null {
  const o = outcome(c, t);
  if (!o) return null;
  let talkSum = 0;
  let talkN = 0;
  let handleSum = 0;
  let handleN = 0;
  for (const leg of c.legs) {
    if (leg.end === null) continue;
    const talk = Math.max(0, leg.end - leg.start);
    talkSum += talk;
    talkN++;
    if (leg.wrapEnd !== null) {
      handleSum += talk + Math.max(0, leg.wrapEnd - leg.end);
      handleN++;
    }
  }
  const waitMs = o.waitSec === null ? null : Math.max(0, (o.answered ? c.answeredAt! : c.abandonedAt!) - o.queuedAt);
  return {
    answered: o.answered ? 1 : 0,
    abandoned: o.abandoned ? 1 : 0,
    shortAbandoned: o.short ? 1 : 0,
    answeredInSL: o.inSL ? 1 : 0,
    waitSum: o.answered ? waitMs! : 0,
    wait: waitMs,
    talkSum,
    talkN,
    handleSum,
    handleN,
  };
}

/** Adds (sign 1) or removes (sign -1) a call's terms. The longest wait is only ever raised. */
export function applyContribution(s: WindowSums, c: Contribution, sign: 1 | -1): void {
  s.offered += sign;
  s.answered += sign * c.answered;
  s.abandoned += sign * c.abandoned;
  s.shortAbandoned += sign * c.shortAbandoned;
  s.answeredInSL += sign * c.answeredInSL;
  s.waitSum += sign * c.waitSum;
  s.talkSum += sign * c.talkSum;
  s.talkN += sign * c.talkN;
  s.handleSum += sign * c.handleSum;
  s.handleN += sign * c.handleN;
  if (sign === 1 && c.wait !== null) s.maxWait = s.maxWait === null ? c.wait : Math.max(s.maxWait, c.wait);
}

export function sameContribution(a: Contribution | null, b: Contribution | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.answered === b.answered &&
    a.abandoned === b.abandoned &&
    a.shortAbandoned === b.shortAbandoned &&
    a.answeredInSL === b.answeredInSL &&
    a.waitSum === b.waitSum &&
    a.wait === b.wait &&
    a.talkSum === b.talkSum &&
    a.talkN === b.talkN &&
    a.handleSum === b.handleSum &&
    a.handleN === b.handleN
  );
}

/** The snapshot's window fields from running sums (an absent window is all zeros and nulls). */
export function windowStats(s: WindowSums | undefined): WindowStats {
  const w = s ?? emptySums();
  const divisor = w.answered + w.abandoned - w.shortAbandoned;
  return {
    offered: w.offered,
    answered: w.answered,
    abandoned: w.abandoned,
    shortAbandoned: w.shortAbandoned,
    answeredInSL: w.answeredInSL,
    serviceLevel: divisor > 0 ? w.answeredInSL / divisor : null,
    answerRate: divisor > 0 ? w.answered / divisor : null,
    timelyRate: w.answered > 0 ? w.answeredInSL / w.answered : null,
    asaSec: w.answered > 0 ? w.waitSum / w.answered / 1000 : null,
    maxWaitSec: w.maxWait === null ? null : w.maxWait / 1000,
    avgTalkSec: w.talkN > 0 ? w.talkSum / w.talkN / 1000 : null,
    avgHandleSec: w.handleN > 0 ? w.handleSum / w.handleN / 1000 : null,
  };
}

export function intervalBucket(start: number, s: WindowSums | undefined): IntervalBucket {
  return {
    start,
    offered: s?.offered ?? 0,
    answered: s?.answered ?? 0,
    abandoned: s?.abandoned ?? 0,
    shortAbandoned: s?.shortAbandoned ?? 0,
    answeredInSL: s?.answeredInSL ?? 0,
  };
}
