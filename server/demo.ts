/**
 * `npm run demo`: the wallboard with a simulated Heze 12319 center. Uses Redis when one answers at
 * REDIS_URL (under its own prefix, cleared at start), otherwise the in-process adapters, and says so.
 * Prints the URL and the demo accounts.
 */
import type { Logger } from 'pino';
import { createRedisClients, isRedisUnavailable, type RedisClients } from './adapters/redis/connect';
import { RedisEventLog } from './adapters/redis/event-log';
import { RedisSnapshotStore } from './adapters/redis/snapshot-store';
import { RedisAccounts } from './adapters/redis/accounts';
import { RedisAuditLog } from './adapters/redis/audit-log';
import { RedisFeedStore } from './adapters/redis/feed-store';
import { RedisArchiveStore } from './adapters/redis/archive-store';
import { RedisNotifyClaims } from './adapters/redis/notify-claims';
import { MemoryNotifyClaims } from './adapters/memory/memory-notify-claims';
import { MemoryArchiveStore } from './adapters/memory/memory-archive-store';
import { MemoryEventLog } from './adapters/memory/memory-event-log';
import { MemorySnapshotStore } from './adapters/memory/memory-snapshot-store';
import { MemoryAccounts } from './adapters/memory/memory-accounts';
import { MemoryAuditLog } from './adapters/memory/memory-audit-log';
import { MemoryFeedStore } from './adapters/memory/memory-feed-store';
import { hashPassword, sha256, TokenService } from './auth';
import { startApp, type AppPorts, type RunningApp } from './app';
import { readSettings, SettingsError } from './env';
import { createLogger } from './logger';
import { CLIENT_DIR } from './paths';
import { systemClock, type Accounts, type ArchiveStore, type Clock } from './ports';
import { archiveHistory, SHIFT_LEADS, startSimulator, type HandoverLookup } from './simulator';
import { startOfDay } from '../shared/time';
import { startAsteriskDemo, type AsteriskDemo } from './adapters/pbx/asterisk/demo-feed';

const DEMO_PREFIX = 'hotline-demo:';
/** simulated days before today archived at start, for /reports */
const HISTORY_DAYS = 28;
/**
 * The tickets filed in the last days before today whose lives go on in the live stream (see below);
 * under retentionDays (7), so that the oldest of their events is still accepted by the stream.
 */
const CARRY_DAYS = 6;
const LEAD_PASSWORD = 'demo-lead-12319';
/** the simulated center's three 值班长 are these accounts: signed in as one, a lead finds their own shifts' handovers */
const PEOPLE = [
  { username: 'admin', password: 'demo-admin-12319', role: 'admin' as const },
  ...SHIFT_LEADS.map((username) => ({ username, password: LEAD_PASSWORD, role: 'lead' as const })),
  { username: 'liu', password: 'demo-director-12319', role: 'director' as const },
];

async function clearPrefix(clients: RedisClients, prefix: string): Promise<void> {
  for await (const keys of clients.main.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
    if (keys.length) await clients.main.del(keys);
  }
}

async function seedAccounts(accounts: Accounts, clock: Clock): Promise<string> {
  for (const p of PEOPLE) {
    await accounts.createUser({ username: p.username, role: p.role, passwordHash: await hashPassword(p.password), disabled: false, createdAt: clock.now(), tokensValidAfter: 0 });
  }
  const { token, hash } = TokenService.newDeviceToken();
  await accounts.createDevice({ id: sha256(token).slice(0, 12), name: '呼叫大厅主屏 (demo)', tokenHash: hash, createdAt: clock.now(), revokedAt: null });
  return token;
}

