/**
 * `npm run adapter:freeswitch`: follows FreeSWITCH mod_callcenter over the inbound event socket and
 * appends v1 events to the wallboard (Redis stream, or HTTP ingest with INGEST_URL). Settings in
 * ADAPTERS.md and docs/telephony.md; a missing or bad one stops the process with one line.
 */
import { SettingsError } from './env';
import { createLogger } from './logger';
import { readAdapterSettings, type AdapterSettings } from './adapters/pbx/common/settings';
import { httpSinks, redisSinks } from './adapters/pbx/common/sink';
import { startFreeswitchAdapter } from './adapters/pbx/freeswitch/session';
import { handleShutdown } from './adapters/pbx/common/shutdown';
import { createRedisClients } from './adapters/redis/connect';
import { RedisEventLog } from './adapters/redis/event-log';

async function main(): Promise<void> {
  let settings: AdapterSettings;
  try {
    settings = readAdapterSettings('freeswitch', process.env);
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(`adapter-freeswitch: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(settings.logLevel);
  let sinks;
  let close = async () => {};
  if (settings.target.kind === 'redis') {
    const { url, prefix } = settings.target;
    let clients;
    try {
      clients = await createRedisClients(url, prefix, { logger, connectTimeoutMs: 5000 });
    } catch {
      console.error(`adapter-freeswitch: Redis is not reachable at ${new URL(url).host} (REDIS_URL); or set INGEST_URL and INGEST_TOKEN to send through the wallboard`);
      process.exit(1);
    }
    const log = new RedisEventLog(clients.main, clients.reader, prefix);
    sinks = redisSinks(clients.main, log, prefix);
    close = async () => {
      await log.close();
      await clients.close();
    };
  } else {
    sinks = httpSinks(settings.target.url, settings.target.token);
  }
  logger.info({ esl: `${settings.host}:${settings.port}`, queues: settings.queues ? Object.fromEntries(settings.queues) : 'all → general', target: settings.target.kind }, `${settings.name}: starting`);
  const adapter = startFreeswitchAdapter({ settings, sinks, logger });
  handleShutdown({ name: settings.name, logger, adapter, close });
}

void main().catch((err) => {
  console.error(`adapter-freeswitch: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
