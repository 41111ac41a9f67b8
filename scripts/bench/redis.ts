/**
 * The benchmark's own Redis: a throwaway redis-server on a free port (the integration tests' helper),
 * one connection pair for the load generator, a fresh key prefix per run, and bulk appends.
 */
import { execFileSync } from 'node:child_process';
import type { HotlineEvent } from '../../shared/events';
import { createRedisClients, type RedisClients } from '../../server/adapters/redis/connect';
import { RedisEventLog } from '../../server/adapters/redis/event-log';
import { RedisAccounts } from '../../server/adapters/redis/accounts';
import { sha256, TokenService } from '../../server/auth';
import { startRedis, type RunningRedis } from '../../tests/helpers/redis-server';

export interface BenchRedis {
  url: string;
  version: string;
  clients: RedisClients;
  /** a key prefix no earlier run used; the previous runs' keys are dropped first (it is our own Redis) */
  freshPrefix(): Promise<string>;
  /** the event log under `prefix`, as a telephony adapter would append to it */
  log(prefix: string): RedisEventLog;
  /** a wall device under `prefix`; its token */
  createDevice(prefix: string): Promise<string>;
  stop(): Promise<void>;
}

let runNo = 0;

export async function startBenchRedis(): Promise<BenchRedis> {
  const server: RunningRedis = await startRedis();
  const clients = await createRedisClients(server.url, 'bench:', { connectTimeoutMs: 5_000 });
  const version = execFileSync('redis-server', ['--version']).toString().match(/v=(\S+)/)?.[1] ?? '?';
  return {
    url: server.url,
    version,
    clients,
    async freshPrefix() {
      await clients.main.sendCommand(['FLUSHALL']);
      return `bench:${process.pid}:${++runNo}:`;
    },
    // the reader connection is never used for appends; closing happens once, with `clients`
    log: (prefix) => new RedisEventLog(clients.main, clients.reader, prefix),
    async createDevice(prefix) {
      const { token, hash } = TokenService.newDeviceToken();
      await new RedisAccounts(clients.main, prefix).createDevice({ id: sha256(token).slice(0, 12), name: 'bench screen', tokenHash: hash, createdAt: Date.now(), revokedAt: null });
      return token;
    },
    async stop() {
      await clients.close();
      await server.stop();
    },
  };
}

/**
 * Appends `events` in batches of `batch` (one MULTI of XADDs each, as RedisEventLog does), with up to
 * `inFlight` batches pipelined on the one connection (so stream order is the array's order).
 * Returns the last stream ID.
 */
export async function appendAll(log: RedisEventLog, events: readonly HotlineEvent[], batch = 1000, inFlight = 4): Promise<string> {
  let last = '0-0';
  const pending = new Set<Promise<void>>();
  for (let i = 0; i < events.length; i += batch) {
    const p: Promise<void> = log.append(events.slice(i, i + batch)).then((ids) => {
      pending.delete(p);
      last = ids[ids.length - 1] ?? last;
    });
    pending.add(p);
    if (pending.size >= inFlight) await Promise.race(pending);
  }
  await Promise.all(pending);
  return last;
}
