/**
 * Starts the server under test (scripts/bench/server.ts) in a child process run with tsx, and talks
 * to it: its readiness from outside (GET /readyz), its CPU, memory and cursor over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { FromServer, ToServer } from './server';
import { now, sleep } from './stats';

const ENTRY = fileURLToPath(new URL('./server.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ServerStats {
  /** when sampled (bench clock, ms) */
  at: number;
  /** user + system CPU time of the server process so far (µs) */
  cpuUs: number;
  rss: number;
  heapUsed: number;
  cursor: string;
  /** stream entries the node's reader has been handed so far */
  entriesRead: number;
  eluActive: number;
  eluIdle: number;
}

export interface ServerProcess {
  url: string;
  /** bench clock (ms) just before the fork */
  forkedAt: number;
  /** resolves once the server listens: its module loading and startApp times (replay included) */
  listening: Promise<{ loadedMs: number; startAppMs: number }>;
  stats(): Promise<ServerStats>;
  /** one GET /readyz: true on 200 (false while still starting) */
  isReady(): Promise<boolean>;
  /** polls GET /readyz until 200; the bench clock at that moment */
  ready(timeoutMs?: number): Promise<number>;
  stop(): Promise<void>;
}

export interface ServerSettings {
  redisUrl: string;
  prefix: string;
  timeZone: string;
  ingestToken?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

export async function startServer(o: ServerSettings): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const forkedAt = now();
  const child: ChildProcess = fork(ENTRY, [], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_REDIS_URL: o.redisUrl, BENCH_PREFIX: o.prefix, BENCH_TZ: o.timeZone, BENCH_PORT: String(port), BENCH_INGEST_TOKEN: o.ingestToken ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const waiting: Array<(s: ServerStats) => void> = [];
  let failure: string | null = null;
  const listening = new Promise<{ loadedMs: number; startAppMs: number }>((resolve, reject) => {
    child.on('message', (m: FromServer) => {
      if (m.t === 'listening') resolve(m);
      else if (m.t === 'failed') reject(new Error(`bench server: ${(failure = m.error)}`));
      else if (m.t === 'stats') waiting.shift()?.({ at: now(), ...m });
    });
    void exited.then(() => reject(new Error('bench server exited')));
  });
  listening.catch(() => undefined);
  const send = (m: ToServer) => child.send(m);
  const isReady = async () => {
    if (failure) throw new Error(`bench server: ${failure}`);
    if (child.exitCode !== null) throw new Error('bench server exited');
    return fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
  };

  return {
    url,
    forkedAt,
    listening,
    stats: () =>
      new Promise((resolve) => {
        waiting.push(resolve);
        send({ t: 'stats' });
      }),
    isReady,
    async ready(timeoutMs = 600_000) {
      const until = now() + timeoutMs;
      for (;;) {
        if (await isReady()) return now();
        if (now() > until) throw new Error(`bench server not ready within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      send({ t: 'stop' });
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** CPU use between two samples, in % of one core (200 % = both cores of this machine). */
export function cpuPercent(a: ServerStats, b: ServerStats): number {
  return (b.cpuUs - a.cpuUs) / 1000 / (b.at - a.at) * 100;
}

/** Share of wall time the server's event loop was busy between two samples (0–1). */
export function eventLoopBusy(a: ServerStats, b: ServerStats): number {
  const active = b.eluActive - a.eluActive;
  const idle = b.eluIdle - a.eluIdle;
  return active / (active + idle || 1);
}
