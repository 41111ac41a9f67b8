/**
 * Redis connections for one node. Two of them: XREAD BLOCK occupies its connection for the whole wait,
 * so the stream reader gets its own and every other command shares the main one.
 *
 * Either straight to `REDIS_URL`, or through Redis Sentinel (`REDIS_SENTINELS`, `REDIS_SENTINEL_NAME`):
 * then each of the two is a node-redis sentinel object (`createSentinel`) that asks the sentinels for
 * the master, follows a failover to the new one, and looks like a client to the adapters.
 */
import { ClientClosedError, ClientOfflineError, ConnectionTimeoutError, createClient, createSentinel, SocketClosedUnexpectedlyError, TimeoutError } from 'redis';

/** Where connection trouble goes: a pino logger fits, so does the console fallback below. */
export interface RedisLogger {
  warn(obj: object, msg: string): void;
}

const consoleLogger: RedisLogger = { warn: (obj, msg) => console.warn(msg, obj) };

/** Longest pause between reconnect attempts: Redis restarts should be noticed within seconds. */
const MAX_BACKOFF_MS = 5_000;

/**
 * Exponential backoff from 100 ms, capped, with jitter so that many nodes do not reconnect in lockstep.
 * Never gives up: a node outliving a Redis outage is the point of the reconnect strategy.
 */
export function reconnectDelay(retries: number): number {
  const base = Math.min(MAX_BACKOFF_MS, 100 * 2 ** Math.min(retries, 10));
  return base + Math.floor(Math.random() * 100);
}

function newClient(url: string, connection: string, logger: RedisLogger) {
  // RESP2 pins the raw reply shapes that the stream adapters parse from sendCommand.
  // Without an offline queue a command fails at once while Redis is away: an HTTP request gets a
  // clear 503 instead of hanging until Redis returns.
  const client = createClient({ url, RESP: 2, disableOfflineQueue: true, socket: { reconnectStrategy: reconnectDelay } });
  // Without a listener node-redis would rethrow `error` and crash the process on every network blip.
  // Refusals before the first connection are the caller's to report (one line, not a retry log).
  let wasReady = false;
  client.on('ready', () => (wasReady = true));
  client.on('error', (err: unknown) => {
    if (wasReady) logger.warn({ err: String(err), connection }, 'redis connection error');
  });
  return client;
}

/** A connected node-redis client, as this project configures it. */
export type RedisClient = ReturnType<typeof newClient>;

export interface RedisClients {
  /** shared by every adapter for ordinary commands */
  main: RedisClient;
  /** reserved for the event log's XREAD BLOCK */
  reader: RedisClient;
  /** prefix of every key, e.g. `hotline:` */
  prefix: string;
  /** Closes both connections; safe to call more than once. */
  close(): Promise<void>;
}

export interface RedisConnectOptions {
  logger?: RedisLogger;
  /**
   * Give up the first connection after this long (the demo falls back to memory). Without it the
   * first connect retries forever, like every later reconnect.
   */
  connectTimeoutMs?: number;
}

/** Redis Sentinel: where the sentinels are and the name of the master they watch. */
export interface SentinelTarget {
  sentinels: { host: string; port: number }[];
  name: string;
  /** REDIS_URL: its user name, password and database number (not its host) apply to the master */
  url?: string;
}

/**
 * Opens the main and reader connections to `target` (a redis:// URL, or the master the sentinels
 * name). Rejects with a one-line error when `connectTimeoutMs` passes before both are ready.
 */
export async function createRedisClients(target: string | SentinelTarget, prefix: string, options: RedisConnectOptions = {}): Promise<RedisClients> {
  const logger = options.logger ?? consoleLogger;
  if (typeof target !== 'string') return connectBoth(newSentinel(target, 'main', logger, false), newSentinel(target, 'reader', logger, true), prefix, options);
  return connectBoth(newClient(target, 'main', logger), newClient(target, 'reader', logger), prefix, options);
}

/** Opens both connections (a client each, or a sentinel object each looking like one). */
async function connectBoth(main: RedisClient, reader: RedisClient, prefix: string, options: RedisConnectOptions): Promise<RedisClients> {
  const close = async (): Promise<void> => {
    // A blocked XREAD would hold a graceful close for the rest of its BLOCK time, and a client that
    // is reconnecting has nothing worth waiting for: both are cut off instead. (A sentinel object's
    // destroy() is asynchronous, a client's is not: awaiting covers both.)
    if (reader.isOpen) await reader.destroy();
    if (main.isReady) await main.close();
    else if (main.isOpen) await main.destroy();
  };
  const connected = Promise.all([main.connect(), reader.connect()]);
  // destroy() on timeout rejects the pending connects; nobody awaits them any more.
  connected.catch(() => undefined);
  const timeoutMs = options.connectTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    if (timeoutMs !== undefined) timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // a client retries its first connection for ever (until the timeout); a sentinel object gives up
    // after its rediscoveries, and the other connection must not be left behind then
    const outcome = await Promise.race([connected, timedOut]);
    if (outcome === 'timeout') throw new Error(`redis: not reachable within ${timeoutMs} ms`);
  } catch (err) {
    await close();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return { main, reader, prefix, close };
}

