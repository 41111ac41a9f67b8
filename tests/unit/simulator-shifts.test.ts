/**
 * The simulator's rosters and handovers (issue 12 item 6): each day's roster published by a lead
 * before the day begins, crews that match it bar the deliberate late, absent, early and covering
 * operators, one handover per boundary submitted by the outgoing lead and signed by the incoming one,
 * and, over a seeded week run through the wallboard's own reducer and derive, every new rule firing.
 */
import { describe, expect, it } from 'vitest';
import { createSimulation, SHIFT_LEADS, startSimulator } from '../../server/simulator';
import { SIM_SHIFTS } from '../../server/simulator/roster';
import { Reducer } from '../../server/core/reduce';
import { derive } from '../../server/core/derive';
import { buildConfig, defaultConfig, type CenterConfig } from '../../shared/config';
import type { EventOf, HotlineEvent } from '../../shared/events';
import type { AlertRule, AttendanceView, HandoverView } from '../../shared/snapshot';
import { localDate, localParts, shiftAt, shiftBoundaries, zonedEpoch } from '../../shared/time';

const TZ = 'Asia/Shanghai';
const config = defaultConfig(TZ);
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Monday 24 November 2025, 00:00 in Heze: the week runs to Sunday 30 November */
const MONDAY = zonedEpoch(2025, 11, 24, 0, TZ);
const DAYS = 7;
const SEED = 12319;

const week = createSimulation({ seed: SEED, start: MONDAY, incidentsPerDay: 6 }).nextUntil(MONDAY + DAYS * DAY + 2 * HOUR);
const boundaries = shiftBoundaries(MONDAY, MONDAY + DAYS * DAY - 1, config);
const of = <T extends HotlineEvent['type']>(events: readonly HotlineEvent[], type: T) => events.filter((e): e is EventOf<T> => e.type === type);
const hhmm = (t: number) => {
  const p = localParts(t, TZ);
  return `${String(p.hour).padStart(2, '0')}${String(p.minute).padStart(2, '0')}`;
};

/** The events through the wallboard's reducer, with derive at each of `instants` (ascending). */
function replay(events: readonly HotlineEvent[], instants: readonly number[], cfg: CenterConfig, look: (now: number, snap: ReturnType<typeof derive>) => void): void {
  const reducer = new Reducer(cfg);
  let i = 0;
  for (const now of instants) {
    for (; i < events.length && events[i]!.ts <= now; i++) reducer.apply(events[i]!, `${events[i]!.ts}-${i}`);
    reducer.takeFinalized();
    look(now, derive(reducer.state, now, cfg, `${now}-0`));
  }
}

/** Every minute around each boundary, every ten minutes otherwise; the attendance 45 min into each shift. */
const alertIds = new Map<AlertRule, Set<string>>();
const attendance = new Map<number, AttendanceView | null>();
const handoverViews: [number, HandoverView | null][] = [];
{
  const instants = new Set<number>();
  for (let t = MONDAY; t < MONDAY + DAYS * DAY; t += 10 * MIN) instants.add(t);
  for (const b of boundaries) for (let t = b - 35 * MIN; t <= b + 65 * MIN; t += MIN) instants.add(t);
  replay(week, [...instants].sort((a, b) => a - b), config, (now, snap) => {
    for (const a of snap.alerts) {
      let ids = alertIds.get(a.rule);
      if (!ids) alertIds.set(a.rule, (ids = new Set()));
      ids.add(a.id);
    }
    if (boundaries.includes(now - 45 * MIN)) attendance.set(now - 45 * MIN, snap.attendance);
    handoverViews.push([now, snap.handover]);
  });
}

