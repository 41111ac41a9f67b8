/** Table-driven reducer tests: agent state machine, calls, idempotency, odd sequences. */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import { derive } from '../../server/core/derive';
import { Reducer } from '../../server/core/reduce';
import { PRUNE_EVERY } from '../../server/core/prune';
import { decodeState, encodeState } from '../../server/core/state';
import { ev } from '../helpers/events';

const config = defaultConfig();
const T = Date.UTC(2026, 10, 29, 2, 0, 0); // 10:00 Shanghai

function run(events: HotlineEvent[]) {
  const r = new Reducer(config);
  for (const e of events) r.apply(e);
  return r;
}

describe('agent states', () => {
  const cases: { name: string; events: HotlineEvent[]; state: string; since: number; reason?: string | null }[] = [
    { name: 'login → logged_in', events: [ev('agent.login', T, { agentId: 'a' })], state: 'logged_in', since: T },
    { name: 'signin → available', events: [ev('agent.login', T, { agentId: 'a' }), ev('agent.signin', T + 5, { agentId: 'a' })], state: 'available', since: T + 5 },
    { name: 'an event for an unknown agent creates it', events: [ev('agent.busy', T, { agentId: 'a', reason: 'meal' })], state: 'busy', since: T, reason: 'meal' },
    {
      name: 'ready while available does not restart time in state',
      events: [ev('agent.signin', T, { agentId: 'a' }), ev('agent.ready', T + 9, { agentId: 'a' })],
      state: 'available',
      since: T,
    },
    {
      name: 'a new busy reason restarts time in state',
      events: [ev('agent.busy', T, { agentId: 'a', reason: 'break' }), ev('agent.busy', T + 9, { agentId: 'a', reason: 'meal' })],
      state: 'busy',
      since: T + 9,
      reason: 'meal',
    },
    {
      name: 'the same busy reason does not',
      events: [ev('agent.busy', T, { agentId: 'a', reason: 'break' }), ev('agent.busy', T + 9, { agentId: 'a', reason: 'break' })],
      state: 'busy',
      since: T,
      reason: 'break',
    },
    { name: 'signout → logged_in', events: [ev('agent.signin', T, { agentId: 'a' }), ev('agent.signout', T + 3, { agentId: 'a' })], state: 'logged_in', since: T + 3 },
    { name: 'logout → offline', events: [ev('agent.signin', T, { agentId: 'a' }), ev('agent.logout', T + 3, { agentId: 'a' })], state: 'offline', since: T + 3 },
    {
      name: 'ringing, then rona → available',
      events: [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' }), ev('call.ringing', T + 1, { callId: 'c', agentId: 'a' }), ev('call.rona', T + 9, { callId: 'c', agentId: 'a' })],
      state: 'available',
      since: T + 9,
    },
    {
      name: 'answered → talking, ended → wrapup',
      events: [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' }), ev('call.answered', T + 2, { callId: 'c', agentId: 'a' }), ev('call.ended', T + 30, { callId: 'c' })],
      state: 'wrapup',
      since: T + 30,
    },
    {
      name: 'abandoned while ringing → available',
      events: [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' }), ev('call.ringing', T + 1, { callId: 'c', agentId: 'a' }), ev('call.abandoned', T + 4, { callId: 'c' })],
      state: 'available',
      since: T + 4,
    },
    {
      name: 'transferred → wrapup',
      events: [ev('call.queued', T, { callId: 'c' }), ev('call.answered', T + 2, { callId: 'c', agentId: 'a' }), ev('call.transferred', T + 40, { callId: 'c', agentId: 'a', queue: 'specialist' })],
      state: 'wrapup',
      since: T + 40,
    },
  ];
  it.each(cases)('$name', ({ events, state, since, reason }) => {
    const a = run(events).state.agents.get('a')!;
    expect(a.state).toBe(state);
    expect(a.since).toBe(since);
    if (reason !== undefined) expect(a.reason).toBe(reason);
  });
});

describe('calls', () => {
  it('a transferred call waits again in the new queue, from the transfer', () => {
    const r = run([ev('call.queued', T, { callId: 'c' }), ev('call.answered', T + 2000, { callId: 'c', agentId: 'a' }), ev('call.transferred', T + 40_000, { callId: 'c', agentId: 'a', queue: 'specialist' })]);
    const snap = derive(r.state, T + 50_000, config, '1-0');
    expect(snap.queue.calls).toEqual([{ callId: 'c', queue: 'specialist', since: T + 40_000, caller: null, agentId: null }]);
    expect(snap.queue.byQueue.specialist).toEqual({ waiting: 1, longestWaitSec: 10 });
    // only the first wait counts toward the service level
    expect(snap.today).toMatchObject({ offered: 1, answered: 1, answeredInSL: 1, asaSec: 2 });
  });

  it('a ringing call is still waiting, and shows the agent it rings at', () => {
    const r = run([ev('call.queued', T, { callId: 'c' }), ev('call.ringing', T + 1000, { callId: 'c', agentId: 'a' })]);
    const snap = derive(r.state, T + 3000, config, '1-0');
    expect(snap.queue.waiting).toBe(1);
    expect(snap.queue.calls[0]!.agentId).toBe('a');
  });

  it('a missed call without a known caller needs no callback', () => {
    const r = run([ev('call.queued', T, { callId: 'c' }), ev('call.abandoned', T + 9000, { callId: 'c' })]);
    expect(derive(r.state, T + 10_000, config, '1-0').missedCalls).toEqual([]);
  });

  it('callback.completed clears the missed call and records who returned it', () => {
    const r = run([
      ev('call.queued', T, { callId: 'c', caller: '13812345678' }),
      ev('call.abandoned', T + 9000, { callId: 'c' }),
      ev('callback.completed', T + 600_000, { callId: 'c', agentId: '1001', reached: true }),
    ]);
    const snap = derive(r.state, T + 700_000, config, '1-0');
    expect(snap.missedCalls).toEqual([]);
    expect(snap.returnedCalls).toEqual([{ callId: 'c', caller: '138****5678', abandonedAt: T + 9000, returnedBy: '1001', returnedAt: T + 600_000, reached: true, late: false }]);
    expect(snap.callbacks).toEqual({ returnedToday: 1, returnedLateToday: 0, overdueNow: 0 });
  });

  it('a late call.queued never puts an answered call back to waiting; it may correct when it was first queued', () => {
    const r = run([
      ev('agent.signin', T, { agentId: 'a' }),
      ev('call.queued', T + 5000, { callId: 'c' }),
      ev('call.answered', T + 8000, { callId: 'c', agentId: 'a' }),
      ev('call.queued', T + 1000, { callId: 'c' }), // delivered late, happened first
      ev('call.queued', T + 9000, { callId: 'c' }), // a duplicate from another source
    ]);
    const snap = derive(r.state, T + 3 * 3_600_000, config, '1-0');
    expect(snap.queue.waiting).toBe(0);
    expect(snap.alerts.filter((x) => x.rule === 'call_waiting')).toEqual([]);
    expect(snap.agents[0]).toMatchObject({ state: 'talking', callId: 'c', since: T + 8000 });
    expect(snap.today).toMatchObject({ offered: 1, answered: 1, asaSec: 7 });
    expect(r.state.counters.anomalies).toBe(2);
  });

  it('a late call.queued leaves an ended or abandoned call as it was', () => {
    const r = run([
      ev('call.queued', T, { callId: 'c', caller: '13812345678' }),
      ev('call.abandoned', T + 4000, { callId: 'c' }),
      ev('call.queued', T + 6000, { callId: 'c' }),
    ]);
    const snap = derive(r.state, T + 60_000, config, '1-0');
    expect(snap.queue.waiting).toBe(0);
    expect(snap.missedCalls.map((m) => m.callId)).toEqual(['c']);
    expect(snap.today).toMatchObject({ offered: 1, abandoned: 1, shortAbandoned: 1 });
  });

  it('a missed call becomes overdue just after callbackDueMin', () => {
    const r = run([ev('call.queued', T, { callId: 'c', caller: '13812345678' }), ev('call.abandoned', T, { callId: 'c' })]);
    expect(derive(r.state, T + 1_800_000, config, '1-0').missedCalls[0]!.overdue).toBe(false);
    expect(derive(r.state, T + 1_800_001, config, '1-0').missedCalls[0]!.overdue).toBe(true);
    expect(derive(r.state, T + 1_800_001, config, '1-0').callbacks.overdueNow).toBe(1);
  });
});

describe('idempotency and odd input', () => {
  it('an event id applied before changes nothing and is counted', () => {
    const e = ev('call.queued', T, { callId: 'c' });
    const r = run([e, { ...e }, { ...e, ts: T + 5 }]);
    expect([...r.state.calls.keys()]).toEqual(['c']);
    expect(r.state.counters.duplicates).toBe(2);
  });

  it('ids are remembered for at least 24 hours of log time, then forgotten (bounded memory)', () => {
    const r = new Reducer(config);
    const first = ev('agent.login', T, { agentId: 'a' });
    r.apply(first, `${T}-0`);
    // more than one pruning point's worth of events, spread over 17.5 hours of log time
    const n = PRUNE_EVERY + 100;
    for (let i = 1; i <= n; i++) r.apply(ev('agent.ready', T + i, { agentId: 'a' }), `${T + Math.floor((i * 63_000_000) / n)}-0`);
    expect(r.apply(first, `${T + 24 * 3_600_000}-0`)).toBe(false);
    for (let i = 0; i < n; i++) r.apply(ev('agent.ready', T, { agentId: 'a' }), `${T + 43 * 3_600_000 + i}-0`);
    expect(r.state.seen.ids.length).toBeLessThan(n + 100);
    expect(r.state.seen.at.length).toBe(r.state.seen.ids.length);
    expect(r.apply(first, `${T + 44 * 3_600_000}-0`)).toBe(true);
  });

  const odd: { name: string; events: HotlineEvent[]; anomalies: number }[] = [
    { name: 'answered without queued', events: [ev('call.answered', T, { callId: 'x', agentId: 'a' })], anomalies: 1 },
    { name: 'ended twice', events: [ev('call.queued', T, { callId: 'x' }), ev('call.answered', T, { callId: 'x', agentId: 'a' }), ev('call.ended', T, { callId: 'x' }), ev('call.ended', T, { callId: 'x' })], anomalies: 1 },
    { name: 'callback for an unknown call', events: [ev('callback.completed', T, { callId: 'x', agentId: 'a' })], anomalies: 1 },
    { name: 'ack of an unknown incident', events: [ev('incident.acknowledged', T, { incidentId: 'i', by: 'x', role: 'lead' })], anomalies: 1 },
    { name: 'rona for a call not ringing there', events: [ev('call.queued', T, { callId: 'x' }), ev('call.rona', T, { callId: 'x', agentId: 'a' })], anomalies: 1 },
    { name: 'the same ticket twice', events: [ev('ticket.created', T, { ticketId: 't', category: 'other', kind: 'complaint' }), ev('ticket.created', T, { ticketId: 't', category: 'other', kind: 'complaint' })], anomalies: 1 },
  ];
  it.each(odd)('$name is applied as far as it makes sense and counted', ({ events, anomalies }) => {
    const r = run(events);
    expect(r.state.counters.anomalies).toBe(anomalies);
    expect(() => derive(r.state, T + 1000, config, '1-0')).not.toThrow();
  });

  it('a ts earlier than what it follows gives durations clamped at zero', () => {
    const r = run([ev('call.queued', T, { callId: 'c' }), ev('call.answered', T - 5000, { callId: 'c', agentId: 'a' }), ev('call.ended', T - 9000, { callId: 'c' })]);
    const snap = derive(r.state, T, config, '1-0');
    expect(snap.today.asaSec).toBe(0);
    expect(snap.today.avgTalkSec).toBe(0);
  });

  it('a stored state of another version, or not a state, is not loaded', () => {
    const v1 = JSON.stringify({ v: 1, agents: {}, calls: {}, missed: {}, tickets: [], incidents: {}, alertAcks: {}, seats: {}, noAgentSince: {}, seen: [] });
    expect(decodeState(v1, config)).toBeNull();
    expect(decodeState('[]', config)).toBeNull();
    expect(decodeState('{"v":2,"agents":{}}', config)).toBeNull();
  });

  it('the state survives the snapshot encoding round trip and carries on identically', () => {
    const events = [ev('call.queued', T, { callId: 'c', caller: '13812345678' }), ev('call.answered', T + 3000, { callId: 'c', agentId: 'a' })];
    const a = run(events);
    const b = new Reducer(config, decodeState(encodeState(a.state), config)!);
    const more = [ev('call.ended', T + 9000, { callId: 'c' }), events[0]!];
    for (const e of more) {
      a.apply(e);
      b.apply(e);
    }
    expect(b.state).toEqual(a.state);
    expect(b.state.counters.duplicates).toBe(1);
  });
});
