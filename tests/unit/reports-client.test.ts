/**
 * The reports screen's pure helpers: the range presets worked out from "today" in the center's time
 * zone, the checks before the server is asked, the print month, sorting the agents table, the
 * routes' addresses and the downloaded files' names, the range's sums and the trend's series, the
 * throttle behind the lead's figures, and the new words in both languages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isoDate } from '../../client/src/lib/format';
import {
  addDays,
  daysOf,
  isWholeMonth,
  monthRange,
  presetOf,
  presetRange,
  PRESETS,
  rangeDays,
  rangeFromQuery,
  rangeProblem,
} from '../../client/src/lib/report-range';
import {
  ariaSort,
  csvFilename,
  nextSort,
  rangeSums,
  reportPath,
  shortDate,
  sortAgents,
  trendSeries,
  violationList,
  violationTotal,
  type AgentSort,
} from '../../client/src/lib/report-view';
import { throttle, type Timers } from '../../client/src/lib/throttle';
import { MAX_REPORT_DAYS, VIOLATION_RULES, type AgentRow, type DayRow } from '../../shared/reports';
import { loadBothLanguages, type I18n } from '../helpers/i18n';

describe('range presets', () => {
  it('today, yesterday, this week from Monday, this month, last month', () => {
    // 2026-03-18 is a Wednesday
    expect(presetRange('today', '2026-03-18')).toEqual({ from: '2026-03-18', to: '2026-03-18' });
    expect(presetRange('yesterday', '2026-03-18')).toEqual({ from: '2026-03-17', to: '2026-03-17' });
    expect(presetRange('week', '2026-03-18')).toEqual({ from: '2026-03-16', to: '2026-03-18' });
    expect(presetRange('month', '2026-03-18')).toEqual({ from: '2026-03-01', to: '2026-03-18' });
    expect(presetRange('lastMonth', '2026-03-18')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
  });

  it('weeks start on Monday: a Monday is its own week, a Sunday reaches back six days', () => {
    expect(presetRange('week', '2026-03-16')).toEqual({ from: '2026-03-16', to: '2026-03-16' });
    expect(presetRange('week', '2026-03-22')).toEqual({ from: '2026-03-16', to: '2026-03-22' });
    // across a month and a year
    expect(presetRange('week', '2026-01-01')).toEqual({ from: '2025-12-29', to: '2026-01-01' });
  });

  it('month edges: the 1st, January, leap February', () => {
    expect(presetRange('month', '2026-05-01')).toEqual({ from: '2026-05-01', to: '2026-05-01' });
    expect(presetRange('yesterday', '2026-05-01')).toEqual({ from: '2026-04-30', to: '2026-04-30' });
    expect(presetRange('lastMonth', '2026-01-15')).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(presetRange('lastMonth', '2024-03-31')).toEqual({ from: '2024-02-01', to: '2024-02-29' });
  });

  it('"today" is the center’s day: 17:30 UTC on 30 November is 1 December in Shanghai', () => {
    const at = Date.UTC(2026, 10, 30, 17, 30);
    const shanghai = isoDate(at, 'Asia/Shanghai').date;
    const london = isoDate(at, 'Europe/London').date;
    expect(shanghai).toBe('2026-12-01');
    expect(london).toBe('2026-11-30');
    expect(presetRange('month', shanghai)).toEqual({ from: '2026-12-01', to: '2026-12-01' });
    expect(presetRange('month', london)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    expect(presetRange('lastMonth', shanghai)).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  });

  it('names the preset a range is, the first one on ties; a custom range is none', () => {
    expect(presetOf({ from: '2026-03-01', to: '2026-03-18' }, '2026-03-18')).toBe('month');
    // on a Monday 本周 is also 今天: 今天 wins
    expect(presetOf({ from: '2026-03-16', to: '2026-03-16' }, '2026-03-16')).toBe('today');
    expect(presetOf({ from: '2026-03-02', to: '2026-03-18' }, '2026-03-18')).toBeNull();
    for (const p of PRESETS) expect(rangeProblem(presetRange(p, '2026-03-18'))).toBeNull();
  });
});

describe('range checks before asking the server', () => {
  it('missing or impossible dates, a reversed range, more than MAX_REPORT_DAYS days', () => {
    expect(rangeProblem({ from: '', to: '2026-03-01' })).toBe('missing');
    expect(rangeProblem({ from: '2026-02-30', to: '2026-03-01' })).toBe('missing');
    expect(rangeProblem({ from: '2026-03-02', to: '2026-03-01' })).toBe('reversed');
    expect(rangeProblem({ from: '2025-03-01', to: '2026-03-01' })).toBeNull(); // 366 days
    expect(rangeDays({ from: '2025-03-01', to: '2026-03-01' })).toBe(MAX_REPORT_DAYS);
    expect(rangeProblem({ from: '2025-02-28', to: '2026-03-01' })).toBe('tooLong');
    expect(rangeProblem({ from: '2026-03-01', to: '2026-03-01' })).toBeNull();
  });

  it('counts and lists days with both ends included', () => {
    expect(rangeDays({ from: '2026-03-01', to: '2026-03-31' })).toBe(31);
    expect(daysOf({ from: '2024-02-28', to: '2024-03-01' })).toEqual(['2024-02-28', '2024-02-29', '2024-03-01']);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('takes a range from the address only when it passes', () => {
    expect(rangeFromQuery('?from=2026-03-01&to=2026-03-05&lang=en')).toEqual({ from: '2026-03-01', to: '2026-03-05' });
    expect(rangeFromQuery('?from=2026-03-05&to=2026-03-01')).toBeNull();
    expect(rangeFromQuery('?lang=en')).toBeNull();
  });
});

describe('the print month', () => {
  it('runs to the month’s end, or to today in the current month; a month not begun is refused', () => {
    expect(monthRange('2026-02', '2026-03-18')).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(monthRange('2026-03', '2026-03-18')).toEqual({ from: '2026-03-01', to: '2026-03-18' });
    expect(monthRange('2026-04', '2026-03-18')).toBeNull();
    expect(monthRange('2026-13', '2026-03-18')).toBeNull();
    expect(monthRange('', '2026-03-18')).toBeNull();
  });

  it('knows a whole month from another range', () => {
    expect(isWholeMonth({ from: '2026-02-01', to: '2026-02-28' }, '2026-03-18')).toBe(true);
    expect(isWholeMonth({ from: '2026-03-01', to: '2026-03-18' }, '2026-03-18')).toBe(true);
    expect(isWholeMonth({ from: '2026-02-01', to: '2026-02-27' }, '2026-03-18')).toBe(false);
    expect(isWholeMonth({ from: '2026-02-16', to: '2026-03-01' }, '2026-03-18')).toBe(false);
  });
});

function agent(agentId: string, over: Partial<AgentRow> = {}): AgentRow {
  return {
    agentId,
    name: null,
    answered: 0,
    ronas: 0,
    talkSec: 0,
    wrapupSec: 0,
    avgTalkSec: null,
    avgHandleSec: null,
    signedInSec: 0,
    availableSec: 0,
    busySec: 0,
    busyByReason: {},
    occupancy: null,
    callbacks: 0,
    violations: { rona: 0, not_signed_in: 0, busy_too_long: 0, restricted_window: 0 },
    attendance: { late: 0, absent: 0, leftEarly: 0 },
    ...over,
  };
}

describe('sorting the agents table', () => {
  const rows = [
    agent('3010', { name: '王芳', answered: 5, avgTalkSec: 200, violations: { rona: 1, not_signed_in: 0, busy_too_long: 2, restricted_window: 0 } }),
    agent('3002', { name: '李强', answered: 9, avgTalkSec: null }),
    agent('301', { name: null, answered: 5, avgTalkSec: 150, violations: { rona: 0, not_signed_in: 1, busy_too_long: 0, restricted_window: 0 } }),
  ];
  const ids = (s: AgentSort) => sortAgents(rows, s).map((r) => r.agentId);

  it('work numbers in number order, text by the Chinese collation', () => {
    expect(ids({ column: 'agentId', dir: 'asc' })).toEqual(['301', '3002', '3010']);
    expect(ids({ column: 'agentId', dir: 'desc' })).toEqual(['3010', '3002', '301']);
    // no name sorts last either way
    expect(ids({ column: 'name', dir: 'asc' }).at(-1)).toBe('301');
    expect(ids({ column: 'name', dir: 'desc' }).at(-1)).toBe('301');
  });

  it('figures with ties broken by work number; no value last in both directions', () => {
    expect(ids({ column: 'answered', dir: 'desc' })).toEqual(['3002', '301', '3010']);
    expect(ids({ column: 'answered', dir: 'asc' })).toEqual(['301', '3010', '3002']);
    expect(ids({ column: 'avgTalkSec', dir: 'asc' })).toEqual(['301', '3010', '3002']);
    expect(ids({ column: 'avgTalkSec', dir: 'desc' })).toEqual(['3010', '301', '3002']);
  });

  it('violations by their sum', () => {
    expect(violationTotal(rows[0]!.violations)).toBe(3);
    expect(violationList(rows[0]!.violations)).toEqual([
      { rule: 'rona', count: 1 },
      { rule: 'busy_too_long', count: 2 },
    ]);
    expect(ids({ column: 'violations', dir: 'desc' })).toEqual(['3010', '301', '3002']);
  });

  it('a heading flips its own column; another starts ascending for text, descending for figures', () => {
    const s0: AgentSort = { column: 'agentId', dir: 'asc' };
    expect(nextSort(s0, 'agentId')).toEqual({ column: 'agentId', dir: 'desc' });
    expect(nextSort(s0, 'answered')).toEqual({ column: 'answered', dir: 'desc' });
    expect(nextSort({ column: 'answered', dir: 'desc' }, 'name')).toEqual({ column: 'name', dir: 'asc' });
    expect(ariaSort(s0, 'agentId')).toBe('ascending');
    expect(ariaSort({ column: 'agentId', dir: 'desc' }, 'agentId')).toBe('descending');
    expect(ariaSort(s0, 'name')).toBe('none');
  });

  it('does not change the rows it is given', () => {
    const before = rows.map((r) => r.agentId);
    sortAgents(rows, { column: 'answered', dir: 'desc' });
    expect(rows.map((r) => r.agentId)).toEqual(before);
  });
});

describe('addresses and file names', () => {
  const r = { from: '2026-03-01', to: '2026-03-31' };
  it('the routes, with the work number escaped and format=csv for the file', () => {
    expect(reportPath('days', r)).toBe('/api/v1/reports/days?from=2026-03-01&to=2026-03-31');
    expect(reportPath('agents', r, { csv: true })).toBe('/api/v1/reports/agents?from=2026-03-01&to=2026-03-31&format=csv');
    expect(reportPath('agent', r, { agentId: 'a/b?c' })).toBe('/api/v1/reports/agents/a%2Fb%3Fc?from=2026-03-01&to=2026-03-31');
  });

  it('a file name of our own when the server gives none, safe whatever the work number', () => {
    expect(csvFilename('days', r)).toBe('12319-days-2026-03-01_2026-03-31.csv');
    expect(csvFilename('agents', { from: '2026-03-05', to: '2026-03-05' })).toBe('12319-agents-2026-03-05.csv');
    expect(csvFilename('agent', r, '../30 01')).toBe('12319-agent-.._30_01-2026-03-01_2026-03-31.csv');
    expect(csvFilename('agent', r, '/')).toBe('12319-agent-_-2026-03-01_2026-03-31.csv');
  });
});

describe('the server’s file name (Content-Disposition)', () => {
  let dispositionFilename: (h: string | null) => string | null;
  beforeAll(async () => {
    ({ dispositionFilename } = await import('../../client/src/lib/api'));
  });

  it('filename*, then filename; no path parts', () => {
    expect(dispositionFilename('attachment; filename="hotline-days-2026-03-01-2026-03-31.csv"')).toBe('hotline-days-2026-03-01-2026-03-31.csv');
    expect(dispositionFilename("attachment; filename=\"r.csv\"; filename*=UTF-8''%E6%8A%A5%E8%A1%A8.csv")).toBe('报表.csv');
    expect(dispositionFilename('attachment; filename=plain.csv')).toBe('plain.csv');
    expect(dispositionFilename('attachment; filename="../../etc/passwd"')).toBe('passwd');
    expect(dispositionFilename('attachment')).toBeNull();
    expect(dispositionFilename(null)).toBeNull();
  });
});

function day(date: string, over: Partial<DayRow> = {}): DayRow {
  return {
    date,
    offered: 10,
    answered: 8,
    abandoned: 2,
    shortAbandoned: 0,
    answeredInSL: 6,
    serviceLevel: 0.6,
    answerRate: 0.8,
    timelyRate: 0.75,
    asaSec: 9,
    maxWaitSec: 40,
    avgTalkSec: 180,
    avgHandleSec: 210,
    intervals: [],
    categories: { city_order: 0, sanitation: 0, landscaping: 0, municipal: 0, illegal_construction: 0, gas_heating: 0, other: 0 },
    callbacks: { missed: 2, returned: 1, returnedLate: 1 },
    incidents: { raised: 1, major: 0, lateAcknowledgements: 0 },
    handovers: [],
    followup: { followups: 0, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: null },
    ...over,
  };
}

describe('the range’s sums and the trend', () => {
  const days = [day('2026-03-30'), day('2026-03-31', { partial: true, serviceLevel: null, answerRate: 0.8571, offered: 3, incidents: { raised: 2, major: 1, lateAcknowledgements: 1 } })];

  it('callbacks and incidents summed over the days', () => {
    expect(rangeSums(days)).toEqual({ callbacks: { missed: 4, returned: 2, returnedLate: 2 }, incidents: { raised: 3, major: 1, lateAcknowledgements: 1 } });
    expect(rangeSums([])).toEqual({ callbacks: { missed: 0, returned: 0, returnedLate: 0 }, incidents: { raised: 0, major: 0, lateAcknowledgements: 0 } });
  });

  it('plain arrays: short dates, percent with one decimal, gaps as null, today marked', () => {
    expect(trendSeries(days)).toEqual({
      labels: ['3/30', '3/31'],
      dates: ['2026-03-30', '2026-03-31'],
      offered: [10, 3],
      serviceLevel: [60, null],
      answerRate: [80, 85.7],
      partial: [false, true],
    });
    expect(shortDate('2026-01-05')).toBe('1/5');
  });
});

describe('throttle (the lead’s figures: at most once per period)', () => {
  function fakeTimers() {
    let now = 0;
    const queue: { at: number; fn: () => void; id: number }[] = [];
    let ids = 0;
    const timers: Timers = {
      now: () => now,
      setTimeout: (fn, ms) => {
        const id = ++ids;
        queue.push({ at: now + ms, fn, id });
        return id;
      },
      clearTimeout: (h) => {
        const i = queue.findIndex((q) => q.id === h);
        if (i >= 0) queue.splice(i, 1);
      },
    };
    const advance = (ms: number) => {
      now += ms;
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const next = queue[0];
        if (!next || next.at > now) break;
        queue.shift();
        next.fn();
      }
    };
    return { timers, advance };
  }

  it('runs the first request at once, gathers the next ones into one run at the end of the period', () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const t = throttle(() => runs++, 15_000, timers);
    t.request();
    expect(runs).toBe(1);
    advance(1_000);
    for (let i = 0; i < 50; i++) t.request(); // a burst of patches
    expect(runs).toBe(1);
    advance(13_999);
    expect(runs).toBe(1);
    advance(1);
    expect(runs).toBe(2);
    // nothing asked since: nothing runs
    advance(60_000);
    expect(runs).toBe(2);
    // long after the last run: at once again
    t.request();
    expect(runs).toBe(3);
  });

  it('cancel drops the pending run', () => {
    const { timers, advance } = fakeTimers();
    let runs = 0;
    const t = throttle(() => runs++, 15_000, timers);
    t.request();
    t.request();
    t.cancel();
    advance(30_000);
    expect(runs).toBe(1);
  });
});

describe('the reports’ words in both languages', () => {
  let langs: Record<string, I18n>;
  beforeAll(async () => {
    langs = await loadBothLanguages();
  });

  it('every violation rule has its name, and the new texts differ between the languages', () => {
    const zh = langs['zh-CN']!;
    const en = langs['en']!;
    for (const rule of VIOLATION_RULES) {
      expect(zh.ruleName(rule)).not.toBe(rule);
      expect(en.ruleName(rule)).not.toBe(rule);
      expect(zh.ruleName(rule)).not.toBe(en.ruleName(rule));
    }
    for (const key of ['reportsTitle', 'navReports', 'preset_week', 'rangeReversed', 'printMonth', 'colOccupancy', 'inProgress', 'todayFigures'] as const) {
      expect(zh.t(key)).toMatch(/\p{Script=Han}/u);
      expect(en.t(key)).not.toMatch(/\p{Script=Han}/u);
    }
    expect(zh.t('rangeTooLong', { max: MAX_REPORT_DAYS, n: 400 })).toBe('时段最长 366 天（现为 400 天）');
    expect(en.t('rangeText', { from: '2026-03-01', to: '2026-03-31', n: 31 })).toBe('2026-03-01 to 2026-03-31, 31 days');
  });
});