describe('the simulated rosters', () => {
  const rosters = of(week, 'roster.published');

  it('publishes each day’s roster once, by the lead on duty, before the day’s first shift', () => {
    const dates = Array.from({ length: DAYS + 1 }, (_, d) => localDate(MONDAY + d * DAY + HOUR, TZ));
    expect(rosters.map((r) => r.date)).toEqual(dates);
    const accepted = of(week, 'handover.accepted');
    const submitted = of(week, 'handover.submitted');
    for (const r of rosters) {
      const day = zonedEpoch(Number(r.date.slice(0, 4)), Number(r.date.slice(5, 7)), Number(r.date.slice(8)), 0, TZ);
      expect(r.ts).toBeLessThanOrEqual(day);
      // the evening before (the first at the simulation's start, which is that midnight)
      if (r.ts !== MONDAY) expect(r.ts).toBeGreaterThanOrEqual(day - 7 * HOUR);
      // by the lead of the shift in force, who signed its handover
      const shiftStart = shiftAt(r.ts, config).start;
      const h = submitted.find((s) => s.shiftStart === shiftStart)!;
      expect(r.by).toBe(accepted.find((a) => a.handoverId === h.handoverId)!.by);
      expect(SHIFT_LEADS).toContain(r.by);
      // every shift of the configuration, four at night and fourteen by day, one line per operator
      const byShift = SIM_SHIFTS.map((s) => r.entries.filter((e) => e.shift === s.name));
      expect(byShift.map((x) => x.length)).toEqual([4, 14, 14]);
      expect(new Set(r.entries.map((e) => e.agentId)).size).toBe(r.entries.length);
      for (const x of byShift) expect(new Set(x.map((e) => e.seat)).size).toBe(x.length);
      expect(r.entries.every((e) => e.name && /^A\d\d$/.test(e.seat ?? ''))).toBe(true);
    }
  });

  it('opening mid-day, publishes today’s roster at once, and tomorrow’s in the evening', () => {
    const start = MONDAY + 13 * HOUR + 30 * MIN;
    const events = createSimulation({ seed: 4, start }).nextUntil(start + 12 * HOUR);
    const r = of(events, 'roster.published');
    expect(events[0]).toMatchObject({ type: 'roster.published', ts: start, date: '2025-11-24' });
    expect(r.map((x) => x.date)).toEqual(['2025-11-24', '2025-11-25']);
    expect(r[1]!.ts).toBeGreaterThanOrEqual(MONDAY + 17 * HOUR);
    expect(r[1]!.ts).toBeLessThan(MONDAY + DAY);
  });

  it('is who comes in, bar the few who are late, absent or leave early and the colleagues who cover', () => {
    let late = 0;
    let absent = 0;
    let covers = 0;
    for (const b of boundaries) {
      const shift = shiftAt(b, config);
      const roster = rosters.find((r) => r.date === localDate(b, TZ))!.entries.filter((e) => e.shift === shift.name);
      const seatOf = new Map(roster.map((e) => [e.agentId, e.seat]));
      const firstIn = new Map<string, { ts: number; seat: string | undefined }>();
      for (const e of week) if (e.type === 'agent.signin' && e.ts >= b - 30 * MIN && e.ts < b + HOUR && !firstIn.has(e.agentId)) firstIn.set(e.agentId, { ts: e.ts, seat: e.seat });
      const missing = roster.filter((e) => !firstIn.has(e.agentId)).map((e) => e.agentId);
      const extra = [...firstIn.keys()].filter((id) => !seatOf.has(id));
      // the rostered come to their own seats
      for (const [id, s] of firstIn) if (seatOf.has(id)) expect(s.seat).toBe(seatOf.get(id));
      // an absentee does not come at all that shift, and the wallboard calls them absent
      for (const id of missing) expect(week.some((e) => e.type === 'agent.signin' && e.agentId === id && e.ts >= b && e.ts < shift.end)).toBe(false);
      expect(attendance.get(b)!.absent).toEqual(missing);
      // a cover is unscheduled and sits at an absentee's seat
      expect(extra.length).toBeLessThanOrEqual(missing.length);
      for (const id of extra) expect(missing.map((m) => seatOf.get(m))).toContain(firstIn.get(id)!.seat);
      expect(attendance.get(b)!.unscheduled).toEqual(extra);
      const lateHere = roster.filter((e) => (firstIn.get(e.agentId)?.ts ?? 0) > b).length;
      expect(attendance.get(b)!.late).toHaveLength(lateHere);
      expect(lateHere).toBeLessThanOrEqual(4);
      late += lateHere;
      absent += missing.length;
      covers += extra.length;
    }
    // a late sign-in a few times a day, an absence every few days, now and then covered
    expect(late).toBeGreaterThanOrEqual(7);
    expect(late).toBeLessThanOrEqual(30);
    expect(absent).toBeGreaterThanOrEqual(1);
    expect(absent).toBeLessThanOrEqual(6);
    expect(covers).toBeLessThanOrEqual(absent);
  });
});

