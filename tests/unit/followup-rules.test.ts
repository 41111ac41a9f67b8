/**
 * Issue 13: the three ticket rules fire and clear at their limits, and a special task opens and closes
 * when the specification says (docs/followup.md, docs/rules.md, docs/events.md, the contract
 * FOLLOWUP.md). Written from the specification, not from server/core/tickets.ts: every expectation
 * is a literal, with its reasoning in the comments. Driven through the Reducer and derive with a
 * fake "now", as tests/unit/rules.test.ts does.
 *
 * Defaults: replyDueDays 5, supervisionDueDays 3, TZ Asia/Shanghai.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import type { AlertView, FollowupView } from '../../shared/snapshot';
import { derive } from '../../server/core/derive';
import { Reducer } from '../../server/core/reduce';
import type { MonthArchive } from '../../server/core/tickets';
import { ev, sh } from '../helpers/events';

const config = defaultConfig();
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** 2026-03-10 10:00 Asia/Shanghai */
const T = sh(2026, 3, 10, 10, 0);
const TICKET_RULES = new Set(['ticket_returned_twice', 'dispatch_overdue', 'special_task_stalled']);

function at(events: HotlineEvent[], now: number, cfg = config): { alerts: AlertView[]; followup: FollowupView; anomalies: number } {
  const r = new Reducer(cfg);
  for (const e of events) r.apply(e);
  const s = derive(r.state, now, cfg, '1-0');
  return { alerts: s.alerts.filter((a) => TICKET_RULES.has(a.rule)), followup: s.followup, anomalies: s.ingest.anomalies };
}
const brief = (alerts: AlertView[]) => alerts.map((a) => `${a.rule}:${a.subject}`).sort();

const created = (ticketId: string, ts: number, agentId?: string, category: 'city_order' | 'municipal' | 'landscaping' = 'city_order') =>
  ev('ticket.created', ts, { ticketId, category, kind: 'complaint', ...(agentId ? { agentId } : {}) });
const dispatched = (ticketId: string, ts: number, unit = '市住建局') => ev('ticket.dispatched', ts, { ticketId, unit });
const returned = (ticketId: string, ts: number, unit?: string) => ev('ticket.returned', ts, { ticketId, ...(unit ? { unit } : {}), reason: '信息有误' });
const replied = (ticketId: string, ts: number, unit = '市住建局') => ev('ticket.replied', ts, { ticketId, unit });
const followup = (ticketId: string, ts: number, result: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | 'unreachable') =>
  ev('ticket.followup', ts, { ticketId, result, agentId: '1001' });
const supervised = (ticketId: string, ts: number) => ev('ticket.supervised', ts, { ticketId, by: '张值班长', note: '请尽快办理' });
const closed = (ticketId: string, ts: number) => ev('ticket.closed', ts, { ticketId });

interface Case {
  name: string;
  events: HotlineEvent[];
  now: number;
  expected: string[];
}

// ─────────────────────────────── dispatch_overdue ───────────────────────────────
// dispatched at T (+1 min after creation); due T + 5 days; "at exactly 5 days" it fires.
const base = [created('k', T - MIN), dispatched('k', T)];
const dispatchTable: Case[] = [
  { name: 'dispatched 5 days − 1 ms ago: not overdue', events: base, now: T + 5 * DAY - 1, expected: [] },
  { name: 'dispatched exactly 5 days ago: overdue', events: base, now: T + 5 * DAY, expected: ['dispatch_overdue:k'] },
  { name: 'dispatched 9 days ago: still overdue', events: base, now: T + 9 * DAY, expected: ['dispatch_overdue:k'] },
  { name: 'replied 1 ms before the limit: never overdue', events: [...base, replied('k', T + 5 * DAY - 1)], now: T + 6 * DAY, expected: [] },
  { name: 'a late reply clears it', events: [...base, replied('k', T + 6 * DAY)], now: T + 6 * DAY + 1, expected: [] },
  { name: 'a return clears it (a return ends the dispatch)', events: [...base, returned('k', T + 6 * DAY, '市住建局')], now: T + 6 * DAY + 1, expected: [] },
  { name: 'a closing clears it', events: [...base, closed('k', T + 6 * DAY)], now: T + 6 * DAY + 1, expected: [] },
  {
    name: 'a supervision is not a reply: still overdue',
    events: [...base, supervised('k', T + 5 * DAY + HOUR)],
    now: T + 5 * DAY + 2 * HOUR,
    expected: ['dispatch_overdue:k'],
  },
  { name: 'a follow-up is not a reply: still overdue', events: [...base, followup('k', T + 5 * DAY + HOUR, 'unreachable')], now: T + 5 * DAY + 2 * HOUR, expected: ['dispatch_overdue:k'] },
  // re-dispatched after a return at T + 1 day: the clock starts again from T + 1 day
  { name: 'returned and re-dispatched: 5 days − 1 ms after the new dispatch, not overdue', events: [...base, returned('k', T + DAY), dispatched('k', T + DAY + HOUR, '市园林中心')], now: T + 6 * DAY + HOUR - 1, expected: [] },
  { name: 'returned and re-dispatched: exactly 5 days after the new dispatch, overdue', events: [...base, returned('k', T + DAY), dispatched('k', T + DAY + HOUR, '市园林中心')], now: T + 6 * DAY + HOUR, expected: ['dispatch_overdue:k'] },
  { name: 'never dispatched: nothing to be overdue', events: [created('k', T)], now: T + 30 * DAY, expected: [] },
];

