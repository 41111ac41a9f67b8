/**
 * Property: applying every patch in order to the first snapshot gives the latest snapshot, over
 * random event sequences (seeded), with clock ticks in between. Also: patches follow the change.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import { applyPatch } from '../../shared/patch';
import type { Snapshot } from '../../shared/snapshot';
import { derive } from '../../server/core/derive';
import { diff } from '../../server/core/diff';
import { Reducer } from '../../server/core/reduce';
import { ev, sh } from '../helpers/events';
import { mulberry32 as rng } from '../../server/simulator/prng';

const config = defaultConfig();

function randomEvent(r: () => number, ts: number): HotlineEvent {
  const agent = `${1000 + Math.floor(r() * 12)}`;
  const call = `c${Math.floor(r() * 25)}`;
  const pick = <T,>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  switch (pick(['agent', 'agent', 'call', 'call', 'call', 'call', 'other'] as const)) {
    case 'agent':
      return pick([
        () => ev('agent.login', ts, { agentId: agent, name: `坐席${agent}` }),
        () => ev('agent.signin', ts, { agentId: agent, seat: `A${agent.slice(2)}` }),
        () => ev('agent.busy', ts, { agentId: agent, reason: pick(['break', 'meal']) }),
        () => ev('agent.ready', ts, { agentId: agent }),
        () => ev('agent.signout', ts, { agentId: agent }),
        () => ev('agent.logout', ts, { agentId: agent }),
      ])();
    case 'call':
      return pick([
        () => ev('call.queued', ts, { callId: call, caller: r() < 0.8 ? `138${Math.floor(r() * 1e8)}` : undefined }),
        () => ev('call.ringing', ts, { callId: call, agentId: agent }),
        () => ev('call.answered', ts, { callId: call, agentId: agent }),
        () => ev('call.rona', ts, { callId: call, agentId: agent }),
        () => ev('call.abandoned', ts, { callId: call }),
        () => ev('call.transferred', ts, { callId: call, agentId: agent, queue: 'specialist' }),
        () => ev('call.ended', ts, { callId: call }),
        () => ev('callback.completed', ts, { callId: call, agentId: agent }),
      ])();
    default:
      return pick([
        () => ev('ticket.created', ts, { ticketId: `k${ts}`, category: pick(['city_order', 'sanitation', 'gas_heating'] as const), kind: 'complaint' }),
        () => ev('incident.raised', ts, { incidentId: `i${Math.floor(r() * 3)}`, title: '供水主管道爆裂', severity: pick(['urgent', 'major'] as const) }),
        () => ev('incident.acknowledged', ts, { incidentId: `i${Math.floor(r() * 3)}`, by: '张', role: pick(['lead', 'director'] as const) }),
        () => ev('incident.resolved', ts, { incidentId: `i${Math.floor(r() * 3)}`, by: '张' }),
      ])();
  }
}

describe('patches', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('replaying every patch onto the first snapshot equals the latest (seed %i)', (seed) => {
    const r = rng(seed);
    const reducer = new Reducer(config);
    let now = sh(2026, 11, 29, 7, 40); // crosses the 08:00 shift boundary
    let prev = derive(reducer.state, now, config, '0-0');
    const client: Snapshot = structuredClone(prev);
    for (let i = 0; i < 400; i++) {
      now += Math.floor(r() * 8000);
      const e = randomEvent(r, now - Math.floor(r() * 3000));
      if (r() < 0.85) reducer.apply(e, `${now}-${i}`);
      const next = derive(reducer.state, now, config, `${now}-${i}`);
      const ops = diff(prev, next);
      // patches travel as JSON
      applyPatch(client, JSON.parse(JSON.stringify({ cursor: next.cursor, serverTime: next.serverTime, ops })));
      prev = next;
    }
    expect(client).toEqual(prev);
    expect(reducer.state.counters.applied).toBeGreaterThan(300);
  });

  it('a patch follows the change, not the state: one agent going busy among 300', () => {
    const reducer = new Reducer(config);
    const t = sh(2026, 11, 29, 10, 0);
    for (let i = 0; i < 300; i++) reducer.apply(ev('agent.signin', t, { agentId: `${2000 + i}`, seat: `S${i}` }));
    const before = derive(reducer.state, t + 1000, config, '1-0');
    reducer.apply(ev('agent.busy', t + 1000, { agentId: '2100', reason: 'break' }));
    const after = derive(reducer.state, t + 1000, config, '2-0');
    const ops = diff(before, after);
    const patchSize = JSON.stringify(ops).length;
    expect(patchSize).toBeLessThan(JSON.stringify(after).length / 50);
    expect(ops.find((o) => o.op === 'list' && o.path[0] === 'agents')).toMatchObject({ upsert: [{ id: '2100', state: 'busy' }], remove: [] });
  });

  it('no operations when nothing changed', () => {
    const reducer = new Reducer(config);
    reducer.apply(ev('agent.signin', sh(2026, 11, 29, 10, 0), { agentId: 'a' }));
    const a = derive(reducer.state, sh(2026, 11, 29, 10, 1), config, '1-0');
    const b = derive(reducer.state, sh(2026, 11, 29, 10, 1), config, '1-0');
    expect(diff(a, b)).toEqual([]);
  });
});
