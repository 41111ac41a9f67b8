/**
 * The shift (SHIFTS.md) through Reducer + derive, table-driven with a fake clock, like rules.test.ts:
 * - roster: the last one for a date wins, other shifts' lines are ignored, a shift belongs to the
 *   roster of the day it starts;
 * - attendance and its rules (late_signin, absent, left_early, unscheduled) exactly at their limits
 *   and cleared by the right event;
 * - the handover record (nearest boundary, pending → submitted → accepted) and its rules
 *   (handover_not_submitted, handover_unaccepted) at their limits;
 * - staffing (rostered, mean signed in, the forecast passed through) and `understaffed`;
 * - the day's attendance counts and handovers in the archive, through a stored state;
 * - the alerts' figures and Chinese text.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, defaultConfig, type CenterConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import type { AlertView, AttendanceView, Snapshot } from '../../shared/snapshot';
import { endOfDay, intervalStarts, startOfDay } from '../../shared/time';
import { dayArchive, parseArchiveRecord } from '../../server/core/archive';
import { derive } from '../../server/core/derive';
import { Reducer } from '../../server/core/reduce';
import type { StaffingForecast } from '../../server/core/shift';
import { decodeState, encodeState } from '../../server/core/state';
import { ev, sh } from '../helpers/events';

const config = defaultConfig();
const S = 1000;
const M = 60_000;
const D = '2026-11-29';
/** a wall-clock time of 2026-11-29 in Asia/Shanghai */
const at = (h: number, mi = 0, s = 0) => sh(2026, 11, 29, h, mi, s);
/** 早班 08:00–16:00 */
const B = at(8);
const E = at(16);
/** the roster is published at 06:00: the handover rules start with the 08:00 boundary */
const PUB = at(6);

type Line = { agentId: string; name?: string; shift: string; seat?: string };
const roster = (ts: number, entries: Line[], date = D) => ev('roster.published', ts, { date, entries, by: '张值班长' });
/** 1001 王芳 on 早班 at A01, 1002 李娜 on 中班 at A02 */
const rostered = roster(PUB, [
  { agentId: '1001', name: '王芳', shift: '早班', seat: 'A01' },
  { agentId: '1002', name: '李娜', shift: '中班', seat: 'A02' },
]);
const signin = (agentId: string, ts: number, seat?: string) => ev('agent.signin', ts, seat ? { agentId, seat } : { agentId });
const signout = (agentId: string, ts: number) => ev('agent.signout', ts, { agentId });
const submit = (handoverId: string, ts: number, shiftStart: number, by = '张值班长', notes = '无遗留') =>
  ev('handover.submitted', ts, { handoverId, shiftStart, by, notes, openItems: { missedCalls: ['c1'], incidents: [], alerts: ['rona:1001:1'] } });
const accept = (handoverId: string, ts: number, by = '刘值班长') => ev('handover.accepted', ts, { handoverId, by, notes: '已核对' });

function reducer(events: HotlineEvent[], cfg: CenterConfig = config): Reducer {
  const r = new Reducer(cfg);
  for (const e of events) r.apply(e);
  return r;
}
function snap(events: HotlineEvent[], now: number, cfg: CenterConfig = config, forecast: StaffingForecast | null = null): Snapshot {
  return derive(reducer(events, cfg).state, now, cfg, '1-0', undefined, [], forecast);
}
const ATTENDANCE = new Set(['late_signin', 'absent', 'left_early']);
const HANDOVER = new Set(['handover_not_submitted', 'handover_unaccepted']);
const brief = (alerts: AlertView[], rules: Set<string>) =>
  alerts
    .filter((a) => rules.has(a.rule))
    .map((a) => `${a.rule}:${a.subject}:${a.severity}`)
    .sort();

