import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSimulation, startSimulator } from '../../server/simulator';
import { parseEvent, type HotlineEvent } from '../../shared/events';
import type { AgentState } from '../../shared/snapshot';
import { localParts, zonedEpoch } from '../../shared/time';

const TZ = 'Asia/Shanghai';
const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Friday 28 November 2025, 00:00 in Heze */
const MIDNIGHT = zonedEpoch(2025, 11, 28, 0, TZ);

const dayCache = new Map<number, HotlineEvent[]>();
/** One whole simulated local day from midnight, computed once per seed. */
function simulatedDay(seed: number): HotlineEvent[] {
  let events = dayCache.get(seed);
  if (!events) {
    events = createSimulation({ seed, start: MIDNIGHT }).nextUntil(MIDNIGHT + DAY - 1);
    dayCache.set(seed, events);
  }
  return events;
}

const count = (events: HotlineEvent[], type: HotlineEvent['type']) => events.filter((e) => e.type === type).length;

/**
 * A tiny model of the wallboard's state machine (EVENTS.md): it lists every event that does not fit
 * what came before, e.g. an answer for an unknown call or a ring at an agent who is talking.
 */
function inconsistencies(events: readonly HotlineEvent[]): string[] {
  const problems: string[] = [];
  const agents = new Map<string, { state: AgentState; seat: string | null; call: string | null }>();
  const seats = new Map<string, string>();
  const calls = new Map<string, { status: string; agent: string | null; caller?: string; lastAgent: string | null }>();
  const returned = new Set<string>();
  const tickets = new Map<string, { dispatched: boolean; closed: boolean; open?: boolean }>();
  const incidents = new Map<string, { reported: boolean; resolved: boolean }>();
  const handovers = new Map<string, { by: string; accepted: boolean }>();
  /** a successor signed in beside a predecessor still at the seat (第二十九条): the predecessor must leave soon */
  const sharing = new Map<string, { seat: string; since: number; id: string }>();
  const ids = new Set<string>();
  let lastTs = 0;

  for (const e of events) {
    const bad = (why: string) => problems.push(`${e.id} ${e.type}: ${why}`);
    if (ids.has(e.id)) bad('duplicate id');
    ids.add(e.id);
    if (e.ts < lastTs) bad('time went back');
    lastTs = e.ts;
    const agentOf = (id: string) => {
      let a = agents.get(id);
      if (!a) agents.set(id, (a = { state: 'offline', seat: null, call: null }));
      return a;
    };
    const expectState = (id: string, ...states: AgentState[]) => {
      const a = agentOf(id);
      if (!states.includes(a.state)) bad(`agent ${id} is ${a.state}, expected ${states.join('/')}`);
      return a;
    };
    switch (e.type) {
      case 'agent.login':
        expectState(e.agentId, 'offline').state = 'logged_in';
        break;
      case 'agent.signin': {
        const a = expectState(e.agentId, 'logged_in');
        if (!e.seat) bad('no seat');
        else {
          const holder = seats.get(e.seat);
          if (holder !== undefined) {
            if (sharing.has(holder)) bad(`seat ${e.seat} taken by ${holder}, already handed over`);
            else sharing.set(holder, { seat: e.seat, since: e.ts, id: e.id });
          }
          seats.set(e.seat, e.agentId);
        }
        Object.assign(a, { state: 'available', seat: e.seat ?? null });
        break;
      }
      case 'agent.busy':
        expectState(e.agentId, 'available', 'wrapup').state = 'busy';
        break;
      case 'agent.ready':
        expectState(e.agentId, 'wrapup', 'busy').state = 'available';
        break;
      case 'agent.signout':
      case 'agent.logout': {
        // a logout straight from a seat closes it (nobody takes it over at the boundary)
        const a = e.type === 'agent.signout' ? expectState(e.agentId, 'available', 'wrapup', 'busy') : expectState(e.agentId, 'logged_in', 'available', 'wrapup', 'busy');
        if (a.call) bad('leaves during a call');
        if (a.seat && seats.get(a.seat) === e.agentId) seats.delete(a.seat);
        const shared = sharing.get(e.agentId);
        if (shared && e.ts - shared.since > 30 * MIN) bad(`left seat ${shared.seat} more than 30 min after the successor sat down`);
        sharing.delete(e.agentId);
        Object.assign(a, { state: e.type === 'agent.signout' ? 'logged_in' : 'offline', seat: null });
        break;
      }
      case 'call.queued':
        if (calls.has(e.callId)) bad('call queued twice');
        calls.set(e.callId, { status: 'waiting', agent: null, caller: e.caller, lastAgent: null });
        break;
      case 'call.ringing': {
        const c = calls.get(e.callId);
        if (c?.status !== 'waiting') bad(`call is ${c?.status ?? 'unknown'}`);
        Object.assign(expectState(e.agentId, 'available'), { state: 'ringing', call: e.callId });
        if (c) Object.assign(c, { status: 'ringing', agent: e.agentId });
        break;
      }
      case 'call.answered': {
        const c = calls.get(e.callId);
        if (c?.status !== 'ringing' || c.agent !== e.agentId) bad(`call is ${c?.status ?? 'unknown'} at ${c?.agent}`);
        const a = expectState(e.agentId, 'ringing');
        if (a.call !== e.callId) bad('agent rings with another call');
        a.state = 'talking';
        if (c) c.status = 'talking';
        break;
      }
      case 'call.rona': {
        const c = calls.get(e.callId);
        if (c?.status !== 'ringing' || c.agent !== e.agentId) bad('not ringing there');
        Object.assign(expectState(e.agentId, 'ringing'), { state: 'available', call: null });
        if (c) Object.assign(c, { status: 'waiting', agent: null });
        break;
      }
      case 'call.abandoned': {
        const c = calls.get(e.callId);
        if (c?.status !== 'waiting' && c?.status !== 'ringing') bad(`call is ${c?.status ?? 'unknown'}`);
        if (c?.status === 'ringing' && c.agent) Object.assign(agentOf(c.agent), { state: 'available', call: null });
        if (c) Object.assign(c, { status: 'abandoned', agent: null });
        break;
      }
      case 'call.transferred': {
        const c = calls.get(e.callId);
        if (c?.status !== 'talking' || c.agent !== e.agentId) bad('transfer of a call not talking with that agent');
        Object.assign(expectState(e.agentId, 'talking'), { state: 'wrapup', call: null });
        if (c) Object.assign(c, { status: 'waiting', agent: null });
        break;
      }
      case 'call.ended': {
        const c = calls.get(e.callId);
        if (c?.status !== 'talking' || !c.agent) bad(`call is ${c?.status ?? 'unknown'}`);
        else {
          Object.assign(expectState(c.agent, 'talking'), { state: 'wrapup', call: null });
          Object.assign(c, { status: 'done', lastAgent: c.agent, agent: null });
        }
        break;
      }
      case 'callback.completed': {
        const c = calls.get(e.callId);
        if (c?.status !== 'abandoned' || !c.caller) bad('callback for a call that is not a missed call with a number');
        if (returned.has(e.callId)) bad('returned twice');
        returned.add(e.callId);
        expectState(e.agentId, 'available');
        break;
      }
      case 'ticket.created': {
        const c = e.callId ? calls.get(e.callId) : undefined;
        if (c?.status !== 'done' || c.lastAgent !== e.agentId) bad('ticket for a call that agent did not end');
        if (tickets.has(e.ticketId)) bad('ticket twice');
        tickets.set(e.ticketId, { dispatched: false, closed: false });
        break;
      }
      case 'ticket.dispatched':
      case 'ticket.returned':
      case 'ticket.replied':
      case 'ticket.followup':
      case 'ticket.supervised':
      case 'ticket.closed': {
        // a ticket's life after the call: a dispatch first, nothing after its closing; returns and replies of a dispatch
        const t = tickets.get(e.ticketId);
        if (!t) bad('about a ticket never created');
        else if (t.closed) bad('after the ticket was closed');
        else if (e.type === 'ticket.dispatched') t.dispatched = true;
        else if (!t.dispatched) bad('before the ticket was dispatched');
        else if (e.type === 'ticket.returned' || e.type === 'ticket.replied') {
          if (!t.open) bad(`${e.type} without an open dispatch`);
        }
        if (t && e.type === 'ticket.dispatched') t.open = true;
        if (t && (e.type === 'ticket.returned' || e.type === 'ticket.replied')) t.open = false;
        if (t && e.type === 'ticket.closed') t.closed = true;
        break;
      }
      case 'incident.raised': {
        const c = e.callId ? calls.get(e.callId) : undefined;
        if (c?.status !== 'talking' || c.agent !== e.agentId) bad('raised outside a call with that agent');
        if (incidents.has(e.incidentId)) bad('raised twice');
        incidents.set(e.incidentId, { reported: false, resolved: false });
        break;
      }
      case 'incident.acknowledged':
      case 'incident.escalated':
      case 'incident.reported':
      case 'incident.resolved': {
        const i = incidents.get(e.incidentId);
        if (!i || i.resolved) bad('unknown or closed incident');
        else if (e.type === 'incident.reported') i.reported = true;
        else if (e.type === 'incident.resolved') {
          if (!i.reported) bad('resolved before the report');
          i.resolved = true;
        }
        break;
      }
      case 'alert.acknowledged':
        bad('the simulator does not act for people on alerts');
        break;
      case 'handover.submitted':
        if (handovers.has(e.handoverId)) bad('submitted twice');
        handovers.set(e.handoverId, { by: e.by, accepted: false });
        break;
      case 'handover.accepted': {
        const h = handovers.get(e.handoverId);
        if (!h || h.accepted) bad('accepts an unknown or accepted handover');
        else if (h.by === e.by) bad('accepted by the lead who submitted it');
        else h.accepted = true;
        break;
      }
    }
  }
  for (const [agent, s] of sharing) if (lastTs - s.since > 30 * MIN) problems.push(`${s.id}: ${agent} never left seat ${s.seat} after the successor sat down`);
  return problems;
}

