/**
 * The shift's pure helpers on the screens (client/src/lib/shift-view.ts, shifts-api.ts): the
 * handover at the nearest boundary before the center kept any record, when it may be submitted or
 * accepted, its colour and when the wall shows it; the roster's refusal read line by line, and the
 * attendance list's order; the staffing chart's series; a roster file's text from UTF-8 or GBK;
 * the shift's words in both languages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { canAccept, canSubmit, currentHandover, handoverLevel, rosterByStatus, rosterMessage, rosterProblems, staffingSeries, wallShowsHandover } from '../../client/src/lib/shift-view';
import { decodeCsv } from '../../client/src/lib/shifts-api';
import { DEFAULT_THRESHOLDS } from '../../client/src/lib/targets';
import type { HandoverView, RosterView, Snapshot, StaffingInterval } from '../../shared/snapshot';
import { sh } from '../helpers/events';
import { loadBothLanguages, type I18n } from '../helpers/i18n';

const MIN = 60_000;
const center: Snapshot['center'] = {
  name: '菏泽市12319城市管理服务热线',
  timeZone: 'Asia/Shanghai',
  thresholds: DEFAULT_THRESHOLDS,
  shifts: [
    { name: '夜班', start: '00:00' },
    { name: '早班', start: '08:00' },
    { name: '中班', start: '16:00' },
  ],
};

const submitted = (boundary: number, over: Partial<HandoverView> = {}): HandoverView => ({
  boundary,
  status: 'submitted',
  opensAt: boundary - 30 * MIN,
  handoverId: 'h-1',
  submittedBy: 'zhang',
  submittedAt: boundary - 10 * MIN,
  notes: '无',
  openItems: { missedCalls: [], incidents: [], alerts: [] },
  acceptedBy: null,
  acceptedAt: null,
  acceptNotes: null,
  ...over,
});

describe('the handover at the nearest boundary', () => {
  it('is the snapshot’s when the center keeps the record', () => {
    const h = submitted(sh(2026, 11, 30, 16));
    expect(currentHandover({ center, handover: h }, sh(2026, 11, 30, 15, 40))).toBe(h);
  });

  it('is worked out from the shifts before the first record: the boundary nearer to now, open handoverOpenMin before it', () => {
    const at = (h: number, m = 0) => currentHandover({ center, handover: null }, sh(2026, 11, 30, h, m));
    expect(at(15, 40)).toMatchObject({ boundary: sh(2026, 11, 30, 16), status: 'pending', opensAt: sh(2026, 11, 30, 15, 30), handoverId: null });
    // past the shift's middle the next boundary is nearer, not yet open
    expect(at(12, 30).boundary).toBe(sh(2026, 11, 30, 16));
    expect(canSubmit(at(12, 30), sh(2026, 11, 30, 12, 30))).toBe(false);
    // early in the shift: its own start (a late handover may still be written)
    expect(at(9, 0).boundary).toBe(sh(2026, 11, 30, 8));
    expect(canSubmit(at(9, 0), sh(2026, 11, 30, 9))).toBe(true);
    // the night shift's end at midnight, across the day
    expect(at(23, 50).boundary).toBe(sh(2026, 12, 1, 0));
  });

  it('may be submitted once open and while nothing is submitted; accepted once submitted', () => {
    const b = sh(2026, 11, 30, 16);
    const pending = { ...submitted(b), status: 'pending' as const, handoverId: null };
    expect(canSubmit(pending, b - 31 * MIN)).toBe(false);
    expect(canSubmit(pending, b - 30 * MIN)).toBe(true);
    expect(canSubmit(submitted(b), b - 5 * MIN)).toBe(false);
    expect(canAccept(submitted(b))).toBe(true);
    expect(canAccept(pending)).toBe(false);
    expect(canAccept(submitted(b, { status: 'accepted' }))).toBe(false);
  });

  it('is coloured: signed ok; before the boundary work in progress; after it unwritten bad, unsigned warn', () => {
    const b = sh(2026, 11, 30, 16);
    const pending = { ...submitted(b), status: 'pending' as const };
    expect(handoverLevel(pending, b - MIN)).toBe('neutral');
    expect(handoverLevel(submitted(b), b - MIN)).toBe('neutral');
    expect(handoverLevel(pending, b + MIN)).toBe('bad');
    expect(handoverLevel(submitted(b), b + MIN)).toBe('warn');
    expect(handoverLevel(submitted(b, { status: 'accepted' }), b - MIN)).toBe('ok');
  });

  it('is on the wall from its opening until as long after the boundary, and past that while unsigned', () => {
    const b = sh(2026, 11, 30, 16);
    const accepted = submitted(b, { status: 'accepted' });
    expect(wallShowsHandover(null, b)).toBe(false);
    expect(wallShowsHandover(accepted, b - 31 * MIN)).toBe(false);
    expect(wallShowsHandover(accepted, b - 30 * MIN)).toBe(true);
    expect(wallShowsHandover(accepted, b + 30 * MIN)).toBe(true);
    expect(wallShowsHandover(accepted, b + 31 * MIN)).toBe(false);
    expect(wallShowsHandover(submitted(b), b + 90 * MIN)).toBe(true);
  });
});

describe('the roster', () => {
  it('reads a refusal’s details as the server sends them, line by line, and nothing else', () => {
    expect(
      rosterProblems([
        { line: 0, field: 'header', message: 'the first line must be 工号,姓名,班次,座席' },
        { line: 3, field: 'shift', message: 'unknown shift "晚班"' },
        { line: null, field: 'date', message: 'must be a date YYYY-MM-DD' },
        'junk',
        null,
      ]),
    ).toEqual([
      { line: 0, field: 'header', message: 'the first line must be 工号,姓名,班次,座席' },
      { line: 3, field: 'shift', message: 'unknown shift "晚班"' },
      { line: null, field: 'date', message: 'must be a date YYYY-MM-DD' },
    ]);
    expect(rosterProblems(undefined)).toEqual([]);
    expect(rosterProblems({ line: 1 })).toEqual([]);
  });

  it('knows the server’s messages it can put in the page’s words, and leaves the others', () => {
    expect(rosterMessage('required')).toEqual({ key: 'rosterRequired', params: {} });
    expect(rosterMessage('unknown shift "晚班": the shifts are 夜班, 早班, 中班')).toEqual({ key: 'rosterUnknownShift', params: { shift: '晚班', shifts: '夜班, 早班, 中班' } });
    expect(rosterMessage('5001 is already on 早班 (line 1)')).toEqual({ key: 'rosterDuplicate', params: { agent: '5001', shift: '早班', n: '1' } });
    expect(rosterMessage('more than 4 cells')).toEqual({ key: 'rosterTooManyCells', params: { n: '4' } });
    expect(rosterMessage('the first line must be 工号,姓名,班次,座席')).toEqual({ key: 'rosterBadHeader', params: { header: '工号,姓名,班次,座席' } });
    expect(rosterMessage('Too big: expected string to have <=32 characters')).toBeNull();
  });

  it('lists what needs the lead first, by 工号 within a status', () => {
    const e = (agentId: string, status: RosterView['status']): RosterView => ({ agentId, name: null, seat: null, status });
    const order = rosterByStatus([e('1', 'present'), e('2', 'out'), e('3', 'late'), e('4', 'absent'), e('5', 'pending'), e('6', 'left_early'), e('7', 'absent')]);
    expect(order.map((x) => x.agentId)).toEqual(['4', '7', '6', '3', '5', '1', '2']);
  });

  it('reads a file saved as UTF-8 (with or without a BOM) or as GBK', () => {
    const utf8 = new TextEncoder().encode('\ufeff工号,姓名');
    expect(decodeCsv(utf8.buffer)).toBe('工号,姓名');
    const gbk = Uint8Array.from(Buffer.from('b9a4bac52cd0d5c3fb', 'hex'));
    expect(decodeCsv(gbk.buffer)).toBe('工号,姓名');
  });
});

describe('the staffing chart’s series', () => {
  const day = (h: number, m = 0) => sh(2026, 11, 30, h, m);
  const intervals: StaffingInterval[] = Array.from({ length: 48 }, (_, k) => ({
    start: day(0, k * 30),
    forecastOffered: k >= 18 && k < 36 ? 4.26 : null,
    forecastAhtSec: k >= 18 && k < 36 ? 200 : null,
    requiredAgents: k >= 18 && k < 36 ? 3 : null,
    rostered: k < 16 ? 2 : 5,
    signedIn: k <= 31 ? 2.04 : null,
  }));

  it('labels each interval, keeps the gaps, rounds to one decimal and marks the interval we are in', () => {
    const s = staffingSeries(intervals, day(15, 40), 'Asia/Shanghai');
    expect(s.labels[0]).toBe('00:00');
    expect(s.labels[31]).toBe('15:30');
    expect(s.current).toBe(31);
    expect(s.forecast[20]).toBe(4.3);
    expect(s.forecast[0]).toBeNull();
    expect(s.signedIn[31]).toBe(2);
    expect(s.signedIn[32]).toBeNull();
    expect(s.required[18]).toBe(3);
    expect(s.hasForecast).toBe(true);
    expect(s.hasRoster).toBe(true);
  });

  it('marks nothing on another day, and says when there is no forecast or roster', () => {
    expect(staffingSeries(intervals, sh(2026, 12, 1, 1), 'Asia/Shanghai').current).toBe(-1);
    const bare = staffingSeries(
      intervals.map((i) => ({ ...i, forecastOffered: null, requiredAgents: null, rostered: null })),
      day(9),
      'Asia/Shanghai',
    );
    expect(bare.hasForecast).toBe(false);
    expect(bare.hasRoster).toBe(false);
  });
});

describe('the shift’s words', () => {
  let langs: Record<string, I18n>;
  beforeAll(async () => {
    langs = await loadBothLanguages();
  });

  /** the keys the shift added (the roster's column names stay Chinese in English: the CSV's header is) */
  const KEYS = [
    'handoverTitle', 'handoverPending', 'handoverPendingShort', 'handoverSubmitted', 'handoverAccepted', 'handoverUnaccepted', 'handoverBoundary', 'handoverOpensAt',
    'handoverOverdue', 'handoverWaitingSubmit', 'handoverNotesLabel', 'handoverNotesPlaceholder', 'handoverNotesRequired', 'handoverItemsHint', 'handoverSubmit',
    'handoverSubmitDone', 'handoverSubmittedBy', 'handoverAcceptedBy', 'handoverOpenItems', 'handoverNoItems', 'handoverItemMissed', 'handoverItemIncidents',
    'handoverItemAlerts', 'handoverItemDone', 'handoverAcceptNotesLabel', 'handoverAcceptNotesShort', 'handoverAcceptNotes', 'handoverAccept', 'handoverAcceptDone',
    'handoverSelfHint', 'handoverSamePerson', 'handoversTitle', 'handoversNone', 'colBoundary', 'colOpenItems', 'colHandoverNotes', 'openItemsLegend',
    'attendanceTitle', 'attendanceNoRoster', 'attOnDuty', 'attStatus', 'attUnscheduled', 'attUnscheduledTitle', 'att_present', 'att_late', 'att_pending',
    'att_absent', 'att_left_early', 'att_out', 'rosterTitle', 'rosterOpen', 'rosterClose', 'rosterDate', 'rosterFile', 'rosterPaste', 'rosterUpload', 'rosterLines',
    'rosterDone', 'rosterNone', 'rosterCurrent', 'rosterPublishedBy', 'rosterDateMissing', 'rosterEmpty', 'rosterLine', 'rosterHeaderLine', 'rosterRequired',
    'rosterUnknownShift', 'rosterDuplicate', 'rosterTooManyCells', 'rosterBadHeader', 'chartStaffing', 'staffRequired', 'staffRostered', 'staffSignedIn',
    'staffForecast', 'staffForecastAxis', 'staffNowText', 'staffNoData', 'staffNoForecast', 'staffNoRoster', 'err_same_person', 'err_already_accepted',
    'err_unknown_handover', 'err_handover_accepted', 'err_invalid_roster', 'act_roster_published', 'act_handover_submitted', 'act_handover_accepted',
  ] as const;
  const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

  it('has every text in Chinese and in English, with the same placeholders', () => {
    const zh = langs['zh-CN']!;
    const en = langs['en']!;
    for (const key of KEYS) {
      const [z, e] = [zh.t(key), en.t(key)];
      // (a text of placeholders and an arrow only has no words to translate)
      if (z.replace(/\{\w+\}|[\s→]/g, '') !== '') expect(z, key).toMatch(/\p{Script=Han}/u);
      expect(e, key).not.toMatch(/\p{Script=Han}/u);
      expect(placeholders(e), key).toEqual(placeholders(z));
    }
    // the roster's columns are named as the CSV's Chinese header names them, in English too
    expect(en.t('rosterHint')).toContain('工号,姓名,班次,座席');
    expect(en.rosterFieldName('shift')).toContain('班次');
    expect(zh.rosterFieldName('shift')).toBe('班次');
    expect(zh.rosterFieldName('constructor')).toBe('constructor');
  });
});