describe('roster', () => {
  const entriesAt = (events: HotlineEvent[], now: number, cfg = config) => snap(events, now, cfg).attendance?.entries.map((e) => e.agentId) ?? null;

  it('the last one published for a date wins', () => {
    const first = roster(PUB, [
      { agentId: '1001', shift: '早班' },
      { agentId: '1003', shift: '早班' },
    ]);
    const second = roster(PUB + M, [{ agentId: '1004', shift: '早班' }]);
    expect(entriesAt([first, second], at(10))).toEqual(['1004']);
    expect(snap([first, second], at(10)).attendance?.rostered).toBe(1);
    // in stream order: a roster for another date published later replaces nothing
    expect(entriesAt([first, roster(PUB + M, [{ agentId: '1004', shift: '早班' }], '2026-11-30')], at(10))).toEqual(['1001', '1003']);
  });

  it("another shift's lines are ignored, and a line repeated in one shift counts once", () => {
    const r = roster(PUB, [
      { agentId: '1001', shift: '早班' },
      { agentId: '1002', shift: '中班' },
      { agentId: '1001', shift: '早班' },
    ]);
    expect(snap([r], at(10)).attendance).toMatchObject({ shift: '早班', rostered: 1, entries: [{ agentId: '1001' }] });
    expect(snap([r], at(16)).attendance).toMatchObject({ shift: '中班', rostered: 1, entries: [{ agentId: '1002' }] });
  });

  it('a shift that crosses midnight belongs to the roster of the day it starts', () => {
    const cfg = buildConfig({ shifts: [{ name: '早班', start: '08:00' }, { name: '中班', start: '16:00' }, { name: '夜班', start: '22:00' }] }, 'Asia/Shanghai');
    const events = [roster(PUB, [{ agentId: '1001', shift: '夜班' }]), roster(PUB, [{ agentId: '1002', shift: '夜班' }], '2026-11-30')];
    expect(entriesAt(events, sh(2026, 11, 30, 2, 0), cfg)).toEqual(['1001']);
    expect(entriesAt(events, sh(2026, 11, 30, 7, 59, 59), cfg)).toEqual(['1001']);
    expect(snap(events, sh(2026, 11, 30, 2, 0), cfg).attendance).toMatchObject({ shift: '夜班', start: at(22), end: sh(2026, 11, 30, 8, 0) });
    expect(entriesAt(events, sh(2026, 11, 30, 22, 0), cfg)).toEqual(['1002']);
  });

  it('with the default shifts, 中班 ends at midnight and 夜班 is the next day’s', () => {
    const events = [roster(PUB, [{ agentId: '1001', shift: '中班' }]), roster(PUB, [{ agentId: '1002', shift: '夜班' }], '2026-11-30')];
    expect(entriesAt(events, sh(2026, 11, 30, 0, 0) - 1)).toEqual(['1001']);
    expect(entriesAt(events, sh(2026, 11, 30, 0, 0))).toEqual(['1002']);
  });
});

interface AttendanceCase {
  name: string;
  events: HotlineEvent[];
  now: number;
  /** the attendance rules' alerts, rule:subject:severity */
  alerts: string[];
  attendance: Partial<AttendanceView> | null;
  /** 1001's status on the roster */
  status?: string;
}

