/**
 * The Feed's resync with a PBX that gives its own times and says more (FreeSWITCH's lists): the
 * corrections carry those times and come in the order things happened, a ring that ended in the gap
 * becomes a RONA, a talk the feed never saw is queued first, a wrap-up that began in the gap ends at
 * end + wrap-up time, and a new process neither resets signed-in agents nor forgets a running
 * wrap-up. The protocol-free side of tests/integration/adapter-freeswitch.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { HotlineEvent } from '../../shared/events';
import { Feed, type FeedEvent, type PbxAgent } from '../../server/adapters/pbx/common/feed';
import { manualTimers } from '../helpers/story';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function setup(now = 1_000_000) {
  const appended: HotlineEvent[] = [];
  const clock = { t: now };
  const timers = manualTimers();
  const due = timers.due;
  const feed = new Feed({ name: 'fs', sink: { append: async (e) => void appended.push(...e) }, now: () => clock.t, logger: quiet, timers });
  const fire = () => timers.fireAll();
  return { feed, appended, clock, due, fire };
}

const agent = (over: Partial<PbxAgent> & { agentId: string }): PbxAgent => ({ name: null, present: true, paused: false, reason: null, loginAt: null, pausedAt: null, inCall: false, wrapUpSec: 0, ...over });
const e = (x: Record<string, unknown>) => x as FeedEvent;
const line = (x: FeedEvent) => `${x.type} ${'agentId' in x ? x.agentId : ''}${'callId' in x ? ' ' + x.callId : ''} @${x.ts}`.replace(/ +/g, ' ');

describe('Feed resync with the PBX’s own times', () => {
  it('sign-ins first, then every correction at the PBX’s time, in the order it happened', async () => {
    const { feed } = setup(100_000);
    await feed.emit([
      e({ id: '1', type: 'agent.signin', ts: 1, agentId: 'A' }),
      e({ id: '2', type: 'agent.signin', ts: 1, agentId: 'B' }),
      e({ id: '3', type: 'agent.signin', ts: 1, agentId: 'C' }),
      e({ id: '4', type: 'call.queued', ts: 2, callId: 'x' }),
      e({ id: '5', type: 'call.answered', ts: 3, callId: 'x', agentId: 'A' }),
      e({ id: '6', type: 'call.queued', ts: 4, callId: 'y' }),
      e({ id: '7', type: 'call.ringing', ts: 5, callId: 'y', agentId: 'B' }),
      e({ id: '8', type: 'agent.busy', ts: 6, agentId: 'C' }),
    ]);
    const out = feed.reconcileNow({
      agents: [
        agent({ agentId: 'A', lastCallEndAt: 40_000 }),
        agent({ agentId: 'B', inCall: true }),
        agent({ agentId: 'C', changedAt: 30_000 }),
        agent({ agentId: 'D', loginAt: 50_000, changedAt: 50_000 }),
        agent({ agentId: 'E', present: false, changedAt: 20_000 }),
      ],
      waiting: [{ callId: 'z', queue: 'general', caller: '139', since: 60_000, ringingAgent: null }],
      talking: [
        { callId: 'y', agentId: 'B', answeredAt: 35_000 },
        { callId: 'w', agentId: 'D', queue: 'general', caller: null, since: 55_000, answeredAt: 58_000 },
      ],
    });
    expect(out.map(line)).toEqual([
      'agent.signin D @50000', // never told: signed in, no login (which would reset it on the wall)
      'agent.ready C @30000',
      'call.answered B y @35000',
      'call.ended x @40000',
      'call.queued w @55000',
      'call.answered D w @58000',
      'call.queued z @60000',
    ]);
    expect(out.find((x) => x.type === 'agent.ready')!.id).toBe('fs:agent.ready:C:resync:30000');
  });

  it('a ring that ended during the gap is a RONA; a new ring the PBX names is a ringing', () => {
    const { feed } = setup(9_000);
    void feed.emit([e({ id: '1', type: 'call.queued', ts: 1, callId: 'x' }), e({ id: '2', type: 'call.ringing', ts: 2, callId: 'x', agentId: 'A' })]);
    const out = feed.reconcileNow({ agents: [], waiting: [{ callId: 'x', queue: 'general', caller: null, since: 1, ringingAgent: 'B' }], talking: [] });
    expect(out.map(line)).toEqual(['call.rona A x @9000', 'call.ringing B x @9000']);
    // the PBX cannot tell (ring-all, Asterisk): no correction
    expect(feed.reconcileNow({ agents: [], waiting: [{ callId: 'x', queue: 'general', caller: null, since: 1 }], talking: [] })).toEqual([]);
  });

  it('a talk that ended in the gap starts its wrap-up at its end: the ready comes at end + wrap-up, after only what is left of it', async () => {
    const { feed, appended, clock, due, fire } = setup(1_000);
    feed.setWrapUp('A', 30);
    await feed.emit([e({ id: '1', type: 'agent.signin', ts: 1, agentId: 'A' }), e({ id: '2', type: 'call.queued', ts: 2, callId: 'x' }), e({ id: '3', type: 'call.answered', ts: 3, callId: 'x', agentId: 'A' })]);
    clock.t = 50_000;
    feed.reconcileNow({ agents: [agent({ agentId: 'A', wrapUpSec: 30, lastCallEndAt: 40_000 })], waiting: [], talking: [] });
    expect(due.map((d) => d.ms)).toEqual([20_000]);
    fire();
    await feed.drain();
    expect(appended.at(-1)).toMatchObject({ type: 'agent.ready', agentId: 'A', ts: 70_000 });
  });

  it('a live end: the ready waits the whole wrap-up and carries end + wrap-up as its time', async () => {
    const { feed, appended, due, fire } = setup(1_000);
    feed.setWrapUp('A', 5);
    await feed.emit([e({ id: '1', type: 'agent.signin', ts: 1, agentId: 'A' }), e({ id: '2', type: 'call.queued', ts: 2, callId: 'x' }), e({ id: '3', type: 'call.answered', ts: 3, callId: 'x', agentId: 'A' }), e({ id: '4', type: 'call.ended', ts: 700, callId: 'x' })]);
    expect(due.map((d) => d.ms)).toEqual([5000]);
    fire();
    await feed.drain();
    expect(appended.at(-1)).toMatchObject({ type: 'agent.ready', ts: 5700, id: 'fs:agent.ready:A:wrapup:x' });
  });

  it('a new process: idle agents whose last call the PBX names get the wrap-up the old process was timing; busy, in-call or ringing ones do not', async () => {
    const { feed, appended, due, fire } = setup(100_000);
    feed.reconcileNow({
      agents: [
        agent({ agentId: 'A', wrapUpSec: 60, lastCallEndAt: 90_000, loginAt: 1_000 }),
        agent({ agentId: 'B', wrapUpSec: 60, lastCallEndAt: 90_000, paused: true }),
        agent({ agentId: 'C', wrapUpSec: 60, lastCallEndAt: 90_000, inCall: true }),
        agent({ agentId: 'D', wrapUpSec: 60, lastCallEndAt: 90_000 }),
        agent({ agentId: 'E', wrapUpSec: 0, lastCallEndAt: null }),
      ],
      waiting: [{ callId: 'q', queue: 'general', caller: null, since: 95_000, ringingAgent: 'D' }],
      talking: [],
    });
    expect(due.map((d) => d.ms)).toEqual([50_000]);
    fire();
    await feed.drain();
    expect(appended.filter((x) => x.type === 'agent.ready')).toEqual([expect.objectContaining({ agentId: 'A', ts: 150_000, id: 'fs:agent.ready:A:wrapup:end-90000' })]);
    expect(appended.some((x) => x.type === 'agent.login')).toBe(false);
  });
  it('a login, pause or status change the PBX dates before the wallboard’s retention is sent no more than 24 h back; the id keeps the PBX time', async () => {
    const day = 24 * 3600_000;
    const now = 30 * day;
    const { feed, appended, clock } = setup(now);
    const weekAgo = now - 8 * day;
    await feed.reconcile({
      agents: [agent({ agentId: 'A', name: '王芳', loginAt: weekAgo }), agent({ agentId: 'B', paused: true, loginAt: weekAgo, pausedAt: weekAgo + 1000 }), agent({ agentId: 'C', loginAt: now - 3600_000 })],
      waiting: [],
      talking: [],
    });
    expect(appended.map((x) => `${x.type} ${'agentId' in x ? x.agentId : ''} @${x.ts}`)).toEqual([
      `agent.login A @${now - day}`,
      `agent.signin A @${now - day}`,
      `agent.signin B @${now - day}`,
      `agent.signin C @${now - 3600_000}`,
      `agent.busy B @${now - day}`,
    ]);
    expect(appended[0]!.id).toBe(`fs:agent.login:A:${weekAgo}`);
    // a sign-out whose PBX time is that old: the same
    clock.t += 1000;
    await feed.reconcile({ agents: [agent({ agentId: 'A', present: false, changedAt: weekAgo })], waiting: [], talking: [] });
    expect(appended.filter((x) => x.type === 'agent.signout' && x.agentId === 'A').map((x) => x.ts)).toEqual([clock.t - day]);
  });
});
