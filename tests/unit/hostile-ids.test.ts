/**
 * Ids come from outside, and some outside ids are the names of JavaScript's own properties. A
 * `"__proto__"` agent once took every node down. Property: over random event streams whose every
 * id (agent, call, seat, queue, ticket, incident, alert) is drawn from Object.prototype's names,
 * other built-in names and keywords, the core never throws, never touches a prototype, shows every
 * agent once, and patches still rebuild the snapshot; the stored state round-trips.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { hotlineEvent, type HotlineEvent } from '../../shared/events';
import { applyPatch } from '../../shared/patch';
import type { Snapshot } from '../../shared/snapshot';
import { derive } from '../../server/core/derive';
import { diff } from '../../server/core/diff';
import { Reducer } from '../../server/core/reduce';
import { decodeState, encodeState } from '../../server/core/state';
import { sh } from '../helpers/events';

const config = defaultConfig();

const HOSTILE = [
  ...Object.getOwnPropertyNames(Object.prototype), // __proto__, constructor, toString, hasOwnProperty, …
  ...['prototype', 'call', 'apply', 'bind', 'length', 'name', 'map', 'push', 'then', 'toJSON', 'Symbol(Symbol.iterator)'],
  ...['class', 'function', 'return', 'this', 'null', 'undefined', 'NaN', 'Infinity', 'delete', 'new', 'typeof', 'in', 'of', 'await'],
  ...['1001', '0', '-1', '1e3', 'general', 'specialist', 'A01'],
];

const idArb = fc.constantFrom(...HOSTILE);

/** One event with hostile ids; `ts` is filled in by the stream builder. */
const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant('agent.login'), agentId: idArb, name: idArb }),
  fc.record({ type: fc.constant('agent.signin'), agentId: idArb, seat: idArb }),
  fc.record({ type: fc.constant('agent.busy'), agentId: idArb, reason: idArb }),
  fc.record({ type: fc.constantFrom('agent.ready', 'agent.signout', 'agent.logout'), agentId: idArb }),
  fc.record({ type: fc.constant('call.queued'), callId: idArb, queue: idArb, caller: fc.constantFrom('13812345678', '5624108') }),
  fc.record({ type: fc.constantFrom('call.ringing', 'call.answered', 'call.rona'), callId: idArb, agentId: idArb }),
  fc.record({ type: fc.constantFrom('call.abandoned', 'call.ended'), callId: idArb }),
  fc.record({ type: fc.constant('call.transferred'), callId: idArb, agentId: idArb, queue: idArb }),
  fc.record({ type: fc.constant('callback.completed'), callId: idArb, agentId: idArb }),
  fc.record({ type: fc.constant('ticket.created'), ticketId: idArb, category: fc.constant('gas_heating'), kind: fc.constant('complaint'), callId: idArb }),
  fc.record({ type: fc.constant('incident.raised'), incidentId: idArb, title: idArb, severity: fc.constantFrom('urgent', 'major'), location: idArb }),
  fc.record({ type: fc.constant('incident.acknowledged'), incidentId: idArb, by: idArb, role: fc.constantFrom('lead', 'director') }),
  fc.record({ type: fc.constant('incident.escalated'), incidentId: idArb, by: idArb, to: fc.constantFrom('director', 'external') }),
  fc.record({ type: fc.constant('incident.resolved'), incidentId: idArb, by: idArb }),
  fc.record({ type: fc.constant('alert.acknowledged'), alertId: idArb, by: idArb }),
);

const streamArb = fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 90_000 })), { minLength: 1, maxLength: 120 });

const prototypeNames = () => ({
  object: Object.getOwnPropertyNames(Object.prototype).sort(),
  array: Object.getOwnPropertyNames(Array.prototype).sort(),
});

describe('ids named like JavaScript built-ins', () => {
  it('every generated event is valid under the contract (the ids really reach the core)', () => {
    fc.assert(
      fc.property(eventArb, (e) => hotlineEvent.safeParse({ v: 1, id: 'x', ts: 1, ...e }).success),
      { seed: 8, numRuns: 300 },
    );
  });

  it('never make the core throw, never touch a prototype, and patches still rebuild the snapshot', () => {
    const before = prototypeNames();
    fc.assert(
      fc.property(streamArb, (stream) => {
        const reducer = new Reducer(config);
        let now = sh(2026, 11, 29, 7, 50);
        let prev = derive(reducer.state, now, config, '0-0');
        const client: Snapshot = JSON.parse(JSON.stringify(prev));
        const agents = new Set<string>();
        stream.forEach(([fields, gap], i) => {
          now += gap;
          const e = hotlineEvent.parse({ v: 1, id: `e${i}`, ts: now, ...fields }) as HotlineEvent;
          reducer.apply(e, `${now}-${i}`);
          if (e.type.startsWith('agent.') && 'agentId' in e && e.agentId) agents.add(e.agentId);
          const next = derive(reducer.state, now, config, `${now}-${i}`);
          applyPatch(client, JSON.parse(JSON.stringify({ cursor: next.cursor, serverTime: next.serverTime, ops: diff(prev, next) })));
          prev = next;
        });
        // a clock tick well after the stream: waits, overdue callbacks, ladders all move
        const later = derive(reducer.state, now + 3_600_000, config, prev.cursor);
        applyPatch(client, JSON.parse(JSON.stringify({ cursor: later.cursor, serverTime: later.serverTime, ops: diff(prev, later) })));
        expect(client).toEqual(JSON.parse(JSON.stringify(later)));
        const shown = later.agents.map((a) => a.id);
        expect(new Set(shown).size).toBe(shown.length);
        for (const id of agents) expect(shown).toContain(id);
        // the stored state round-trips: a restarted node carries on identically
        const copy = new Reducer(config, decodeState(encodeState(reducer.state), config)!);
        expect(derive(copy.state, now + 60_000, config, 'x')).toEqual(derive(reducer.state, now + 60_000, config, 'x'));
      }),
      { seed: 20261129, numRuns: 150 },
    );
    expect(prototypeNames()).toEqual(before);
    expect(({} as Record<string, unknown>)['waiting']).toBeUndefined();
  });

  it('the event of the review: an agent "__proto__" signs in and is shown like any other', () => {
    const r = new Reducer(config);
    const t = sh(2026, 11, 29, 10, 0);
    const e = (type: string, extra: Record<string, unknown>, n: number) => hotlineEvent.parse({ v: 1, id: `p${n}`, type, ts: t + n, ...extra }) as HotlineEvent;
    r.apply(e('agent.login', { agentId: '__proto__' }, 1));
    r.apply(e('agent.signin', { agentId: '__proto__', seat: 'constructor' }, 2));
    r.apply(e('call.queued', { callId: 'toString', queue: '__proto__' }, 3));
    const s = derive(r.state, t + 20_000, config, '1-0');
    expect(s.agents).toEqual([{ id: '__proto__', name: null, seat: 'constructor', state: 'available', since: t + 2, reason: null, callId: null }]);
    expect(Object.keys(s.queue.byQueue)).toEqual(['general', 'specialist', '__proto__']);
    expect(s.queue.byQueue['__proto__']).toEqual({ waiting: 1, longestWaitSec: 19.997 });
    expect(s.alerts.map((a) => a.id)).toContain(`call_waiting:toString:${t + 3}`);
  });
});
