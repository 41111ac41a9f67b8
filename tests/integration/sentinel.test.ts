/**
 * Redis Sentinel (OPERATIONS.md "Deployment kit"): `npm start`'s entry point with REDIS_SENTINELS
 * and REDIS_SENTINEL_NAME against a real sentinel (`redis-server <conf> --sentinel`) watching a real
 * master with a real replica. The node finds the master through the sentinel, applies what is
 * ingested, then lives through a failover (SENTINEL FAILOVER: the replica becomes the master, the
 * old master its replica): it follows the sentinel to the new master, keeps applying, and the screen
 * connected before the failover keeps receiving patches without reconnecting.
 *
 * Needs redis-server able to run as a sentinel; when it cannot, the test fails with one line saying
 * what to install (never a silent skip).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, ev, request, waitUntil, type WallClient } from '../helpers/app';
import { runScript, startScript, type RunningScript } from '../helpers/run-script';
import { command, startSentinelSet, type SentinelSet } from '../helpers/redis-sentinel';
import { compareStreamIds } from '../../server/core/stream-id';
import type { HotlineEvent } from '../../shared/events';

const INGEST = 'ingest-token-for-sentinel-tests';
const ADMIN = 'admin-password-for-sentinel-tests';
const METRICS = 'metrics-token-for-sentinel-tests';
const PREFIX = `sentinel-test:${randomBytes(4).toString('hex')}:`;

let set: SentinelSet;
let server: RunningScript | null = null;
let url: string;
let wall: WallClient;
const heartbeats: { at: number; logConnected: boolean }[] = [];

beforeAll(async () => {
  set = await startSentinelSet({ replica: true, downAfterMs: 1000 });
  server = await startScript(
    'server/main.ts',
    {
      REDIS_SENTINELS: set.sentinel.hosts,
      REDIS_SENTINEL_NAME: set.name,
      // REDIS_URL is not used for the address: the sentinel names the master
      REDIS_URL: 'redis://127.0.0.1:1',
      REDIS_PREFIX: PREFIX,
      PORT: '0',
      HOST: '127.0.0.1',
      INGEST_TOKEN: INGEST,
      ADMIN_PASSWORD: ADMIN,
      METRICS_TOKEN: METRICS,
      LOG_LEVEL: 'warn',
    },
    /serving .* on http:\/\/\S+ \(port \d+\)/,
  );
  url = /serving .* on (http:\/\/\S+) \(port/.exec(server.out)![1]!;
  const admin = (await request(url, '/api/v1/login', { body: { username: 'admin', password: ADMIN } })).body.token as string;
  const device = (await request(url, '/api/v1/devices', { token: admin, body: { name: '大厅大屏' } })).body.token as string;
  wall = await connectClient(url, device);
  wall.socket.on('heartbeat', (h) => heartbeats.push({ at: Date.now(), logConnected: h.logConnected }));
}, 60_000);

afterAll(async () => {
  wall?.close();
  await server?.stop();
  await set?.stop();
});

/** Posts events until the node takes them (503 while it has no master), and returns the cursor. */
async function ingest(events: HotlineEvent[]): Promise<string> {
  let last = '';
  const cursor = await waitUntil(
    async () => {
      const r = await request(url, '/api/v1/events', { token: INGEST, body: events });
      last = `${r.status} ${JSON.stringify(r.body)}`;
      return r.status === 202 ? (r.body.cursor as string) : null;
    },
    'the node to take the events',
    20_000,
  ).catch((err: Error) => {
    throw new Error(`${err.message} (last answer: ${last})`);
  });
  return cursor;
}

async function applied(): Promise<number> {
  const r = await request<string>(url, '/metrics', { token: METRICS });
  return Number(/^hotline_events_applied_total (\d+)$/m.exec(r.body)?.[1] ?? NaN);
}

const login = (agentId: string) => ev('agent.login', Date.now(), { agentId, name: `坐席${agentId}` });