const onTime = signin('1001', B - 10 * M, 'A01');
const attendanceTable: AttendanceCase[] = [
  // present / on time / late
  { name: 'signed in before the start: present, on time', events: [rostered, onTime], now: at(10), alerts: [], attendance: { present: 1, late: [], absent: [] }, status: 'present' },
  { name: 'signed in at exactly the start: on time', events: [rostered, signin('1001', B, 'A01')], now: at(10), alerts: [], attendance: { present: 1, late: [] }, status: 'present' },
  { name: 'first sign-in 1 ms after the start: late', events: [rostered, signin('1001', B + 1, 'A01')], now: at(10), alerts: [], attendance: { present: 1, late: ['1001'] }, status: 'late' },
  // late_signin: from the start until signed in or absent
  { name: 'the last ms before the start: nothing yet', events: [rostered], now: B - 1, alerts: [], attendance: { shift: '夜班', rostered: 0 } },
  { name: 'not signed in at exactly the start: late_signin', events: [rostered], now: B, alerts: ['late_signin:1001:warning'], attendance: { present: 0, late: [], absent: [] }, status: 'pending' },
  { name: 'not signed in 29:59.999 after the start: still late_signin', events: [rostered], now: B + 30 * M - 1, alerts: ['late_signin:1001:warning'], attendance: { absent: [] }, status: 'pending' },
  { name: 'signing in clears late_signin (and the operator is late)', events: [rostered, signin('1001', B + 10 * M, 'A01')], now: B + 10 * M, alerts: [], attendance: { present: 1, late: ['1001'] }, status: 'late' },
  // absent: critical at exactly start + absentAfterMin, until signed in or the shift ends
  { name: 'not signed in at exactly 30 min: absent, late_signin gone', events: [rostered], now: B + 30 * M, alerts: ['absent:1001:critical'], attendance: { absent: ['1001'], late: [] }, status: 'absent' },
  { name: 'absent until the last ms of the shift', events: [rostered], now: E - 1, alerts: ['absent:1001:critical'], attendance: { absent: ['1001'] }, status: 'absent' },
  { name: 'absent ends with the shift (the next shift’s operator is due now)', events: [rostered], now: E, alerts: ['late_signin:1002:warning'], attendance: { shift: '中班', absent: [] } },
  { name: 'absent, then signed in: late, not absent', events: [rostered, signin('1001', B + 40 * M, 'A01')], now: B + 41 * M, alerts: [], attendance: { present: 1, late: ['1001'], absent: [] }, status: 'late' },
  // left_early: signed out or logged out before the end and not back
  { name: 'signed out at 11:00 and not back: left_early', events: [rostered, onTime, signout('1001', at(11))], now: at(11), alerts: ['left_early:1001:warning'], attendance: { present: 0, leftEarly: ['1001'] }, status: 'left_early' },
  { name: 'logged out at 11:00 and not back: left_early', events: [rostered, onTime, ev('agent.logout', at(11), { agentId: '1001' })], now: at(12), alerts: ['left_early:1001:warning'], attendance: { leftEarly: ['1001'] }, status: 'left_early' },
  { name: 'a late operator who leaves early is both', events: [rostered, signin('1001', B + 5 * M, 'A01'), signout('1001', at(11))], now: at(12), alerts: ['left_early:1001:warning'], attendance: { late: ['1001'], leftEarly: ['1001'] }, status: 'left_early' },
  {
    name: 'left_early lasts to the last ms of the shift without an acknowledgement',
    events: [rostered, onTime, signout('1001', at(15))],
    now: E - 1,
    alerts: ['left_early:1001:warning'],
    attendance: { leftEarly: ['1001'] },
    status: 'left_early',
  },
  // reading: like restricted_window, left_early ends with the shift (SHIFTS.md says "until acknowledged")
  { name: '… and ends with it', events: [rostered, onTime, signout('1001', at(15))], now: E, alerts: ['late_signin:1002:warning'], attendance: { shift: '中班', leftEarly: [] } },
  { name: 'signing in again clears left_early', events: [rostered, onTime, signout('1001', at(11)), signin('1001', at(11, 20))], now: at(11, 30), alerts: [], attendance: { present: 1, leftEarly: [], late: [] }, status: 'present' },
  {
    name: 'a sign-out whose seat the successor takes exactly 30 min later is a handover, not left early',
    events: [rostered, onTime, signout('1001', at(15, 20)), signin('2001', at(15, 50), 'A01')],
    now: at(15, 55),
    alerts: [],
    attendance: { leftEarly: [] },
    status: 'out',
  },
  {
    name: '… taken 30 min + 1 ms later: left early',
    events: [rostered, onTime, signout('1001', at(15, 20)), signin('2001', at(15, 50) + 1, 'A01')],
    now: at(15, 55),
    alerts: ['left_early:1001:warning'],
    attendance: { leftEarly: ['1001'] },
    status: 'left_early',
  },
  {
    name: 'the successor signs in first, the outgoing operator signs out after: a handover',
    events: [rostered, onTime, signin('1002', at(15, 50), 'A01'), signout('1001', at(15, 52))],
    now: at(15, 55),
    alerts: [],
    attendance: { leftEarly: [] },
    status: 'out',
  },
  {
    name: 'a sign-out at 15:59:50 nobody has taken over yet is left early (until the successor comes)',
    events: [rostered, onTime, signout('1001', at(15, 59, 50))],
    now: at(15, 59, 55),
    alerts: ['left_early:1001:warning'],
    attendance: { leftEarly: ['1001'] },
    status: 'left_early',
  },
  // unscheduled: signed in, not on the roster
  { name: 'signed in, not rostered: unscheduled', events: [rostered, onTime, signin('2001', at(10), 'B01')], now: at(10, 5), alerts: [], attendance: { present: 1, unscheduled: ['2001'] } },
  { name: 'the outgoing shift’s operator 29:59.999 into the next shift: not unscheduled', events: [rostered, onTime], now: E + 30 * M - 1, alerts: ['late_signin:1002:warning'], attendance: { shift: '中班', unscheduled: [] } },
  { name: '… at exactly 30 min: unscheduled', events: [rostered, onTime], now: E + 30 * M, alerts: ['absent:1002:critical'], attendance: { shift: '中班', unscheduled: ['1001'] } },
  {
    name: 'the next shift’s operator signing in during the last 30 min: not unscheduled (an early arrival)',
    events: [rostered, onTime, signin('1002', E - 30 * M, 'A02')],
    now: E - 1,
    alerts: [],
    attendance: { shift: '早班', unscheduled: [] },
  },
  { name: '… signed in 30 min + 1 ms before the start: unscheduled then', events: [rostered, onTime, signin('1002', E - 30 * M - 1, 'A02')], now: E - 30 * M - 1, alerts: [], attendance: { unscheduled: ['1002'] } },
  // no roster for the day: no attendance and none of the three rules
  { name: 'no roster: attendance null, no late_signin', events: [], now: B, alerts: [], attendance: null },
  { name: 'no roster: no absent', events: [signin('2001', at(10), 'B01')], now: B + 30 * M, alerts: [], attendance: null },
  { name: 'no roster: no left_early', events: [signin('1001', B - M, 'A01'), signout('1001', at(11))], now: at(11, 1), alerts: [], attendance: null },
  { name: 'a roster of another day only: attendance null', events: [roster(PUB, [{ agentId: '1001', shift: '早班' }], '2026-11-28')], now: B + 30 * M, alerts: [], attendance: null },
];

