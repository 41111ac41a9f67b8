/**
 * `npm run adapter:asterisk`: follows an Asterisk PBX over AMI and appends v1 events to the
 * wallboard's stream (Redis) or its HTTP ingest (INGEST_URL). Settings in docs/telephony.md; a bad
 * one stops the process with one line naming it. SIGINT / SIGTERM log off and stop cleanly.
 */
import { createRedisClients, type RedisClients } from './adapters/redis/connect';
import { RedisEventLog } from './adapters/redis/event-log';
import { readAdapterSettings, type AdapterSettings } from './adapters/pbx/common/settings';
import { httpSinks, redisSinks } from './adapters/pbx/common/sink';
import { startAsteriskAdapter } from './adapters/pbx/asterisk/adapter';
import { handleShutdown } from './adapters/pbx/common/shutdown';
import { SettingsError } from './env';
import { createLogger } from './logger';

function wrapUpDefault(env: NodeJS.ProcessEnv): number {
  const text = env.AMI_WRAPUP_SEC ?? '0';
  if (!/^\d{1,4}$/.test(text)) throw new SettingsError(`AMI_WRAPUP_SEC: "${text}" is not a number of seconds (0–9999)`);
  return Number(text);
}

async function main(): Promise<void> {
  let settings: AdapterSettings;
  let wrapUp: number;
  try {
    settings = readAdapterSettings('asterisk', process.env);
    wrapUp = wrapUpDefault(process.env);
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(`adapter-asterisk: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(settings.logLevel);
  let clients: RedisClients | null = null;
  let log: RedisEventLog | null = null;
  let sinks;
  if (settings.target.kind === 'redis') {
    try {
      clients = await createRedisClients(settings.target.url, settings.target.prefix, { logger, connectTimeoutMs: 5000 });
    } catch {
      console.error(`adapter-asterisk: Redis is not reachable at ${new URL(settings.target.url).host} (REDIS_URL); or set INGEST_URL and INGEST_TOKEN to post to the wallboard instead`);
      process.exit(1);
    }
    log = new RedisEventLog(clients.main, clients.reader, settings.target.prefix);
    sinks = redisSinks(clients.main, log, settings.target.prefix);
  } else {
    sinks = httpSinks(settings.target.url, settings.target.token);
  }
  logger.info({ pbx: `${settings.host}:${settings.port}`, target: settings.target.kind === 'redis' ? `redis ${settings.target.prefix}events` : settings.target.url, queues: settings.queues ? Object.fromEntries(settings.queues) : 'all → general' }, `${settings.name}: starting`);
  const adapter = startAsteriskAdapter({
    name: settings.name,
    host: settings.host,
    port: settings.port,
    username: settings.username!,
    secret: settings.secret,
    queues: settings.queues,
    events: sinks.events,
    health: sinks.health,
    logger,
    defaultWrapUpSec: wrapUp,
  });
  handleShutdown({
    name: settings.name,
    logger,
    adapter,
    close: async () => {
      await log?.close();
      await clients?.close();
    },
  });
}

void main().catch((err) => {
  console.error(`adapter-asterisk: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