// ─────────────────────────────── special_task_stalled ───────────────────────────────
// dissatisfied follow-up at F = T + 1 day (its last event); due F + 3 days.
const F = T + DAY;
const special = [created('s', T - MIN), dispatched('s', T - 30 * 1000), replied('s', T), followup('s', F, 'dissatisfied')];
const stallTable: Case[] = [
  { name: 'special task silent 3 days − 1 ms: not stalled', events: special, now: F + 3 * DAY - 1, expected: [] },
  { name: 'special task silent exactly 3 days: stalled', events: special, now: F + 3 * DAY, expected: ['special_task_stalled:s'] },
  { name: 'supervised after the stall: cleared', events: [...special, supervised('s', F + 4 * DAY)], now: F + 4 * DAY + 1, expected: [] },
  { name: '… and stalled again exactly 3 days after the supervision', events: [...special, supervised('s', F + 4 * DAY)], now: F + 7 * DAY, expected: ['special_task_stalled:s'] },
  { name: '… not 1 ms before', events: [...special, supervised('s', F + 4 * DAY)], now: F + 7 * DAY - 1, expected: [] },
  // any event of the ticket is progress and restarts the 3 days
  { name: 'a re-dispatch 1 day in: not stalled at F + 4 days − 1 ms', events: [...special, dispatched('s', F + DAY)], now: F + 4 * DAY - 1, expected: [] },
  { name: 'a re-dispatch 1 day in: stalled at exactly F + 4 days', events: [...special, dispatched('s', F + DAY)], now: F + 4 * DAY, expected: ['special_task_stalled:s'] },
  { name: 'an unreachable follow-up is an event too (and keeps the task)', events: [...special, followup('s', F + 2 * DAY, 'unreachable')], now: F + 5 * DAY - 1, expected: [] },
  { name: '… stalled 3 days after it', events: [...special, followup('s', F + 2 * DAY, 'unreachable')], now: F + 5 * DAY, expected: ['special_task_stalled:s'] },
  { name: 'a reply clears a stalled task', events: [...special, replied('s', F + 3 * DAY + HOUR)], now: F + 3 * DAY + 2 * HOUR, expected: [] },
  { name: 'a satisfied follow-up ends the task: never stalls', events: [...special, followup('s', F + HOUR, 'satisfied')], now: F + 30 * DAY, expected: [] },
  { name: 'a closing ends the task: never stalls', events: [...special, closed('s', F + HOUR)], now: F + 30 * DAY, expected: [] },
  { name: 'a ticket that is no special task never stalls', events: [created('q', T), followup('q', T + HOUR, 'unreachable')], now: T + 30 * DAY, expected: [] },
  { name: 'a special task without a unit stalls too', events: [created('u', T), followup('u', F, 'dissatisfied')], now: F + 3 * DAY, expected: ['special_task_stalled:u'] },
];