describe('attendance (table)', () => {
  it.each(attendanceTable)('$name', ({ events, now, alerts, attendance, status }) => {
    const s = snap(events, now);
    expect(brief(s.alerts, ATTENDANCE)).toEqual([...alerts].sort());
    if (attendance === null) expect(s.attendance).toBeNull();
    else expect(s.attendance).toMatchObject(attendance);
    if (status !== undefined) expect(s.attendance?.entries.find((e) => e.agentId === '1001')?.status).toBe(status);
  });
});

describe('attendance: alert episodes', () => {
  it('late_signin and absent are one alert each for the shift, since the start and since the limit', () => {
    const a = snap([rostered], B + 5 * M).alerts.find((x) => x.rule === 'late_signin')!;
    expect(a).toMatchObject({ id: `late_signin:1001:${B}`, since: B });
    expect(snap([rostered], B + 20 * M).alerts.find((x) => x.rule === 'late_signin')!.id).toBe(a.id);
    expect(snap([rostered], B + 30 * M).alerts.find((x) => x.rule === 'absent')).toMatchObject({ id: `absent:1001:${B}`, since: B + 30 * M });
  });

  it('an acknowledgement records who on late_signin and absent but does not clear them', () => {
    const ack = ev('alert.acknowledged', B + 35 * M, { alertId: `absent:1001:${B}`, by: '张值班长' });
    expect(snap([rostered, ack], B + 36 * M).alerts.filter((x) => x.rule === 'absent')).toEqual([expect.objectContaining({ acknowledgedBy: '张值班长', acknowledgedAt: B + 35 * M })]);
  });

  it('an acknowledgement clears left_early; the attendance still lists it; a new departure is a new alert', () => {
    const base = [rostered, onTime, signout('1001', at(11))];
    const alert = snap(base, at(11, 1)).alerts.find((x) => x.rule === 'left_early')!;
    expect(alert).toMatchObject({ id: `left_early:1001:${at(11)}`, since: at(11), params: { action: 'signout' } });
    const acked = [...base, ev('alert.acknowledged', at(11, 5), { alertId: alert.id, by: '张值班长' })];
    const s = snap(acked, at(11, 6));
    expect(brief(s.alerts, ATTENDANCE)).toEqual([]);
    expect(s.attendance?.leftEarly).toEqual(['1001']);
    const again = snap([...acked, signin('1001', at(12)), signout('1001', at(13))], at(13, 1)).alerts.filter((x) => x.rule === 'left_early');
    expect(again.map((x) => x.id)).toEqual([`left_early:1001:${at(13)}`]);
  });
});

describe('handover record', () => {
  it('is null until a roster or a handover exists', () => {
    expect(snap([], at(10)).handover).toBeNull();
    expect(snap([signin('1001', B)], B + 30 * M).alerts.filter((a) => HANDOVER.has(a.rule))).toEqual([]);
    expect(snap([rostered], at(10)).handover).toMatchObject({ boundary: B, status: 'pending', handoverId: null, opensAt: B - 30 * M });
    expect(snap([submit('h1', at(7, 45), B)], at(7, 50)).handover).toMatchObject({ boundary: B, status: 'submitted', handoverId: 'h1' });
  });

  it.each([
    ['exactly half-way through 早班 (12:00): the shift’s start', at(12), B],
    ['1 ms after half-way: the shift’s end', at(12) + 1, E],
    ['half-way through 夜班 (04:00): midnight', at(4), at(0)],
    ['just before a boundary', E - 1, E],
    ['at a boundary', E, E],
  ])('nearest boundary: %s', (_name, now, boundary) => {
    expect(snap([rostered], now).handover?.boundary).toBe(boundary);
  });

  it('goes pending → submitted → accepted, with both sides and the open items', () => {
    const sub = submit('h1', at(7, 45), B);
    expect(snap([rostered], at(7, 40)).handover?.status).toBe('pending');
    expect(snap([rostered, sub], at(7, 50)).handover).toMatchObject({
      status: 'submitted',
      submittedBy: '张值班长',
      submittedAt: at(7, 45),
      notes: '无遗留',
      openItems: { missedCalls: ['c1'], incidents: [], alerts: ['rona:1001:1'] },
      acceptedBy: null,
    });
    expect(snap([rostered, sub, accept('h1', at(8, 5))], at(8, 6)).handover).toMatchObject({ status: 'accepted', acceptedBy: '刘值班长', acceptedAt: at(8, 5), acceptNotes: '已核对' });
  });

  it('a resubmission before the acceptance replaces the first; after it, one is refused', () => {
    const two = [rostered, submit('h1', at(7, 40), B, '张值班长', '初稿'), submit('h2', at(7, 50), B, '张值班长', '修订')];
    expect(snap(two, at(7, 55)).handover).toMatchObject({ handoverId: 'h2', notes: '修订', submittedAt: at(7, 50) });
    expect(snap([...two, accept('h1', at(7, 56))], at(7, 57)).handover).toMatchObject({ handoverId: 'h2', status: 'submitted' });
    const closed = [...two, accept('h1', at(7, 56)), accept('h2', at(8, 1)), submit('h3', at(8, 2), B, '张值班长', '晚了')];
    const r = reducer(closed);
    expect(r.state.counters.anomalies).toBe(2); // the acceptance of the replaced h1 and the late h3
    expect(derive(r.state, at(8, 3), config, '1-0').handover).toMatchObject({ handoverId: 'h2', status: 'accepted', notes: '修订' });
  });

  it('an acceptance by the submitter is ignored (and counted)', () => {
    const r = reducer([rostered, submit('h1', at(7, 45), B), accept('h1', at(8, 1), '张值班长')]);
    expect(r.state.counters.anomalies).toBe(1);
    expect(derive(r.state, at(8, 2), config, '1-0').handover).toMatchObject({ status: 'submitted', acceptedBy: null });
    expect(reducer([rostered, submit('h1', at(7, 45), B), accept('h1', at(8, 1)), accept('h1', at(8, 2), '王值班长')]).state.counters.anomalies).toBe(1);
  });
});