/** True for the errors node-redis raises while Redis is unreachable (the request may be retried later). */
export function isRedisUnavailable(err: unknown): boolean {
  return (
    err instanceof ClientOfflineError ||
    err instanceof ClientClosedError ||
    err instanceof SocketClosedUnexpectedlyError ||
    err instanceof ConnectionTimeoutError ||
    // through a sentinel, commands carry a timeout: a master gone silent mid-failover
    err instanceof TimeoutError ||
    // through a sentinel, a command that found no master after its rediscoveries
    /^(None of the sentinels are available|no valid master node)/.test((err as Error | null)?.message ?? '') ||
    // a MULTI queued at the moment the connection dropped fails with the socket's own error
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN'].includes((err as { code?: string } | null)?.code ?? '')
  );
}

/**
 * How many times a command through a sentinel asks again for the master (about a second apart)
 * before it fails. node-redis' default, 16, would hold an HTTP request and the reader for ~16 s while
 * the master is down; a few seconds, then a 503 and the reader's own backoff, is this project's rule.
 */
const SENTINEL_REDISCOVERS = 4;

/**
 * A node-redis sentinel object (`createSentinel`) for one of the two connections, made to look like
 * a client to the adapters.
 *
 * Each connection gets a sentinel object of its own (each with a one-client master pool, reserved),
 * rather than one object whose pool lends the reader a lease: a lease cannot be cut off alone, and
 * the event log's close() must cut a blocked XREAD without waiting for it (see RedisEventLog.close).
 * Both follow a failover by themselves: the sentinels' `switch-master` message (and a command that
 * finds its master gone or read-only) makes the object ask the sentinels again and reconnect.
 */
function newSentinel(target: SentinelTarget, connection: string, logger: RedisLogger, interruptOnFailover: boolean): RedisClient {
  const sentinel = sentinelFor(target);
  let wasReady = false;
  const failover = { pending: false };
  sentinel.on('ready', () => (wasReady = true));
  // as for a client: without a listener an `error` would crash the process
  sentinel.on('error', (err: unknown) => {
    if (wasReady) logger.warn({ err: String(err), connection }, 'redis sentinel error');
  });
  sentinel.on('topology-change', (event: { type: string; node?: { host: string; port: number } }) => {
    if (!wasReady || event.type !== 'MASTER_CHANGE' || !event.node) return;
    logger.warn({ master: `${event.node.host}:${event.node.port}`, connection }, 'redis sentinel: connected to the master the sentinels name now (a failover, or the master back)');
    failover.pending = interruptOnFailover;
  });
  return asClient(sentinel, failover);
}

/**
 * What the reader's next command fails with after a failover. Replication is asynchronous: the new
 * master may lack the last entries the old one took (and this node may have applied). The reader
 * takes the failover for the end of an outage and checks the log before reading on (Replica.run,
 * checkLog: a log without the entry at the cursor is replayed), instead of reading on past the gap.
 */
export class FailoverError extends Error {
  constructor() {
    super('redis: the master changed (sentinel failover); the log is checked before reading on');
  }
}

function sentinelFor(target: SentinelTarget) {
  const url = target.url ? new URL(target.url) : null;
  const database = url && /^\/\d+$/.test(url.pathname) ? Number(url.pathname.slice(1)) : 0;
  return createSentinel({
    name: target.name,
    sentinelRootNodes: target.sentinels,
    // RESP2 for the same reason as newClient's
    RESP: 2,
    masterPoolSize: 1,
    reserveClient: true,
    maxCommandRediscovers: SENTINEL_REDISCOVERS,
    // besides the sentinels' messages, look at the topology now and then (a missed message)
    scanInterval: 10_000,
    nodeClientOptions: {
      disableOfflineQueue: true,
      socket: { reconnectStrategy: reconnectDelay },
      ...(url?.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url?.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(database ? { database } : {}),
    },
  });
}

type Sentinel = ReturnType<typeof sentinelFor>;

/**
 * The sentinel object with a client's calling convention. Two calls differ: a client's
 * `sendCommand(args)` and `multi().addCommand(args)` are the sentinel's `sendCommand(isReadonly,
 * args)` and `addCommand(isReadonly, args)` (false: every command goes to the master, there is no
 * replica pool). Everything else the adapters call (typed commands, multi, eval, scanIterator,
 * isOpen, isReady, connect, close, destroy, on) has the same shape on both.
 */
function asClient(sentinel: Sentinel, failover: { pending: boolean }): RedisClient {
  // a failover before or during a command: its reply (from either master) is not trusted, once
  const interrupted = () => {
    if (!failover.pending) return false;
    failover.pending = false;
    return true;
  };
  type Multi = ReturnType<Sentinel['multi']>;
  const multi = (m: Multi) =>
    new Proxy(m, {
      get(target, prop) {
        if (prop === 'addCommand') return (args: string[], transform?: unknown) => (target.addCommand as (r: boolean, a: string[], t?: unknown) => Multi)(false, args, transform);
        const v: unknown = Reflect.get(target, prop, target);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
  return new Proxy(sentinel, {
    get(target, prop) {
      if (prop === 'sendCommand')
        return async (args: string[], options?: object) => {
          if (interrupted()) throw new FailoverError();
          const reply: unknown = await target.sendCommand(false, args, options);
          if (interrupted()) throw new FailoverError();
          return reply;
        };
      if (prop === 'multi' || prop === 'MULTI') return () => multi(target.multi());
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as unknown as RedisClient;
}
