/**
 * Socket.IO: token in the handshake, `snapshot` on connect, then `patch` messages with the cursor
 * and a per-connection `seq` that restarts at 1 after every snapshot. `resync` sends a fresh one.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import { UNAUTHORIZED, type ClientToServerEvents, type ServerToClientEvents } from '../../../shared/socket';
import type { Principal, TokenService } from '../../auth';
import type { LiveView } from '../../live-view';
import type { Clock } from '../../ports';

interface SocketData {
  principal: Principal;
  token: string;
}

/** How often open sockets re-check their token: a revocation on another node (or from the CLI) closes them too. */
const RECHECK_MS = 15_000;

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Realtime {
  io: RealtimeServer;
  /** closes the sockets of a revoked device or of a user whose tokens were voided */
  disconnect(match: { deviceId?: string; username?: string }): void;
  close(): Promise<void>;
}

export function attachRealtime(
  http: HttpServer,
  d: {
    view: LiveView;
    tokens: TokenService;
    logger: Logger;
    allowedOrigins: string[];
    /** what every client hears every 2 s, so a quiet hall is not mistaken for a stale screen */
    heartbeat: () => { serverTime: number; cursor: string; logConnected: boolean };
    clock: Clock;
  },
): Realtime {
  const io: RealtimeServer = new Server(http, {
    serveClient: false,
    maxHttpBufferSize: 16 * 1024,
    cors: d.allowedOrigins.length ? { origin: d.allowedOrigins } : undefined,
    // a browser page from another origin may not open a socket unless that origin is allowed
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      if (!origin) return cb(null, true);
      const host = req.headers.host;
      const same = host !== undefined && (origin === `http://${host}` || origin === `https://${host}`);
      cb(null, same || d.allowedOrigins.includes(origin));
    },
  });

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const principal = await d.tokens.verify(token).catch(() => null);
    if (!principal) return next(new Error(UNAUTHORIZED));
    socket.data.principal = principal;
    socket.data.token = token as string;
    next();
  });

  io.on('connection', (socket) => {
    let seq = 0;
    const p = socket.data.principal;
    socket.emit('snapshot', d.view.latest());
    const unsubscribe = d.view.subscribe((pub) => {
      seq += 1;
      socket.emit('patch', { cursor: pub.cursor, serverTime: pub.serverTime, ops: pub.ops, seq });
    });
    // a client asking again and again gets at most one snapshot a second (a full state is the costly message)
    let lastResync = 0;
    let pendingResync: NodeJS.Timeout | null = null;
    const sendSnapshot = () => {
      pendingResync = null;
      lastResync = Date.now();
      seq = 0;
      socket.emit('snapshot', d.view.latest());
    };
    socket.on('resync', () => {
      if (pendingResync) return;
      const wait = lastResync + 1000 - Date.now();
      if (wait <= 0) sendSnapshot();
      else pendingResync = setTimeout(sendSnapshot, wait);
    });
    // a person's session ends with its token
    const expiry = p.expiresAt !== null ? setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(p.expiresAt - d.clock.now(), 2 ** 31 - 1))) : null;
    socket.on('disconnect', () => {
      unsubscribe();
      if (expiry) clearTimeout(expiry);
      if (pendingResync) clearTimeout(pendingResync);
    });
  });

  const beat = setInterval(() => io.emit('heartbeat', d.heartbeat()), 2000);
  beat.unref();
  const recheck = setInterval(() => {
    for (const s of io.sockets.sockets.values()) {
      void d.tokens
        .verify(s.data.token)
        .then((p) => {
          if (!p) {
            s.emit('closing', { code: 'revoked' });
            s.disconnect(true);
          }
        })
        .catch(() => undefined); // the store is unreachable: keep serving, check again later
    }
  }, RECHECK_MS);
  recheck.unref();

  return {
    io,
    disconnect(match) {
      for (const s of io.sockets.sockets.values()) {
        const p = s.data.principal;
        if ((match.deviceId && p.kind === 'device' && p.id === match.deviceId) || (match.username && p.kind === 'user' && p.name === match.username)) {
          s.emit('closing', { code: 'revoked' });
          s.disconnect(true);
        }
      }
    },
    close: () => {
      clearInterval(recheck);
      clearInterval(beat);
      return new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