interface HandoverCase {
  name: string;
  events: HotlineEvent[];
  now: number;
  expected: string[];
}
const notSubmitted = (b: number) => `handover_not_submitted:${b}:warning`;
const unaccepted = (b: number) => `handover_unaccepted:${b}:warning`;
const handoverTable: HandoverCase[] = [
  // handover_not_submitted: from exactly the boundary until submitted
  { name: 'the last ms before the boundary: nothing', events: [rostered], now: B - 1, expected: [] },
  { name: 'not submitted at exactly the boundary', events: [rostered], now: B, expected: [notSubmitted(B)] },
  { name: 'not submitted through the shift it starts', events: [rostered], now: E - 1, expected: [notSubmitted(B)] },
  { name: 'an unsubmitted handover’s alert ends with the shift it starts; the next boundary’s begins', events: [rostered], now: E, expected: [notSubmitted(E)] },
  { name: 'the next boundary’s at its start', events: [rostered, submit('h1', at(7, 45), B), accept('h1', at(8, 1))], now: E, expected: [notSubmitted(E)] },
  { name: 'a late submission clears it (and starts the acceptance clock)', events: [rostered, submit('h1', B + 10 * M, B)], now: B + 10 * M, expected: [] },
  // handover_unaccepted: at exactly max(submission, boundary) + 15 min, until accepted
  { name: 'submitted 07:45: not due at 08:14:59.999', events: [rostered, submit('h1', at(7, 45), B)], now: B + 15 * M - 1, expected: [] },
  { name: 'submitted 07:45: unaccepted at exactly 08:15', events: [rostered, submit('h1', at(7, 45), B)], now: B + 15 * M, expected: [unaccepted(B)] },
  { name: 'submitted 07:45: accepted at 08:20 clears it', events: [rostered, submit('h1', at(7, 45), B), accept('h1', at(8, 20))], now: at(8, 20), expected: [] },
  { name: 'accepted by the submitter: still unaccepted', events: [rostered, submit('h1', at(7, 45), B), accept('h1', at(8, 20), '张值班长')], now: at(8, 21), expected: [unaccepted(B)] },
  { name: 'submitted 08:10: not due at 08:24:59.999', events: [rostered, submit('h1', at(8, 10), B)], now: at(8, 25) - 1, expected: [] },
  { name: 'submitted 08:10: unaccepted at exactly 08:25', events: [rostered, submit('h1', at(8, 10), B)], now: at(8, 25), expected: [unaccepted(B)] },
  { name: 'never accepted: unaccepted through the shift (reading: it ends with the shift, like not_submitted)', events: [rostered, submit('h1', at(7, 45), B)], now: E - 1, expected: [unaccepted(B)] },
  { name: '… and at the next boundary only that boundary’s handover is due', events: [rostered, submit('h1', at(7, 45), B)], now: E, expected: [notSubmitted(E)] },
  { name: 'a resubmission restarts the clock', events: [rostered, submit('h1', at(7, 45), B), submit('h2', at(8, 20), B)], now: at(8, 34, 59), expected: [] },
  { name: 'submitted before the boundary: no unaccepted alert before it', events: [rostered, submit('h1', at(15, 30), E)], now: E - 1, expected: [notSubmitted(B)] },
  // only for the boundaries since the first roster or handover
  { name: 'roster published at exactly the boundary: its handover is due', events: [roster(B, [{ agentId: '1001', shift: '早班' }])], now: B, expected: [notSubmitted(B)] },
  { name: 'roster published 1 ms after the boundary: not that one', events: [roster(B + 1, [{ agentId: '1001', shift: '早班' }])], now: E - 1, expected: [] },
  { name: '… the next one is', events: [roster(B + 1, [{ agentId: '1001', shift: '早班' }])], now: E, expected: [notSubmitted(E)] },
  { name: 'a handover alone starts the record: the boundary before it raises nothing', events: [submit('h1', at(15, 45), E)], now: at(15, 50), expected: [] },
];

