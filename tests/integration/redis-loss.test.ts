/**
 * Redis restarted without persistence comes back empty. A node that outlived it must not trust its
 * old state, nor plant its old snapshot in the fresh Redis: it finds that the log no longer holds
 * its cursor and rebuilds, so it agrees with a node started afterwards. Uses its own redis-server
 * (the shared one must not be killed), started without AOF or RDB like the machine's default.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { createRedisClients, isRedisUnavailable, type RedisClients } from '../../server/adapters/redis/connect';
import { RedisEventLog } from '../../server/adapters/redis/event-log';
import { RedisSnapshotStore } from '../../server/adapters/redis/snapshot-store';
import { RedisAccounts } from '../../server/adapters/redis/accounts';
import { RedisAuditLog } from '../../server/adapters/redis/audit-log';
import { defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import { startRedis, startRedisOn, type RunningRedis } from '../helpers/redis-server';
import { ev, waitUntil } from '../helpers/app';

const PREFIX = 'loss:';
let redis: RunningRedis;
const nodes: { app: RunningApp; log: RedisEventLog; clients: RedisClients }[] = [];

async function startNode(): Promise<RunningApp> {
  const clients = await createRedisClients(redis.url, PREFIX, { connectTimeoutMs: 5000, logger: { warn: () => {} } });
  const log = new RedisEventLog(clients.main, clients.reader, PREFIX);
  const app = await startApp(
    { log, snapshots: new RedisSnapshotStore(clients.main, PREFIX), accounts: new RedisAccounts(clients.main, PREFIX), audit: new RedisAuditLog(clients.main, PREFIX), clock: { now: () => Date.now() }, logger: createLogger('silent') },
    { config: defaultConfig(), port: 0, host: '127.0.0.1', ingestToken: null, adminPassword: null, clientDir: null, isUnavailable: isRedisUnavailable, snapshotEveryMs: 100 },
  );
  nodes.push({ app, log, clients });
  return app;
}

/** Appends through a short-lived connection, as a CTI adapter would. */
async function append(events: HotlineEvent[]): Promise<string> {
  const c = await createRedisClients(redis.url, PREFIX, { connectTimeoutMs: 5000 });
  const log = new RedisEventLog(c.main, c.reader, PREFIX);
  const ids = await log.append(events);
  await log.close();
  await c.close();
  return ids.at(-1)!;
}

const agentsOf = (app: RunningApp) => app.view.current().agents.map((a) => a.id);
const reached = (app: RunningApp, cursor: string) => waitUntil(() => app.replica.cursor === cursor, `node at ${cursor}`, 15_000);

afterAll(async () => {
  for (const n of nodes) {
    await n.app.stop().catch(() => undefined);
    await n.log.close();
    await n.clients.close();
  }
  await redis?.stop();
});

describe('Redis restarted without persistence', () => {
  it('a running node rebuilds from the new log, plants no stale snapshot, and agrees with a new node', async () => {
    redis = await startRedis();
    const a = await startNode();
    const before = await append([ev('agent.signin', Date.now(), { agentId: '1001', seat: 'A01' }), ev('agent.signin', Date.now(), { agentId: '1002', seat: 'A02' })]);
    await reached(a, before);
    expect(agentsOf(a)).toEqual(['1001', '1002']);
    // let node A store a snapshot at that cursor
    await new Promise((r) => setTimeout(r, 300));

    await redis.stop();
    redis = await startRedisOn(redis.port);
    const after = await append([ev('agent.signin', Date.now(), { agentId: '2001', seat: 'B01' })]);

    // node A notices that its cursor's entry is gone, and rebuilds from what the log now holds
    await waitUntil(() => agentsOf(a).join() === '2001', 'node A rebuilt from the new log', 20_000);
    expect(a.replica.cursor).toBe(after);
    // a node started now agrees, whatever snapshot it finds
    const b = await startNode();
    await reached(b, after);
    const strip = (app: RunningApp) => {
      const { serverTime: _t, ...rest } = app.view.current();
      return rest;
    };
    expect(strip(b)).toEqual(strip(a));
    expect(agentsOf(b)).toEqual(['2001']);
  }, 60_000);

  it('a node starting on a snapshot that is ahead of the log ignores the snapshot', async () => {
    const c = await createRedisClients(redis.url, PREFIX, { connectTimeoutMs: 5000 });
    const store = new RedisSnapshotStore(c.main, PREFIX);
    const saved = await waitUntil(() => store.load(), 'a snapshot from the running nodes');
    // plant the snapshot as a node that outlived its Redis would have, with a cursor the log never had
    await store.save({ cursor: '9999999999999-0', state: saved!.state, generation: saved!.generation });
    await c.close();
    const n = await startNode();
    expect(agentsOf(n)).toEqual(['2001']);
    expect(n.replica.cursor).not.toBe('9999999999999-0');
  }, 30_000);
});
