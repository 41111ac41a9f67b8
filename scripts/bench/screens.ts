/**
 * The wall screens of a run, as the server sees real ones: one Socket.IO connection each (push), or
 * a GET /api/v1/snapshot every 4 s each (the polling baseline). Each screen records when it saw
 * which cursor, and the bytes it received; figures are computed after the run.
 */
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket';
import { now, sleep } from './stats';

/** What one screen saw: the cursor of each patch (or poll answer) and when it arrived. */
export interface Seen {
  cursors: string[];
  at: number[];
}

export interface Screens {
  seen: Seen[];
  /** bytes received so far by all screens together (message payloads or response bodies as sent) */
  bytes(): number;
  /** bytes of the same once decompressed (= bytes() for sockets, which are not compressed) */
  jsonBytes(): number;
  /** push only: JSON bytes of the patch operations one screen received, by the snapshot key they change */
  patchMix?: Map<string, number>;
  close(): Promise<void>;
}

const CONNECT_WAVE = 50;

/** Opens `n` socket screens, `CONNECT_WAVE` at a time; resolves once each has its first snapshot. */
export async function pushScreens(url: string, token: string, n: number): Promise<Screens> {
  const seen: Seen[] = [];
  const sockets: Socket<ServerToClientEvents, ClientToServerEvents>[] = [];
  let bytes = 0;
  const patchMix = new Map<string, number>();
  for (let i = 0; i < n; i += CONNECT_WAVE) {
    await Promise.all(
      Array.from({ length: Math.min(CONNECT_WAVE, n - i) }, () => {
        const s: Seen = { cursors: [], at: [] };
        const tally = seen.push(s) === 1;
        // forceNew: a connection of its own per screen (socket.io-client would otherwise share one)
        const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
        sockets.push(socket);
        socket.io.on('open', () => socket.io.engine.on('data', (d: string | ArrayBuffer) => (bytes += typeof d === 'string' ? Buffer.byteLength(d) : d.byteLength)));
        socket.on('patch', (p) => {
          s.cursors.push(p.cursor);
          s.at.push(now());
          if (tally) for (const op of p.ops) patchMix.set(op.path[0] ?? '', (patchMix.get(op.path[0] ?? '') ?? 0) + JSON.stringify(op).length);
        });
        return new Promise<void>((resolve, reject) => {
          socket.once('snapshot', () => resolve());
          socket.once('connect_error', (err) => reject(new Error(`screen could not connect: ${err.message}`)));
        });
      }),
    );
  }
  return {
    seen,
    bytes: () => bytes,
    jsonBytes: () => bytes,
    patchMix,
    async close() {
      for (const s of sockets) s.close();
    },
  };
}

const CURSOR = /"cursor":"(\d+-\d+)"/;

/**
 * `n` screens polling GET /api/v1/snapshot every `everyMs`, their phases spread evenly over the
 * period, keep-alive and gzip like a browser. A screen whose answer has not come by its next turn
 * skips that turn.
 */
export function pollScreens(url: string, token: string, n: number, everyMs = 4000): Screens {
  const agent = new Agent({ keepAlive: true });
  const { hostname, port } = new URL(url);
  const seen: Seen[] = [];
  let bytes = 0;
  let jsonBytes = 0;
  let stopped = false;
  const poll = (s: Seen) =>
    new Promise<void>((resolve) => {
      const req = request({ agent, hostname, port, path: '/api/v1/snapshot', headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const at = now();
          const body = Buffer.concat(chunks);
          bytes += body.length;
          const text = (res.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString();
          jsonBytes += Buffer.byteLength(text);
          const cursor = res.statusCode === 200 ? CURSOR.exec(text)?.[1] : undefined;
          if (cursor) {
            s.cursors.push(cursor);
            s.at.push(at);
          }
          resolve();
        });
      });
      req.on('error', () => resolve());
      req.end();
    });
  const loops = Array.from({ length: n }, async (_, i) => {
    const s: Seen = { cursors: [], at: [] };
    seen.push(s);
    const t0 = now() + (i * everyMs) / n;
    for (let k = 0; !stopped; k++) {
      const wait = t0 + k * everyMs - now();
      if (wait < 0) continue; // the previous answer took longer than a period: this turn is skipped
      await sleep(wait);
      if (!stopped) await poll(s);
    }
  });
  return {
    seen,
    bytes: () => bytes,
    jsonBytes: () => jsonBytes,
    async close() {
      stopped = true;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}
