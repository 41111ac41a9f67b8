/**
 * The one Socket.IO connection of a page. Plain TypeScript (no runes) so it can be tested with a
 * fake socket and a fake clock.
 *
 * Protocol (docs/api.md): on connect the server sends `snapshot`, then `patch` messages. `seq` is
 * node-wide (one more per patch the server publishes), so the first patch after a snapshot may
 * carry any `seq` and becomes the baseline; after it each patch must be the previous + 1. A gap in
 * `seq` → we emit `resync` and ignore patches until the fresh snapshot.
 * After a reconnect, patches are ignored until the new snapshot arrives, so the screen never shows
 * a mix of old and new state.
 */
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type { Patch } from '../../../shared/patch';
import type { Snapshot } from '../../../shared/snapshot';
import { UNAUTHORIZED, type ClientToServerEvents, type ServerToClientEvents } from '../../../shared/socket';
import { createServerClock, type ServerClock } from './server-clock';

export type ConnectionStatus = 'connecting' | 'live' | 'stale' | 'offline';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface ConnectionState {
  status: ConnectionStatus;
  /** browser clock (ms) when the last snapshot or patch was applied; null before any */
  lastDataAt: number | null;
  /** the `serverTime` of the last snapshot or patch applied; null before any */
  lastServerTime: number | null;
  /** the server refused our token (`connect_error` "unauthorized"); the page shows a sign-in hint */
  unauthorized: boolean;
  /** code of the server's last `closing` message (e.g. a revoked device), until the next snapshot */
  closingCode: string | null;
  /** estimated server time minus browser time, ms */
  serverOffsetMs: number;
}

/** Where the connection delivers what it receives (the state module). */
export interface ConnectionSink {
  snapshot(snapshot: Snapshot): void;
  patch(patch: Patch): void;
  state(state: Readonly<ConnectionState>): void;
}

export type SocketFactory = (opts: Partial<ManagerOptions & SocketOptions>) => LiveSocket;

export interface ConnectionOptions {
  /** read on every connection attempt, so a token stored later (sign-in in another tab) is used */
  getToken(): string | null;
  /** same origin when omitted */
  url?: string;
  /** connected but nothing received for longer than this → `stale` (default 5000) */
  staleAfterMs?: number;
  /** how often the stale check runs (default 500) */
  checkEveryMs?: number;
  /** retry delay after `unauthorized` (default 30000): the token may be replaced meanwhile */
  unauthorizedRetryMs?: number;
  /** resend `resync` if its snapshot has not come after this long (default 5000) */
  resyncTimeoutMs?: number;
  /** browser clock; injectable for tests */
  now?: () => number;
  /** injectable for tests; defaults to socket.io-client's `io` */
  createSocket?: SocketFactory;
  /** timers; injectable for tests */
  timers?: Timers;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface Connection {
  /** the current state (a fresh object after each change) */
  readonly state: Readonly<ConnectionState>;
  /** server time now, estimated from the messages' `serverTime` */
  serverNow(): number;
  start(): void;
  stop(): void;
  /** ask for a fresh snapshot */
  resync(): void;
}

/** Backoff for reconnects that socket.io does not do by itself (server-side disconnect, refused handshake). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
  return Math.round(base * (0.5 + random()));
}

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (h) => globalThis.clearInterval(h as ReturnType<typeof setInterval>),
};

export function createConnection(sink: ConnectionSink, options: ConnectionOptions): Connection {
  const now = options.now ?? Date.now;
  const timers = options.timers ?? defaultTimers;
  const staleAfterMs = options.staleAfterMs ?? 5000;
  const unauthorizedRetryMs = options.unauthorizedRetryMs ?? 30_000;
  const resyncTimeoutMs = options.resyncTimeoutMs ?? 5000;
  const clock: ServerClock = createServerClock(now);

  let state: ConnectionState = {
    status: 'connecting',
    lastDataAt: null,
    lastServerTime: null,
    unauthorized: false,
    closingCode: null,
    serverOffsetMs: 0,
  };
  let socket: LiveSocket | null = null;
  /**
   * seq of the last patch applied; null right after a snapshot: the next patch, whatever its seq
   * (it is node-wide, not per connection), applies to that snapshot and sets the baseline
   */
  let lastSeq: number | null = null;
  let awaitingSnapshot = true;
  /** waiting for the snapshot we asked for after a seq gap: the data shown is still recent */
  let resyncing = false;
  let connectedAt: number | null = null;
  let manualAttempts = 0;
  let retryTimer: unknown = null;
  let resyncTimer: unknown = null;
  let checkTimer: unknown = null;

  function update(change: Partial<ConnectionState>): void {
    const next = { ...state, ...change };
    const same = (Object.keys(next) as (keyof ConnectionState)[]).every((k) => next[k] === state[k]);
    if (same) return;
    state = next;
    sink.state(state);
  }

