/**
 * A throwaway redis-server for the integration tests: a free port, no persistence, loopback only.
 * Never the developer's Redis on 6379.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { delimiter, join } from 'node:path';

/** A running server and how to stop it. */
export interface RunningRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export const REDIS_MISSING = 'redis-server not found: install it (apt-get install -y redis-server) to run the integration tests';

const STARTUP_TIMEOUT_MS = 10_000;

/** A one-line error: the stack of this helper would only bury the install hint. */
export function oneLine(message: string): Error {
  const err = new Error(message);
  err.stack = message;
  return err;
}

export function onPath(command: string): boolean {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** One PING over a bare socket: true on +PONG. Avoids a client library's reconnect noise while waiting. */
export function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    const finish = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1_000, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited(child);
  clearTimeout(killer);
}

async function startOnce(port: number, extraArgs: string[] = []): Promise<RunningRedis> {
  return launch(port, ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', ...extraArgs]);
}

/**
 * Spawns `redis-server args…` and resolves once `port` answers PING (a sentinel answers it too).
 * Throws the install hint when the binary is missing, the server's last line when it exits early.
 */
export async function launch(port: number, args: string[]): Promise<RunningRedis> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Keep only the tail of the output: enough to explain a failed start, bounded for a long run.
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-4_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | null = null;
  child.once('error', (err) => {
    spawnError = err;
  });

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError) {
      const code = (spawnError as NodeJS.ErrnoException).code;
      throw code === 'ENOENT' ? oneLine(REDIS_MISSING) : spawnError;
    }
    if (child.exitCode !== null || child.signalCode !== null) {
      const last = output.trim().split('\n').at(-1) ?? '';
      throw new Error(`redis-server exited during start-up on port ${port}: ${last}`);
    }
    if (await ping(port)) {
      return { url: `redis://127.0.0.1:${port}`, port, stop: () => stopChild(child) };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  await stopChild(child);
  throw new Error(`redis-server did not answer PING on port ${port} within ${STARTUP_TIMEOUT_MS} ms`);
}

/**
 * Starts redis-server on a free port and resolves once it answers PING. Throws one line naming the
 * install command when redis-server is not on PATH.
 */
export async function startRedis(): Promise<RunningRedis> {
  if (!onPath('redis-server')) throw oneLine(REDIS_MISSING);
  // The port is free when chosen but could be taken before redis binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort());
    } catch (err) {
      if (err instanceof Error && err.message === REDIS_MISSING) throw err;
      lastError = err;
    }
  }
  throw lastError;
}

/**
 * Starts redis-server on a given port (to bring one back where it was, in outage tests), with
 * `extraArgs` after the usual ones (e.g. `--replicaof 127.0.0.1 6390`).
 */
export function startRedisOn(port: number, extraArgs: string[] = []): Promise<RunningRedis> {
  if (!onPath('redis-server')) throw oneLine(REDIS_MISSING);
  return startOnce(port, extraArgs);
}
