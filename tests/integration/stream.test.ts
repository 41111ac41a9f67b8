/**
 * The primary ingest path (EVENTS.md, path A): a source writes straight to the Redis stream with
 * XADD. Valid entries are applied; anything else is copied with a reason to the rejected stream,
 * counted, and the reader carries on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ev, startTestApp, stopAll, waitUntil, type TestApp } from '../helpers/app';
import type { HotlineEvent } from '../../shared/events';
import { compareStreamIds } from '../../server/core/stream-id';

let node: TestApp;
let now: number;

/** XADD with arbitrary fields, as a CTI adapter in any language would. */
function xadd(t: TestApp, fields: Array<[string, string]>): Promise<string> {
  return t.redis.sendCommand<string>(['XADD', t.eventsKey, '*', ...fields.flat()]);
}
const xaddEvent = (t: TestApp, e: HotlineEvent | Record<string, unknown>) => xadd(t, [['event', JSON.stringify(e)]]);

async function rejected(t: TestApp): Promise<{ entryId: string; fields: string[]; id: string; raw: string; reason: string }[]> {
  const entries = (await t.redis.xRange(`${t.prefix}events:rejected`, '-', '+')) ?? [];
  return entries.map((e) => {
    const m = e.message as Record<string, string>;
    return { entryId: e.id, fields: Object.keys(m).sort(), id: m['id']!, raw: m['raw']!, reason: m['reason']! };
  });
}

beforeEach(async () => {
  node = await startTestApp();
  now = node.clock.now();
});

afterEach(stopAll);