describe('handover rules (table)', () => {
  it.each(handoverTable)('$name', ({ events, now, expected }) => {
    expect(brief(snap(events, now).alerts, HANDOVER)).toEqual([...expected].sort());
  });
});

describe('staffing', () => {
  const today = startOfDay(at(10), config.timeZone);
  const starts = intervalStarts(endOfDay(today, config.timeZone) - 1, config.timeZone);
  const forecast = (required: (start: number) => number | null): StaffingForecast => ({
    day: today,
    intervals: new Map(starts.map((s) => [s, { forecastOffered: 12.5, forecastAhtSec: 200, requiredAgents: required(s) }])),
  });
  const interval = (s: Snapshot, start: number) => s.staffing.intervals.find((i) => i.start === start)!;

  it('lists every interval of today, with the roster per shift (null without one)', () => {
    const r = roster(PUB, [
      { agentId: '1001', shift: '早班' },
      { agentId: '1003', shift: '早班' },
      { agentId: '1002', shift: '中班' },
    ]);
    const s = snap([r], at(10));
    expect(s.staffing.intervals.map((i) => i.start)).toEqual(starts);
    expect(starts).toHaveLength(48);
    expect([at(7, 30), B, E - 30 * M, E, at(23, 30)].map((t) => interval(s, t).rostered)).toEqual([0, 2, 2, 1, 1]);
    expect(snap([], at(10)).staffing.intervals.every((i) => i.rostered === null)).toBe(true);
  });

  it('signedIn is the mean over the interval: half an interval counts 0.5; intervals to come are null', () => {
    const events = [
      signin('1001', at(9), 'A01'), // the whole of 09:00–09:30 and 09:30–10:00
      signin('1002', at(9, 15), 'A02'), // half of 09:00–09:30
      signout('1002', at(9, 30)),
      signin('1003', at(10, 15), 'A03'), // still signed in: half of 10:00–10:30 at 10:30
    ];
    const s = snap(events, at(10, 30));
    expect(interval(s, at(9)).signedIn).toBe(1.5);
    expect(interval(s, at(9, 30)).signedIn).toBe(1);
    expect(interval(s, at(10)).signedIn).toBe(1.5);
    expect(interval(s, at(10, 30)).signedIn).toBe(2); // the current interval at its very start: those signed in now
    expect(s.staffing.intervals.filter((i) => i.start > at(10, 30)).every((i) => i.signedIn === null)).toBe(true);
    expect(interval(snap(events, at(10, 40)), at(10, 30)).signedIn).toBe(2);
    expect(interval(s, at(8, 30)).signedIn).toBe(0);
  });

  it('passes the forecast through (for today only), nulls without one', () => {
    const f = forecast(() => 3);
    expect(interval(snap([], at(10), config, f), at(10))).toMatchObject({ forecastOffered: 12.5, forecastAhtSec: 200, requiredAgents: 3 });
    expect(interval(snap([], at(10)), at(10))).toMatchObject({ forecastOffered: null, forecastAhtSec: null, requiredAgents: null });
    expect(interval(snap([], at(10), config, { ...f, day: today - 86_400_000 }), at(10)).requiredAgents).toBeNull();
  });

  interface StaffCase {
    name: string;
    events: HotlineEvent[];
    now: number;
    required: number | null;
    expected: string[];
  }
  const three = [signin('1001', at(9), 'A01'), signin('1002', at(9), 'A02'), signin('1003', at(9), 'A03')];
  const staffTable: StaffCase[] = [
    { name: 'signed in now fewer than required: understaffed', events: three, now: at(10), required: 4, expected: ['understaffed:shift:warning'] },
    { name: 'exactly as many as required: no alert', events: three, now: at(10), required: 3, expected: [] },
    { name: 'more than required: no alert', events: three, now: at(10), required: 2, expected: [] },
    { name: 'one of them busy still counts as signed in', events: [...three, ev('agent.busy', at(9, 50), { agentId: '1003', reason: 'meal' })], now: at(10), required: 3, expected: [] },
    { name: 'one signed out a moment ago: understaffed at once', events: [...three, signout('1003', at(10, 10))], now: at(10, 10), required: 3, expected: ['understaffed:shift:warning'] },
    { name: 'nobody required, nobody signed in: no alert', events: [], now: at(3), required: 0, expected: [] },
    { name: 'no required figure (no history): no alert', events: [], now: at(10), required: null, expected: [] },
  ];
  it.each(staffTable)('$name', ({ events, now, required, expected }) => {
    const s = snap(events, now, config, forecast(() => required));
    expect(s.alerts.filter((a) => a.rule === 'understaffed').map((a) => `${a.rule}:${a.subject}:${a.severity}`)).toEqual(expected);
  });

  it('no forecast: no understaffed alert, whoever is signed in', () => {
    expect(snap([], at(10)).alerts.filter((a) => a.rule === 'understaffed')).toEqual([]);
  });

  it('the alert is the current interval’s, judged against that interval’s requirement', () => {
    const f = forecast((s) => (s === at(10, 30) ? 4 : 3));
    expect(snap(three, at(10, 30) - 1, config, f).alerts.filter((a) => a.rule === 'understaffed')).toEqual([]);
    expect(snap(three, at(10, 30), config, f).alerts.find((a) => a.rule === 'understaffed')).toMatchObject({
      id: `understaffed:shift:${at(10, 30)}`,
      since: at(10, 30),
      params: { at: '10:30', signedIn: 3, required: 4 },
      message: '当前时段（10:30）在岗 3 人，少于需求 4 人',
    });
  });
});

