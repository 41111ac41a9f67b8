/**
 * Production entry point (`npm start`): the only place that reads process.env and builds the real
 * adapters. Requires Redis: without it, one clear line and a non-zero exit.
 */
import { createRedisClients, isRedisUnavailable } from './adapters/redis/connect';
import { RedisEventLog } from './adapters/redis/event-log';
import { RedisSnapshotStore } from './adapters/redis/snapshot-store';
import { RedisAccounts } from './adapters/redis/accounts';
import { RedisAuditLog } from './adapters/redis/audit-log';
import { RedisFeedStore } from './adapters/redis/feed-store';
import { RedisArchiveStore } from './adapters/redis/archive-store';
import { RedisNotifyClaims } from './adapters/redis/notify-claims';
import { startApp } from './app';
import { readSettings, SettingsError, type Settings } from './env';
import { createLogger } from './logger';
import { systemClock } from './ports';
import { CLIENT_DIR } from './paths';

async function main(): Promise<void> {
  let settings: Settings;
  try {
    settings = readSettings(process.env);
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(`wallboard: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(settings.logLevel);
  let clients;
  // REDIS_SENTINELS: the master the sentinels name (REDIS_URL then only gives a password and database)
  const sentinels = settings.sentinels;
  const target = sentinels ? { sentinels: sentinels.hosts, name: sentinels.name, url: settings.redisUrl } : settings.redisUrl;
  try {
    clients = await createRedisClients(target, settings.redisPrefix, { logger, connectTimeoutMs: 5000 });
  } catch {
    const where = sentinels
      ? `through the sentinels ${sentinels.hosts.map((h) => `${h.host}:${h.port}`).join(',')} as "${sentinels.name}" (REDIS_SENTINELS, REDIS_SENTINEL_NAME)`
      : `at ${new URL(settings.redisUrl).host} (REDIS_URL)`;
    console.error(`wallboard: Redis is not reachable ${where}; npm start requires Redis (npm run demo works without it)`);
    process.exit(1);
  }
  const log = new RedisEventLog(clients.main, clients.reader, settings.redisPrefix);
  const app = await startApp(
    {
      log,
      snapshots: new RedisSnapshotStore(clients.main, settings.redisPrefix),
      accounts: new RedisAccounts(clients.main, settings.redisPrefix),
      audit: new RedisAuditLog(clients.main, settings.redisPrefix),
      feeds: new RedisFeedStore(clients.main, settings.redisPrefix),
      archive: new RedisArchiveStore(clients.main, settings.redisPrefix),
      notifyClaims: new RedisNotifyClaims(clients.main, settings.redisPrefix),
      clock: systemClock,
      logger,
    },
    {
      config: settings.config,
      port: settings.port,
      host: settings.host,
      ingestToken: settings.ingestToken,
      adminPassword: settings.adminPassword,
      clientDir: CLIENT_DIR,
      allowedOrigins: settings.allowedOrigins,
      isUnavailable: isRedisUnavailable,
      tokenTtlMs: settings.tokenTtlMs,
      publicUrl: settings.publicUrl,
      smtpUrl: settings.smtpUrl,
      metricsToken: settings.metricsToken,
      trustProxy: settings.trustProxy,
    },
  );
  console.log(`wallboard: serving ${settings.config.centerName} on ${app.url} (port ${app.port})`);
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await app.stop();
    await log.close();
    await clients.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main().catch((err) => {
  console.error(`wallboard: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
