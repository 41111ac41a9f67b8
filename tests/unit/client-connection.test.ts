/**
 * The browser's one connection module (client/src/lib/connection.ts), driven with a fake socket, a
 * fake clock and fake timers: the order of snapshot and patches (`seq` is node-wide: the first patch
 * after a snapshot may carry any, then each is one more), resync on a seq gap, the live /
 * stale / offline status, heartbeats (and heartbeats from a node that lost the event log), and a
 * refused token.
 */
import { describe, expect, it } from 'vitest';
import {
  createConnection,
  type Connection,
  type ConnectionState,
  type LiveSocket,
  type SocketFactory,
  type Timers,
} from '../../client/src/lib/connection';
import { applyPatch, type Patch, type PatchOp } from '../../shared/patch';
import type { Snapshot } from '../../shared/snapshot';

type Handler = (...args: unknown[]) => void;

/** Just enough of a socket.io client socket: listeners, emits recorded, connect/disconnect by hand. */
class FakeSocket {
  connected = false;
  active = false;
  readonly emitted: string[] = [];
  connectCalls = 0;
  readonly opts: Record<string, unknown>;
  private handlers = new Map<string, Handler[]>();

  constructor(opts: Record<string, unknown>) {
    this.opts = opts;
  }
  on(event: string, fn: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  emit(event: string): this {
    this.emitted.push(event);
    return this;
  }
  connect(): this {
    this.connectCalls++;
    this.active = true;
    return this;
  }
  disconnect(): this {
    this.connected = false;
    this.active = false;
    return this;
  }
  removeAllListeners(): this {
    this.handlers.clear();
    return this;
  }
  /** the server (or socket.io itself) delivering `event` */
  fire(event: string, ...args: unknown[]): void {
    if (event === 'connect') this.connected = true;
    if (event === 'disconnect') this.connected = false;
    for (const fn of this.handlers.get(event) ?? []) fn(...args);
  }
}

/** A manual clock with timers that run when it is advanced. */
class FakeTime implements Timers {
  t = 1_000_000;
  private nextId = 1;
  private jobs = new Map<number, { at: number; fn: () => void; every: number | null }>();

  now = (): number => this.t;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.jobs.set(id, { at: this.t + ms, fn, every: null });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.jobs.delete(h as number);
  }
  setInterval(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.jobs.set(id, { at: this.t + ms, fn, every: ms });
    return id;
  }
  clearInterval(h: unknown): void {
    this.jobs.delete(h as number);
  }
  pending(): number {
    return this.jobs.size;
  }
  /** moves the clock forward, running every timer that comes due, in time order */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let nextId: number | null = null;
      let nextAt = Infinity;
      for (const [id, j] of this.jobs) {
        if (j.at <= end && j.at < nextAt) {
          nextAt = j.at;
          nextId = id;
        }
      }
      if (nextId === null) break;
      const job = this.jobs.get(nextId)!;
      this.t = job.at;
      if (job.every === null) this.jobs.delete(nextId);
      else job.at += job.every;
      job.fn();
    }
    this.t = end;
  }
}

function snapshot(serverTime: number, waiting = 0, cursor = '1-0'): Snapshot {
  return {
    cursor,
    serverTime,
    queue: { waiting, longestWaitSec: null, byQueue: {}, calls: [] },
    agents: [],
    alerts: [],
  } as unknown as Snapshot;
}

function patch(seq: number, serverTime: number, ops: PatchOp[] = []): Patch {
  return { cursor: `${100 + seq}-0`, seq, serverTime, ops };
}

function setup(opts: { token?: string | null } = {}) {
  const time = new FakeTime();
  const sockets: FakeSocket[] = [];
  const received: { kind: 'snapshot' | 'patch'; seq?: number; value: unknown }[] = [];
  const states: ConnectionState[] = [];
  let view: Snapshot | null = null;
  const createSocket: SocketFactory = (o) => {
    const s = new FakeSocket(o as Record<string, unknown>);
    sockets.push(s);
    return s as unknown as LiveSocket;
  };
  const conn: Connection = createConnection(
    {
      snapshot(s) {
        received.push({ kind: 'snapshot', value: s });
        view = structuredClone(s);
      },
      patch(p) {
        received.push({ kind: 'patch', seq: p.seq, value: p });
        if (view) applyPatch(view, p);
      },
      state(s) {
        states.push(s);
      },
    },
    {
      getToken: () => (opts.token === undefined ? 'tok-1' : opts.token),
      now: time.now,
      timers: time,
      createSocket,
    },
  );
  conn.start();
  const socket = sockets[0]!;
  return { time, socket, sockets, received, states, conn, view: () => view };
}

