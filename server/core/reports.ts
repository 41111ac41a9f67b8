/**
 * The rows of the reports routes (REPORTS.md) from archive records: pure, so the HTTP routes, the
 * CSV export and the tests compute them the same way. Ranges are summed from raw sums, never from
 * ratios: a range's service level is its calls', not an average of the days'.
 */
import { CATEGORIES, type Category } from '../../shared/events';
import type { AgentRow, DayRow } from '../../shared/reports';
import type { IntervalBucket } from '../../shared/snapshot';
import { endOfDay, intervalStarts } from '../../shared/time';
import { ARCHIVE_VERSION, dateOf, zeroAgentRecord, type AgentDayRecord, type DayArchive } from './archive';
import { compareWorkIds } from './derive';
import { figures, followupRecord } from './tickets';
import { emptySums, intervalBucket, windowStats, type WindowSums } from './metrics';

/** The record of a day nobody worked (or that the archive does not have). */
export function emptyDay(dayStart: number, tz: string): DayArchive {
  return {
    v: ARCHIVE_VERSION,
    date: dateOf(dayStart, tz),
    start: dayStart,
    window: emptySums(),
    intervals: [],
    categories: Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>,
    callbacks: { missed: 0, returned: 0, returnedLate: 0 },
    incidents: { raised: 0, major: 0, lateAcknowledgements: 0 },
    agents: [],
    handovers: [],
    followup: followupRecord(undefined),
  };
}

/** Adds `b` into `a` (the longest wait is the longest of both). */
export function addSums(a: WindowSums, b: WindowSums): void {
  a.offered += b.offered;
  a.answered += b.answered;
  a.abandoned += b.abandoned;
  a.shortAbandoned += b.shortAbandoned;
  a.answeredInSL += b.answeredInSL;
  a.waitSum += b.waitSum;
  a.talkSum += b.talkSum;
  a.talkN += b.talkN;
  a.handleSum += b.handleSum;
  a.handleN += b.handleN;
  if (b.maxWait !== null) a.maxWait = a.maxWait === null ? b.maxWait : Math.max(a.maxWait, b.maxWait);
}

export function sumDays(days: readonly DayArchive[]): WindowSums {
  const total = emptySums();
  for (const d of days) addSums(total, d.window);
  return total;
}

/**
 * A day's row. `now` limits today's intervals to those begun (as the snapshot's); a past day lists
 * all of them.
 */
export function dayRow(day: DayArchive, tz: string, partial: boolean, now: number): DayRow {
  const byStart = new Map(day.intervals.map((i) => [i.start, i.sums]));
  const at = partial ? now : endOfDay(day.start, tz) - 1;
  const intervals: IntervalBucket[] = intervalStarts(at, tz).map((s) => intervalBucket(s, byStart.get(s)));
  const row: DayRow = {
    date: day.date,
    ...windowStats(day.window),
    intervals,
    categories: { ...day.categories },
    callbacks: { ...day.callbacks },
    incidents: { ...day.incidents },
    handovers: day.handovers.map((h) => ({ ...h, openItems: { ...h.openItems } })),
    followup: figures(day.followup),
  };
  if (partial) row.partial = true;
  return row;
}

/** One agent's figures summed over some days. */
export function addAgent(into: AgentDayRecord, x: AgentDayRecord): void {
  into.answered += x.answered;
  into.ronas += x.ronas;
  into.talkMs += x.talkMs;
  into.talkN += x.talkN;
  into.wrapMs += x.wrapMs;
  into.handleMs += x.handleMs;
  into.handleN += x.handleN;
  into.signedInMs += x.signedInMs;
  into.availableMs += x.availableMs;
  into.busyMs += x.busyMs;
  into.callbacks += x.callbacks;
  const reasons = new Map(into.busyByReason);
  for (const [r, ms] of x.busyByReason) reasons.set(r, (reasons.get(r) ?? 0) + ms);
  into.busyByReason = [...reasons].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const k of Object.keys(into.violations) as (keyof AgentDayRecord['violations'])[]) into.violations[k] += x.violations[k];
  into.attendance.late += x.attendance.late;
  into.attendance.absent += x.attendance.absent;
  into.attendance.leftEarly += x.attendance.leftEarly;
}

/** The contract's AgentRow (seconds) from summed figures. */
export function agentRow(x: AgentDayRecord): AgentRow {
  const busyByReason: Record<string, number> = Object.create(null);
  for (const [r, ms] of x.busyByReason) busyByReason[r] = ms / 1000;
  const divisor = x.signedInMs - x.busyMs;
  return {
    agentId: x.agentId,
    name: x.name,
    answered: x.answered,
    ronas: x.ronas,
    talkSec: x.talkMs / 1000,
    wrapupSec: x.wrapMs / 1000,
    avgTalkSec: x.talkN > 0 ? x.talkMs / x.talkN / 1000 : null,
    avgHandleSec: x.handleN > 0 ? x.handleMs / x.handleN / 1000 : null,
    signedInSec: x.signedInMs / 1000,
    availableSec: x.availableMs / 1000,
    busySec: x.busyMs / 1000,
    busyByReason,
    occupancy: divisor > 0 ? (x.talkMs + x.wrapMs) / divisor : null,
    callbacks: x.callbacks,
    violations: { ...x.violations },
    attendance: { ...x.attendance },
  };
}

/**
 * Every agent seen on those days, summed, by work number. The name is the newest known: `nameOf`
 * (the live state's) first, else the latest day's record.
 */
export function agentTotals(days: readonly DayArchive[], nameOf: (id: string) => string | null): AgentRow[] {
  const totals = new Map<string, AgentDayRecord>();
  for (const d of days) {
    for (const a of d.agents) {
      let t = totals.get(a.agentId);
      if (!t) totals.set(a.agentId, (t = zeroAgentRecord(a.agentId, null)));
      addAgent(t, a);
      if (a.name !== null) t.name = a.name;
    }
  }
  return [...totals.values()].sort((a, b) => compareWorkIds(a.agentId, b.agentId)).map((t) => agentRow({ ...t, name: nameOf(t.agentId) ?? t.name }));
}

/** One agent's rows, a day each, over the days it was seen. */
export function agentDays(days: readonly DayArchive[], agentId: string): { date: string; day: DayArchive; row: AgentRow }[] {
  const out: { date: string; day: DayArchive; row: AgentRow }[] = [];
  for (const d of days) {
    const a = d.agents.find((x) => x.agentId === agentId);
    if (a) out.push({ date: d.date, day: d, row: agentRow(a) });
  }
  return out;
}
