/**
 * Hostile input through the real stream (a throwaway Redis): ids named like JavaScript built-ins,
 * malformed entries, impossible times, invisible characters, and a reducer that fails on one entry.
 * Whatever comes in, the reader goes on, every node agrees, and no screen goes dark.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ev, startTestApp, stopAll, waitUntil, type TestApp } from '../helpers/app';
import type { HotlineEvent } from '../../shared/events';
import { Reducer } from '../../server/core/reduce';

let node: TestApp;
let now: number;

function xadd(t: TestApp, fields: Array<[string, string]>): Promise<string> {
  return t.redis.sendCommand<string>(['XADD', t.eventsKey, '*', ...fields.flat()]);
}
const xaddEvent = (t: TestApp, e: HotlineEvent | Record<string, unknown>) => xadd(t, [['event', JSON.stringify(e)]]);

async function rejectedReasons(t: TestApp): Promise<Map<string, string>> {
  const entries = (await t.redis.xRange(`${t.prefix}events:rejected`, '-', '+')) ?? [];
  return new Map(entries.map((e) => [e.id, String((e.message as Record<string, string>)['reason'])]));
}

beforeEach(async () => {
  node = await startTestApp();
  now = node.clock.now();
});

afterEach(async () => {
  vi.restoreAllMocks();
  await stopAll();
});

describe('ids named like JavaScript built-ins', () => {
  const NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];

  it('are accepted, shown, and survive a restart and a second node (the review’s poison id)', async () => {
    // the exact event of the review, through HTTP
    const first = await node.postEvents({ v: 1, id: 'x', type: 'agent.login', ts: now, agentId: '__proto__' });
    expect(first.status).toBe(202);
    const events: HotlineEvent[] = [];
    NAMES.forEach((id, k) => {
      events.push(ev('agent.signin', now + k, { agentId: id, seat: NAMES[(k + 1) % NAMES.length] }));
      events.push(ev('call.queued', now + k, { callId: id, queue: id, caller: '13812345678' }));
      events.push(ev('incident.raised', now + k, { incidentId: id, title: '燃气泄漏', severity: 'major' }));
    });
    events.push(ev('call.answered', now + 10, { callId: 'constructor', agentId: 'toString' }));
    events.push(ev('call.abandoned', now + 11, { callId: 'valueOf' }));
    events.push(ev('alert.acknowledged', now + 12, { alertId: '__proto__', by: 'lead' }));
    const wall = await node.connect(await node.createDevice());
    const cursor = await node.ingest(events);
    await wall.reached(cursor);
    const s = await node.snapshot();
    expect(s.agents.map((a) => a.id).sort()).toEqual([...NAMES].sort());
    expect(s.queue.waiting).toBe(NAMES.length - 2);
    // queues appear while calls wait in them: 'constructor' was answered, 'valueOf' abandoned
    const waitingIn = NAMES.filter((q) => q !== 'constructor' && q !== 'valueOf');
    expect(Object.keys(s.queue.byQueue).sort()).toEqual([...waitingIn, 'general', 'specialist'].sort());
    expect(s.queue.byQueue['__proto__']!.waiting).toBe(1);
    expect(s.missedCalls.map((m) => m.callId)).toEqual(['valueOf']);
    expect(s.incidents.map((i) => i.incidentId).sort()).toEqual([...NAMES].sort());
    const { serverTime: _a, ...onScreen } = wall.state();
    const { serverTime: _b, ...served } = s;
    expect(onScreen).toEqual(served);

    // a second node replays the whole stream; the first restarts from its snapshot
    const second = await startTestApp({ prefix: node.prefix, clock: node.clock });
    await second.caughtUp(cursor);
    await node.stop();
    const restarted = await startTestApp({ prefix: node.prefix, clock: node.clock });
    const strip = ({ serverTime: _t, ...rest }: typeof s) => rest;
    expect(strip(await second.snapshot())).toEqual(strip(s));
    expect(strip(await restarted.snapshot())).toEqual(strip(s));
    expect((await second.request('/readyz')).status).toBe(200);
  });
});

describe('malformed stream entries', () => {
  it('an entry with the event field twice is rejected, not applied', async () => {
    const twice = await xadd(node, [
      ['event', JSON.stringify(ev('agent.login', now, { agentId: '7001' }))],
      ['event', JSON.stringify(ev('agent.login', now, { agentId: '7002' }))],
    ]);
    const after = await xaddEvent(node, ev('agent.login', now, { agentId: '7003' }));
    await node.caughtUp(after);
    expect((await node.snapshot()).agents.map((a) => a.id)).toEqual(['7003']);
    expect((await rejectedReasons(node)).get(twice)).toMatch(/exactly one field "event"; has 2/);
  });

  it('an entry over the 1 MiB ingest limit is rejected, and only a part of it is copied', async () => {
    const big = { ...ev('agent.login', now, { agentId: '7010' }), pad: 'x'.repeat(1024 * 1024) };
    const id = await xaddEvent(node, big);
    const after = await xaddEvent(node, ev('agent.login', now, { agentId: '7011' }));
    await node.caughtUp(after);
    expect((await node.snapshot()).agents.map((a) => a.id)).toEqual(['7011']);
    expect((await rejectedReasons(node)).get(id)).toMatch(/larger than 1048576 bytes/);
    const [copy] = (await node.redis.xRange(`${node.prefix}events:rejected`, id, id)) ?? [];
    expect(String((copy!.message as Record<string, string>)['raw']).length).toBe(64 * 1024);
  });

  it('an entry nested thousands deep is rejected without breaking anything', async () => {
    const deep = `{"v":1,"id":"deep","type":"agent.login","ts":${now},"agentId":"7020","x":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const id = await xadd(node, [['event', deep]]);
    const after = await xaddEvent(node, ev('agent.login', now, { agentId: '7021' }));
    await node.caughtUp(after);
    expect((await node.snapshot()).agents.map((a) => a.id)).toEqual(['7021']);
    expect((await rejectedReasons(node)).get(id)).toMatch(/deep/);
  });
});

describe('impossible timestamps', () => {
  it.each([
    ['the far future (8.64e15)', 8.64e15],
    ['the epoch (ts 0)', 0],
    ['11 minutes ahead of the log', 'ahead'],
    ['8 days old', 'old'],
  ])('%s: rejected on the stream with a reason, counted nowhere', async (_name, value) => {
    const ts = value === 'ahead' ? Date.now() + 11 * 60_000 : value === 'old' ? Date.now() - 8 * 86_400_000 : (value as number);
    const id = await xaddEvent(node, ev('call.queued', ts, { callId: 'bad-ts', caller: '13812345678' }));
    const after = await xaddEvent(node, ev('agent.login', now, { agentId: '7030' }));
    await node.caughtUp(after);
    const s = await node.snapshot();
    expect(s.today.offered).toBe(0);
    expect(s.queue.waiting).toBe(0);
    expect(s.alerts).toEqual([]);
    expect(s.ingest.rejected).toBe(1);
    expect((await rejectedReasons(node)).get(id)).toMatch(/min in the future \(maxClockSkewMin\)|days in the past \(retentionDays\)/);
  });

  it.each([
    ['the far future (8.64e15)', 8.64e15, /in the future/],
    ['the epoch (ts 0)', 0, /in the past/],
    ['10 min and 1 ms ahead', 'ahead', /in the future/],
    ['7 days and 1 ms old', 'old', /in the past/],
  ])('%s: HTTP ingest answers 400 on ts and appends nothing', async (_name, value, reason) => {
    const ts = value === 'ahead' ? now + 10 * 60_000 + 1 : value === 'old' ? now - 7 * 86_400_000 - 1 : (value as number);
    const res = await node.postEvents([ev('agent.login', now, { agentId: '7060' }), ev('call.queued', ts, { callId: 'bad-ts' })]);
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ index: 1, path: 'ts', message: expect.stringMatching(reason) }]);
    expect(await node.redis.xLen(node.eventsKey)).toBe(0);
  });

  it('HTTP ingest accepts exactly 10 min ahead and exactly 7 days old', async () => {
    const res = await node.postEvents([ev('agent.login', now + 10 * 60_000, { agentId: '7070' }), ev('agent.login', now - 7 * 86_400_000, { agentId: '7071' })]);
    expect(res.status).toBe(202);
  });

  it('at the limits: 9 minutes ahead and 6 days old are accepted', async () => {
    const ahead = ev('agent.login', Date.now() + 9 * 60_000, { agentId: '7040' });
    const old = ev('agent.login', Date.now() - 6 * 86_400_000, { agentId: '7041' });
    await xaddEvent(node, ahead);
    const last = await xaddEvent(node, old);
    await node.caughtUp(last);
    const s = await node.snapshot();
    expect(s.agents.map((a) => a.id)).toEqual(['7040', '7041']);
    expect(s.ingest.rejected).toBe(0);
  });
});

describe('invisible characters', () => {
  it('are refused in ids and removed from displayed names', async () => {
    for (const bad of ['1001\u200b', '\u202e1001', '10\u000001', '1001\ufeff', '\u2066A01']) {
      const res = await node.postEvents(ev('agent.signin', now, { agentId: bad }));
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.details[0].path).toBe('agentId');
    }
    expect((await node.postEvents(ev('agent.signin', now, { agentId: '1001', seat: 'A01\u200d' }))).status).toBe(400);
    const id = await xaddEvent(node, ev('agent.login', now, { agentId: '1001\u200b' }));
    await node.ingest([ev('agent.login', now, { agentId: '1001', name: '\u202e张\u200b三' }), ev('incident.raised', now, { incidentId: 'i1', title: '燃气\u200b泄漏', severity: 'urgent' })]);
    const s = await node.snapshot();
    expect(s.agents).toMatchObject([{ id: '1001', name: '张三' }]);
    expect(s.incidents[0]!.title).toBe('燃气泄漏');
    expect((await rejectedReasons(node)).get(id)).toMatch(/agentId: must not contain control, zero-width or bidirectional-override characters/);
  });
});

describe('a reducer that throws on one entry', () => {
  it('costs that entry (rejected with the reason), not the reader, and is not an outage', async () => {
    const original = Reducer.prototype.apply;
    vi.spyOn(Reducer.prototype, 'apply').mockImplementation(function (this: Reducer, e, id) {
      if (e.id === 'boom') throw new TypeError("Cannot read properties of undefined (reading 'map')");
      return original.call(this, e, id);
    });
    const wall = await node.connect(await node.createDevice());
    const beats: boolean[] = [];
    wall.socket.on('heartbeat', (h) => beats.push(h.logConnected));
    const bad = await xaddEvent(node, { ...ev('agent.login', now, { agentId: '7050' }), id: 'boom' });
    const good = await xaddEvent(node, ev('agent.login', now, { agentId: '7051' }));
    await wall.reached(good);
    const s = await node.snapshot();
    expect(s.agents.map((a) => a.id)).toEqual(['7051']);
    expect(s.ingest.rejected).toBe(1);
    expect((await rejectedReasons(node)).get(bad)).toBe("could not be applied: Cannot read properties of undefined (reading 'map')");
    expect((await node.request('/readyz')).status).toBe(200);
    await waitUntil(() => beats.length >= 1, 'a heartbeat');
    expect(beats.every(Boolean)).toBe(true);
  });
});
