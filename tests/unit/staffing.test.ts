/**
 * The staffing forecast (server/core/staffing.ts, SHIFTS.md): the same weekday of the last 4 weeks,
 * from archive records made by the reducer (Reducer + dayArchive), table-driven:
 * - forecastOffered: the mean offered calls of the interval over the weeks found (fewer weeks when
 *   fewer exist; a record without a single call is not a week; a week without calls in the
 *   interval counts 0 there);
 * - forecastAhtSec: the handle time pooled over those weeks (not the mean of the weeks' means);
 * - requiredAgents: Erlang C for the service-level target, 0 without calls, null without a handle time;
 * - every figure null without history;
 * - forecastDays: the same weekday 1–4 weeks back, across a month and a year boundary;
 * - the forecast passed to derive: the staffing intervals and `understaffed`.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, defaultConfig, type CenterConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import { endOfDay, intervalStarts, localDate, localParts } from '../../shared/time';
import { dayArchive, type DayArchive } from '../../server/core/archive';
import { derive } from '../../server/core/derive';
import { requiredAgents } from '../../server/core/erlang';
import { Reducer } from '../../server/core/reduce';
import { forecastDays, forecastFor, FORECAST_WEEKS } from '../../server/core/staffing';
import { ev, sh } from '../helpers/events';

const config = defaultConfig();
const tz = config.timeZone;
const S = 1000;
/** Thursday 2026-12-03; its weeks before are the Thursdays 11-26, 11-19, 11-12 and 11-05 */
const DAY = sh(2026, 12, 3, 0, 0);
const WEEKS = forecastDays(DAY, tz);

/** Calls in one interval of a day: `n` calls each handled in `handleSec` (talk, no wrap-up), or abandoned. */
interface Slot {
  at: string;
  n: number;
  handleSec?: number;
  abandoned?: boolean;
}

/** The archive record of the day starting at `day`, made by the reducer from calls in the given intervals. */
function dayRecord(day: number, slots: Slot[], cfg: CenterConfig = config): DayArchive {
  const r = new Reducer(cfg);
  const p = localParts(day, tz);
  const events: HotlineEvent[] = [ev('agent.signin', day + 60 * S, { agentId: 'early' })];
  for (const s of slots) {
    const start = sh(p.year, p.month, p.day, Number(s.at.slice(0, 2)), Number(s.at.slice(3)));
    for (let k = 0; k < s.n; k++) {
      const callId = `${day}-${s.at}-${k}`;
      const agentId = `a${k}`;
      const t = start + k * 10 * S;
      events.push(ev('call.queued', t, { callId }));
      if (s.abandoned) {
        events.push(ev('call.abandoned', t + 20 * S, { callId }));
        continue;
      }
      const end = t + 2 * S + s.handleSec! * S;
      events.push(ev('call.answered', t + 2 * S, { callId, agentId }), ev('call.ended', end, { callId }), ev('agent.ready', end, { agentId }));
    }
  }
  for (const e of events.sort((a, b) => a.ts - b.ts)) r.apply(e);
  return dayArchive(r.state, day, endOfDay(day, tz), cfg);
}

/** The figures of the interval at HH:MM of DAY. */
function figures(records: DayArchive[], hhmm: string, cfg: CenterConfig = config) {
  const f = forecastFor(DAY, records, cfg);
  return f.intervals.get(sh(2026, 12, 3, Number(hhmm.slice(0, 2)), Number(hhmm.slice(3))))!;
}
const erlang = (calls: number, ahtSec: number, t = config.thresholds) =>
  requiredAgents({ callsPerInterval: calls, intervalSec: 1800, ahtSec, targetSl: t.serviceLevelTarget, targetSec: t.slThresholdSec });

