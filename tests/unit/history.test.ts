/**
 * The demo's history (issue 11): the simulator's days before today, run into a Reducer at full
 * speed, as archive records. They must be the records the archive keeper would keep, and look like
 * a real center's.
 */
import { describe, expect, it } from 'vitest';
import { archiveHistory, SHIFT_LEADS, simulateHistory } from '../../server/simulator';
import { MemoryArchiveStore } from '../../server/adapters/memory/memory-archive-store';
import { Reducer } from '../../server/core/reduce';
import { dateOf, type DayArchive } from '../../server/core/archive';
import { defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import { zonedEpoch } from '../../shared/time';

const TZ = 'Asia/Shanghai';
const config = defaultConfig(TZ);
/** Monday 1 December 2025, 00:00 in Heze: the history is 3–30 November */
const TODAY = zonedEpoch(2025, 12, 1, 0, TZ);
const options = { config, seed: 12319, incidentsPerDay: 6, todayStart: TODAY };

const events: HotlineEvent[] = [];
const month = simulateHistory({ ...options, days: 28, onEvent: (e) => events.push(e) });

/** how many of `keys` fall on each date */
function perDate(keys: Iterable<[string, number]>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [, ts] of keys) {
    const d = dateOf(ts, TZ);
    out.set(d, (out.get(d) ?? 0) + 1);
  }
  return out;
}

const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);