  function connectedStatus(): ConnectionStatus {
    const since = Math.max(state.lastDataAt ?? 0, connectedAt ?? 0);
    if (now() - since > staleAfterMs) return 'stale';
    return awaitingSnapshot && !resyncing ? 'connecting' : 'live';
  }

  function check(): void {
    if (socket?.connected) update({ status: connectedStatus() });
  }

  function received(serverTime: number): void {
    const at = now();
    clock.sample(serverTime, at);
    update({ lastDataAt: at, lastServerTime: serverTime, serverOffsetMs: clock.offsetMs() });
  }

  function clearRetry(): void {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  }

  function clearResync(): void {
    if (resyncTimer !== null) timers.clearTimeout(resyncTimer);
    resyncTimer = null;
  }

  function scheduleConnect(delay: number): void {
    clearRetry();
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      if (socket && !socket.connected) socket.connect();
    }, delay);
  }

  function requestResync(): void {
    clearResync();
    if (!socket?.connected) return;
    awaitingSnapshot = true;
    resyncing = true;
    lastSeq = null;
    socket.emit('resync');
    resyncTimer = timers.setTimeout(() => {
      resyncTimer = null;
      if (awaitingSnapshot) requestResync();
    }, resyncTimeoutMs);
    check();
  }

  function onSnapshot(snapshot: Snapshot): void {
    clearResync();
    awaitingSnapshot = false;
    resyncing = false;
    lastSeq = null;
    sink.snapshot(snapshot);
    received(snapshot.serverTime);
    update({ status: connectedStatus(), closingCode: null, unauthorized: false });
  }

  function onPatch(patch: Patch): void {
    if (awaitingSnapshot) return;
    if (lastSeq !== null && patch.seq !== lastSeq + 1) {
      if (patch.seq <= lastSeq) return; // a duplicate or late message: already applied
      requestResync();
      return;
    }
    lastSeq = patch.seq;
    sink.patch(patch);
    received(patch.serverTime);
    update({ status: connectedStatus() });
  }

  function attach(s: LiveSocket): void {
    s.on('connect', () => {
      manualAttempts = 0;
      clearRetry();
      connectedAt = now();
      awaitingSnapshot = true;
      resyncing = false;
      lastSeq = null;
      update({ status: 'connecting', unauthorized: false });
    });
    s.on('snapshot', onSnapshot);
    s.on('patch', onPatch);
    // a heartbeat from a node that still reads the event log means the data shown is current;
    // from a node that lost it, it does not, and the screen turns stale after staleAfterMs
    s.on('heartbeat', (h) => {
      if (awaitingSnapshot || !h.logConnected) return;
      received(h.serverTime);
      update({ status: connectedStatus() });
    });
    s.on('closing', (reason) => update({ closingCode: reason?.code ?? 'closing' }));
    s.on('disconnect', (reason) => {
      connectedAt = null;
      awaitingSnapshot = true;
      resyncing = false;
      lastSeq = null;
      clearResync();
      update({ status: 'offline' });
      // socket.io reconnects by itself except after a server-side or our own disconnect.
      if (reason === 'io server disconnect') scheduleConnect(backoffMs(manualAttempts++));
    });
    s.on('connect_error', (err) => {
      if (err?.message === UNAUTHORIZED) {
        update({ status: 'offline', unauthorized: true });
        scheduleConnect(unauthorizedRetryMs);
        return;
      }
      update({ status: 'offline' });
      // A handshake refused by the server leaves the socket inactive: socket.io will not retry it.
      if (!s.active) scheduleConnect(backoffMs(manualAttempts++));
    });
  }

  const createSocket: SocketFactory =
    options.createSocket ??
    ((opts) => (options.url ? io(options.url, opts) : io(opts)) as LiveSocket);

  return {
    get state() {
      return state;
    },
    serverNow: () => clock.now(),
    start() {
      if (socket) return;
      socket = createSocket({
        autoConnect: false,
        reconnection: true,
        reconnectionAttempts: Infinity,
        reconnectionDelay: 1000,
        reconnectionDelayMax: 15_000,
        randomizationFactor: 0.5,
        timeout: 10_000,
        auth: (cb: (data: object) => void) => cb({ token: options.getToken() ?? '' }),
      });
      attach(socket);
      update({ status: 'connecting' });
      socket.connect();
      checkTimer = timers.setInterval(check, options.checkEveryMs ?? 500);
    },
    stop() {
      clearRetry();
      clearResync();
      if (checkTimer !== null) timers.clearInterval(checkTimer);
      checkTimer = null;
      if (socket) {
        socket.removeAllListeners();
        socket.disconnect();
      }
      socket = null;
      update({ status: 'offline' });
    },
    resync: requestResync,
  };
}