describe('forecastDays', () => {
  it.each([
    ['2026-12-03', sh(2026, 12, 3, 0, 0), ['2026-11-26', '2026-11-19', '2026-11-12', '2026-11-05']],
    ['2027-01-05 (across a year)', sh(2027, 1, 5, 0, 0), ['2026-12-29', '2026-12-22', '2026-12-15', '2026-12-08']],
    ['2026-03-01 (across February)', sh(2026, 3, 1, 0, 0), ['2026-02-22', '2026-02-15', '2026-02-08', '2026-02-01']],
  ])('%s: the same weekday 1 to 4 weeks back, local midnights', (_name, day, dates) => {
    const days = forecastDays(day, tz);
    expect(days).toHaveLength(FORECAST_WEEKS);
    expect(days.map((d) => localDate(d, tz))).toEqual(dates);
    for (const d of days) {
      expect(localParts(d, tz)).toMatchObject({ hour: 0, minute: 0, second: 0, weekday: localParts(day, tz).weekday });
    }
  });
});

interface ForecastCase {
  name: string;
  records: () => DayArchive[];
  at: string;
  expected: { forecastOffered: number | null; forecastAhtSec: number | null; requiredAgents: number | null };
}

const W = (k: number) => WEEKS[k]!;
const forecastTable: ForecastCase[] = [
  { name: 'no history: nulls', records: () => [], at: '10:00', expected: { forecastOffered: null, forecastAhtSec: null, requiredAgents: null } },
  { name: 'only records without a call: nulls (no week found)', records: () => [dayRecord(W(0), []), dayRecord(W(1), [])], at: '10:00', expected: { forecastOffered: null, forecastAhtSec: null, requiredAgents: null } },
  { name: 'one week', records: () => [dayRecord(W(0), [{ at: '10:00', n: 10, handleSec: 120 }])], at: '10:00', expected: { forecastOffered: 10, forecastAhtSec: 120, requiredAgents: erlang(10, 120) } },
  {
    name: 'three weeks found: the mean over three',
    records: () => [dayRecord(W(0), [{ at: '10:00', n: 10, handleSec: 120 }]), dayRecord(W(1), [{ at: '10:00', n: 20, handleSec: 120 }]), dayRecord(W(3), [{ at: '10:00', n: 30, handleSec: 120 }])],
    at: '10:00',
    expected: { forecastOffered: 20, forecastAhtSec: 120, requiredAgents: erlang(20, 120) },
  },
  {
    name: 'four weeks: the mean over four',
    records: () => [10, 20, 30, 41].map((n, k) => dayRecord(W(k), [{ at: '10:00', n, handleSec: 120 }])),
    at: '10:00',
    expected: { forecastOffered: 25.25, forecastAhtSec: 120, requiredAgents: erlang(25.25, 120) },
  },
  {
    name: 'a record without a call is not a week',
    records: () => [dayRecord(W(0), [{ at: '10:00', n: 10, handleSec: 120 }]), dayRecord(W(1), [])],
    at: '10:00',
    expected: { forecastOffered: 10, forecastAhtSec: 120, requiredAgents: erlang(10, 120) },
  },
  {
    name: 'a week with calls, none in this interval: counts 0 there',
    records: () => [dayRecord(W(0), [{ at: '10:00', n: 10, handleSec: 120 }]), dayRecord(W(1), [{ at: '11:00', n: 4, handleSec: 120 }])],
    at: '10:00',
    expected: { forecastOffered: 5, forecastAhtSec: 120, requiredAgents: erlang(5, 120) },
  },
  {
    name: '… and the other interval likewise',
    records: () => [dayRecord(W(0), [{ at: '10:00', n: 10, handleSec: 120 }]), dayRecord(W(1), [{ at: '11:00', n: 4, handleSec: 120 }])],
    at: '11:00',
    expected: { forecastOffered: 2, forecastAhtSec: 120, requiredAgents: erlang(2, 120) },
  },
  {
    name: 'handle time pooled over the weeks (1800 s / 12 calls), not the mean of the means (210 s)',
    records: () => [dayRecord(W(0), [{ at: '10:00', n: 10, handleSec: 120 }]), dayRecord(W(1), [{ at: '10:00', n: 2, handleSec: 300 }])],
    at: '10:00',
    expected: { forecastOffered: 6, forecastAhtSec: 150, requiredAgents: erlang(6, 150) },
  },
  { name: 'an interval without calls in any week: 0 offered, 0 required, no handle time', records: () => [dayRecord(W(0), [{ at: '10:00', n: 10, handleSec: 120 }])], at: '03:00', expected: { forecastOffered: 0, forecastAhtSec: null, requiredAgents: 0 } },
  { name: 'only abandoned calls: no handle time, no required figure', records: () => [dayRecord(W(0), [{ at: '10:00', n: 6, abandoned: true }])], at: '10:00', expected: { forecastOffered: 6, forecastAhtSec: null, requiredAgents: null } },
  {
    name: 'the interval is matched by wall clock (23:30, the day’s last)',
    records: () => [dayRecord(W(2), [{ at: '23:30', n: 3, handleSec: 60 }])],
    at: '23:30',
    expected: { forecastOffered: 3, forecastAhtSec: 60, requiredAgents: erlang(3, 60) },
  },
];