describe('the simulated handovers', () => {
  const submitted = of(week, 'handover.submitted').filter((s) => s.shiftStart < MONDAY + DAYS * DAY);
  const accepted = of(week, 'handover.accepted');

  it('one per boundary, submitted by the outgoing lead and signed by the incoming one, another lead', () => {
    expect(submitted.map((s) => s.shiftStart)).toEqual(boundaries);
    let previousLead: string | null = null;
    for (const s of submitted) {
      const b = s.shiftStart;
      expect(s.handoverId).toBe(`ho-${localDate(b, TZ)}-${hhmm(b)}`);
      const a = accepted.filter((x) => x.handoverId === s.handoverId);
      expect(a).toHaveLength(1);
      expect(SHIFT_LEADS).toContain(s.by);
      expect(SHIFT_LEADS).toContain(a[0]!.by);
      expect(a[0]!.by).not.toBe(s.by);
      // who takes a shift over hands it over at its end
      if (previousLead !== null) expect(s.by).toBe(previousLead);
      previousLead = a[0]!.by;
      // mostly 5–20 min before the boundary, now and then after it (the first: at the simulation's start)
      expect(s.ts).toBeGreaterThanOrEqual(b - 20 * MIN);
      expect(s.ts).toBeLessThanOrEqual(b + 25 * MIN);
      expect(a[0]!.ts).toBeGreaterThan(s.ts);
      expect(a[0]!.ts).toBeLessThanOrEqual(Math.max(s.ts, b) + 35 * MIN);
      expect(s.notes).toMatch(/^[^a-zA-Z]{6,200}。$/);
    }
    // the leads take the shifts in turn, so each works every shift in the week
    for (const lead of SHIFT_LEADS) expect(new Set(submitted.filter((s) => s.by === lead).map((s) => hhmm(s.shiftStart))).size).toBe(3);
    expect(new Set(submitted.map((s) => s.notes)).size).toBeGreaterThan(submitted.length / 2);
  });

  it('hands over the open items the simulation knows: missed calls not yet returned, incidents not closed', () => {
    let items = 0;
    for (const s of submitted) {
      const before = week.filter((e) => e.ts <= s.ts);
      const returned = new Set(of(before, 'callback.completed').map((e) => e.callId));
      const withCaller = new Set(of(before, 'call.queued').flatMap((e) => (e.caller ? [e.callId] : [])));
      const pending = of(before, 'call.abandoned').filter((e) => withCaller.has(e.callId) && !returned.has(e.callId)).map((e) => e.callId);
      expect([...s.openItems.missedCalls].sort()).toEqual(pending.sort());
      const resolved = new Set(of(before, 'incident.resolved').map((e) => e.incidentId));
      expect(s.openItems.incidents).toEqual(of(before, 'incident.raised').filter((e) => !resolved.has(e.incidentId)).map((e) => e.incidentId));
      expect(s.openItems.alerts).toEqual([]);
      items += s.openItems.missedCalls.length + s.openItems.incidents.length;
    }
    expect(items).toBeGreaterThan(0);
  });

  it('the wallboard shows each one pending, submitted and accepted around its boundary', () => {
    for (const b of boundaries) {
      const around = handoverViews.filter(([, v]) => v?.boundary === b).map(([, v]) => v!.status);
      expect(around.at(-1)).toBe('accepted');
      expect(around).toContain('submitted');
      if (b > MONDAY) expect(around[0]).toBe('pending');
    }
  });

  it('acts on incidents as the lead on duty', () => {
    const leadAt = (t: number) => {
      const b = shiftAt(t, config).start;
      return accepted.find((a) => a.handoverId === submitted.find((s) => s.shiftStart === b)?.handoverId)?.by;
    };
    const acts = [...of(week, 'incident.acknowledged').filter((e) => e.role === 'lead'), ...of(week, 'incident.reported'), ...of(week, 'incident.resolved')];
    expect(acts.length).toBeGreaterThan(20);
    for (const e of acts) if (e.ts >= MONDAY + 2 * HOUR) expect(e.by).toBe(leadAt(e.ts));
  });
});

describe('over a seeded week, the wallboard sees every shift rule', () => {
  const count = (rule: AlertRule) => alertIds.get(rule)?.size ?? 0;

  it('late_signin a few times a day, absent every few days, left_early now and then', () => {
    expect(count('late_signin')).toBeGreaterThanOrEqual(7);
    expect(count('late_signin')).toBeLessThanOrEqual(30);
    expect(count('absent')).toBeGreaterThanOrEqual(1);
    expect(count('absent')).toBeLessThanOrEqual(6);
    expect(count('left_early')).toBeGreaterThanOrEqual(1);
    // the planned departures (about one a day), and at a seat handed over with a gap, for its seconds
    expect(count('left_early')).toBeLessThanOrEqual(25);
  });

  it('handover_not_submitted and handover_unaccepted, at a few boundaries of the 21', () => {
    for (const rule of ['handover_not_submitted', 'handover_unaccepted'] as const) {
      expect(count(rule)).toBeGreaterThanOrEqual(1);
      expect(count(rule)).toBeLessThanOrEqual(6);
    }
  });
});