async function main(): Promise<void> {
  const env = { ...process.env, REDIS_PREFIX: process.env.REDIS_PREFIX ?? DEMO_PREFIX, INGEST_TOKEN: process.env.INGEST_TOKEN ?? 'demo-ingest-token-12319' };
  let settings;
  try {
    settings = readSettings(env);
  } catch (err) {
    if (err instanceof SettingsError) {
      console.error(`demo: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // the demo clears its keys at start: never let it near a production prefix
  if (!settings.redisPrefix.includes('demo')) {
    console.error(`demo: REDIS_PREFIX "${settings.redisPrefix}" would be cleared at start; use a prefix containing "demo"`);
    process.exit(2);
  }
  const logger: Logger = createLogger(process.env.LOG_LEVEL ?? 'warn');
  const speed = Number(process.env.DEMO_SPEED ?? '1');
  if (!(speed > 0 && speed <= 1000)) {
    console.error('demo: DEMO_SPEED must be a number from 0 (exclusive) to 1000');
    process.exit(2);
  }
  // DEMO_FEED=asterisk: the simulation plays on a scripted Asterisk, followed by the real AMI adapter
  const feed = process.env.DEMO_FEED ?? '';
  if (feed !== '' && feed !== 'asterisk') {
    console.error('demo: DEMO_FEED must be "asterisk" or unset');
    process.exit(2);
  }

  let clients: RedisClients | null = null;
  if (speed !== 1) {
    // Redis stamps stream entries with its own clock, and the reader refuses events stamped more
    // than maxClockSkewMin ahead of their entry: simulated time that runs faster needs the
    // in-process log, whose entry times follow the simulation
    console.log(`demo: DEMO_SPEED=${speed} runs on the in-process event log (Redis times entries by its own clock)`);
  } else {
    try {
      clients = await createRedisClients(settings.redisUrl, settings.redisPrefix, { logger, connectTimeoutMs: 1500 });
    } catch {
      clients = null;
    }
  }
  let ports: Omit<AppPorts, 'clock' | 'logger'> & { archive: ArchiveStore };
  let memoryLog: MemoryEventLog | null = null;
  // the simulated clock when DEMO_SPEED ≠ 1 (set once the simulator runs)
  let simNow: (() => number) | null = null;
  if (clients) {
    await clearPrefix(clients, settings.redisPrefix);
    console.log(`demo: using Redis at ${new URL(settings.redisUrl).host}, keys under "${settings.redisPrefix}" (cleared at start)`);
    ports = {
      log: new RedisEventLog(clients.main, clients.reader, settings.redisPrefix),
      snapshots: new RedisSnapshotStore(clients.main, settings.redisPrefix),
      accounts: new RedisAccounts(clients.main, settings.redisPrefix),
      audit: new RedisAuditLog(clients.main, settings.redisPrefix),
      feeds: new RedisFeedStore(clients.main, settings.redisPrefix),
      archive: new RedisArchiveStore(clients.main, settings.redisPrefix),
      notifyClaims: new RedisNotifyClaims(clients.main, settings.redisPrefix),
    };
  } else {
    console.log(`demo: no Redis at ${new URL(settings.redisUrl).host}; running on an in-process event log (nothing is kept after exit)`);
    // stream IDs in simulated time, as the events: the reader judges an event's time against its ID
    memoryLog = new MemoryEventLog({ now: () => Math.floor(simNow ? simNow() : Date.now()) });
    ports = { log: memoryLog, snapshots: new MemorySnapshotStore(), accounts: new MemoryAccounts(), audit: new MemoryAuditLog(), feeds: new MemoryFeedStore(), archive: new MemoryArchiveStore(), notifyClaims: new MemoryNotifyClaims() };
  }

  const deviceToken = await seedAccounts(ports.accounts, systemClock);
  const seed = Number(process.env.DEMO_SEED ?? '12319');
  const incidentsPerDay = 6;
  // the days before today: simulated straight into the archive (the stream refuses events that old),
  // and the log marked as holding nothing before today, so the replica reads those days from the archive
  const todayStart = startOfDay(systemClock.now(), settings.config.timeZone);
  //
  // Tickets live for days after the call (dispatch, reply, follow-up, special task), but the live
  // stream starts at today's midnight. So the history also hands over the whole lives of the
  // tickets filed in its last CARRY_DAYS days (carry: every event from ticket.created to
  // ticket.closed, those still to come included, from the same seeded run as the archive), and the
  // live simulator appends the ones up to now at once, with their original times (≤ 7 days old:
  // the stream takes them), and the rest when their time comes. The wall so opens on the open
  // dispatches, special tasks and overdue/stalled/returned-twice alerts the archived days left,
  // and they move on as they would have. No day is counted twice: the carried follow-ups of the
  // days before today fall before the log's trim point, days the state leaves to the archive
  // (state.historyFrom: neither the month's figures nor /reports nor the archive keeper take them
  // from the state); today's carried follow-ups are today's, as in the archived run they would be.
  // Tickets filed before those days stop at midnight (a reply or follow-up past 6 days is rare).
  // (A configured retentionDays under 7 carries fewer days.)
  const carryDays = Math.min(CARRY_DAYS, settings.config.eventTime.retentionDays - 1);
  const history = await archiveHistory(ports.archive, { config: settings.config, seed, incidentsPerDay, todayStart, days: HISTORY_DAYS, carryDays });
  await ports.log.trim(todayStart, todayStart);
  const carriedNow = history.carry.filter((e) => e.ts <= systemClock.now()).length;
  console.log(
    `demo: ${history.records.length} days of history archived in ${(history.ms / 1000).toFixed(1)} s; the last ${carryDays} days' tickets go on in the stream (${carriedNow} of their events so far, ${history.carry.length - carriedNow} to come)`,
  );
  // a lead who hands over or signs at the screens: the simulated lead neither submits a second
  // record for that boundary nor signs its own, but signs the person's (SimulationOptions.existingHandover)
  let app: RunningApp | null = null;
  const existingHandover: HandoverLookup = (boundary) => {
    if (!app) return null;
    for (const h of app.replica.state.handovers.values()) if (h.shiftStart === boundary) return { handoverId: h.handoverId, by: h.by, accepted: h.acceptedAt !== null };
    return null;
  };
  let pbxDemo: AsteriskDemo | null = null;
  if (feed === 'asterisk') {
    pbxDemo = await startAsteriskDemo({ log: ports.log, feeds: ports.feeds, now: () => Math.floor(simNow ? simNow() : Date.now()), speed, logger });
    console.log(`demo: calls and agents play on a scripted Asterisk (AMI on 127.0.0.1:${pbxDemo.port}), followed by the Asterisk adapter into the stream`);
  }
  const sim = startSimulator({
    log: pbxDemo?.log ?? ports.log,
    clock: systemClock,
    seed,
    speed,
    warmupFrom: 'midnight',
    incidentsPerDay,
    timeZone: settings.config.timeZone,
    shifts: settings.config.shifts,
    // a late sign-in in the shift in force, and a late operator and the whole handover at the next boundary
    showcase: true,
    existingHandover,
    carry: history.carry,
    onError: (err) => logger.warn({ err: String(err) }, 'simulator append failed; retrying'),
  });
  if (speed !== 1) simNow = () => sim.now();
  await sim.ready;
  const clock: Clock = speed === 1 ? systemClock : { now: () => Math.floor(sim.now()) };
  app = await startApp(
    { ...ports, clock, logger },
    {
      config: settings.config,
      port: settings.port,
      host: settings.host,
      ingestToken: settings.ingestToken,
      adminPassword: null,
      clientDir: CLIENT_DIR,
      allowedOrigins: settings.allowedOrigins,
      isUnavailable: isRedisUnavailable,
      tokenTtlMs: settings.tokenTtlMs,
      publicUrl: settings.publicUrl,
      smtpUrl: settings.smtpUrl,
    },
  );
  const base = `http://localhost:${app.port}`;
  console.log(
    [
      '',
      `  ${settings.config.centerName} — wallboard demo${speed !== 1 ? ` (simulated time ×${speed})` : ''}`,
      '',
      `  Wall (大屏):      ${base}/wall?token=${deviceToken}`,
      `  Lead (值班长):    ${base}/login  →  zhang / ${LEAD_PASSWORD}  (${SHIFT_LEADS.slice(1).join(', ')}: the other shift leads, same password)`,
      `  Director (主任):  ${base}/login  →  liu / demo-director-12319`,
      `  Admin (管理):     ${base}/login  →  admin / demo-admin-12319`,
      `  HTTP ingest:     POST ${base}/api/v1/events  (Authorization: Bearer ${settings.ingestToken})`,
      '',
      '  Ctrl+C stops it.',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await sim.stop();
    await pbxDemo?.stop();
    await app.stop();
    await ports.log.close();
    await clients?.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

void main().catch((err) => {
  console.error(`demo: failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
