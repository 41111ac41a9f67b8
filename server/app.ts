/**
 * createApp(ports, config) → { start, stop }: wiring only, no business logic.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { CenterConfig } from '../shared/config';
import { hashPassword, TokenService } from './auth';
import { LiveView } from './live-view';
import { Replica, SNAPSHOT_EVERY_MS } from './replica';
import { compareStreamIds } from './core/stream-id';
import type { Accounts, ArchiveStore, AuditLog, Clock, EventLog, FeedStore, NotifyClaims, SnapshotStore } from './ports';
import { FeedMonitor } from './feed-monitor';
import { MemoryFeedStore } from './adapters/memory/memory-feed-store';
import { MemoryArchiveStore } from './adapters/memory/memory-archive-store';
import { ArchiveKeeper } from './archive-keeper';
import { ReportsService } from './reports-service';
import { StaffingService } from './staffing-service';
import { MonthService } from './month-service';
import { createHttpApp } from './adapters/http/http-app';
import { ingestRouter } from './adapters/http/ingest';
import { peopleRouter } from './adapters/http/people';
import { actionsRouter } from './adapters/http/actions';
import { privacyRouter } from './adapters/http/privacy';
import { reportsRouter } from './adapters/http/reports';
import { feedsRouter } from './adapters/http/feeds';
import { shiftsRouter } from './adapters/http/shifts';
import { notifyRouter } from './adapters/http/notify';
import { MemoryNotifyClaims } from './adapters/memory/memory-notify-claims';
import { Notifier, type NotifyTuning } from './notify/notifier';
import { attachRealtime, type Realtime } from './adapters/realtime/socket';
import { metricsRouter } from './adapters/http/metrics';
import { Metrics, readerLagSeconds } from './metrics';

export interface AppPorts {
  log: EventLog;
  snapshots: SnapshotStore;
  accounts: Accounts;
  audit: AuditLog;
  /**
   * The telephony feeds' health keys. Production passes the Redis one (adapters write their keys
   * there); without one, a store in this process: only `PUT /api/v1/feeds/:name` on this node fills it.
   */
  feeds?: FeedStore;
  /** the daily archive (REPORTS.md); without one, a store in this process (the demo without Redis, tests) */
  archive?: ArchiveStore;
  /** who sends each notification (docs/notifications.md): Redis across nodes; without one, this process only */
  notifyClaims?: NotifyClaims;
  clock: Clock;
  logger: Logger;
}

export interface AppOptions {
  config: CenterConfig;
  port: number;
  host: string;
  ingestToken: string | null;
  adminPassword: string | null;
  /** directory of the built client, or null to serve the API only */
  clientDir: string | null;
  allowedOrigins?: string[];
  /** recognises errors of an unreachable store, answered 503 */
  isUnavailable?: (err: unknown) => boolean;
  tokenTtlMs?: number;
  loginLimit?: number;
  snapshotEveryMs?: number;
  /** expiry of a feed key written for an adapter over HTTP (default 30 s, the contract's) */
  feedTtlMs?: number;
  /** how often the feed keys are read (default 5 s) */
  feedPollMs?: number;
  /** METRICS_TOKEN: bearer token of GET /metrics; none: no metrics are kept and the route is 404 */
  metricsToken?: string | null;
  /** TRUST_PROXY: Express `trust proxy` (default false: X-Forwarded-For is not believed) */
  trustProxy?: boolean | number | string;
  /** PUBLIC_URL (links in notifications) and SMTP_URL (e-mail notifications) */
  publicUrl?: string | null;
  smtpUrl?: string | null;
  /** notification timings (tests shorten them) */
  notify?: NotifyTuning;
}

export interface RunningApp {
  port: number;
  url: string;
  replica: Replica;
  view: LiveView;
  /** the telephony feeds' health as this node reads it */
  feeds: FeedMonitor;
  /** the daily archive and the retention (REPORTS.md) */
  keeper: ArchiveKeeper;
  reports: ReportsService;
  staffing: StaffingService;
  /** the Prometheus metrics (GET /metrics), or null without METRICS_TOKEN */
  metrics: Metrics | null;
  /** the notifications of CONFIG_FILE `notify` */
  notifier: Notifier;
  stop(): Promise<void>;
}

/** Creates the `admin` account from ADMIN_PASSWORD when no active admin exists. */
async function bootstrapAdmin(accounts: Accounts, password: string | null, clock: Clock, logger: Logger): Promise<void> {
  if (!password || (await accounts.hasAdmin())) return;
  const now = clock.now();
  const record = { username: 'admin', role: 'admin' as const, passwordHash: await hashPassword(password), disabled: false, createdAt: now, tokensValidAfter: 0 };
  if (!(await accounts.createUser(record))) {
    const existing = await accounts.getUser('admin');
    await accounts.updateUser({ ...record, createdAt: existing?.createdAt ?? now, tokensValidAfter: now });
  }
  logger.info('created the admin account from ADMIN_PASSWORD');
}

