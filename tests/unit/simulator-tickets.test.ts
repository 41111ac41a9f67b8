/**
 * The simulator's tickets after the call (issue 13 item 6): dispatches to Heze's units, returns
 * (now and then twice in a row), replies (a few late), follow-up calls with a realistic satisfaction
 * mix concentrated on some units, special tasks supervised by the lead on duty, closings; over a
 * seeded week through the wallboard's reducer and derive, every ticket rule fires. And the demo's
 * start: the archived days' recent tickets go on in the live stream without counting a day twice.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, runHistory, SHIFT_LEADS, startSimulator } from '../../server/simulator';
import { DIRECTOR, RETURN_REASONS, UNITS } from '../../server/simulator/catalog';
import { planTicket, rosterWorld } from '../../server/simulator/tickets';
import { buildStaff, SIM_SHIFTS } from '../../server/simulator/roster';
import { Reducer } from '../../server/core/reduce';
import { derive } from '../../server/core/derive';
import { monthStart } from '../../server/core/tickets';
import { defaultConfig } from '../../shared/config';
import type { EventOf, HotlineEvent } from '../../shared/events';
import type { AlertRule } from '../../shared/snapshot';
import { zonedEpoch } from '../../shared/time';

const TZ = 'Asia/Shanghai';
const config = defaultConfig(TZ);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 24 November 2025, 00:00 in Heze (the heating season) */
const MONDAY = zonedEpoch(2025, 11, 24, 0, TZ);
const DAYS = 7;
const END = MONDAY + DAYS * DAY;
const SEED = 12319;