describe('archive: attendance counts and handovers of the day', () => {
  // 夜班 1001 late; 早班 1001 late again, 1002 absent, 1003 left early, 1004 on time and handed over at
  // the boundary to 1005 (中班), who signs in 10 s after the end; 1001 signs out of 夜班 at exactly its end
  const events: HotlineEvent[] = [
    roster(at(0) - 10 * M, [
      { agentId: '1001', shift: '夜班', seat: 'A01' },
      { agentId: '1001', shift: '早班', seat: 'A01' },
      { agentId: '1002', shift: '早班', seat: 'A02' },
      { agentId: '1003', shift: '早班', seat: 'A03' },
      { agentId: '1004', shift: '早班', seat: 'A04' },
      { agentId: '1005', shift: '中班', seat: 'A04' },
    ]),
    signin('1001', at(0, 5), 'A01'),
    signin('1003', B - M, 'A03'),
    signin('1004', B - M, 'A04'),
    signout('1001', B),
    signin('1001', B + 2 * M, 'A01'),
    signout('1003', at(12)),
    submit('h1', at(7, 45), B, '夜班长'),
    accept('h1', at(8, 5), '早班长'),
    submit('h2', at(15, 50), E, '早班长'),
    signout('1004', E - 10 * S),
    signin('1005', E + 10 * S, 'A04'),
    signout('1001', E + M),
  ];
  const day = startOfDay(at(10), config.timeZone);
  const end = endOfDay(day, config.timeZone);
  const counts = (rec: ReturnType<typeof dayArchive>) => Object.fromEntries(rec.agents.map((a) => [a.agentId, a.attendance]));

  it('counts late, absent and left early per agent and day, and lists the day’s handovers', () => {
    const r = reducer(events);
    const rec = dayArchive(r.state, day, end, config);
    expect(counts(rec)).toEqual({
      '1001': { late: 2, absent: 0, leftEarly: 0 },
      '1002': { late: 0, absent: 1, leftEarly: 0 },
      '1003': { late: 0, absent: 0, leftEarly: 1 },
      '1004': { late: 0, absent: 0, leftEarly: 0 },
      '1005': { late: 1, absent: 0, leftEarly: 0 }, // 10 s after the start is late
    });
    expect(rec.handovers).toEqual([
      { boundary: B, handoverId: 'h1', submittedBy: '夜班长', submittedAt: at(7, 45), notes: '无遗留', openItems: { missedCalls: 1, incidents: 0, alerts: 1 }, acceptedBy: '早班长', acceptedAt: at(8, 5), acceptNotes: '已核对' },
      { boundary: E, handoverId: 'h2', submittedBy: '早班长', submittedAt: at(15, 50), notes: '无遗留', openItems: { missedCalls: 1, incidents: 0, alerts: 1 }, acceptedBy: null, acceptedAt: null, acceptNotes: null },
    ]);
    // the final record (as pruning takes it) is the same
    expect(dayArchive(r.state, day, Number.MAX_SAFE_INTEGER, config)).toEqual(rec);
  });

  it('read during the day, a shift is counted as of then: absent only from the limit, the acceptance only once given', () => {
    const r = reducer(events);
    expect(counts(dayArchive(r.state, day, B + 30 * M - 1, config))['1002']).toEqual({ late: 0, absent: 0, leftEarly: 0 });
    expect(counts(dayArchive(r.state, day, B + 30 * M, config))['1002']).toEqual({ late: 0, absent: 1, leftEarly: 0 });
    const early = dayArchive(r.state, day, at(8, 1), config);
    expect(early.handovers).toEqual([expect.objectContaining({ handoverId: 'h1', acceptedBy: null, acceptedAt: null })]);
  });

  it('a handover sign-out whose successor arrives after the shift’s end (within the window) is not left early', () => {
    const late = (ms: number) =>
      counts(dayArchive(reducer([roster(PUB, [{ agentId: '1004', shift: '早班', seat: 'A04' }]), signin('1004', B, 'A04'), signout('1004', at(15, 45)), signin('1005', at(15, 45) + ms, 'A04')]).state, day, end, config))['1004'];
    expect(late(30 * M)).toEqual({ late: 0, absent: 0, leftEarly: 0 });
    expect(late(30 * M + 1)).toEqual({ late: 0, absent: 0, leftEarly: 1 });
  });

  it('a shift that crosses midnight is counted on the day it starts', () => {
    const cfg = buildConfig({ shifts: [{ name: '早班', start: '08:00' }, { name: '中班', start: '16:00' }, { name: '夜班', start: '22:00' }] }, 'Asia/Shanghai');
    const r = reducer([roster(PUB, [{ agentId: '1001', shift: '夜班' }]), signin('1001', sh(2026, 11, 30, 1, 0))], cfg);
    const next = endOfDay(day, cfg.timeZone);
    expect(counts(dayArchive(r.state, day, Number.MAX_SAFE_INTEGER, cfg))['1001']).toEqual({ late: 1, absent: 0, leftEarly: 0 });
    expect(counts(dayArchive(r.state, next, Number.MAX_SAFE_INTEGER, cfg))['1001']?.late ?? 0).toBe(0);
  });

  it('survive encodeState/decodeState, and the stored record reads back the same', () => {
    expect(parseArchiveRecord(JSON.stringify(dayArchive(reducer(events).state, day, end, config)))).toEqual(dayArchive(reducer(events).state, day, end, config));
    const r = reducer(events);
    const decoded = decodeState(encodeState(r.state), config)!;
    expect(decoded).not.toBeNull();
    expect(dayArchive(decoded, day, end, config)).toEqual(dayArchive(r.state, day, end, config));
    // and a node restarted from it goes on the same way
    const more = [accept('h2', E + 5 * M, '中班长')];
    const a = reducer([...events, ...more]);
    const b = new Reducer(config, decodeState(encodeState(r.state), config)!);
    for (const e of more) b.apply(e);
    expect(dayArchive(b.state, day, end, config)).toEqual(dayArchive(a.state, day, end, config));
    expect(derive(b.state, at(10), config, '1-0').attendance).toEqual(derive(r.state, at(10), config, '1-0').attendance);
  });
});