export async function startApp(ports: AppPorts, o: AppOptions): Promise<RunningApp> {
  const { logger, clock } = ports;
  const allowedOrigins = o.allowedOrigins ?? [];
  await bootstrapAdmin(ports.accounts, o.adminPassword, clock, logger);
  const archive = ports.archive ?? new MemoryArchiveStore();
  const replica = new Replica({ log: ports.log, snapshots: ports.snapshots, archive, logger, config: o.config, snapshotEveryMs: o.snapshotEveryMs ?? SNAPSHOT_EVERY_MS });
  await replica.start();
  const keeper = new ArchiveKeeper({ replica, archive, log: ports.log, snapshots: ports.snapshots, audit: ports.audit, config: o.config, clock, logger });
  keeper.start();
  const reports = new ReportsService(() => replica.state, archive, o.config, clock);
  const staffing = new StaffingService(() => replica.state, reports, o.config, clock, logger);
  await staffing.start();
  const month = new MonthService(archive, () => replica.state.historyFrom, o.config, clock, logger);
  await month.start();
  // days that leave the state were archived on the way out (the replica flushes them first)
  const unwatchDays = replica.onChange(() => month.stateMoved());
  const feedStore = ports.feeds ?? new MemoryFeedStore(clock);
  const feeds = new FeedMonitor(feedStore, logger, o.feedPollMs);
  // read once before the first snapshot, so screens never start with the feeds missing
  await feeds.start();
  const view = new LiveView(replica, o.config, clock, logger, () => feeds.feeds(), () => staffing.current(), () => month.current());
  view.start();
  const unwatchFeeds = feeds.onChange(() => view.changed());
  const unwatchStaffing = staffing.onChange(() => view.changed());
  const unwatchMonth = month.onChange(() => view.changed());
  const notifier = new Notifier(
    { view, claims: ports.notifyClaims ?? new MemoryNotifyClaims(clock), audit: ports.audit, clock, logger, config: o.config, publicUrl: o.publicUrl ?? null, smtpUrl: o.smtpUrl ?? null },
    o.notify,
  );
  notifier.start();
  const tokens = new TokenService(ports.accounts, clock, o.tokenTtlMs);
  let realtime: Realtime | null = null;
  const disconnect = (m: { deviceId?: string; username?: string }) => realtime?.disconnect(m);
  const metrics = o.metricsToken
    ? new Metrics({
        processed: () => replica.processed,
        readerLag: () => readerLagSeconds(replica, () => ports.log.lastId(), clock.now()),
        sockets: () => realtime?.sockets() ?? { wall: 0, lead: 0, director: 0, admin: 0 },
        feeds: () => feeds.feeds(),
        alerts: () => view.latest().alerts,
      })
    : null;
  if (metrics) view.onTimed((s) => metrics.publishSeconds.observe(s));

  const http = createHttpApp({
    logger,
    tokens,
    view,
    clientDir: o.clientDir,
    allowedOrigins,
    isUnavailable: o.isUnavailable,
    trustProxy: o.trustProxy,
    routers: [
      ingestRouter({ log: ports.log, ingestToken: o.ingestToken, clock, eventTime: o.config.eventTime }),
      peopleRouter({ accounts: ports.accounts, audit: ports.audit, tokens, clock, disconnect, loginLimit: o.loginLimit }),
      actionsRouter({ log: ports.log, replica, view, tokens, audit: ports.audit, clock }),
      privacyRouter({ replica, tokens, audit: ports.audit, clock, timeZone: o.config.timeZone }),
      reportsRouter({ reports, tokens, clock, config: o.config }),
      feedsRouter({ store: feedStore, monitor: feeds, ingestToken: o.ingestToken, tokens, ttlMs: o.feedTtlMs }),
      shiftsRouter({ log: ports.log, replica, view, tokens, audit: ports.audit, clock, config: o.config, reports, staffing }),
      notifyRouter({ notifier, tokens }),
      metricsRouter({ token: o.metricsToken ?? null, metrics }),
    ],
    ready: async () => {
      if (!replica.connected) return { ok: false, reason: 'event log unreachable' };
      try {
        const last = await ports.log.lastId();
        if (compareStreamIds(replica.cursor, last) < 0) return { ok: false, reason: `catching up (at ${replica.cursor}, log at ${last})` };
        return { ok: true };
      } catch {
        return { ok: false, reason: 'event log unreachable' };
      }
    },
  });
  const server: Server = createServer(http);
  realtime = attachRealtime(server, {
    view,
    tokens,
    logger,
    allowedOrigins,
    heartbeat: () => ({ serverTime: clock.now(), cursor: replica.cursor, logConnected: replica.connected }),
    clock,
    patchBytes: metrics ? (bytes) => metrics.patchBytes.observe(bytes) : undefined,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host;
  logger.info({ port }, 'listening');

  return {
    port,
    url: `http://${host}:${port}`,
    replica,
    view,
    feeds,
    keeper,
    reports,
    staffing,
    metrics,
    notifier,
    async stop() {
      await notifier.stop();
      feeds.stop();
      staffing.stop();
      unwatchStaffing();
      month.stop();
      unwatchMonth();
      unwatchDays();
      await keeper.stop();
      unwatchFeeds();
      view.stop();
      // closing Socket.IO also closes the HTTP server, whose callback waits for every connection:
      // cut the remaining keep-alive connections at once instead of waiting for browsers to let go
      const closed = realtime?.close() ?? Promise.resolve();
      server.closeAllConnections();
      await closed;
      await replica.stop();
    },
  };
}