// ─────────────────────────────── ticket_returned_twice ───────────────────────────────
const reg = [ev('agent.login', T - HOUR, { agentId: '1002', name: '李四' }), created('r', T, '1002')];
const twiceTable: Case[] = [
  { name: 'returned once: nothing', events: [...reg, dispatched('r', T + MIN), returned('r', T + HOUR)], now: T + 2 * HOUR, expected: [] },
  {
    name: 'returned twice in a row (re-dispatched in between): alert',
    events: [...reg, dispatched('r', T + MIN), returned('r', T + HOUR), dispatched('r', T + 2 * HOUR, '市园林中心'), returned('r', T + 3 * HOUR, '市园林中心')],
    now: T + 3 * HOUR,
    expected: ['ticket_returned_twice:r'],
  },
  {
    name: 'two returns with a reply between: nothing',
    events: [...reg, dispatched('r', T + MIN), returned('r', T + HOUR), dispatched('r', T + 2 * HOUR), replied('r', T + 3 * HOUR), dispatched('r', T + 4 * HOUR), returned('r', T + 5 * HOUR)],
    now: T + 6 * HOUR,
    expected: [],
  },
  {
    name: 'the alert does not expire with time (until acknowledged)',
    events: [...reg, dispatched('r', T + MIN), returned('r', T + HOUR), dispatched('r', T + 2 * HOUR), returned('r', T + 3 * HOUR)],
    now: T + 20 * DAY,
    expected: ['ticket_returned_twice:r'],
  },
  {
    name: 'a reply after the second return does not clear it (only the acknowledgement does)',
    events: [...reg, dispatched('r', T + MIN), returned('r', T + HOUR), dispatched('r', T + 2 * HOUR), returned('r', T + 3 * HOUR), dispatched('r', T + 4 * HOUR), replied('r', T + 5 * HOUR)],
    now: T + 6 * HOUR,
    expected: ['ticket_returned_twice:r'],
  },
];

describe('ticket rules at their limits (table)', () => {
  it.each([...dispatchTable, ...stallTable, ...twiceTable])('$name', ({ events, now, expected }) => {
    expect(brief(at(events, now).alerts)).toEqual(expected);
  });
});

describe('dispatch_overdue', () => {
  it('is a warning with the ticket as subject, since the due time, naming the unit and the days', () => {
    const { alerts, followup: f } = at(base, T + 5 * DAY);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: 'dispatch_overdue',
      severity: 'warning',
      subject: 'k',
      since: T + 5 * DAY,
      params: { ticketId: 'k', unit: '市住建局', days: 5 },
      acknowledgedBy: null,
    });
    expect(alerts[0]!.id.startsWith('dispatch_overdue:k')).toBe(true);
    expect(f.dispatch).toEqual({
      open: 1,
      byUnit: [{ unit: '市住建局', open: 1, oldestSince: T }],
      overdue: [{ ticketId: 'k', unit: '市住建局', category: 'city_order', dispatchedAt: T }],
    });
  });

  it('1 ms before the limit it is open but not overdue', () => {
    expect(at(base, T + 5 * DAY - 1).followup.dispatch).toEqual({ open: 1, byUnit: [{ unit: '市住建局', open: 1, oldestSince: T }], overdue: [] });
  });

  it('a re-dispatch starts a new one with a new id', () => {
    const first = at(base, T + 5 * DAY).alerts[0]!;
    // the unit returns it after it became overdue, it is sent to another unit
    const events = [...base, returned('k', T + 5 * DAY + HOUR, '市住建局'), dispatched('k', T + 5 * DAY + 2 * HOUR, '市园林中心')];
    expect(at(events, T + 5 * DAY + 2 * HOUR).alerts).toEqual([]);
    expect(at(events, T + 10 * DAY + 2 * HOUR - 1).alerts).toEqual([]);
    const second = at(events, T + 10 * DAY + 2 * HOUR).alerts;
    expect(brief(second)).toEqual(['dispatch_overdue:k']);
    expect(second[0]!.id).not.toBe(first.id);
    expect(second[0]!.since).toBe(T + 10 * DAY + 2 * HOUR);
    expect(second[0]!.params).toMatchObject({ ticketId: 'k', unit: '市园林中心' });
  });

  it('a second dispatch without a return (sent again to another unit) also starts anew', () => {
    const events = [...base, dispatched('k', T + 2 * DAY, '市园林中心')];
    expect(at(events, T + 7 * DAY - 1).alerts).toEqual([]);
    expect(brief(at(events, T + 7 * DAY).alerts)).toEqual(['dispatch_overdue:k']);
    // one open dispatch, at the unit it went to last
    expect(at(events, T + 7 * DAY).followup.dispatch).toEqual({
      open: 1,
      byUnit: [{ unit: '市园林中心', open: 1, oldestSince: T + 2 * DAY }],
      overdue: [{ ticketId: 'k', unit: '市园林中心', category: 'city_order', dispatchedAt: T + 2 * DAY }],
    });
  });

  it('the limit comes from replyDueDays', () => {
    const cfg = buildConfig({ thresholds: { replyDueDays: 2 } }, 'Asia/Shanghai');
    expect(at(base, T + 2 * DAY - 1, cfg).alerts).toEqual([]);
    expect(at(base, T + 2 * DAY, cfg).alerts[0]).toMatchObject({ rule: 'dispatch_overdue', params: { days: 2 } });
  });

  it('open dispatches by unit with the oldest time; overdue ones oldest first', () => {
    const events = [
      created('a', T - HOUR, undefined, 'city_order'),
      created('b', T - HOUR, undefined, 'municipal'),
      created('c', T - HOUR, undefined, 'landscaping'),
      created('d', T - HOUR, undefined, 'municipal'),
      dispatched('b', T, '市住建局'), // overdue at T + 5 d
      dispatched('a', T + HOUR, '市住建局'), // overdue at T + 5 d + 1 h
      dispatched('c', T + 2 * HOUR, '市园林中心'), // overdue at T + 5 d + 2 h
      dispatched('d', T + 3 * DAY, '市园林中心'), // not overdue yet
    ];
    const f = at(events, T + 6 * DAY).followup.dispatch;
    expect(f.open).toBe(4);
    expect(f.byUnit).toEqual([
      { unit: '市住建局', open: 2, oldestSince: T },
      { unit: '市园林中心', open: 2, oldestSince: T + 2 * HOUR },
    ]);
    expect(f.overdue).toEqual([
      { ticketId: 'b', unit: '市住建局', category: 'municipal', dispatchedAt: T },
      { ticketId: 'a', unit: '市住建局', category: 'city_order', dispatchedAt: T + HOUR },
      { ticketId: 'c', unit: '市园林中心', category: 'landscaping', dispatchedAt: T + 2 * HOUR },
    ]);
  });
});

