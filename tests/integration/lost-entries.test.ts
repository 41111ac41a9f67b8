/**
 * A log that goes on without the entry at a node's cursor: what a Sentinel failover to a replica
 * that never received the last entries leaves behind (tests/integration/sentinel.test.ts shows it
 * with a real failover), and what an entry deleted by hand at the cursor does (docs/decisions.md,
 * "Failure and loss"). The generation and the highest ID ever issued are unchanged then; only the
 * entry itself is missing. The node must notice, drop what only it had, and show what the log holds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { ev, redisClient, startTestApp, stopAll, uniquePrefix, waitUntil } from '../helpers/app';
import { RedisEventLog } from '../../server/adapters/redis/event-log';

afterAll(stopAll);

describe('RedisEventLog.holds', () => {
  it('holds an entry that is there, one trimmed away, any on an empty log; not one lost before the newest', async () => {
    const redis = await redisClient();
    const prefix = uniquePrefix();
    const log = new RedisEventLog(redis, redis, prefix);
    expect(await log.holds('1700000000000-0')).toBe(true); // nothing there yet: nothing to miss
    const t = Date.now();
    const [a, b, c] = await log.append([ev('agent.login', t, { agentId: '1' }), ev('agent.login', t, { agentId: '2' }), ev('agent.login', t, { agentId: '3' })]);
    expect(await log.holds(b!)).toBe(true);
    expect(await log.holds('0-0')).toBe(true);
    await redis.sendCommand(['XDEL', log.key, b!]);
    expect(await log.holds(b!)).toBe(false);
    await redis.sendCommand(['XDEL', log.key, a!]);
    // older than every entry left: trimmed away as far as anyone can tell
    expect(await log.holds(a!)).toBe(true);
    expect(await log.holds(c!)).toBe(true);
  });
});

describe('a node whose cursor entry is gone from a log that goes on', () => {
  it('drops its state and replays what the log holds', async () => {
    const node = await startTestApp();
    const t = node.clock.now() - 60_000;
    const cursor = await node.ingest([ev('agent.login', t, { agentId: '1001' }), ev('agent.login', t, { agentId: '1002' }), ev('agent.login', t, { agentId: '1003' })]);
    expect((await node.snapshot()).agents.map((a) => a.id).sort()).toEqual(['1001', '1002', '1003']);
    // the entry at the cursor disappears (as after a failover to a replica that never got it)
    await node.redis.sendCommand(['XDEL', node.eventsKey, cursor]);
    // the next check (before a snapshot is saved, or after an outage) finds it missing
    await node.app.replica.saveSnapshot();
    await waitUntil(async () => (await node.snapshot()).agents.length === 2, 'the node to show what the log holds');
    expect((await node.snapshot()).agents.map((a) => a.id).sort()).toEqual(['1001', '1002']);
    // and it reads on
    const next = await node.ingest(ev('agent.login', t, { agentId: '1004' }));
    expect(node.app.replica.cursor).toBe(next);
    expect((await node.snapshot()).agents.map((a) => a.id).sort()).toEqual(['1001', '1002', '1004']);
  });
});