describe('the alerts’ figures and text', () => {
  const msg = (events: HotlineEvent[], now: number, rule: string) => snap(events, now).alerts.find((a) => a.rule === rule);
  it.each([
    ['late_signin', [rostered], B + M, { agentId: '1001', name: '王芳', shift: '早班', at: '08:00' }, '1001号 王芳 早班（08:00）尚未签入'],
    ['absent', [rostered], B + 30 * M, { agentId: '1001', name: '王芳', shift: '早班', minutes: 30 }, '1001号 王芳 早班开始 30 分钟仍未签入（缺勤）'],
    ['left_early', [rostered, onTime, signout('1001', at(11))], at(11, 1), { agentId: '1001', name: '王芳', shift: '早班', action: 'signout' }, '1001号 王芳 早班未结束即签出（早退）'],
    ['left_early', [rostered, onTime, ev('agent.logout', at(11), { agentId: '1001' })], at(11, 1), { action: 'logout' }, '1001号 王芳 早班未结束即退出（早退）'],
    ['handover_not_submitted', [rostered], B, { shift: '早班', at: '08:00' }, '08:00 早班交接班记录尚未提交'],
    ['handover_unaccepted', [rostered, submit('h1', at(7, 45), B)], B + 15 * M, { shift: '早班', at: '08:00', minutes: 15 }, '08:00 早班交接班记录已提交 15 分钟，尚未签收'],
    ['handover_unaccepted', [rostered, submit('h2', at(15, 40), E)], E + 15 * M, { shift: '中班', at: '16:00', minutes: 15 }, '16:00 中班交接班记录已提交 15 分钟，尚未签收'],
  ] as const)('%s: figures and message', (rule, events, now, params, message) => {
    expect(msg([...events], now, rule)).toMatchObject({ params, message });
  });

  it('the agent’s own name wins over the roster’s', () => {
    const events = [rostered, ev('agent.login', B - M, { agentId: '1001', name: '王芳芳' })];
    expect(msg(events, B + M, 'late_signin')?.message).toBe('1001号 王芳芳 早班（08:00）尚未签入');
  });
});