describe('special_task_stalled', () => {
  it('is a warning since the due time; the id changes with every event (a new episode)', () => {
    const first = at(special, F + 3 * DAY).alerts;
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ rule: 'special_task_stalled', severity: 'warning', subject: 's', since: F + 3 * DAY, params: { ticketId: 's', days: 3 } });
    const again = at([...special, supervised('s', F + 4 * DAY)], F + 7 * DAY).alerts;
    expect(again[0]!.since).toBe(F + 7 * DAY);
    expect(again[0]!.id).not.toBe(first[0]!.id);
  });

  it('the limit comes from supervisionDueDays', () => {
    const cfg = buildConfig({ thresholds: { supervisionDueDays: 1 } }, 'Asia/Shanghai');
    expect(at(special, F + DAY - 1, cfg).alerts).toEqual([]);
    expect(at(special, F + DAY, cfg).alerts[0]).toMatchObject({ rule: 'special_task_stalled', params: { days: 1 } });
  });

  it('an acknowledgement is not progress: the alert stays, acknowledged', () => {
    const id = at(special, F + 3 * DAY).alerts[0]!.id;
    const after = at([...special, ev('alert.acknowledged', F + 3 * DAY + MIN, { alertId: id, by: '张值班长' })], F + 3 * DAY + 2 * MIN).alerts;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ id, acknowledgedBy: '张值班长', acknowledgedAt: F + 3 * DAY + MIN });
  });
});

