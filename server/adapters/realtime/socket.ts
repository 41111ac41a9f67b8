/**
 * Socket.IO: token in the handshake, `snapshot` on connect, then `patch` messages with the cursor
 * and the node-wide `seq` of the LiveView. `resync` sends a fresh snapshot.
 *
 * Cost per change does not grow with the number of screens: each socket joins the room of its role,
 * and each published patch is ONE broadcast per (non-empty) role room, which socket.io encodes once
 * and writes to every socket of the room. Heartbeats are volatile: one lost under backpressure is
 * replaced two seconds later.
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { Logger } from 'pino';
import { UNAUTHORIZED, type ClientToServerEvents, type ServerToClientEvents } from '../../../shared/socket';
import type { Patch } from '../../../shared/patch';
import type { Principal, TokenService } from '../../auth';
import type { LiveView } from '../../live-view';
import type { Clock, Role } from '../../ports';

interface SocketData {
  principal: Principal;
  token: string;
}

/** How often open sockets re-check their token: a revocation on another node (or from the CLI) closes them too. */
const RECHECK_MS = 15_000;

/**
 * One room per role. Every role sees the same data today; the rooms keep the door open for views
 * that differ by role (each room would then get its own patch, still encoded once per room).
 */
export const ROLE_ROOMS: Readonly<Record<Role, string>> = {
  wall: 'role:wall',
  lead: 'role:lead',
  director: 'role:director',
  admin: 'role:admin',
};

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface Realtime {
  io: RealtimeServer;
  /** closes the sockets of a revoked device or of a user whose tokens were voided */
  disconnect(match: { deviceId?: string; username?: string }): void;
  /** open (signed-in) sockets by role: the size of each role's room */
  sockets(): Record<Role, number>;
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
    /** told the size in bytes of every broadcast patch, as Socket.IO encoded it (the metrics) */
    patchBytes?: (bytes: number) => void;
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

  // The size of each patch where Socket.IO encodes it, once per broadcast (the adapter encodes the
  // packet once for every socket of the rooms): measured there, nothing is encoded twice. The
  // server's own encoder is wrapped, so only this server's packets pass through it.
  const patchBytes = d.patchBytes;
  if (patchBytes) {
    const encoder = io.encoder;
    const encode = encoder.encode.bind(encoder);
    encoder.encode = (packet) => {
      const encoded = encode(packet);
      const data: unknown = packet.data;
      if (Array.isArray(data) && data[0] === 'patch') {
        let bytes = 0;
        for (const part of encoded as (string | Uint8Array)[]) bytes += typeof part === 'string' ? Buffer.byteLength(part) : part.byteLength;
        patchBytes(bytes);
      }
      return encoded;
    };
  }

  io.use(async (socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
    const principal = await d.tokens.verify(token).catch(() => null);
    if (!principal) return next(new Error(UNAUTHORIZED));
    socket.data.principal = principal;
    socket.data.token = token as string;
    next();
  });

  // One broadcast, never a loop over sockets: every role sees the same patch today, so it goes to
  // the role rooms in use in a single emit, which socket.io encodes once for all of them. (A role
  // with a view of its own would get its own emit here.)
  const rooms = Object.values(ROLE_ROOMS);
  const unsubscribe = d.view.subscribe((pub) => {
    const patch: Patch = { cursor: pub.cursor, seq: pub.seq, serverTime: pub.serverTime, ops: pub.ops };
    const inUse = rooms.filter((room) => io.sockets.adapter.rooms.get(room)?.size);
    if (inUse.length) io.to(inUse).emit('patch', patch);
  });

  io.on('connection', (socket) => {
    const p = socket.data.principal;
    // Snapshot-then-patch ordering. Joining the room and sending `latest()` happen in one synchronous
    // step, and LiveView.publish replaces its base and broadcasts in one synchronous step too, so no
    // publish can fall between them: every patch published before is in this snapshot, every patch
    // published after reaches this socket through the room, behind the snapshot on the same
    // connection. (This needs a synchronous `join`, as the in-memory adapter's is.) The client takes
    // the first patch after a snapshot as its base, whatever its seq, then expects seq + 1.
    void socket.join(ROLE_ROOMS[p.role]);
    socket.emit('snapshot', d.view.latest());
    // a client asking again and again gets at most one snapshot a second (a full state is the costly
    // message); it stays in its room meanwhile, and ignores patches until the snapshot comes
    let lastResync = 0;
    let pendingResync: NodeJS.Timeout | null = null;
    const sendSnapshot = () => {
      pendingResync = null;
      lastResync = Date.now();
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
    // socket.io takes a disconnected socket out of its rooms itself
    socket.on('disconnect', () => {
      if (expiry) clearTimeout(expiry);
      if (pendingResync) clearTimeout(pendingResync);
    });
  });

  // volatile: a heartbeat that cannot be written now (backpressure) is dropped, the next one follows
  const beat = setInterval(() => io.volatile.emit('heartbeat', d.heartbeat()), 2000);
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
    sockets() {
      const size = (role: Role) => io.sockets.adapter.rooms.get(ROLE_ROOMS[role])?.size ?? 0;
      return { wall: size('wall'), lead: size('lead'), director: size('director'), admin: size('admin') };
    },
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
      unsubscribe();
      clearInterval(recheck);
      clearInterval(beat);
      return new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