describe('forecastFor (table)', () => {
  it.each(forecastTable)('$name', ({ records, at, expected }) => {
    expect(figures(records(), at)).toEqual(expected);
  });

  it('has every interval of the day, keyed by its start', () => {
    const f = forecastFor(DAY, [dayRecord(W(0), [{ at: '10:00', n: 1, handleSec: 60 }])], config);
    expect(f.day).toBe(DAY);
    expect([...f.intervals.keys()]).toEqual(intervalStarts(endOfDay(DAY, tz) - 1, tz));
  });

  it('Erlang C with the published example: 100 calls of 180 s in 30 min, 80 % in 20 s → 14 agents', () => {
    const cfg = buildConfig({ thresholds: { slThresholdSec: 20 } }, tz);
    expect(figures([dayRecord(W(0), [{ at: '10:00', n: 100, handleSec: 180 }], cfg)], '10:00', cfg)).toEqual({ forecastOffered: 100, forecastAhtSec: 180, requiredAgents: 14 });
    // the default target (15 s) asks for at least as many
    expect(figures([dayRecord(W(0), [{ at: '10:00', n: 100, handleSec: 180 }])], '10:00').requiredAgents).toBe(erlang(100, 180));
    expect(erlang(100, 180)).toBeGreaterThanOrEqual(14);
  });
});

describe('the forecast in the live view', () => {
  const records = [dayRecord(W(0), [{ at: '10:00', n: 100, handleSec: 180 }]), dayRecord(W(1), [{ at: '10:00', n: 100, handleSec: 180 }])];
  const forecast = forecastFor(DAY, records, config);
  const required = erlang(100, 180)!;
  const now = sh(2026, 12, 3, 10, 10);
  const view = (signedIn: number) => {
    const r = new Reducer(config);
    for (let k = 0; k < signedIn; k++) r.apply(ev('agent.signin', sh(2026, 12, 3, 9, 0), { agentId: `${1001 + k}` }));
    return derive(r.state, now, config, '1-0', undefined, [], forecast);
  };

  it('shows the forecast, the requirement and the mean signed in', () => {
    const i = view(3).staffing.intervals.find((x) => x.start === sh(2026, 12, 3, 10, 0))!;
    expect(i).toEqual({ start: sh(2026, 12, 3, 10, 0), forecastOffered: 100, forecastAhtSec: 180, requiredAgents: required, rostered: null, signedIn: 3 });
  });

  it('understaffed below the requirement, not at it', () => {
    expect(view(required - 1).alerts.map((a) => a.rule)).toContain('understaffed');
    expect(view(required).alerts.map((a) => a.rule)).not.toContain('understaffed');
  });

  it('a forecast for another day is not shown', () => {
    const tomorrow = forecastFor(sh(2026, 12, 4, 0, 0), records, config);
    const r = new Reducer(config);
    const s = derive(r.state, now, config, '1-0', undefined, [], tomorrow);
    expect(s.staffing.intervals.every((i) => i.requiredAgents === null && i.forecastOffered === null)).toBe(true);
  });
});