describe('Redis Sentinel', () => {
  it('npm start with sentinels that do not answer, or do not know the name: one clear line, exit 1', async () => {
    for (const [hosts, name] of [
      ['127.0.0.1:1', 'hotline'],
      [set.sentinel.hosts, 'no-such-master'],
    ]) {
      const r = await runScript('server/main.ts', [], { REDIS_SENTINELS: hosts!, REDIS_SENTINEL_NAME: name!, PORT: '0', LOG_LEVEL: 'silent' });
      expect(r.code).toBe(1);
      expect(r.err.trim().split('\n')).toEqual([`wallboard: Redis is not reachable through the sentinels ${hosts} as "${name}" (REDIS_SENTINELS, REDIS_SENTINEL_NAME); npm start requires Redis (npm run demo works without it)`]);
    }
  }, 30_000);

  it('finds the master through the sentinel and applies what is ingested', async () => {
    expect(await set.masterPort()).toBe(set.master.port);
    const cursor = await ingest([login('1001'), login('1002'), login('1003')]);
    await wall.reached(cursor);
    expect(await applied()).toBe(3);
    expect((await request(url, '/readyz')).status).toBe(200);
    // the events are in the master's stream
    expect(await command(set.master.port, ['XLEN', `${PREFIX}events`])).toBe(':3\r\n');
  });

  it('follows a failover to the new master; what the old master took last and lost, it drops again', async () => {
    const replica = set.replica!;
    // the sentinel learns of the replica from the master's INFO; the replica must have everything
    await waitUntil(async () => (await set.knownReplicas()).includes(replica.port), 'the sentinel to know the replica', 20_000);
    await waitUntil(async () => (await command(set.master.port, ['WAIT', '1', '1000'])) === ':1\r\n', 'the replica to have every write', 10_000);
    await waitUntil(async () => (await command(set.sentinel.port, ['SENTINEL', 'FAILOVER', set.name])).startsWith('+OK'), 'the sentinel to accept the failover', 20_000);
    await waitUntil(async () => (await set.masterPort()) === replica.port, 'the replica to become the master', 20_000);
    const failedOverAt = Date.now();

    // Written at once: the node still writes to the old master until the sentinel announces the
    // switch (+switch-master), and what the old master takes then is lost when it becomes the new
    // master's replica (Redis replicates asynchronously). Either way the node must end up showing
    // exactly what the new master's log holds.
    await ingest([login('1004'), login('1005')]);
    // both connections follow once the switch is announced (the node logs it)
    const switched = new RegExp(`"master":"127\\.0\\.0\\.1:${replica.port}","connection":"(main|reader)"`, 'g');
    await waitUntil(() => new Set([...server!.out.matchAll(switched)].map((m) => m[1])).size === 2, 'both connections on the new master', 20_000);
    const cursor = await ingest([login('1006'), login('1007')]);

    // the new master's log: its newest ID, and the agents its entries logged in
    const log = await command(replica.port, ['XRANGE', `${PREFIX}events`, '-', '+']);
    const ids = [...log.matchAll(/\$\d+\r\n(\d+-\d+)\r\n/g)].map((m) => m[1]!);
    const agents = [...log.matchAll(/\\?"agentId\\?":\\?"(\d+)/g)].map((m) => m[1]!).sort();
    expect(ids.at(-1)).toBe(cursor);
    expect(agents).toEqual(expect.arrayContaining(['1001', '1002', '1003', '1006', '1007']));
    const lost = agents.length === 5;
    await waitUntil(() => compareStreamIds(wall.state().cursor, cursor) === 0, 'the screen at the new cursor', 10_000);
    expect(wall.state().agents.map((a) => a.id).sort()).toEqual(agents);
    if (lost) {
      // the reader took the failover for the end of an outage, found the log behind its cursor, rebuilt
      expect(server!.out).toContain('the event log is not the one this node read (lost or replaced); rebuilding from the log');
    }
    await waitUntil(async () => (await request(url, '/readyz')).status === 200, 'the node ready again');
    // the same socket, never reconnected: one snapshot, then patches up to the new cursor
    expect(wall.snapshots()).toHaveLength(1);
    // and the node's heartbeats say the log is connected again
    await waitUntil(() => heartbeats.some((h) => h.at > failedOverAt && h.logConnected), 'a heartbeat with the log connected after the failover');
  }, 90_000);
});
