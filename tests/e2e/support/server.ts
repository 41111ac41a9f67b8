/**
 * A real wallboard server for the browser tests: startApp serving the built client (this process's
 * copy of dist/client, see tests/e2e/global-setup.ts), on port 0 or a given port, with the Redis adapters
 * against the run's throwaway Redis (a unique key prefix per server, or a given one to restart on the
 * same data) or the memory adapters. Accounts (a wall device, lead and director users) are created
 * straight through the ports.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import type {} from '../../helpers/provided-context';
import { startApp, type RunningApp } from '../../../server/app';
import { hashPassword, sha256, TokenService } from '../../../server/auth';
import { createLogger } from '../../../server/logger';
import { compareStreamIds } from '../../../server/core/stream-id';
import type { AppPorts } from '../../../server/app';
import type { Accounts, Clock, EventLog, FeedStore, PersonRole } from '../../../server/ports';
import { createRedisClients, type RedisClients } from '../../../server/adapters/redis/connect';
import { RedisEventLog } from '../../../server/adapters/redis/event-log';
import { RedisSnapshotStore } from '../../../server/adapters/redis/snapshot-store';
import { RedisAccounts } from '../../../server/adapters/redis/accounts';
import { RedisAuditLog } from '../../../server/adapters/redis/audit-log';
import { RedisFeedStore } from '../../../server/adapters/redis/feed-store';
import { MemoryEventLog } from '../../../server/adapters/memory/memory-event-log';
import { MemorySnapshotStore } from '../../../server/adapters/memory/memory-snapshot-store';
import { MemoryAccounts } from '../../../server/adapters/memory/memory-accounts';
import { MemoryAuditLog } from '../../../server/adapters/memory/memory-audit-log';
import { MemoryFeedStore } from '../../../server/adapters/memory/memory-feed-store';
import { defaultConfig, type CenterConfig } from '../../../shared/config';
import type { HotlineEvent } from '../../../shared/events';
import { CLIENT_MISSING, oneLine } from '../../helpers/browser';
import type {} from './provided';

export const PASSWORD = 'e2e-password-12319';

/**
 * A clock that follows real time from `base`: the browser ticks its timers (clock, waits, time in
 * state) from the server-time offset, so the server's clock must move at the real pace. `base`
 * fixes the day and the shift, so figures do not depend on when the suite runs.
 */
export interface FollowClock extends Clock {
  base: number;
}

export function followClock(base: number): FollowClock {
  const realStart = Date.now();
  return { base, now: () => base + (Date.now() - realStart) };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export interface E2eServerOptions {
  clock: Clock;
  /** 'redis' (the run's throwaway Redis) or 'memory' */
  store: 'redis' | 'memory';
  /** Redis only: reuse the data of an earlier server (default: a fresh unique prefix) */
  prefix?: string;
  /** default 0 (any free port) */
  port?: number;
  config?: CenterConfig;
  /** how often the node reads the feed keys (default 5 s; `app.feeds.poll()` reads at once) */
  feedPollMs?: number;
  /** PUBLIC_URL and SMTP_URL (notifications) */
  publicUrl?: string | null;
  smtpUrl?: string | null;
}

export interface E2eServer {
  url: string;
  port: number;
  prefix: string | null;
  app: RunningApp;
  accounts: Accounts;
  log: EventLog;
  /** the feed health keys, as an adapter writes them */
  feeds: FeedStore;
  clock: Clock;
  /** appends the events through the event log and waits until this node's reader applied them */
  ingest(events: HotlineEvent[]): Promise<void>;
  /** a wall device's token, created through the Accounts port */
  createDevice(name?: string): Promise<string>;
  /** a person's account (password PASSWORD), created through the Accounts port */
  createUser(role: PersonRole, username?: string): Promise<string>;
  /** POST /api/v1/login; the session as the login page would store it */
  login(username: string, password?: string): Promise<{ token: string; role: string; expiresAt: number | string }>;
  /** stops the node (saving its snapshot) and closes its connections; idempotent */
  stop(): Promise<void>;
}

const RUN = randomBytes(4).toString('hex');
let prefixNo = 0;
const uniquePrefix = () => `e2e:${RUN}:${++prefixNo}:${randomBytes(3).toString('hex')}:`;

export async function startServer(o: E2eServerOptions): Promise<E2eServer> {
  const { clock } = o;
  const clientDir = inject('clientDir');
  if (!clientDir) throw oneLine(CLIENT_MISSING);
  let ports: Omit<AppPorts, 'clock' | 'logger'>;
  let clients: RedisClients | null = null;
  let prefix: string | null = null;
  if (o.store === 'redis') {
    prefix = o.prefix ?? uniquePrefix();
    clients = await createRedisClients(inject('redisUrl'), prefix, { connectTimeoutMs: 5_000 });
    ports = {
      log: new RedisEventLog(clients.main, clients.reader, prefix),
      snapshots: new RedisSnapshotStore(clients.main, prefix),
      accounts: new RedisAccounts(clients.main, prefix),
      audit: new RedisAuditLog(clients.main, prefix),
      feeds: new RedisFeedStore(clients.main, prefix),
    };
  } else {
    ports = {
      log: new MemoryEventLog(clock),
      snapshots: new MemorySnapshotStore(),
      accounts: new MemoryAccounts(clock),
      audit: new MemoryAuditLog(),
      feeds: new MemoryFeedStore(clock),
    };
  }
  const feeds = ports.feeds!;
  let app: RunningApp;
  try {
    app = await startApp(
      { ...ports, clock, logger: createLogger('silent') },
      {
        config: o.config ?? defaultConfig(),
        port: o.port ?? 0,
        host: '127.0.0.1',
        ingestToken: null,
        adminPassword: null,
        clientDir,
        snapshotEveryMs: 60_000,
        feedPollMs: o.feedPollMs,
        publicUrl: o.publicUrl,
        smtpUrl: o.smtpUrl,
      },
    );
  } catch (err) {
    await ports.log.close();
    await clients?.close();
    throw err;
  }

  let stopped: Promise<void> | null = null;
  const s: E2eServer = {
    url: app.url,
    port: app.port,
    prefix,
    app,
    accounts: ports.accounts,
    log: ports.log,
    feeds,
    clock,
    async ingest(events) {
      const ids = await ports.log.append(events);
      const last = ids.at(-1);
      if (!last) return;
      const until = Date.now() + 5_000;
      while (compareStreamIds(app.replica.cursor, last) < 0) {
        if (Date.now() > until) throw new Error(`the reader did not apply ${last} within 5 s`);
        await sleep(10);
      }
    },
    async createDevice(name = '呼叫大厅主屏 (e2e)') {
      const { token, hash } = TokenService.newDeviceToken();
      await ports.accounts.createDevice({ id: sha256(token).slice(0, 12), name, tokenHash: hash, createdAt: clock.now(), revokedAt: null });
      return token;
    },
    async createUser(role, username = `${role}-${randomBytes(3).toString('hex')}`) {
      const ok = await ports.accounts.createUser({
        username,
        role,
        passwordHash: await hashPassword(PASSWORD),
        disabled: false,
        createdAt: clock.now(),
        tokensValidAfter: 0,
      });
      if (!ok) throw new Error(`user ${username} exists`);
      return username;
    },
    async login(username, password = PASSWORD) {
      const res = await fetch(`${app.url}/api/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password }),
      });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
      return (await res.json()) as { token: string; role: string; expiresAt: number | string };
    },
    stop() {
      return (stopped ??= (async () => {
        await app.stop();
        await ports.log.close();
        await clients?.close();
      })());
    },
  };
  return s;
}