describe('ticket_returned_twice', () => {
  const twice = [...reg, dispatched('r', T + MIN), returned('r', T + HOUR, '市住建局'), dispatched('r', T + 2 * HOUR, '市园林中心'), returned('r', T + 3 * HOUR, '市园林中心')];

  it('names the agent who registered the ticket (第五十八条), since the second return', () => {
    const alerts = at(twice, T + 3 * HOUR + MIN).alerts;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: 'ticket_returned_twice',
      severity: 'warning',
      subject: 'r',
      since: T + 3 * HOUR,
      params: { ticketId: 'r', agentId: '1002', name: '李四' },
    });
  });

  it('the registering agent unknown (no agentId on ticket.created): null', () => {
    const events = [created('n', T), dispatched('n', T + MIN), returned('n', T + HOUR), dispatched('n', T + 2 * HOUR), returned('n', T + 3 * HOUR)];
    expect(at(events, T + 4 * HOUR).alerts[0]!.params).toMatchObject({ ticketId: 'n', agentId: null, name: null });
  });

  it('cleared by acknowledging its id; a third return in a row after that is a new alert', () => {
    const id = at(twice, T + 3 * HOUR + MIN).alerts[0]!.id;
    const acked = [...twice, ev('alert.acknowledged', T + 4 * HOUR, { alertId: id, by: '张值班长' })];
    expect(at(acked, T + 4 * HOUR + MIN).alerts).toEqual([]);
    // re-dispatched and returned once more, no reply since the first return: three in a row
    const third = [...acked, dispatched('r', T + 5 * HOUR, '市住建局'), returned('r', T + 6 * HOUR, '市住建局')];
    const alerts = at(third, T + 6 * HOUR + MIN).alerts;
    expect(brief(alerts)).toEqual(['ticket_returned_twice:r']);
    expect(alerts[0]!.id).not.toBe(id);
    expect(alerts[0]).toMatchObject({ since: T + 6 * HOUR, acknowledgedBy: null, params: { agentId: '1002', name: '李四' } });
  });

  it('a third return without an acknowledgement is the same alert (same id)', () => {
    const id = at(twice, T + 3 * HOUR + MIN).alerts[0]!.id;
    const third = [...twice, dispatched('r', T + 5 * HOUR), returned('r', T + 6 * HOUR)];
    const alerts = at(third, T + 6 * HOUR + MIN).alerts;
    expect(alerts.map((a) => a.id)).toEqual([id]);
  });

  it('acknowledging another alert does not clear it', () => {
    const alerts = at([...twice, ev('alert.acknowledged', T + 4 * HOUR, { alertId: 'ticket_returned_twice:other', by: '张' })], T + 5 * HOUR).alerts;
    expect(brief(alerts)).toEqual(['ticket_returned_twice:r']);
  });

  it('after a reply, two more returns in a row once the first alert was acknowledged: a new alert', () => {
    const id = at(twice, T + 3 * HOUR + MIN).alerts[0]!.id;
    const events = [
      ...twice,
      ev('alert.acknowledged', T + 4 * HOUR, { alertId: id, by: '张值班长' }),
      dispatched('r', T + 5 * HOUR),
      replied('r', T + 6 * HOUR),
      dispatched('r', T + 7 * HOUR),
      returned('r', T + 8 * HOUR),
    ];
    // one return since the reply: nothing
    expect(at(events, T + 8 * HOUR + MIN).alerts).toEqual([]);
    const more = [...events, dispatched('r', T + 9 * HOUR), returned('r', T + 10 * HOUR)];
    const alerts = at(more, T + 10 * HOUR + MIN).alerts;
    expect(brief(alerts)).toEqual(['ticket_returned_twice:r']);
    expect(alerts[0]!.since).toBe(T + 10 * HOUR);
  });
});