describe('simulateHistory', () => {
  it('gives one record per day before today, oldest first, each at its local midnight', () => {
    expect(month.map((r) => r.date)).toEqual(Array.from({ length: 28 }, (_, i) => `2025-11-${String(i + 3).padStart(2, '0')}`));
    for (const r of month) expect(r.start).toBe(zonedEpoch(Number(r.date.slice(0, 4)), Number(r.date.slice(5, 7)), Number(r.date.slice(8)), 0, TZ));
    expect(events.at(-1)!.ts).toBeLessThanOrEqual(TODAY + 3_600_000);
  });

  it('is deterministic for a seed, and another seed gives another history', () => {
    const a = simulateHistory({ ...options, days: 3 });
    expect(simulateHistory({ ...options, days: 3 })).toEqual(a);
    expect(simulateHistory({ ...options, days: 3, seed: 7 })).not.toEqual(a);
    expect(simulateHistory({ ...options, days: 0 })).toEqual([]);
  });

  it('counts days by the center’s calendar across a daylight-saving change', () => {
    const berlin = defaultConfig('Europe/Berlin');
    const days = simulateHistory({ config: berlin, seed: 1, todayStart: zonedEpoch(2025, 3, 31, 0, 'Europe/Berlin'), days: 2 });
    expect(days.map((d) => [d.date, d.start])).toEqual([
      ['2025-03-29', zonedEpoch(2025, 3, 29, 0, 'Europe/Berlin')],
      ['2025-03-30', zonedEpoch(2025, 3, 30, 0, 'Europe/Berlin')],
    ]);
    expect(days[1]!.window.offered).toBeGreaterThan(300);
  });

  it('has a real center’s figures, internally consistent', () => {
    for (const r of month) {
      const w = r.window;
      expect(w.offered).toBeGreaterThan(600);
      expect(w.offered).toBeLessThan(2000);
      // an hour after midnight every call of the day has been answered or abandoned
      expect(w.answered + w.abandoned).toBe(w.offered);
      expect(w.answeredInSL).toBeLessThanOrEqual(w.answered);
      expect(w.answeredInSL / (w.offered - w.shortAbandoned)).toBeGreaterThan(0.8);
      for (const k of ['offered', 'answered', 'abandoned', 'shortAbandoned', 'answeredInSL'] as const) expect(sum(r.intervals, (i) => i.sums[k])).toBe(w[k]);
      expect(r.intervals.every((i) => i.start >= r.start && i.start < r.start + 25 * 3_600_000)).toBe(true);
      expect(sum(Object.values(r.categories), (n) => n)).toBeGreaterThan(0);
      expect(r.callbacks.returned).toBeLessThanOrEqual(r.callbacks.missed);
      expect(r.incidents.raised).toBeGreaterThan(0);
      expect(r.agents.length).toBeGreaterThan(20);
      for (const a of r.agents) {
        expect(sum(a.busyByReason, ([, ms]) => ms)).toBe(a.busyMs);
        expect(a.availableMs + a.busyMs).toBeLessThanOrEqual(a.signedInMs);
        expect(a.violations.rona).toBeLessThanOrEqual(a.ronas);
      }
      const occupancy = sum(r.agents, (a) => a.talkMs + a.wrapMs) / sum(r.agents, (a) => a.signedInMs - a.busyMs);
      expect(occupancy).toBeGreaterThan(0.1);
      expect(occupancy).toBeLessThan(0.9);
    }
    const all = month.flatMap((r) => r.agents);
    for (const rule of ['rona', 'not_signed_in', 'busy_too_long', 'restricted_window'] as const) expect(sum(all, (a) => a.violations[rule])).toBeGreaterThan(0);
    // weekends are quieter (the simulator scales their volume by 0.85)
    const weekend = month.filter((r) => [0, 6].includes(new Date(r.start + 12 * 3_600_000).getUTCDay()));
    const weekdays = month.filter((r) => !weekend.includes(r));
    expect(weekend).toHaveLength(8);
    expect(sum(weekend, (r) => r.window.offered) / 8).toBeLessThan(sum(weekdays, (r) => r.window.offered) / 20);
  });

  it('has each day’s follow-up calls and their satisfaction, the dissatisfied by category and unit', () => {
    // from the third day on: the tickets of the days before are called back (the first days start empty)
    for (const r of month.slice(2)) {
      const f = r.followup;
      expect(f.followups).toBeGreaterThan(300);
      expect(f.reached).toBe(f.satisfied + f.basicallySatisfied + f.dissatisfied);
      expect(f.reached / f.followups).toBeGreaterThan(0.9);
      expect((f.satisfied + f.basicallySatisfied) / f.reached).toBeGreaterThan(0.8);
      expect(sum(f.byCategory, ([, n]) => n)).toBe(f.dissatisfied);
      expect(sum(f.byUnit, ([, n]) => n)).toBe(f.dissatisfied);
    }
    const reached = sum(month, (r) => r.followup.reached);
    const rate = sum(month, (r) => r.followup.satisfied + r.followup.basicallySatisfied) / reached;
    expect(rate).toBeGreaterThan(0.86);
    expect(rate).toBeLessThan(0.95);
  });

  it('keeps each day’s attendance against its roster and its three handovers, each signed by another lead', () => {
    for (const r of month) {
      expect(r.handovers.map((h) => (h.boundary - r.start) / 3_600_000)).toEqual([0, 8, 16]);
      for (const h of r.handovers) {
        expect(SHIFT_LEADS).toContain(h.submittedBy);
        expect(SHIFT_LEADS).toContain(h.acceptedBy);
        expect(h.acceptedBy).not.toBe(h.submittedBy);
        expect(h.acceptedAt!).toBeGreaterThan(h.submittedAt);
        expect(h.notes).toMatch(/。$/);
      }
    }
    const all = month.flatMap((r) => r.agents);
    const total = (k: 'late' | 'absent' | 'leftEarly') => sum(all, (a) => a.attendance[k]);
    // a few late sign-ins a day, an absence every few days, a departure before the end about daily
    expect(total('late') / 28).toBeGreaterThan(1);
    expect(total('late') / 28).toBeLessThan(5);
    expect(total('absent')).toBeGreaterThanOrEqual(3);
    expect(total('absent')).toBeLessThanOrEqual(20);
    expect(total('leftEarly')).toBeGreaterThanOrEqual(10);
    expect(total('leftEarly')).toBeLessThanOrEqual(45);
    // spread over the operators, not one unlucky name
    expect(all.filter((a) => a.attendance.late > 0).length).toBeGreaterThan(20);
  });

  it('counts answers per agent per answer, and per call in the day’s window: transfers make the difference', () => {
    // the window counts a call once, on the day it was first queued, if it was ever answered;
    // an agent counts every answer it gave, on the day of the answer (a call transferred and
    // answered again counts for both agents), so the agents' sum exceeds the day's answered
    const firstQueued = new Map<string, number>();
    const answers: [string, number][] = [];
    const answeredCalls = new Map<string, number>();
    for (const e of events) {
      if (e.type === 'call.queued' && !firstQueued.has(e.callId)) firstQueued.set(e.callId, e.ts);
      if (e.type === 'call.answered') {
        answers.push([e.callId, e.ts]);
        if (!answeredCalls.has(e.callId)) answeredCalls.set(e.callId, firstQueued.get(e.callId)!);
      }
    }
    const answersOn = perDate(answers);
    const callsAnsweredOn = perDate(answeredCalls);
    let transferred = 0;
    for (const r of month) {
      const agents = sum(r.agents, (a) => a.answered);
      expect(agents).toBe(answersOn.get(r.date));
      expect(r.window.answered).toBe(callsAnsweredOn.get(r.date));
      transferred += agents - r.window.answered;
    }
    const transfers = events.filter((e) => e.type === 'call.transferred' && e.ts >= TODAY - 28 * 86_400_000 && e.ts < TODAY).length;
    expect(transferred).toBeGreaterThan(0.8 * transfers);
    expect(transferred).toBeLessThanOrEqual(transfers);
  });

  it('gives the records pruning finalises when a replica replays the same events', () => {
    // the keeper's final record of a day is taken once it is past the archive horizon
    const reducer = new Reducer(config);
    const final = new Map<string, DayArchive>();
    let n = 0;
    for (const e of events) {
      reducer.apply(e, `${e.ts}-${n++}`);
      for (const d of reducer.takeFinalized()) final.set(d.date, d);
    }
    const compared = month.filter((r) => final.has(r.date));
    expect(compared.length).toBeGreaterThan(15);
    for (const r of compared) expect(r).toEqual(final.get(r.date));
  });

  it('archiveHistory writes the records at stream position 0-0, so a record from the stream replaces them', async () => {
    const archive = new MemoryArchiveStore();
    const { records, ms } = await archiveHistory(archive, { ...options, days: 2 });
    expect(ms).toBeGreaterThan(0);
    expect(await archive.dates()).toEqual(['2025-11-29', '2025-11-30']);
    expect((await archive.get(['2025-11-30'])).get('2025-11-30')).toEqual(records[1]);
    const fromStream = { ...records[1]!, window: { ...records[1]!.window, offered: 1 } };
    await archive.put(fromStream, '1764518400000-0');
    await archiveHistory(archive, { ...options, days: 2 });
    expect((await archive.get(['2025-11-30'])).get('2025-11-30')).toEqual(fromStream);
  });
});
