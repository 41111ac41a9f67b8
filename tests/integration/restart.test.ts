/**
 * Every node is a deterministic replica of the stream (ARCHITECTURE.md): a restart, a full replay and
 * a second node started mid-day all reach exactly the same state. The clock is fixed and shared, so
 * whole snapshots compare, clock-driven figures included.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { STATE_VERSION } from '../../server/core/state';
import { dayScenario, ev, fakeClock, redisClient, startTestApp, stopAll, waitUntil, type TestApp } from '../helpers/app';
import type { Snapshot } from '../../shared/snapshot';

afterEach(stopAll);

/** The scenario plus what people do on it (through HTTP), so the stream holds user actions too. */
async function busyMorning(node: TestApp): Promise<{ snapshot: Snapshot; leadToken: string }> {
  const now = node.clock.now();
  const events = dayScenario(now);
  for (let i = 0; i < events.length; i += 10) await node.ingest(events.slice(i, i + 10));
  const lead = await node.createUser('lead', 'lead-li');
  const director = await node.createUser('director', 'director-zhao');
  const waiting = (await node.snapshot()).alerts.find((a) => a.rule === 'call_waiting');
  expect(waiting).toBeTruthy();
  for (const [path, token, body] of [
    [`/api/v1/alerts/${encodeURIComponent(waiting!.id)}/ack`, lead.token, { note: '已处理' }],
    ['/api/v1/incidents/inc1/ack', director.token, {}],
    ['/api/v1/incidents/inc1/report', lead.token, { nature: '燃气泄漏', harm: '无', measures: '关阀', progress: '已控制' }],
  ] as const) {
    const r = await node.request(path, { token, body });
    expect(r.status, path).toBe(202);
    await node.caughtUp(r.body.cursor);
  }
  // a rejected entry and a duplicate, so the counters have something to carry over
  await node.redis.sendCommand(['XADD', node.eventsKey, '*', 'event', 'not json']);
  await node.ingest(events[0]!);
  const snapshot = await node.snapshot();
  expect(snapshot.ingest).toMatchObject({ rejected: 1, duplicates: 1 });
  expect(snapshot.incidents.find((i) => i.incidentId === 'inc1')!.reportedAt).not.toBeNull();
  expect(snapshot.alerts.find((a) => a.id === waiting!.id)!.acknowledgedBy).toBe('lead-li');
  return { snapshot, leadToken: lead.token };
}

