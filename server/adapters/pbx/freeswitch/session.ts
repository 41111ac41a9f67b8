/**
 * The FreeSWITCH adapter: one ESL session (auth, subscribe, resync, follow) for the common runner,
 * and `startFreeswitchAdapter`, which wires it to a Feed and a sink. Events that arrive while the
 * resync's lists are being fetched wait until the corrections are recorded, then apply in order.
 */
import { Feed, type FeedSink, type Timers } from '../common/feed';
import { runAdapter, type RunningAdapter, type Session } from '../common/runner';
import type { AdapterSettings } from '../common/settings';
import type { HealthSink } from '../common/sink';
import type { Backoff } from '../common/backoff';
import { parseCcTable, cell, type CcRow, type EslEvent } from './esl';
import { EslConnection } from './esl-connection';
import { CallcenterMapper } from './callcenter';

type Logger = { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };

export interface FreeswitchSessionOptions {
  settings: Pick<AdapterSettings, 'name' | 'host' | 'port' | 'secret'>;
  mapper: CallcenterMapper;
  logger: Logger;
  connectTimeoutMs?: number;
  /** silence after which FreeSWITCH is declared dead (default 60 s: three missed HEARTBEATs) */
  deadAfterMs?: number;
  commandTimeoutMs?: number;
  /** counts, for tests: ESL events applied, resyncs done */
  stats?: FreeswitchStats;
}

export interface FreeswitchStats {
  events: number;
  resyncs: number;
  connections: number;
}

const SUBSCRIBE = 'event plain HEARTBEAT CUSTOM callcenter::info';

export function freeswitchSession(o: FreeswitchSessionOptions): Session {
  const { settings, mapper, logger } = o;
  const stats = o.stats ?? { events: 0, resyncs: 0, connections: 0 };
  // one listener on the runner's `stopping` for all connections (a listener per connection would
  // keep every EslConnection alive over days of reconnect attempts, e.g. with a wrong password)
  const live = new Set<EslConnection>();
  let hooked: Promise<void> | null = null;
  let stopRequested = false;
  return async (feed, hooks) => {
    if (hooked !== hooks.stopping) {
      hooked = hooks.stopping;
      stopRequested = false;
      void hooks.stopping.then(() => {
        stopRequested = true;
        for (const c of [...live]) c.close();
      });
    }
    if (stopRequested) return;
    // events wait here until the resync's corrections are recorded
    let held: EslEvent[] | null = [];
    const apply = (e: EslEvent) => {
      mapper.handle(e.headers);
      stats.events++;
    };
    const conn = await EslConnection.open(
      { host: settings.host, port: settings.port, connectTimeoutMs: o.connectTimeoutMs, deadAfterMs: o.deadAfterMs, commandTimeoutMs: o.commandTimeoutMs, logger },
      (e) => (held ? held.push(e) : apply(e)),
    );
    stats.connections++;
    if (stopRequested) {
      conn.close();
      return;
    }
    live.add(conn);
    try {
      const auth = await conn.command(`auth ${settings.secret}`);
      if (!auth.replyText?.startsWith('+OK')) throw new Error(`FreeSWITCH refused the password (ESL_PASSWORD): ${auth.replyText ?? 'no Reply-Text'}`);
      const sub = await conn.command(SUBSCRIBE);
      if (!sub.replyText?.startsWith('+OK')) throw new Error(`FreeSWITCH refused "${SUBSCRIBE}": ${sub.replyText ?? 'no Reply-Text'}`);
      const version = (await conn.api('version')).trim().split('\n')[0] ?? '';
      const pbx = version && !version.startsWith('-ERR') ? version.slice(0, 200) : 'FreeSWITCH';

      // resync: the lists show the truth now; the Feed appends what changed since it last knew
      const table = async (cmd: string, free?: string): Promise<CcRow[]> => parseCcTable(await conn.api(`callcenter_config ${cmd}`), free);
      let queues = mapper.mappedQueues();
      if (queues === null) queues = (await table('queue list')).map((r) => cell(r, 'name')).filter((n): n is string => n !== null);
      const agents = await table('agent list', 'contact');
      const members = new Map<string, CcRow[]>();
      const tiers = new Map<string, CcRow[]>();
      for (const q of queues) {
        if (/\s/.test(q)) {
          logger.warn({ queue: q }, `${settings.name}: a queue name with spaces cannot be listed over ESL; skipped`);
          continue;
        }
        members.set(q, await table(`queue list members ${q}`, 'cid_name'));
        tiers.set(q, await table(`queue list tiers ${q}`));
      }
      const view = mapper.view({ agents, members, tiers });
      // recorded at once and appended in the background: reading FreeSWITCH never waits for the wallboard
      const corrections = feed.reconcileNow(view);
      stats.resyncs++;
      logger.info({ agents: view.agents.length, waiting: view.waiting.length, talking: view.talking?.length ?? 0, corrections: corrections.length, queues: queues.length }, `${settings.name}: resync`);
      const early = held;
      held = null;
      for (const e of early) apply(e);
      hooks.connected(pbx);

      const err = await conn.ended;
      if (err) throw err;
    } finally {
      live.delete(conn);
      conn.close();
    }
  };
}

export interface FreeswitchAdapterOptions {
  settings: AdapterSettings;
  sinks: { events: FeedSink; health: HealthSink };
  logger: Logger;
  now?: () => number;
  timers?: Timers;
  backoff?: Backoff;
  sleep?: (ms: number, stopping: Promise<void>) => Promise<void>;
  healthEveryMs?: number;
  deadAfterMs?: number;
  connectTimeoutMs?: number;
}

export interface FreeswitchAdapter extends RunningAdapter {
  feed: Feed;
  stats: FreeswitchStats;
}

/** Starts the adapter: connects, resyncs and follows FreeSWITCH until `stop()`, reconnecting for ever. */
export function startFreeswitchAdapter(o: FreeswitchAdapterOptions): FreeswitchAdapter {
  const now = o.now ?? Date.now;
  const feed = new Feed({ name: o.settings.name, sink: o.sinks.events, now, logger: o.logger, timers: o.timers });
  const mapper = new CallcenterMapper(feed, o.settings.queues, o.logger, now);
  const stats: FreeswitchStats = { events: 0, resyncs: 0, connections: 0 };
  const running = runAdapter({
    name: o.settings.name,
    feed,
    health: o.sinks.health,
    session: freeswitchSession({ settings: o.settings, mapper, logger: o.logger, stats, deadAfterMs: o.deadAfterMs, connectTimeoutMs: o.connectTimeoutMs }),
    logger: o.logger,
    now,
    backoff: o.backoff,
    sleep: o.sleep,
    healthEveryMs: o.healthEveryMs,
  });
  return { ...running, stop: (drainMs?: number) => running.stop(drainMs), health: () => running.health(), feed, stats };
}
