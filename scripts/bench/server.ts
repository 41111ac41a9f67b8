/**
 * The server under test, in its own process (forked by server-process.ts), so that its CPU and
 * memory figures are its own: the production wiring (Redis adapters, startApp) with settings from
 * BENCH_* variables. Reports over IPC: `listening` once serving, `stats` when asked (also during
 * start-up, when the replay's progress is what the log has handed out); `stop` ends it.
 */
import { performance } from 'node:perf_hooks';
import { createRedisClients, isRedisUnavailable } from '../../server/adapters/redis/connect';
import { RedisEventLog } from '../../server/adapters/redis/event-log';
import { RedisSnapshotStore } from '../../server/adapters/redis/snapshot-store';
import { RedisAccounts } from '../../server/adapters/redis/accounts';
import { RedisAuditLog } from '../../server/adapters/redis/audit-log';
import { startApp, type RunningApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { systemClock, type LogEntry } from '../../server/ports';
import { defaultConfig } from '../../shared/config';

export type ToServer = { t: 'stats' } | { t: 'stop' };
export type FromServer =
  | { t: 'listening'; url: string; loadedMs: number; startAppMs: number }
  | { t: 'stats'; cpuUs: number; rss: number; heapUsed: number; cursor: string; entriesRead: number; eluActive: number; eluIdle: number }
  | { t: 'failed'; error: string };

/** The Redis log, counting what the node's reader has been handed (its progress while replaying). */
class MeteredLog extends RedisEventLog {
  entriesRead = 0;
  lastRead = '0-0';

  override async read(cursor: string, count: number, blockMs: number): Promise<LogEntry[]> {
    const entries = await super.read(cursor, count, blockMs);
    this.entriesRead += entries.length;
    if (entries.length) this.lastRead = entries[entries.length - 1]!.id;
    return entries;
  }
}

const send = (m: FromServer) => process.send?.(m);
const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};

let app: RunningApp | null = null;
let log: MeteredLog | null = null;
let closeRedis: () => Promise<void> = async () => {};
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  // asked to stop during start-up (a replay given up): nothing worth saving
  if (app) {
    await app.stop();
    await log?.close();
    await closeRedis();
  }
  process.exit(0);
}

process.on('message', (m: ToServer) => {
  if (m.t === 'stop') void stop();
  else if (m.t === 'stats') {
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const elu = performance.eventLoopUtilization();
    const cursor = app?.replica.cursor ?? log?.lastRead ?? '0-0';
    send({ t: 'stats', cpuUs: cpu.user + cpu.system, rss: mem.rss, heapUsed: mem.heapUsed, cursor, entriesRead: log?.entriesRead ?? 0, eluActive: elu.active, eluIdle: elu.idle });
  }
});
// the benchmark went away: do not linger
process.on('disconnect', () => void stop());

async function main(): Promise<void> {
  // time since the process began: node start-up plus loading the server's modules through tsx
  const loadedMs = performance.now();
  const prefix = env('BENCH_PREFIX');
  const clients = await createRedisClients(env('BENCH_REDIS_URL'), prefix, { connectTimeoutMs: 5_000 });
  closeRedis = () => clients.close();
  log = new MeteredLog(clients.main, clients.reader, prefix);
  const started = performance.now();
  app = await startApp(
    {
      log,
      snapshots: new RedisSnapshotStore(clients.main, prefix),
      accounts: new RedisAccounts(clients.main, prefix),
      audit: new RedisAuditLog(clients.main, prefix),
      clock: systemClock,
      logger: createLogger('warn'),
    },
    {
      config: defaultConfig(env('BENCH_TZ')),
      port: Number(process.env.BENCH_PORT ?? '0'),
      host: '127.0.0.1',
      ingestToken: process.env.BENCH_INGEST_TOKEN || null,
      // METRICS_TOKEN in the bench's environment: the server keeps its Prometheus metrics (their cost)
      metricsToken: process.env.METRICS_TOKEN || null,
      adminPassword: null,
      clientDir: null,
      isUnavailable: isRedisUnavailable,
    },
  );
  send({ t: 'listening', url: app.url, loadedMs, startAppMs: performance.now() - started });
}

main().catch((err: unknown) => {
  send({ t: 'failed', error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