/** Agents signed in (available or working) at instant t, replaying the events up to t. */
function signedInAt(events: readonly HotlineEvent[], t: number): number {
  const on = new Set<string>();
  for (const e of events) {
    if (e.ts > t) break;
    if (e.type === 'agent.signin') on.add(e.agentId);
    if (e.type === 'agent.signout') on.delete(e.agentId);
  }
  return on.size;
}

describe('simulation (pure generator)', () => {
  it('gives the same events for the same seed, however time is sliced', () => {
    const a = simulatedDay(11);
    const sim = createSimulation({ seed: 11, start: MIDNIGHT });
    const sliced: HotlineEvent[] = [];
    for (let t = MIDNIGHT; t < MIDNIGHT + DAY - 1; t += 7 * MIN + 13) sliced.push(...sim.nextUntil(t));
    sliced.push(...sim.nextUntil(MIDNIGHT + DAY - 1));
    expect(sliced).toEqual(a);
    expect(createSimulation({ seed: 11, start: MIDNIGHT }).nextUntil(MIDNIGHT + DAY - 1)).toEqual(a);
  });

  it('gives different events for a different seed', () => {
    const a = simulatedDay(11).slice(0, 500);
    const b = createSimulation({ seed: 12, start: MIDNIGHT }).nextUntil(MIDNIGHT + 6 * HOUR).slice(0, 500);
    expect(b.map((e) => [e.type, e.ts])).not.toEqual(a.map((e) => [e.type, e.ts]));
  });

  it('emits only events the ingest contract accepts, in time order, with unique deterministic ids', () => {
    const events = simulatedDay(7);
    for (const [i, e] of events.entries()) {
      const r = parseEvent(JSON.parse(JSON.stringify(e)), i);
      if (!r.ok) expect.fail(`${JSON.stringify(e)}: ${JSON.stringify(r.issues)}`);
    }
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(events[0]!.id).toMatch(/^sim-7-/);
    expect(events.every((e, i) => i === 0 || e.ts >= events[i - 1]!.ts)).toBe(true);
    expect(events[0]!.ts).toBeGreaterThanOrEqual(MIDNIGHT);
  });

  it('has a consistent sequence of states over several days', () => {
    const events = createSimulation({ seed: 5, start: MIDNIGHT + 10 * HOUR + 17 * MIN, incidentsPerDay: 6 }).nextUntil(MIDNIGHT + 3 * DAY);
    expect(inconsistencies(events)).toEqual([]);
    expect(inconsistencies(simulatedDay(7))).toEqual([]);
    // it keeps going: every day has calls and people to take them
    for (let d = 1; d < 3; d++) {
      expect(events.filter((e) => e.type === 'call.answered' && e.ts >= MIDNIGHT + d * DAY && e.ts < MIDNIGHT + (d + 1) * DAY).length).toBeGreaterThan(500);
    }
  });

  it('the consistency checker itself catches a broken sequence', () => {
    const events = simulatedDay(7);
    const answer = events.find((e) => e.type === 'call.answered')!;
    const talking = answer.type === 'call.answered' ? answer.agentId : '';
    const tampered: HotlineEvent[] = [
      ...events.slice(0, events.indexOf(answer) + 1),
      { v: 1, id: 'x-1', type: 'call.answered', ts: answer.ts, callId: 'nope', agentId: '1001' },
      { v: 1, id: 'x-2', type: 'call.queued', ts: answer.ts, callId: 'x-call' },
      { v: 1, id: 'x-3', type: 'call.ringing', ts: answer.ts, callId: 'x-call', agentId: talking },
    ];
    const found = inconsistencies(tampered);
    expect(found.some((p) => p.startsWith('x-1'))).toBe(true);
    expect(found.some((p) => p.startsWith('x-3') && p.includes('talking'))).toBe(true);
    const ts = answer.ts;
    const ticketsFound = inconsistencies([
      ...events.filter((e) => e.ts <= ts),
      { v: 1, id: 'y-1', type: 'ticket.replied', ts, ticketId: 'nope', unit: '市环卫处' },
      { v: 1, id: 'y-2', type: 'ticket.closed', ts, ticketId: 'nope' },
    ]);
    expect(ticketsFound.filter((p) => p.startsWith('y-')).every((p) => p.includes('never created'))).toBe(true);
    expect(ticketsFound.filter((p) => p.startsWith('y-'))).toHaveLength(2);
  });

  it('produces a plausible day for a Heze-sized center', () => {
    const events = simulatedDay(7);
    const calls = count(events, 'call.queued');
    const abandoned = count(events, 'call.abandoned');
    const transferred = count(events, 'call.transferred');
    expect(calls).toBeGreaterThan(600);
    expect(calls).toBeLessThan(2000);
    expect(abandoned / calls).toBeGreaterThan(0.01);
    expect(abandoned / calls).toBeLessThan(0.2);
    expect(transferred / calls).toBeGreaterThan(0.02);
    expect(transferred / calls).toBeLessThan(0.1);
    expect(count(events, 'call.rona')).toBeGreaterThan(0);
    expect(count(events, 'ticket.created') / count(events, 'call.answered')).toBeGreaterThan(0.7);
    // after the call: most complaints dispatched the same day, the first replies already (the
    // follow-up calls come mostly the next day: the simulation opens at midnight)
    expect(count(events, 'ticket.dispatched')).toBeGreaterThan(300);
    expect(count(events, 'ticket.replied')).toBeGreaterThan(20);
    expect(count(events, 'ticket.followup')).toBeGreaterThan(0);

    const perHour = (h: number) => events.filter((e) => e.type === 'call.queued' && localParts(e.ts, TZ).hour === h).length;
    expect(perHour(10)).toBeGreaterThan(perHour(3) * 3);

    const categories = new Set(events.flatMap((e) => (e.type === 'ticket.created' ? [e.category] : [])));
    for (const c of ['city_order', 'sanitation', 'landscaping', 'municipal', 'illegal_construction', 'gas_heating']) expect(categories).toContain(c);

    const callers = new Map(events.flatMap((e) => (e.type === 'call.queued' ? [[e.callId, e.caller] as const] : [])));
    const missedWithCaller = events.filter((e) => e.type === 'call.abandoned' && callers.get(e.callId));
    expect(missedWithCaller.length).toBeGreaterThan(0);
    expect([...callers.values()].filter((c) => c === undefined).length).toBeGreaterThan(0);
    expect([...callers.values()].every((c) => c === undefined || /^(1\d{10}|0530\d{7})$/.test(c))).toBe(true);

    // about 4 on duty at night, about 14 by day
    expect(signedInAt(events, MIDNIGHT + 3 * HOUR)).toBeGreaterThanOrEqual(3);
    expect(signedInAt(events, MIDNIGHT + 3 * HOUR)).toBeLessThanOrEqual(6);
    expect(signedInAt(events, MIDNIGHT + 10 * HOUR)).toBeGreaterThanOrEqual(11);
    expect(signedInAt(events, MIDNIGHT + 10 * HOUR)).toBeLessThanOrEqual(16);
  });

  it('returns missed calls, mostly within 30 minutes', () => {
    const events = simulatedDay(7);
    const missed = new Map(events.flatMap((e) => (e.type === 'call.abandoned' ? [[e.callId, e.ts] as const] : [])));
    const delays = events.flatMap((e) => (e.type === 'callback.completed' ? [e.ts - missed.get(e.callId)!] : []));
    expect(delays.length).toBeGreaterThan(0);
    expect(delays.filter((d) => d <= 30 * MIN).length / delays.length).toBeGreaterThan(0.8);
  });

  it('hands seats over at the shift boundaries, mostly side by side, otherwise mostly within 30 s', () => {
    const events = createSimulation({ seed: 3, start: MIDNIGHT }).nextUntil(MIDNIGHT + 3 * DAY);
    const seatOf = new Map<string, string>();
    const holder = new Map<string, string>();
    const freedAt = new Map<string, number>();
    const gaps: number[] = [];
    let sideBySide = 0;
    let closed = 0;
    for (const e of events) {
      if (e.type === 'agent.signin' && e.seat) {
        seatOf.set(e.agentId, e.seat);
        // 第二十九条: the successor sits down, then the predecessor leaves
        if (holder.has(e.seat)) sideBySide++;
        const f = freedAt.get(e.seat);
        if (!holder.has(e.seat) && f !== undefined && e.ts - f < 30 * MIN) gaps.push(e.ts - f);
        holder.set(e.seat, e.agentId);
      }
      if (e.type === 'agent.signout' || e.type === 'agent.logout') {
        const seat = seatOf.get(e.agentId);
        if (seat && holder.get(seat) === e.agentId) {
          holder.delete(seat);
          freedAt.set(seat, e.ts);
          if (e.type === 'agent.logout') closed++;
        }
      }
    }
    // about 18 seats a day change hands (4 at 00:00 and 08:00, 14 at 16:00 less the late and absent)
    expect(sideBySide + gaps.length).toBeGreaterThan(40);
    expect(sideBySide).toBeGreaterThan(3 * gaps.length);
    expect(gaps.length).toBeGreaterThan(3);
    expect(gaps.filter((g) => g <= 30 * SEC).length / gaps.length).toBeGreaterThan(0.6);
    // the seats the night does not need close at midnight with their operators' logout
    expect(closed).toBeGreaterThanOrEqual(15);
  });

  it('raises incidents with a burst of calls, and walks the ladder when autoRespond is on', () => {
    const events = createSimulation({ seed: 9, start: MIDNIGHT, incidentsPerDay: 6 }).nextUntil(MIDNIGHT + DAY);
    const raised = events.filter((e) => e.type === 'incident.raised');
    expect(raised.length).toBeGreaterThanOrEqual(3);
    for (const r of raised) {
      const about = events.filter((e) => 'incidentId' in e && e.incidentId === r.incidentId && e.ts > r.ts);
      if (r.ts > MIDNIGHT + DAY - HOUR) continue;
      expect(about.map((e) => e.type)).toContain('incident.acknowledged');
      expect(about.map((e) => e.type)).toContain('incident.reported');
      expect(about.map((e) => e.type)).toContain('incident.resolved');
    }
    const quiet = createSimulation({ seed: 9, start: MIDNIGHT, incidentsPerDay: 6, autoRespond: false }).nextUntil(MIDNIGHT + DAY);
    expect(count(quiet, 'incident.raised')).toBeGreaterThan(0);
    expect(quiet.filter((e) => e.type.startsWith('incident.') && e.type !== 'incident.raised')).toEqual([]);
    expect(count(simulatedDay(7), 'incident.raised')).toBeGreaterThanOrEqual(1);
    expect(count(simulatedDay(7), 'incident.raised')).toBeLessThanOrEqual(3);
  });

  it('starting mid-shift, brings the current crew in first', () => {
    const start = MIDNIGHT + 10 * HOUR + 5 * MIN;
    const events = createSimulation({ seed: 4, start }).nextUntil(start + 15 * MIN);
    expect(count(events, 'agent.login')).toBeGreaterThanOrEqual(11);
    expect(events[0]!.ts).toBeGreaterThanOrEqual(start);
    expect(inconsistencies(events)).toEqual([]);
  });

  it('rejects bad options', () => {
    expect(() => createSimulation({ seed: 1, start: MIDNIGHT, timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => createSimulation({ seed: 1, start: MIDNIGHT, agents: 2 })).toThrow(/agents/);
  });
});

describe('startSimulator (runner)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  function fakeLog(failFirst = 0) {
    const batches: HotlineEvent[][] = [];
    let failures = failFirst;
    return {
      batches,
      all: () => batches.flat(),
      async append(events: readonly HotlineEvent[]): Promise<string[]> {
        if (failures-- > 0) throw new Error('redis down');
        batches.push([...events]);
        return events.map((_, i) => `${batches.length}-${i}`);
      },
    };
  }

  it('appends the warm-up history in batches, then live events in simulated time, until stopped', async () => {
    vi.useFakeTimers();
    let real = 5_000_000;
    const clock = { now: () => real };
    const log = fakeLog();
    const start = MIDNIGHT + 10 * HOUR;
    const sim = startSimulator({ log, clock, seed: 3, speed: 60, start, warmupFrom: 'midnight', batchSize: 500 });
    await sim.ready;

    const warm = log.all();
    expect(log.batches.every((b) => b.length <= 500)).toBe(true);
    expect(warm).toEqual(createSimulation({ seed: 3, start: MIDNIGHT }).nextUntil(start));
    expect(warm.length).toBeGreaterThan(1000);

    real += 10 * SEC; // 10 real seconds at speed 60 = 10 simulated minutes
    await vi.advanceTimersByTimeAsync(200);
    expect(sim.now()).toBe(start + 10 * MIN);
    const live = log.all().slice(warm.length);
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((e) => e.ts > start && e.ts <= start + 10 * MIN)).toBe(true);

    await sim.stop();
    expect(vi.getTimerCount()).toBe(0);
    const appended = log.all().length;
    real += 60 * SEC;
    await vi.advanceTimersByTimeAsync(5 * SEC);
    expect(log.all().length).toBe(appended);
  });

  it('retries a failed append without losing or repeating events', async () => {
    vi.useFakeTimers();
    let real = 0;
    const clock = { now: () => real };
    const log = fakeLog(2);
    const errors: unknown[] = [];
    const start = MIDNIGHT + 9 * HOUR;
    const sim = startSimulator({ log, clock, seed: 8, speed: 600, start, onError: (e) => errors.push(e) });
    for (let i = 0; i < 10; i++) {
      real += 200;
      await vi.advanceTimersByTimeAsync(200);
    }
    await sim.stop();
    expect(errors.length).toBe(2);
    const got = log.all();
    expect(got.length).toBeGreaterThan(0);
    expect(got).toEqual(createSimulation({ seed: 8, start }).nextUntil(got.at(-1)!.ts).slice(0, got.length));
    expect(new Set(got.map((e) => e.id)).size).toBe(got.length);
  });
});