type TicketEvent = Extract<HotlineEvent, { ticketId: string }>;
const isTicket = (e: HotlineEvent): e is TicketEvent => e.type.startsWith('ticket.');
const of = <T extends HotlineEvent['type']>(events: readonly HotlineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const share = (n: number, of: number) => (of === 0 ? 0 : n / of);

/** every ticket's creation and whole planned life, as the simulation hands them out when it is filed */
const lives = new Map<string, TicketEvent[]>();
const week = createSimulation({ seed: SEED, start: MONDAY, incidentsPerDay: 6, onTicketLife: (l) => void lives.set((l[0] as TicketEvent).ticketId, l as TicketEvent[]) }).nextUntil(END);
const created = new Map(of(week, 'ticket.created').map((e) => [e.ticketId, e]));
/** lives of the tickets filed in the first four days: whole by the end of the week, or nearly */
const early = [...lives.values()].filter((l) => l[0]!.ts < MONDAY + 4 * DAY);
const firstOf = <T extends TicketEvent['type']>(life: readonly TicketEvent[], type: T, after = 0) => life.find((e, i) => i >= after && e.type === type) as EventOf<T> | undefined;

/** The week through the wallboard's reducer, with derive every 20 minutes: which alerts of the ticket rules were seen. */
const TICKET_RULES: AlertRule[] = ['ticket_returned_twice', 'dispatch_overdue', 'special_task_stalled'];
const seen = new Map<AlertRule, Set<string>>(TICKET_RULES.map((r) => [r, new Set()]));
let last: ReturnType<typeof derive> | null = null;
{
  const reducer = new Reducer(config);
  let i = 0;
  for (let now = MONDAY; now < END; now += 20 * MIN) {
    for (; i < week.length && week[i]!.ts <= now; i++) reducer.apply(week[i]!, `${week[i]!.ts}-${i}`);
    reducer.takeFinalized();
    last = derive(reducer.state, now, config, `${now}-0`);
    for (const a of last.alerts) seen.get(a.rule)?.add(a.id);
  }
}

describe('the simulated tickets after the call', () => {
  it('dispatches most complaints, some consultations and nothing that needs no unit, to the units of its category', () => {
    const dispatchedIds = new Set(of(week, 'ticket.dispatched').map((e) => e.ticketId));
    const byKind = (kind: string) => {
      const ts = [...created.values()].filter((c) => c.kind === kind && c.ts < END - DAY);
      return share(ts.filter((c) => dispatchedIds.has(c.ticketId)).length, ts.length);
    };
    expect(byKind('complaint')).toBeGreaterThan(0.75);
    expect(byKind('complaint')).toBeLessThan(0.92);
    expect(byKind('consultation')).toBeGreaterThan(0.15);
    expect(byKind('consultation')).toBeLessThan(0.35);
    for (const kind of ['praise', 'out_of_scope', 'harassment']) expect(byKind(kind)).toBe(0);
    const units = (category: string) => new Set(of(week, 'ticket.dispatched').filter((e) => created.get(e.ticketId)?.category === category).map((e) => e.unit));
    expect(units('gas_heating')).toEqual(new Set(['华润燃气', '市热力公司']));
    expect(units('illegal_construction')).toEqual(new Set(['市自然资源和规划局执法支队', '牡丹区城管局', '开发区管委会', '高新区管委会']));
    for (const e of week) if (e.type === 'ticket.dispatched' || e.type === 'ticket.replied') expect(UNITS[e.unit]).toBeDefined();
    // hundreds a day: the dispatch list and the director's chart have material
    expect(dispatchedIds.size / DAYS).toBeGreaterThan(350);
  });

  it('never speaks of a ticket before its ticket.created, and emits each life as planned, step after step', () => {
    const problems: string[] = [];
    const ids = new Set<string>();
    for (const e of week) {
      if (ids.has(e.id)) problems.push(`${e.id}: twice`);
      ids.add(e.id);
      if (!isTicket(e) || e.type === 'ticket.created') continue;
      const c = created.get(e.ticketId);
      if (!c || e.ts <= c.ts) problems.push(`${e.id}: before its ticket`);
    }
    for (const life of lives.values()) {
      if (life[0]!.type !== 'ticket.created') problems.push(`${life[0]!.id}: a life that does not begin with the creation`);
      for (let i = 1; i < life.length; i++) if (life[i]!.ts <= life[i - 1]!.ts) problems.push(`${life[i]!.id}: not after the step before`);
    }
    expect(problems).toEqual([]);
    const byId = (a: HotlineEvent, b: HotlineEvent) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    const planned = [...lives.values()].flatMap((l) => l.slice(1)).filter((e) => e.ts <= END);
    // (as text: a deep comparison of some 20,000 events takes half a second)
    expect(JSON.stringify(week.filter((e) => isTicket(e) && e.type !== 'ticket.created').sort(byId))).toBe(JSON.stringify(planned.sort(byId)));
  });

  it('has returns sent back to the right unit, now and then twice in a row (第五十八条)', () => {
    const dispatchedLives = early.filter((l) => l.length > 1);
    const returned = dispatchedLives.filter((l) => l.some((e) => e.type === 'ticket.returned'));
    expect(share(returned.length, dispatchedLives.length)).toBeGreaterThan(0.02);
    expect(share(returned.length, dispatchedLives.length)).toBeLessThan(0.1);
    const reasons = new Set<string>(Object.values(RETURN_REASONS).flat());
    let twice = 0;
    for (const life of returned) {
      life.forEach((e, i) => {
        if (e.type !== 'ticket.returned') return;
        expect(reasons.has(e.reason!)).toBe(true);
        // dispatched again, to a unit that then replies
        expect(life[i + 1]!.type).toBe('ticket.dispatched');
        if (life[i - 2]?.type === 'ticket.returned') twice++;
      });
      expect(life.some((e) => e.type === 'ticket.replied')).toBe(true);
    }
    expect(twice).toBeGreaterThanOrEqual(1);
    expect(share(twice, dispatchedLives.length)).toBeLessThan(0.01);
  });

  it('has the units reply within hours or days, a few after the 5-day limit', () => {
    const delays: number[] = [];
    for (const life of lives.values()) {
      life.forEach((e, i) => {
        if (e.type !== 'ticket.replied') return;
        const d = life.slice(0, i).findLast((x) => x.type === 'ticket.dispatched');
        if (d) delays.push(e.ts - d.ts);
      });
    }
    delays.sort((a, b) => a - b);
    const median = delays[Math.floor(delays.length / 2)]!;
    expect(median).toBeGreaterThan(6 * HOUR);
    expect(median).toBeLessThan(2 * DAY);
    const late = share(delays.filter((d) => d >= 5 * DAY).length, delays.length);
    expect(late).toBeGreaterThan(0.003);
    expect(late).toBeLessThan(0.03);
  });

  it('calls back within a day or two, with a realistic satisfaction mix, the dissatisfied concentrated on some units', () => {
    const followups = of(week, 'ticket.followup');
    const n = (r: string) => followups.filter((f) => f.result === r).length;
    expect(share(n('satisfied'), followups.length)).toBeGreaterThan(0.6);
    expect(share(n('satisfied'), followups.length)).toBeLessThan(0.78);
    expect(share(n('basically_satisfied'), followups.length)).toBeGreaterThan(0.12);
    expect(share(n('basically_satisfied'), followups.length)).toBeLessThan(0.24);
    expect(share(n('dissatisfied'), followups.length)).toBeGreaterThan(0.05);
    expect(share(n('dissatisfied'), followups.length)).toBeLessThan(0.12);
    expect(share(n('unreachable'), followups.length)).toBeGreaterThan(0.025);
    expect(share(n('unreachable'), followups.length)).toBeLessThan(0.08);
    const rate = share(n('satisfied') + n('basically_satisfied'), followups.length - n('unreachable'));
    expect(rate).toBeGreaterThan(0.86);
    expect(rate).toBeLessThan(0.95);
    // an operator of the center makes the call
    const staff = new Set(buildStaff(40, SEED).members.map((m) => m.id));
    for (const f of followups) expect(staff.has(f.agentId!)).toBe(true);

    // the first call after the first reply: mostly within two days
    const waits = [...lives.values()].flatMap((l) => {
      const r = firstOf(l, 'ticket.replied');
      const f = r && l.find((e) => e.type === 'ticket.followup' && e.ts > r.ts);
      return f ? [f.ts - r.ts] : [];
    });
    expect(share(waits.filter((w) => w <= 2 * DAY).length, waits.length)).toBeGreaterThan(0.95);

    // by the unit of the call: the worst unit has several times the dissatisfied share of the best
    const byUnit = new Map<string, [number, number]>();
    const unitOf = new Map<string, string>();
    for (const e of week) {
      if (e.type === 'ticket.dispatched' || e.type === 'ticket.replied') unitOf.set(e.ticketId, e.unit);
      if (e.type !== 'ticket.followup' || e.result === 'unreachable') continue;
      const u = byUnit.get(unitOf.get(e.ticketId)!) ?? [0, 0];
      byUnit.set(unitOf.get(e.ticketId)!, [u[0] + (e.result === 'dissatisfied' ? 1 : 0), u[1] + 1]);
    }
    const shares = [...byUnit.values()].filter(([, all]) => all >= 150).map(([d, all]) => d / all);
    expect(shares.length).toBeGreaterThanOrEqual(6);
    expect(Math.max(...shares)).toBeGreaterThan(2.5 * Math.min(...shares));
  });

  it('makes every dissatisfied case a special task: dispatched again, supervised by the lead on duty, replied, called again, closed', () => {
    const world = rosterWorld({ seed: SEED, staff: buildStaff(40, SEED), shifts: SIM_SHIFTS, timeZone: TZ });
    let tasks = 0;
    let stalled = 0;
    const second: string[] = [];
    for (const life of lives.values()) {
      const at = life.findIndex((e) => e.type === 'ticket.followup' && e.result === 'dissatisfied');
      if (at < 0) continue;
      tasks++;
      const rest = life.slice(at + 1);
      expect(rest.map((e) => e.type).slice(0, 2)).toEqual(['ticket.dispatched', 'ticket.supervised']);
      const sup = rest[1] as EventOf<'ticket.supervised'>;
      expect(SHIFT_LEADS).toContain(sup.by);
      expect(sup.by).toBe(world.leadAt(sup.ts));
      expect(sup.note).toBeTruthy();
      expect(rest.some((e) => e.type === 'ticket.replied')).toBe(true);
      const again = rest.find((e) => e.type === 'ticket.followup') as EventOf<'ticket.followup'> | undefined;
      expect(again).toBeDefined();
      second.push(again!.result);
      expect(rest.at(-1)!.type).toBe('ticket.closed');
      for (const e of rest) if (e.type === 'ticket.supervised') expect([...SHIFT_LEADS, DIRECTOR]).toContain(e.by);
      // some sit without any event for more than supervisionDueDays (3)
      if (rest.some((e, i) => i > 0 && e.ts - rest[i - 1]!.ts > 3 * DAY)) stalled++;
    }
    expect(tasks / DAYS).toBeGreaterThan(20);
    expect(share(stalled, tasks)).toBeGreaterThan(0.05);
    expect(share(stalled, tasks)).toBeLessThan(0.25);
    // the second call mostly finds the citizen satisfied
    expect(share(second.filter((r) => r === 'satisfied' || r === 'basically_satisfied').length, second.length)).toBeGreaterThan(0.75);
  });

  it('closes every dispatched ticket in the end, soon after a satisfied call', () => {
    for (const life of lives.values()) {
      if (life.length === 1) continue;
      expect(life.at(-1)!.type).toBe('ticket.closed');
      expect(life.filter((e) => e.type === 'ticket.closed')).toHaveLength(1);
      const before = life.at(-2)!;
      if (before.type === 'ticket.followup' && (before.result === 'satisfied' || before.result === 'basically_satisfied')) {
        expect(life.at(-1)!.ts - before.ts).toBeLessThanOrEqual(40 * MIN);
      }
    }
  });

  it('through the wallboard’s reducer and derive: every ticket rule fires, nothing is an anomaly, the week’s figures are plausible', () => {
    for (const rule of TICKET_RULES) expect(seen.get(rule)!.size, rule).toBeGreaterThanOrEqual(1);
    // returned twice about once a day; overdue and stalled a few a day
    expect(seen.get('ticket_returned_twice')!.size).toBeLessThanOrEqual(2 * DAYS);
    expect(seen.get('dispatch_overdue')!.size).toBeLessThanOrEqual(10 * DAYS);
    expect(last!.ingest.anomalies).toBe(0);
    const f = last!.followup;
    expect(f.month.followups).toBeGreaterThan(2000);
    expect(f.month.satisfactionRate).toBeGreaterThan(0.86);
    expect(f.month.satisfactionRate).toBeLessThan(0.95);
    expect(Object.keys(f.dissatisfiedBy.unit).length).toBeGreaterThan(8);
    expect(f.specialTasks.length).toBeGreaterThan(10);
    expect(f.dispatch.open).toBeGreaterThan(100);
  });

  it('is deterministic for a seed: a ticket always has the same life', () => {
    const world = rosterWorld({ seed: SEED, staff: buildStaff(40, SEED), shifts: SIM_SHIFTS, timeZone: TZ });
    const sample = [...lives.values()].filter((l) => l.length > 1).slice(0, 50);
    for (const life of sample) expect(planTicket(SEED, life[0] as EventOf<'ticket.created'>, world)).toEqual(life.slice(1));
    const two = (seed: number) => createSimulation({ seed, start: MONDAY, incidentsPerDay: 6 }).nextUntil(MONDAY + DAY).filter(isTicket);
    expect(two(SEED)).toEqual(week.filter((e) => isTicket(e) && e.ts <= MONDAY + DAY));
    expect(two(7).map((e) => [e.type, e.ts])).not.toEqual(two(SEED).map((e) => [e.type, e.ts]));
  });
});

describe('the demo’s start: the archived days’ tickets go on in the live stream', () => {
  /** Wednesday 10 December 2025: the history is 2–9 December, the carried tickets those of 4–9 December */
  const TODAY = zonedEpoch(2025, 12, 10, 0, TZ);
  const NOW = TODAY + 10 * HOUR + 7 * MIN;
  const history = runHistory({ config, seed: SEED, incidentsPerDay: 6, todayStart: TODAY, days: 8, carryDays: 6 });

  it('runHistory hands over the whole lives of the tickets filed in the last carryDays days, in time order', () => {
    const { carry } = history;
    expect(carry.every((e, i) => i === 0 || e.ts >= carry[i - 1]!.ts)).toBe(true);
    const born = new Map(of(carry, 'ticket.created').map((e) => [e.ticketId, e.ts]));
    for (const ts of born.values()) {
      expect(ts).toBeGreaterThanOrEqual(TODAY - 6 * DAY);
      expect(ts).toBeLessThan(TODAY);
    }
    for (const e of carry) expect(isTicket(e) && born.get(e.ticketId)! <= e.ts).toBe(true);
    // up to their closing, well after today's midnight
    expect(carry.filter((e) => e.ts >= TODAY).length).toBeGreaterThan(500);
    expect(() => runHistory({ config, seed: SEED, todayStart: TODAY, days: 8, carryDays: 7 })).toThrow(/carryDays/);
  });

  it('opens on open dispatches, special tasks and every ticket alert, and counts each day once', async () => {
    const appended: HotlineEvent[] = [];
    const sim = startSimulator({
      log: { append: async (events) => (appended.push(...events), []) },
      clock: { now: () => NOW },
      seed: SEED,
      incidentsPerDay: 6,
      start: NOW,
      warmupFrom: 'midnight',
      carry: history.carry,
    });
    await sim.ready;
    await sim.stop();
    // the carried events before midnight first, then everything in time order
    expect(appended.every((e, i) => i === 0 || e.ts >= appended[i - 1]!.ts)).toBe(true);
    expect(appended.filter((e) => e.ts < TODAY)).toEqual(history.carry.filter((e) => e.ts < TODAY));
    expect(appended.filter((e) => e.ts >= TODAY && history.carry.includes(e))).toEqual(history.carry.filter((e) => e.ts >= TODAY && e.ts <= NOW));
    // the stream takes them: none older than retentionDays at the live start
    expect(appended[0]!.ts).toBeGreaterThan(NOW - config.eventTime.retentionDays * DAY);

    // the wallboard as the demo runs it: the log trimmed at midnight, the days before from the archive
    const reducer = new Reducer(config);
    reducer.state.historyFrom = TODAY;
    appended.forEach((e, i) => reducer.apply(e, `${NOW}-${i}`));
    const month = { month: monthStart(NOW, TZ), days: new Map(history.records.map((r) => [r.start, r.followup])) };
    const snap = derive(reducer.state, NOW, config, `${NOW}-0`, undefined, [], null, month);
    const f = snap.followup;
    expect(snap.ingest.anomalies).toBe(0);
    expect(f.specialTasks.length).toBeGreaterThan(10);
    expect(f.specialTasks.some((t) => t.dissatisfiedAt < TODAY)).toBe(true);
    expect(f.dispatch.open).toBeGreaterThan(100);
    expect(f.dispatch.overdue.length).toBeGreaterThan(0);
    const rules = new Set(snap.alerts.map((a) => a.rule));
    for (const rule of TICKET_RULES) expect(rules, rule).toContain(rule);
    // today's follow-ups: the carried tickets' and today's own
    expect(f.today.followups).toBeGreaterThan(100);
    // the month: the archived days once (2–9 December) plus today, not the carried days' calls again
    const archived = history.records.reduce((s, r) => s + r.followup.followups, 0);
    expect(f.month.followups).toBe(archived + f.today.followups);
    const dissatisfied = history.records.reduce((s, r) => s + r.followup.dissatisfied, 0) + f.today.dissatisfied;
    expect(Object.values(f.dissatisfiedBy.unit).reduce((s, n) => s + n, 0)).toBe(dissatisfied);
  });
});