describe('events written to the stream with XADD', () => {
  it('are applied, in stream order', async () => {
    await xaddEvent(node, ev('agent.login', now - 5000, { agentId: '3001', name: '李四' }));
    await xaddEvent(node, ev('agent.signin', now - 4000, { agentId: '3001', seat: 'C01' }));
    await xaddEvent(node, ev('call.queued', now - 3000, { callId: 'x1', caller: '13812345678' }));
    const last = await xaddEvent(node, ev('call.answered', now - 1000, { callId: 'x1', agentId: '3001' }));
    await node.caughtUp(last);
    const s = await node.snapshot();
    expect(s.cursor).toBe(last);
    expect(s.agents).toEqual([{ id: '3001', name: '李四', seat: 'C01', state: 'talking', since: now - 1000, reason: null, callId: 'x1' }]);
    expect(s.today).toMatchObject({ offered: 1, answered: 1, answeredInSL: 1, asaSec: 2 });
    expect(s.ingest).toEqual({ rejected: 0, duplicates: 0, anomalies: 0 });
  });

  it('also reach a node that was already live and blocked on the stream', async () => {
    const client = await node.connect(await node.createDevice());
    const id = await xaddEvent(node, ev('agent.login', now, { agentId: '3002' }));
    await client.reached(id);
    expect(client.state().agents.map((a) => a.id)).toEqual(['3002']);
  });

  it('copies garbage with a reason to <prefix>events:rejected, counts it, and carries on', async () => {
    const good = ev('agent.login', now, { agentId: '3003' });
    const garbage: Array<[string, Array<[string, string]>]> = [
      ['not JSON', [['event', '{"v":1,"id":']]],
      ['unknown type', [['event', JSON.stringify({ v: 1, id: 'g2', type: 'agent.dance', ts: now, agentId: '9' })]]],
      ['extra field', [['event', JSON.stringify(ev('agent.login', now, { agentId: '9' }))], ['source', 'cti']]],
      ['no event field', [['payload', JSON.stringify(ev('agent.login', now, { agentId: '9' }))]]],
      ['missing agentId', [['event', JSON.stringify({ v: 1, id: 'g5', type: 'agent.signin', ts: now, seat: 'C09' })]]],
      ['JSON but not an object', [['event', '42']]],
    ];
    const ids: string[] = [];
    for (const [, fields] of garbage) ids.push(await xadd(node, fields));
    const goodId = await xaddEvent(node, good);
    await node.caughtUp(goodId);

    const copies = await waitUntil(async () => {
      const r = await rejected(node);
      return r.length === garbage.length ? r : null;
    }, 'the rejected copies');
    expect(copies.map((c) => c.id)).toEqual(ids);
    for (const [i, c] of copies.entries()) {
      expect(c.fields, garbage[i]![0]).toEqual(['id', 'raw', 'reason']);
      expect(c.reason.length, garbage[i]![0]).toBeGreaterThan(0);
    }
    expect(copies[0]!.raw).toBe('{"v":1,"id":');
    expect(copies[0]!.reason).toMatch(/json/i);
    expect(copies[2]!.reason).toMatch(/source/);
    expect(copies[3]!.reason).toMatch(/event/);
    expect(copies[4]!.reason).toMatch(/agentId/);

    const s = await node.snapshot();
    expect(s.ingest.rejected).toBe(garbage.length);
    expect(s.cursor).toBe(goodId);
    // none of the garbage was applied; the valid entry after it was
    expect(s.agents.map((a) => a.id)).toEqual(['3003']);

    // a later valid entry still goes through
    const later = await xaddEvent(node, ev('agent.signin', now + 1000, { agentId: '3003', seat: 'C03' }));
    await node.caughtUp(later);
    expect((await node.snapshot()).agents[0]).toMatchObject({ state: 'available', seat: 'C03' });

    // a second node replaying the same stream counts the same, and copies nothing twice
    const other = await startTestApp({ prefix: node.prefix, clock: node.clock });
    await other.caughtUp(later);
    expect((await other.snapshot()).ingest.rejected).toBe(garbage.length);
    expect(await rejected(node)).toHaveLength(garbage.length);
  });

  it('moves the cursor and the counters together, even while garbage is being copied', async () => {
    // 600 bad entries, written in one go while the node is live: the reader copies them one by one
    const multi = node.redis.multi();
    for (let i = 0; i < 600; i++) multi.addCommand(['XADD', node.eventsKey, '*', 'event', `garbage ${i}`]);
    const ids = (await multi.exec()) as unknown as string[];
    const last = ids.at(-1)!;
    const token = await node.adminToken();
    // every snapshot taken meanwhile must count exactly the bad entries up to its own cursor
    const seen: { cursor: string; rejected: number; expected: number }[] = [];
    for (;;) {
      const s = await node.snapshot(token);
      const expected = ids.filter((id) => compareStreamIds(id, s.cursor) <= 0).length;
      seen.push({ cursor: s.cursor, rejected: s.ingest.rejected, expected });
      if (s.cursor === last) break;
    }
    expect(seen.filter((x) => x.rejected !== x.expected)).toEqual([]);
    expect(seen.at(-1)!.rejected).toBe(600);
  });

  it('counts a call.answered without call.queued as an anomaly, and follows the call', async () => {
    await xaddEvent(node, ev('agent.signin', now - 5000, { agentId: '3004', seat: 'C04' }));
    const id = await xaddEvent(node, ev('call.answered', now - 4000, { callId: 'ghost', agentId: '3004' }));
    await node.caughtUp(id);
    let s = await node.snapshot();
    expect(s.ingest.anomalies).toBe(1);
    expect(s.ingest.rejected).toBe(0);
    expect(s.agents[0]).toMatchObject({ id: '3004', state: 'talking', callId: 'ghost' });
    // a call never queued belongs to no window
    expect(s.today.offered).toBe(0);

    const end = await xaddEvent(node, ev('call.ended', now - 1000, { callId: 'ghost' }));
    await node.caughtUp(end);
    s = await node.snapshot();
    expect(s.agents[0]).toMatchObject({ state: 'wrapup', since: now - 1000 });
    expect(s.ingest.anomalies).toBe(1);
  });

  it('clamps durations at zero when a ts is earlier than the one it follows', async () => {
    await xaddEvent(node, ev('agent.signin', now - 5000, { agentId: '3005' }));
    await xaddEvent(node, ev('call.queued', now - 2000, { callId: 'skew', caller: '13812345678' }));
    const id = await xaddEvent(node, ev('call.answered', now - 9000, { callId: 'skew', agentId: '3005' }));
    await node.caughtUp(id);
    const s = await node.snapshot();
    expect(s.today).toMatchObject({ offered: 1, answered: 1, answeredInSL: 1, asaSec: 0, maxWaitSec: 0 });
    expect(s.agents[0]!.state).toBe('talking');
  });
});