describe('client connection', () => {
  it('passes the token on every attempt and starts connecting', () => {
    const { socket, conn } = setup();
    expect(socket.connectCalls).toBe(1);
    expect(socket.opts.autoConnect).toBe(false);
    let auth: unknown = null;
    (socket.opts.auth as (cb: (d: object) => void) => void)((d) => (auth = d));
    expect(auth).toEqual({ token: 'tok-1' });
    expect(conn.state.status).toBe('connecting');
  });

  it('applies the snapshot, then patches in seq order', () => {
    const { time, socket, received, conn, view } = setup();
    socket.fire('connect');
    expect(conn.state.status).toBe('connecting');
    socket.fire('snapshot', snapshot(time.t));
    expect(conn.state.status).toBe('live');
    socket.fire('patch', patch(1, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 2 }]));
    socket.fire('patch', patch(2, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 5 }]));
    socket.fire('patch', patch(3, time.t, [{ op: 'list', path: ['agents'], key: 'id', upsert: [{ id: '1001', state: 'available' }], remove: [] }]));
    expect(received.map((r) => r.kind + (r.seq ?? ''))).toEqual(['snapshot', 'patch1', 'patch2', 'patch3']);
    expect(view()!.queue.waiting).toBe(5);
    expect(view()!.agents).toEqual([{ id: '1001', state: 'available' }]);
    expect(view()!.cursor).toBe('103-0');
    expect(conn.state.status).toBe('live');
  });

  it('takes the first patch after the snapshot as its base whatever its node-wide seq, then requires one more each time', () => {
    const { time, socket, received, view } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    // the node had published 4120 patches before this screen connected
    socket.fire('patch', patch(4121, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 2 }]));
    socket.fire('patch', patch(4122, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 3 }]));
    expect(received.map((r) => r.kind + (r.seq ?? ''))).toEqual(['snapshot', 'patch4121', 'patch4122']);
    expect(view()!.queue.waiting).toBe(3);
    expect(socket.emitted).toEqual([]);
    socket.fire('patch', patch(4124, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 9 }])); // 4123 is missing
    expect(socket.emitted).toEqual(['resync']);
    expect(view()!.queue.waiting).toBe(3);
  });

  it('after a reconnect (perhaps to another node, whose seq is lower) starts again from the new snapshot', () => {
    const { time, socket, received, view } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    socket.fire('patch', patch(900, time.t));
    socket.fire('disconnect', 'transport close');
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t, 6));
    socket.fire('patch', patch(12, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 7 }]));
    socket.fire('patch', patch(13, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 8 }]));
    expect(received.map((r) => r.kind + (r.seq ?? ''))).toEqual(['snapshot', 'patch900', 'snapshot', 'patch12', 'patch13']);
    expect(view()!.queue.waiting).toBe(8);
    expect(socket.emitted).toEqual([]);
  });

  it('ignores patches before the first snapshot and a duplicate seq', () => {
    const { time, socket, received } = setup();
    socket.fire('connect');
    socket.fire('patch', patch(1, time.t));
    expect(received).toEqual([]);
    socket.fire('snapshot', snapshot(time.t));
    socket.fire('patch', patch(1, time.t));
    socket.fire('patch', patch(1, time.t)); // the same message twice
    socket.fire('patch', patch(2, time.t));
    expect(received.map((r) => r.kind + (r.seq ?? ''))).toEqual(['snapshot', 'patch1', 'patch2']);
    expect(socket.emitted).not.toContain('resync');
  });

  it('on a seq gap emits resync and ignores patches until the fresh snapshot', () => {
    const { time, socket, received, conn, view } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    socket.fire('patch', patch(41, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 1 }]));
    socket.fire('patch', patch(43, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 99 }])); // 42 is missing
    expect(socket.emitted).toEqual(['resync']);
    socket.fire('patch', patch(44, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 98 }]));
    expect(received.map((r) => r.kind + (r.seq ?? ''))).toEqual(['snapshot', 'patch41']);
    expect(view()!.queue.waiting).toBe(1);
    // the data shown is a moment old, not lost: the page stays live while the snapshot comes
    expect(conn.state.status).toBe('live');

    // the snapshot holds 45 too (published while the request was under way): the next patch is 46,
    // which is not 44 + 1 and still applies, as the first patch after a snapshot always does
    socket.fire('snapshot', snapshot(time.t, 7, '200-0'));
    expect(view()!.queue.waiting).toBe(7);
    socket.fire('patch', patch(46, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 8 }]));
    socket.fire('patch', patch(47, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 9 }]));
    expect(received.map((r) => r.kind + (r.seq ?? ''))).toEqual(['snapshot', 'patch41', 'snapshot', 'patch46', 'patch47']);
    expect(view()!.queue.waiting).toBe(9);
    expect(socket.emitted).toEqual(['resync']);
    // and a gap after that asks again
    socket.fire('patch', patch(49, time.t));
    expect(socket.emitted).toEqual(['resync', 'resync']);
  });

  it('asks again when the resync snapshot does not come', () => {
    const { time, socket } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    socket.fire('patch', patch(301, time.t));
    socket.fire('patch', patch(305, time.t));
    expect(socket.emitted).toEqual(['resync']);
    time.advance(5100);
    expect(socket.emitted).toEqual(['resync', 'resync']);
  });

  it('goes stale after 5 s without data and back to live on a heartbeat', () => {
    const { time, socket, conn } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    time.advance(4900);
    expect(conn.state.status).toBe('live');
    time.advance(700);
    expect(conn.state.status).toBe('stale');

    socket.fire('heartbeat', { serverTime: time.t, cursor: '1-0', logConnected: true });
    expect(conn.state.status).toBe('live');
    // heartbeats every 2 s keep it live with no patch at all
    for (let i = 0; i < 10; i++) {
      time.advance(2000);
      socket.fire('heartbeat', { serverTime: time.t, cursor: '1-0', logConnected: true });
      expect(conn.state.status).toBe('live');
    }
    // a patch also counts as data
    time.advance(5600);
    expect(conn.state.status).toBe('stale');
    socket.fire('patch', patch(1, time.t));
    expect(conn.state.status).toBe('live');
  });

  it('does not stay live on heartbeats from a node that lost the event log', () => {
    const { time, socket, conn } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    for (let i = 0; i < 4; i++) {
      time.advance(2000);
      socket.fire('heartbeat', { serverTime: time.t, cursor: '1-0', logConnected: false });
    }
    expect(conn.state.status).toBe('stale');
    expect(conn.state.lastDataAt).toBe(1_000_000);
    socket.fire('heartbeat', { serverTime: time.t, cursor: '1-0', logConnected: true });
    expect(conn.state.status).toBe('live');
  });

  it('estimates the server clock from the messages', () => {
    const { time, socket, conn } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t + 60_000)); // the server is a minute ahead
    expect(conn.state.serverOffsetMs).toBe(60_000);
    expect(conn.serverNow()).toBe(time.t + 60_000);
  });

  it('is offline on disconnect, and shows no mix of old and new after the reconnect', () => {
    const { time, socket, conn, received, view } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t, 3));
    socket.fire('disconnect', 'transport close');
    expect(conn.state.status).toBe('offline');
    expect(conn.state.lastServerTime).toBe(1_000_000);
    // offline stays offline however long it lasts (never "stale" or "live")
    time.advance(20_000);
    expect(conn.state.status).toBe('offline');

    socket.fire('connect');
    expect(conn.state.status).toBe('connecting');
    socket.fire('patch', patch(1, time.t, [{ op: 'set', path: ['queue', 'waiting'], value: 50 }]));
    expect(view()!.queue.waiting).toBe(3);
    socket.fire('snapshot', snapshot(time.t, 4));
    expect(conn.state.status).toBe('live');
    expect(received.map((r) => r.kind)).toEqual(['snapshot', 'snapshot']);
  });

  it('reconnects by itself after the server drops the connection', () => {
    const { time, socket } = setup();
    socket.fire('connect');
    socket.fire('disconnect', 'io server disconnect');
    expect(socket.connectCalls).toBe(1);
    time.advance(60_000);
    expect(socket.connectCalls).toBe(2);
  });

  it('flags an unauthorized connect_error and retries later', () => {
    const { time, socket, conn } = setup({ token: 'bad' });
    socket.active = false;
    socket.fire('connect_error', new Error('unauthorized'));
    expect(conn.state.unauthorized).toBe(true);
    expect(conn.state.status).toBe('offline');
    time.advance(29_000);
    expect(socket.connectCalls).toBe(1);
    time.advance(2_000);
    expect(socket.connectCalls).toBe(2);
    socket.fire('connect');
    expect(conn.state.unauthorized).toBe(false);
  });

  it('other connect errors are offline but not unauthorized', () => {
    const { socket, conn } = setup();
    socket.fire('connect_error', new Error('xhr poll error'));
    expect(conn.state.status).toBe('offline');
    expect(conn.state.unauthorized).toBe(false);
  });

  it('keeps a closing code (revoked device) until the next snapshot', () => {
    const { time, socket, conn } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    socket.fire('closing', { code: 'revoked' });
    socket.fire('disconnect', 'io server disconnect');
    expect(conn.state.closingCode).toBe('revoked');
    expect(conn.state.status).toBe('offline');
  });

  it('stop() clears its timers and ends offline', () => {
    const { time, socket, conn } = setup();
    socket.fire('connect');
    socket.fire('snapshot', snapshot(time.t));
    conn.stop();
    expect(conn.state.status).toBe('offline');
    expect(time.pending()).toBe(0);
    expect(socket.connected).toBe(false);
  });
});