describe('restart', () => {
  it('a node restarted on the same prefix shows exactly the state it had', async () => {
    const clock = fakeClock();
    const first = await startTestApp({ clock });
    const { snapshot: before, leadToken } = await busyMorning(first);
    await first.stop();

    // stopping saved {cursor, state}
    const redis = await redisClient();
    const stored = await redis.hGetAll(`${first.prefix}snapshot`);
    expect(stored['cursor']).toBe(before.cursor);
    expect(JSON.parse(stored['state']!)).toMatchObject({ v: STATE_VERSION });

    const second = await startTestApp({ clock, prefix: first.prefix });
    expect(await second.snapshot()).toEqual(before);
    // accounts and sessions live in Redis too: the lead's token still works
    expect((await second.snapshot(leadToken)).cursor).toBe(before.cursor);
    expect((await second.request('/readyz')).status).toBe(200);

    // and it goes on from there
    const cursor = await second.ingest(ev('agent.logout', clock.now(), { agentId: '1006' }));
    const after = await second.snapshot();
    expect(after.cursor).toBe(cursor);
    expect(after.agents.find((a) => a.id === '1006')!.state).toBe('offline');
  });

  it('the saved snapshot alone restores the state (the stream trimmed away)', async () => {
    const clock = fakeClock();
    const first = await startTestApp({ clock });
    const { snapshot: before } = await busyMorning(first);
    await first.stop();

    await (await redisClient()).sendCommand(['XTRIM', first.eventsKey, 'MAXLEN', '0']);
    const second = await startTestApp({ clock, prefix: first.prefix });
    expect(await second.redis.xLen(second.eventsKey)).toBe(0);
    expect(await second.snapshot()).toEqual(before);
  });

  it('without the snapshot key, a node replays the whole stream to the same state', async () => {
    const clock = fakeClock();
    const first = await startTestApp({ clock });
    const { snapshot: before } = await busyMorning(first);
    await first.stop();

    expect(await (await redisClient()).del(`${first.prefix}snapshot`)).toBe(1);
    const second = await startTestApp({ clock, prefix: first.prefix });
    expect(await second.redis.exists(`${first.prefix}snapshot`)).toBe(0);
    expect(await second.snapshot()).toEqual(before);
  });

  it('a node restarted after events arrived while it was down loads the snapshot and replays the rest', async () => {
    const clock = fakeClock();
    const first = await startTestApp({ clock });
    await busyMorning(first);
    await first.stop();

    // the CTI keeps writing while no node runs
    const writer = await redisClient();
    const later = [
      ev('call.answered', clock.now() - 5000, { callId: 'c7', agentId: '1005' }),
      ev('call.abandoned', clock.now() - 4000, { callId: 'c8' }),
      ev('agent.busy', clock.now() - 3000, { agentId: '1001', reason: 'meeting' }),
      ev('ticket.created', clock.now() - 2000, { ticketId: 'tk9', category: 'landscaping', kind: 'praise' }),
    ];
    let last = '';
    for (const e of later) last = await writer.sendCommand<string>(['XADD', `${first.prefix}events`, '*', 'event', JSON.stringify(e)]);

    const restarted = await startTestApp({ clock, prefix: first.prefix });
    expect(restarted.app.replica.cursor).toBe(last);
    const after = await restarted.snapshot();
    await restarted.stop();

    // reference: a full replay of the same stream
    await writer.del(`${first.prefix}snapshot`);
    const replayed = await startTestApp({ clock, prefix: first.prefix });
    expect(await replayed.snapshot()).toEqual(after);
    expect(after.agents.find((a) => a.id === '1001')).toMatchObject({ state: 'busy', reason: 'meeting' });
    expect(after.missedCalls.map((m) => m.callId)).toContain('c8');
  });

  it('saves a snapshot every few seconds while running', async () => {
    const clock = fakeClock();
    const node = await startTestApp({ clock, snapshotEveryMs: 100 });
    const cursor = await node.ingest(dayScenario(clock.now()));
    await waitUntil(async () => (await node.redis.hGet(`${node.prefix}snapshot`, 'cursor')) === cursor, 'the periodic snapshot');
  });
});

describe('two replicas', () => {
  it('a node started while another is running reaches the same state, and both follow every event', async () => {
    const clock = fakeClock();
    const a = await startTestApp({ clock, snapshotEveryMs: 200 });
    const events = dayScenario(clock.now());
    const half = Math.floor(events.length / 2);
    await a.ingest(events.slice(0, half));
    const lead = await a.createUser('lead', 'lead-sun');

    const b = await startTestApp({ clock, prefix: a.prefix });
    expect(await b.snapshot()).toEqual(await a.snapshot());
    const screenOnB = await b.connect(await b.createDevice('二楼大屏'));

    // the rest arrives through both nodes' HTTP ingest, and an action through B
    const mid = half + Math.floor((events.length - half) / 2);
    await a.ingest(events.slice(half, mid));
    const cursor = await b.ingest(events.slice(mid));
    await a.caughtUp(cursor);
    const ack = await b.request('/api/v1/incidents/inc1/ack', { token: lead.token, body: {} });
    // inc1 was acknowledged by the scenario's own event: the lead level is taken
    expect(ack.status).toBe(409);
    const raised = await b.request('/api/v1/incidents/inc1/escalate', { token: lead.token, body: { to: 'director' } });
    expect(raised.status).toBe(202);
    await a.caughtUp(raised.body.cursor);
    await b.caughtUp(raised.body.cursor);

    const onA = await a.snapshot();
    const onB = await b.snapshot(lead.token);
    expect(onA.cursor).toBe(raised.body.cursor);
    expect(onB).toEqual(onA);
    expect(onA.incidents.find((i) => i.incidentId === 'inc1')!.escalatedTo).toBe('director');

    // B's screen, patched along, shows the same
    await screenOnB.reached(raised.body.cursor);
    const { serverTime: _s, ...shown } = screenOnB.state();
    const { serverTime: _t, ...expected } = onA;
    expect(shown).toEqual(expected);
  });
});
