/**
 * A throwaway Redis Sentinel set-up for the integration tests: a master, optionally a replica, and
 * one sentinel (`redis-server <conf> --sentinel`, the same binary; Debian ships no separate
 * redis-sentinel), all on free loopback ports, the sentinel's config in a temporary directory.
 * Quorum 1 and short timeouts, so a failover takes seconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, launch, oneLine, onPath, REDIS_MISSING, startRedisOn, type RunningRedis } from './redis-server';

export const SENTINEL_UNAVAILABLE = 'redis-server could not run as a sentinel (`redis-server <conf> --sentinel`): install a Redis with sentinel mode (apt-get install -y redis-server, or redis-sentinel) to run the sentinel tests';

export interface RunningSentinel {
  /** the master name the sentinel watches */
  name: string;
  port: number;
  /** the `REDIS_SENTINELS` value for it */
  hosts: string;
  stop(): Promise<void>;
}

/**
 * One raw command over a bare socket (RESP), resolving with the reply's first line(s) as text:
 * enough for `SENTINEL …`, `INFO`, `WAIT`, `PING` without a client library's reconnect logic.
 */
export function command(port: number, args: string[], timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no reply to ${args.join(' ')} on port ${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (complete(reply)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(reply);
      }
    });
  });
}

/** Whether a RESP2 reply text is whole (simple types, bulk strings, and arrays of them, nested). */
function complete(text: string): boolean {
  let i = 0;
  const line = (): string | null => {
    const end = text.indexOf('\r\n', i);
    if (end < 0) return null;
    const l = text.slice(i, end);
    i = end + 2;
    return l;
  };
  const value = (): boolean => {
    const l = line();
    if (l === null) return false;
    const n = Number(l.slice(1));
    switch (l[0]) {
      case '+':
      case '-':
      case ':':
        return true;
      case '$':
        if (n < 0) return true;
        if (Buffer.byteLength(text.slice(i)) < n + 2) return false;
        // bulk strings here are ASCII (INFO, addresses): bytes are characters
        i += n + 2;
        return true;
      case '*':
        for (let k = 0; k < n; k++) if (!value()) return false;
        return true;
      default:
        return true;
    }
  };
  return value();
}

/**
 * A server on a free port whose files (the RDB a replica receives, or a master writes for it) go to
 * `dir`, never to the working directory.
 */
async function startIn(dir: string, extraArgs: string[] = []): Promise<RunningRedis> {
  const port = await freePort();
  return startRedisOn(port, ['--dir', dir, '--dbfilename', `dump-${port}.rdb`, ...extraArgs]);
}

/** A replica of the master on `masterPort`, on a free port, its files in `dir`. */
export function startReplica(masterPort: number, dir: string): Promise<RunningRedis> {
  return startIn(dir, ['--replicaof', '127.0.0.1', String(masterPort)]);
}

/**
 * A sentinel watching `127.0.0.1:masterPort` as `name`, quorum 1: the master is taken for down after
 * `downAfterMs` without an answer. Fails with one line when this redis-server cannot run as a sentinel.
 */
export async function startSentinel(name: string, masterPort: number, o: { downAfterMs?: number } = {}): Promise<RunningSentinel> {
  if (!onPath('redis-server')) throw oneLine(REDIS_MISSING);
  const dir = mkdtempSync(join(tmpdir(), 'hotline-sentinel-'));
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    // the sentinel rewrites its config file (what it learns of replicas and other sentinels)
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      [
        `port ${port}`,
        'bind 127.0.0.1',
        `dir ${dir}`,
        `sentinel monitor ${name} 127.0.0.1 ${masterPort} 1`,
        `sentinel down-after-milliseconds ${name} ${o.downAfterMs ?? 1000}`,
        `sentinel failover-timeout ${name} 10000`,
        `sentinel parallel-syncs ${name} 1`,
        '',
      ].join('\n'),
    );
    try {
      const s = await launch(port, [conf, '--sentinel']);
      return {
        name,
        port,
        hosts: `127.0.0.1:${port}`,
        stop: async () => {
          await s.stop();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      // an unknown option or a binary without sentinel mode: say what to install, in one line
      if (err instanceof Error && /exited during start-up/.test(err.message) && !/Address already in use/i.test(err.message)) {
        rmSync(dir, { recursive: true, force: true });
        throw oneLine(`${SENTINEL_UNAVAILABLE} (${err.message})`);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
  throw lastError;
}

/** A master with a sentinel watching it (and optionally a replica): the set a node connects to by REDIS_SENTINELS. */
export interface SentinelSet {
  name: string;
  master: RunningRedis;
  replica: RunningRedis | null;
  sentinel: RunningSentinel;
  /** the master as the sentinel names it now: its port */
  masterPort(): Promise<number>;
  /** the replicas the sentinel knows (ports) */
  knownReplicas(): Promise<number[]>;
  stop(): Promise<void>;
}

export async function startSentinelSet(o: { name?: string; replica?: boolean; downAfterMs?: number } = {}): Promise<SentinelSet> {
  const name = o.name ?? 'hotline-test';
  const dir = mkdtempSync(join(tmpdir(), 'hotline-redis-'));
  const started: { stop(): Promise<void> }[] = [{ stop: async () => rmSync(dir, { recursive: true, force: true }) }];
  try {
    const master = await startIn(dir);
    started.push(master);
    const replica = o.replica ? await startReplica(master.port, dir) : null;
    if (replica) started.push(replica);
    const sentinel = await startSentinel(name, master.port, { downAfterMs: o.downAfterMs });
    started.push(sentinel);
    return {
      name,
      master,
      replica,
      sentinel,
      async masterPort() {
        const reply = await command(sentinel.port, ['SENTINEL', 'get-master-addr-by-name', name]);
        const port = /\$\d+\r\n(\d+)\r\n$/.exec(reply)?.[1];
        if (!port) throw new Error(`the sentinel names no master: ${JSON.stringify(reply)}`);
        return Number(port);
      },
      async knownReplicas() {
        const reply = await command(sentinel.port, ['SENTINEL', 'replicas', name]);
        // each replica is a flat list of field, value: take the "port" fields of the ones not down
        const ports: number[] = [];
        const parts = reply.split('\r\n');
        for (let i = 0; i + 2 < parts.length; i++) {
          if (parts[i] === 'port') ports.push(Number(parts[i + 2]));
        }
        return ports;
      },
      async stop() {
        for (const s of started.reverse()) await s.stop().catch(() => undefined);
      },
    };
  } catch (err) {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    throw err;
  }
}