describe('special tasks', () => {
  const U = '牡丹区城管局';
  const task = [
    ev('agent.login', T - HOUR, { agentId: '1001', name: '张三' }),
    created('p', T, '1001', 'municipal'),
    dispatched('p', T + 10 * MIN, U),
    replied('p', T + 5 * HOUR, U),
    followup('p', T + DAY, 'dissatisfied'),
  ];
  const tasks = (events: HotlineEvent[], now = T + 20 * DAY) => at(events, now).followup.specialTasks.map((s) => s.ticketId);

  it('opens at a dissatisfied follow-up, with category, unit, when and its steps', () => {
    expect(tasks(task.slice(0, 4))).toEqual([]);
    expect(at(task, T + DAY + 1).followup.specialTasks).toEqual([
      {
        ticketId: 'p',
        category: 'municipal',
        unit: U,
        dissatisfiedAt: T + DAY,
        lastEventAt: T + DAY,
        steps: [
          { type: 'created', at: T },
          { type: 'dispatched', at: T + 10 * MIN, unit: U },
          { type: 'replied', at: T + 5 * HOUR, unit: U },
          { type: 'followup', at: T + DAY, result: 'dissatisfied' },
        ],
      },
    ]);
  });

  it.each([
    ['a later satisfied follow-up closes it', [followup('p', T + 2 * DAY, 'satisfied')], []],
    ['a later basically satisfied follow-up closes it', [followup('p', T + 2 * DAY, 'basically_satisfied')], []],
    ['ticket.closed closes it', [closed('p', T + 2 * DAY)], []],
    ['an unreachable follow-up does not', [followup('p', T + 2 * DAY, 'unreachable')], ['p']],
    ['a second dissatisfied follow-up does not', [followup('p', T + 2 * DAY, 'dissatisfied')], ['p']],
    ['a re-dispatch, a reply, a supervision do not', [dispatched('p', T + 2 * DAY, U), replied('p', T + 3 * DAY, U), supervised('p', T + 4 * DAY)], ['p']],
    ['a return does not', [returned('p', T + 2 * DAY, U)], ['p']],
  ] as [string, HotlineEvent[], string[]][])('%s', (_name, more, expected) => {
    expect(tasks([...task, ...more])).toEqual(expected);
  });

  it('a satisfied follow-up before the dissatisfied one does not close it', () => {
    const events = [created('o', T), followup('o', T + HOUR, 'satisfied'), followup('o', T + 2 * HOUR, 'dissatisfied')];
    expect(tasks(events)).toEqual(['o']);
  });

  it('a second dissatisfied follow-up keeps the first as the time it became a special task', () => {
    const events = [...task, followup('p', T + 2 * DAY, 'dissatisfied')];
    const s = at(events, T + 3 * DAY).followup.specialTasks[0]!;
    expect(s.dissatisfiedAt).toBe(T + DAY);
    expect(s.lastEventAt).toBe(T + 2 * DAY);
  });

  it('found dissatisfied again after it was resolved: a special task again, from the new call', () => {
    const events = [...task, followup('p', T + 2 * DAY, 'satisfied'), followup('p', T + 5 * DAY, 'dissatisfied')];
    const s = at(events, T + 6 * DAY).followup.specialTasks;
    expect(s.map((x) => [x.ticketId, x.dissatisfiedAt])).toEqual([['p', T + 5 * DAY]]);
  });

  it('every step in order: created, dispatched, returned (with or without a unit), replied, follow-ups with their results, supervised', () => {
    const V = '市园林中心';
    const events = [
      ...task,
      followup('p', T + DAY + HOUR, 'unreachable'),
      dispatched('p', T + 2 * DAY, V),
      returned('p', T + 2 * DAY + HOUR, V),
      dispatched('p', T + 2 * DAY + 2 * HOUR, U),
      returned('p', T + 2 * DAY + 3 * HOUR),
      supervised('p', T + 3 * DAY),
      dispatched('p', T + 3 * DAY + HOUR, U),
      replied('p', T + 4 * DAY, U),
    ];
    const s = at(events, T + 4 * DAY + 1).followup.specialTasks;
    expect(s).toHaveLength(1);
    // the unit it was last dispatched to / replied from; its last event the reply
    expect(s[0]).toMatchObject({ ticketId: 'p', category: 'municipal', unit: U, dissatisfiedAt: T + DAY, lastEventAt: T + 4 * DAY });
    expect(s[0]!.steps).toEqual([
      { type: 'created', at: T },
      { type: 'dispatched', at: T + 10 * MIN, unit: U },
      { type: 'replied', at: T + 5 * HOUR, unit: U },
      { type: 'followup', at: T + DAY, result: 'dissatisfied' },
      { type: 'followup', at: T + DAY + HOUR, result: 'unreachable' },
      { type: 'dispatched', at: T + 2 * DAY, unit: V },
      { type: 'returned', at: T + 2 * DAY + HOUR, unit: V },
      { type: 'dispatched', at: T + 2 * DAY + 2 * HOUR, unit: U },
      { type: 'returned', at: T + 2 * DAY + 3 * HOUR },
      { type: 'supervised', at: T + 3 * DAY },
      { type: 'dispatched', at: T + 3 * DAY + HOUR, unit: U },
      { type: 'replied', at: T + 4 * DAY, unit: U },
    ]);
  });

  it('keeps the last 100 steps', () => {
    const events: HotlineEvent[] = [...task];
    // 120 supervisions, an hour apart, after the dissatisfied call: 4 + 1 + 120 = 125 steps, the last 100 kept
    for (let i = 1; i <= 120; i++) events.push(supervised('p', T + DAY + i * HOUR));
    const steps = at(events, T + 7 * DAY).followup.specialTasks[0]!.steps;
    expect(steps).toHaveLength(100);
    expect(steps[0]).toEqual({ type: 'supervised', at: T + DAY + 21 * HOUR });
    expect(steps[99]).toEqual({ type: 'supervised', at: T + DAY + 120 * HOUR });
  });

  it('a step that reaches the wallboard late takes its place by time', () => {
    // the unit's reply (ts T + 2 d) comes in after the lead's supervision (T + 3 d) was written
    const events = [...task, supervised('p', T + 3 * DAY), replied('p', T + 2 * DAY, U)];
    const s = at(events, T + 3 * DAY + 1).followup.specialTasks[0]!;
    expect(s.steps.map((x) => [x.type, x.at])).toEqual([
      ['created', T],
      ['dispatched', T + 10 * MIN],
      ['replied', T + 5 * HOUR],
      ['followup', T + DAY],
      ['replied', T + 2 * DAY],
      ['supervised', T + 3 * DAY],
    ]);
    expect(s.lastEventAt).toBe(T + 3 * DAY);
  });

  it('listed oldest special task first', () => {
    const events = [
      created('x', T, undefined, 'landscaping'),
      created('y', T, undefined, 'city_order'),
      followup('y', T + HOUR, 'dissatisfied'),
      followup('x', T + 2 * HOUR, 'dissatisfied'),
    ];
    expect(tasks(events)).toEqual(['y', 'x']);
  });

  it('an event about a ticket never created here is followed (category unknown) and counted as an anomaly', () => {
    // counted once per unknown ticket, as for a call (call.answered without call.queued counts once,
    // the call is then followed): the first event is the anomaly, the ticket is followed from there
    const { followup: f, anomalies } = at([dispatched('z', T, U), followup('z', T + HOUR, 'dissatisfied')], T + 2 * HOUR);
    expect(anomalies).toBe(1);
    expect(f.specialTasks).toEqual([
      {
        ticketId: 'z',
        category: null,
        unit: U,
        dissatisfiedAt: T + HOUR,
        lastEventAt: T + HOUR,
        steps: [
          { type: 'dispatched', at: T, unit: U },
          { type: 'followup', at: T + HOUR, result: 'dissatisfied' },
        ],
      },
    ]);
    expect(f.dissatisfiedBy).toEqual({ category: { '': 1 }, unit: { [U]: 1 } });
  });
});