describe('the live demo’s start (showcaseAt)', () => {
  const start = MONDAY + 13 * HOUR + 10 * MIN;
  const events = createSimulation({ seed: SEED, start: MONDAY, showcaseAt: start }).nextUntil(MONDAY + 17 * HOUR);

  it('the shift in force has a late sign-in behind it; the next boundary a late operator and the whole handover, live', () => {
    const b = MONDAY + 16 * HOUR;
    const seen: { at: number; late: string[]; rules: AlertRule[]; handover: HandoverView['status'] | undefined }[] = [];
    const instants = [start, b - 2 * MIN, b + MIN, b + 30 * MIN];
    replay(events, instants, config, (at, snap) => seen.push({ at, late: snap.attendance?.late ?? [], rules: snap.alerts.map((a) => a.rule), handover: snap.handover?.status }));
    expect(seen[0]!.late.length).toBeGreaterThan(0);
    expect(seen[1]!.handover).toBe('submitted');
    expect(seen[2]!.rules).toContain('late_signin');
    expect(seen[3]!.handover).toBe('accepted');
    const s = of(events, 'handover.submitted').find((x) => x.shiftStart === b)!;
    const a = of(events, 'handover.accepted').find((x) => x.handoverId === s.handoverId)!;
    expect(s.ts).toBeGreaterThan(start);
    expect(a.ts).toBeGreaterThan(b);
  });

  it('the runner asks for it with showcase: true, at its live start', async () => {
    const batches: HotlineEvent[] = [];
    const sim = startSimulator({ log: { append: async (e) => (batches.push(...e), []) }, clock: { now: () => start }, seed: SEED, warmupFrom: 'midnight', showcase: true, tickMs: 60_000 });
    await sim.ready;
    await sim.stop();
    expect(batches).toEqual(createSimulation({ seed: SEED, start: MONDAY, showcaseAt: start }).nextUntil(start));
  });
});

describe('a lead at the screens', () => {
  it('the simulated lead does not submit a second record, and signs the person’s', () => {
    const b = MONDAY + 8 * HOUR;
    const person = { handoverId: 'h-person', by: 'someone', accepted: false };
    const events = createSimulation({ seed: SEED, start: MONDAY, existingHandover: (x) => (x === b ? person : null) }).nextUntil(MONDAY + 9 * HOUR);
    expect(of(events, 'handover.submitted').map((s) => s.shiftStart)).toEqual([MONDAY]);
    expect(of(events, 'handover.accepted').map((a) => a.handoverId)).toEqual([`ho-2025-11-24-0000`, 'h-person']);
    // one already signed, or written by the very lead who would sign it: nothing
    for (const held of [{ ...person, accepted: true }, { ...person, by: of(events, 'handover.accepted')[1]!.by }]) {
      const quiet = createSimulation({ seed: SEED, start: MONDAY, existingHandover: (x) => (x === b ? held : null) }).nextUntil(MONDAY + 9 * HOUR);
      expect(of(quiet, 'handover.accepted').map((a) => a.handoverId)).toEqual([`ho-2025-11-24-0000`]);
    }
  });
});

describe('shifts from the configuration', () => {
  it('rosters and hands over the configured shifts', () => {
    const cfg = buildConfig({ shifts: [{ name: '白班', start: '08:00' }, { name: '夜班', start: '20:00' }] }, TZ);
    const events = createSimulation({ seed: 5, start: MONDAY + 8 * HOUR, shifts: cfg.shifts }).nextUntil(MONDAY + 3 * DAY);
    const rosters = of(events, 'roster.published');
    expect(new Set(rosters.flatMap((r) => r.entries.map((e) => e.shift)))).toEqual(new Set(['白班', '夜班']));
    expect(of(events, 'handover.submitted').map((s) => hhmm(s.shiftStart))).toEqual(['0800', '2000', '0800', '2000', '0800', '2000']);
    const absent: number[] = [];
    const present: number[] = [];
    replay(events, [MONDAY + DAY + 9 * HOUR, MONDAY + DAY + 21 * HOUR], cfg, (_, snap) => {
      absent.push(snap.attendance!.absent.length);
      present.push(snap.attendance!.present);
    });
    expect(absent.every((n) => n <= 1)).toBe(true);
    expect(present.every((n) => n >= 4)).toBe(true);
  });
});
