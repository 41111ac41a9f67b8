/**
 * Redis goes away and comes back: the node keeps serving, says it is not ready, tells screens
 * their data may be behind, and carries on where it was once Redis is back. Uses its own
 * redis-server (the shared one must not be killed).
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
import { startRedis, startRedisOn, type RunningRedis } from '../helpers/redis-server';
import { connectClient, ev, request, waitUntil } from '../helpers/app';

const INGEST = 'outage-ingest-token-123';
let redis: RunningRedis;
let clients: RedisClients;
let app: RunningApp;
let log: RedisEventLog;

afterAll(async () => {
  await app?.stop();
  await log?.close();
  await clients?.close();
  await redis?.stop();
});

describe('a Redis outage', () => {
  it('is survived: not ready while down, heartbeats say so, live again when Redis is back', async () => {
    redis = await startRedis();
    const prefix = 'outage:';
    clients = await createRedisClients(redis.url, prefix, { connectTimeoutMs: 5000, logger: { warn: () => {} } });
    log = new RedisEventLog(clients.main, clients.reader, prefix);
    app = await startApp(
      { log, snapshots: new RedisSnapshotStore(clients.main, prefix), accounts: new RedisAccounts(clients.main, prefix), audit: new RedisAuditLog(clients.main, prefix), clock: { now: () => Date.now() }, logger: createLogger('silent') },
      { config: defaultConfig(), port: 0, host: '127.0.0.1', ingestToken: INGEST, adminPassword: 'outage-admin-pw', clientDir: null, isUnavailable: isRedisUnavailable },
    );
    const login = await request(app.url, '/api/v1/login', { body: { username: 'admin', password: 'outage-admin-pw' } });
    const wall = await connectClient(app.url, login.body.token);
    const beats: boolean[] = [];
    wall.socket.on('heartbeat', (h) => beats.push(h.logConnected));
    const post = (events: unknown) => request(app.url, '/api/v1/events', { token: INGEST, body: events });
    expect((await post(ev('agent.signin', Date.now(), { agentId: '1001', seat: 'A01' }))).status).toBe(202);
    await waitUntil(() => wall.state().agents.length === 1, 'the first agent on the wall');
    await waitUntil(async () => (await request(app.url, '/readyz')).status === 200, 'ready');

    await redis.stop();
    await waitUntil(async () => (await request(app.url, '/readyz')).status === 503, 'not ready while Redis is down', 10_000);
    expect((await request(app.url, '/readyz')).body).toEqual({ status: 'not_ready', reason: 'event log unreachable' });
    expect((await request(app.url, '/healthz')).status).toBe(200);
    await waitUntil(() => beats.includes(false), 'a heartbeat saying the event log is unreachable', 10_000);
    // ingest cannot reach the log: an error code, never a stack, and nothing half-written
    const failed = await post(ev('agent.busy', Date.now(), { agentId: '1001' }));
    expect(failed.status).toBe(503);
    expect(failed.body).toEqual({ error: 'unavailable', message: expect.any(String) });

    redis = await startRedisOn(redis.port);
    await waitUntil(async () => (await request(app.url, '/readyz')).status === 200, 'ready again', 20_000);
    await waitUntil(() => beats.at(-1) === true, 'heartbeats saying the log is back', 10_000);
    expect((await post(ev('agent.signin', Date.now(), { agentId: '1002', seat: 'A02' }))).status).toBe(202);
    await waitUntil(() => wall.state().agents.some((a) => a.id === '1002'), 'events flowing to the wall again', 10_000);
    wall.close();
  }, 60_000);
});