describe('follow-up figures', () => {
  it('today and this month by the day of the call; rate (satisfied + basically) / reached; null when nobody was reached', () => {
    // month of March 2026; "now" 2026-03-05 10:00 (every day below is still whole in the live state)
    const now = sh(2026, 3, 5, 10, 0);
    const events = [
      created('a', sh(2026, 2, 27, 9), undefined, 'city_order'),
      created('b', sh(2026, 3, 1, 9), undefined, 'municipal'),
      created('c', sh(2026, 3, 1, 9), undefined, 'landscaping'),
      dispatched('b', sh(2026, 3, 1, 10), '市住建局'),
      followup('a', sh(2026, 2, 28, 23, 59, 59), 'dissatisfied'), // February: not this month
      followup('a', sh(2026, 3, 1, 0, 0), 'satisfied'), // March 1st 00:00: this month
      followup('b', sh(2026, 3, 4, 23, 59, 59), 'dissatisfied'), // yesterday
      followup('c', sh(2026, 3, 5, 0, 0), 'unreachable'), // today 00:00
      followup('c', sh(2026, 3, 5, 9, 0), 'basically_satisfied'), // today
    ];
    const f = at(events, now).followup;
    // today: 2 calls, 1 reached (basically) → 1/1
    expect(f.today).toEqual({ followups: 2, reached: 1, satisfied: 0, basicallySatisfied: 1, dissatisfied: 0, satisfactionRate: 1 });
    // month: a satisfied, b dissatisfied, c unreachable + basically → 4 calls, 3 reached, (1 + 1) / 3
    expect(f.month).toEqual({ followups: 4, reached: 3, satisfied: 1, basicallySatisfied: 1, dissatisfied: 1, satisfactionRate: 2 / 3 });
    // the February dissatisfied call is not this month's
    expect(f.dissatisfiedBy).toEqual({ category: { municipal: 1 }, unit: { 市住建局: 1 } });
    // only unreachable today → rate null
    const none = at([created('d', now - HOUR), followup('d', now - MIN, 'unreachable')], now).followup;
    expect(none.today).toEqual({ followups: 1, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: null });
    expect(none.month.satisfactionRate).toBeNull();
  });

  it('dissatisfiedBy: the unit the ticket was last dispatched to or replied from when the call was made ("" when none)', () => {
    const events = [
      created('a', T - 5 * HOUR, undefined, 'city_order'),
      dispatched('a', T - 4 * HOUR, '市住建局'),
      returned('a', T - 3 * HOUR, '市住建局'),
      dispatched('a', T - 2 * HOUR, '市园林中心'),
      followup('a', T - HOUR, 'dissatisfied'), // last dispatched to 市园林中心
      dispatched('a', T - 30 * MIN, '市住建局'), // after the call: does not move it
      created('b', T - 5 * HOUR, undefined, 'city_order'),
      followup('b', T - HOUR, 'dissatisfied'), // never dispatched: ""
    ];
    expect(at(events, T).followup.dissatisfiedBy).toEqual({ category: { city_order: 2 }, unit: { 市园林中心: 1, '': 1 } });
  });

  it('the month starts over on the 1st at local midnight', () => {
    const events = [created('a', sh(2026, 3, 31, 9)), followup('a', sh(2026, 3, 31, 23, 0), 'dissatisfied')];
    expect(at(events, sh(2026, 3, 31, 23, 59, 59)).followup.month.dissatisfied).toBe(1);
    const april = at(events, sh(2026, 4, 1, 0, 0)).followup;
    expect(april.month).toEqual({ followups: 0, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: null });
    expect(april.dissatisfiedBy).toEqual({ category: {}, unit: {} });
    // still a special task across the month's end
    expect(april.specialTasks.map((s) => s.ticketId)).toEqual(['a']);
  });

  it("the month's days the state no longer holds come from the archive (a derive input), each day counted once", () => {
    // now 2026-03-12 10:00: the state keeps retentionDays + 1 = 8 days whole, so days before 03-04
    // have left it (pruned at the first entry of a later day); their follow-ups are archived
    const now = sh(2026, 3, 12, 10, 0);
    const events = [
      created('a', sh(2026, 3, 1, 9), undefined, 'city_order'),
      followup('a', sh(2026, 3, 1, 15), 'dissatisfied'), // 03-01: leaves the state
      created('b', sh(2026, 3, 11, 9), undefined, 'municipal'),
      dispatched('b', sh(2026, 3, 11, 9, 30), '市住建局'),
      followup('b', sh(2026, 3, 11, 15), 'satisfied'), // 03-11: in the state
      followup('b', sh(2026, 3, 12, 9), 'unreachable'), // today
    ];
    const r = new Reducer(config);
    for (const e of events) r.apply(e);
    const march = sh(2026, 3, 1, 0);
    const archived: MonthArchive = {
      month: march,
      days: new Map([
        // 03-01 as archived (the dissatisfied call above), and 03-02 (a day the state never held here)
        [march, { followups: 1, reached: 1, satisfied: 0, basicallySatisfied: 0, dissatisfied: 1, byCategory: [['city_order', 1]], byUnit: [['', 1]] }],
        [sh(2026, 3, 2, 0), { followups: 3, reached: 2, satisfied: 1, basicallySatisfied: 0, dissatisfied: 1, byCategory: [['landscaping', 1]], byUnit: [['市园林中心', 1]] }],
        // a record for a day the state holds whole is not added a second time
        [sh(2026, 3, 11, 0), { followups: 1, reached: 1, satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, byCategory: [], byUnit: [] }],
      ]),
    };
    const f = derive(r.state, now, config, '1-0', undefined, [], null, archived).followup;
    // 03-01: 1/1/0/0/1; 03-02: 3/2/1/0/1; 03-11: 1/1/1/0/0 (state); 03-12: 1/0/0/0/0 (state)
    // → followups 6, reached 4, satisfied 2, basically 0, dissatisfied 2, rate 2/4
    expect(f.month).toEqual({ followups: 6, reached: 4, satisfied: 2, basicallySatisfied: 0, dissatisfied: 2, satisfactionRate: 0.5 });
    expect(f.today).toEqual({ followups: 1, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: null });
    expect(f.dissatisfiedBy).toEqual({ category: { city_order: 1, landscaping: 1 }, unit: { '': 1, 市园林中心: 1 } });
    // the archive of another month is not this month's
    const feb: MonthArchive = { month: sh(2026, 2, 1, 0), days: new Map([[sh(2026, 2, 27, 0), archived.days.get(march)!]]) };
    const g = derive(r.state, now, config, '1-0', undefined, [], null, feb).followup;
    expect(g.month).toEqual({ followups: 2, reached: 1, satisfied: 1, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: 1 });
  });
});
