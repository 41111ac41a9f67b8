/**
 * Redis connections for one node. Two of them: XREAD BLOCK occupies its connection for the whole wait,
 * so the stream reader gets its own and every other command shares the main one.
 */
import { ClientClosedError, ClientOfflineError, ConnectionTimeoutError, createClient, SocketClosedUnexpectedlyError } from 'redis';

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

/**
 * Opens the main and reader connections to `url`. Rejects with a one-line error when
 * `connectTimeoutMs` passes before both are ready.
 */
export async function createRedisClients(url: string, prefix: string, options: RedisConnectOptions = {}): Promise<RedisClients> {
  const logger = options.logger ?? consoleLogger;
  const main = newClient(url, 'main', logger);
  const reader = newClient(url, 'reader', logger);
  const close = async (): Promise<void> => {
    // A blocked XREAD would hold a graceful close for the rest of its BLOCK time, and a client that
    // is reconnecting has nothing worth waiting for: both are cut off instead.
    if (reader.isOpen) reader.destroy();
    if (main.isReady) await main.close();
    else if (main.isOpen) main.destroy();
  };
  const connected = Promise.all([main.connect(), reader.connect()]);
  // destroy() on timeout rejects the pending connects; nobody awaits them any more.
  connected.catch(() => undefined);
  const timeoutMs = options.connectTimeoutMs;
  if (timeoutMs === undefined) {
    await connected;
  } else {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const outcome = await Promise.race([connected, timedOut]);
      if (outcome === 'timeout') {
        await close();
        throw new Error(`redis: not reachable within ${timeoutMs} ms`);
      }
    } finally {
      clearTimeout(timer);
    }
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
    // a MULTI queued at the moment the connection dropped fails with the socket's own error
    ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN'].includes((err as { code?: string } | null)?.code ?? '')
  );
}
