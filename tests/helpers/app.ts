/**
 * A real app for integration tests: real HTTP on port 0, real Socket.IO, the throwaway Redis of the
 * global setup under a unique key prefix (every port on it, the daily archive included). Plus the
 * few things every test needs: sign in, create lead/director accounts and wall devices, post events,
 * open socket clients that record the snapshot and patches they receive, and a clock the test controls.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import type {} from './provided-context';
import { startApp, type RunningApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { createRedisClients, type RedisClient, type RedisClients } from '../../server/adapters/redis/connect';
import { RedisEventLog } from '../../server/adapters/redis/event-log';
import { RedisSnapshotStore } from '../../server/adapters/redis/snapshot-store';
import { RedisAccounts } from '../../server/adapters/redis/accounts';
import { RedisAuditLog } from '../../server/adapters/redis/audit-log';
import { RedisFeedStore } from '../../server/adapters/redis/feed-store';
import { RedisArchiveStore } from '../../server/adapters/redis/archive-store';
import { RedisNotifyClaims } from '../../server/adapters/redis/notify-claims';
import type { NotifyTuning } from '../../server/notify/notifier';
import { compareStreamIds } from '../../server/core/stream-id';
import type { Clock } from '../../server/ports';
import { defaultConfig, type CenterConfig } from '../../shared/config';
import type { EventType, HotlineEvent } from '../../shared/events';
import { applyPatch, type Patch } from '../../shared/patch';
import type { Snapshot } from '../../shared/snapshot';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/socket';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const INGEST_TOKEN = 'ingest-token-for-tests';
export const USER_PASSWORD = 'user-password-for-tests';

const RUN = randomBytes(4).toString('hex');
let prefixNo = 0;

/** A key prefix no other test (file, run) uses. */
export function uniquePrefix(): string {
  return `itest:${RUN}:${randomBytes(4).toString('hex')}:${++prefixNo}:`;
}

/** A clock the test sets: `now()` returns `t` until the test changes it. */
export interface FakeClock extends Clock {
  t: number;
  advance(ms: number): void;
}

/**
 * A fake clock near real time: session tokens, the audit log (whose Redis IDs come from Redis' own
 * clock) and "today" all stay meaningful. Rounded to the second so figures are readable.
 */
export function fakeClock(t = Math.floor(Date.now() / 1000) * 1000): FakeClock {
  const c: FakeClock = {
    t,
    now: () => c.t,
    advance: (ms) => {
      c.t += ms;
    },
  };
  return c;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `check` until it returns true (or a truthy value), failing with `what` after `timeoutMs`. */
export async function waitUntil<T>(check: () => T | Promise<T>, what: string, timeoutMs = 5_000): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

let eventNo = 0;

/** One event with a unique id: `ev('agent.signin', ts, { agentId: '1001', seat: 'A01' })`. */
export function ev<T extends EventType>(type: T, ts: number, fields: Record<string, unknown> = {}): HotlineEvent {
  return { v: 1, id: `t-${RUN}-${++eventNo}`, type, ts, ...fields } as HotlineEvent;
}

export interface HttpResult<B = any> {
  status: number;
  body: B;
  headers: Headers;
}

export interface RequestOptions {
  method?: string;
  token?: string | null;
  /** a value to send as JSON, or a string sent as is */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A test's view of one running node. */
export interface TestApp {
  app: RunningApp;
  url: string;
  prefix: string;
  clock: Clock;
  /** the node's main Redis connection, for raw commands (XRANGE, XADD, DEL) */
  redis: RedisClient;
  /** key of the event stream */
  eventsKey: string;
  request<B = any>(path: string, o?: RequestOptions): Promise<HttpResult<B>>;
  login(username: string, password: string): Promise<string>;
  /** the admin's session token (signed in once, then cached) */
  adminToken(): Promise<string>;
  /** creates a lead or director account as admin and signs it in */
  createUser(role: 'lead' | 'director' | 'admin', username?: string): Promise<{ username: string; token: string }>;
  /** creates a wall device as admin; its token */
  createDevice(name?: string): Promise<string>;
  /** POST /api/v1/events with the ingest token (or `token`) */
  postEvents(body: unknown, token?: string | null): Promise<HttpResult>;
  /** PUT /api/v1/feeds/:name with the ingest token (or `token`): an adapter's health report over HTTP */
  putFeed(name: string, body: unknown, token?: string | null): Promise<HttpResult>;
  /** posts events, expects 202 and waits until this node has applied them; the cursor */
  ingest(events: HotlineEvent | HotlineEvent[]): Promise<string>;
  /** waits until this node's reader has applied `cursor` */
  caughtUp(cursor: string): Promise<void>;
  /** GET /api/v1/snapshot (as admin unless a token is given) */
  snapshot(token?: string): Promise<Snapshot>;
  /** a Socket.IO client signed in with `token`, resolved once its first snapshot arrived */
  connect(token: string): Promise<WallClient>;
  /** stops the node (which saves its snapshot) and closes its Redis connections; idempotent */
  stop(): Promise<void>;
}

export interface TestAppOptions {
  prefix?: string;
  clock?: Clock;
  ingestToken?: string | null;
  adminPassword?: string | null;
  config?: CenterConfig;
  snapshotEveryMs?: number;
  /** expiry of feed keys written over HTTP (default the contract's 30 s) */
  feedTtlMs?: number;
  /** how often the node reads the feed keys (default 5 s) */
  feedPollMs?: number;
  /** PUBLIC_URL and SMTP_URL as the node gets them, and shortened notification timings */
  publicUrl?: string | null;
  smtpUrl?: string | null;
  notify?: NotifyTuning;
  /** METRICS_TOKEN (default none: GET /metrics is 404) */
  metricsToken?: string | null;
  /** TRUST_PROXY (default off) */
  trustProxy?: boolean | number | string;
  /** sign-in attempts per window before 429 (default 10) */
  loginLimit?: number;
}

const running = new Set<{ stop(): Promise<void> }>();

/** Stops every app and client started through this helper (for afterEach/afterAll). */
export async function stopAll(): Promise<void> {
  const all = [...running].reverse();
  running.clear();
  for (const r of all) await r.stop();
}

export async function request<B = any>(url: string, path: string, o: RequestOptions = {}): Promise<HttpResult<B>> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers['authorization'] = `Bearer ${o.token}`;
  let body: string | undefined;
  if (o.body !== undefined) {
    body = typeof o.body === 'string' ? o.body : JSON.stringify(o.body);
    headers['content-type'] = o.contentType ?? 'application/json';
  }
  const res = await fetch(url + path, { method: o.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
  return { status: res.status, body: parsed as B, headers: res.headers };
}

/** A plain connection to the test Redis (closed by stopAll), for looking at keys while no node runs. */
export async function redisClient(): Promise<RedisClient> {
  const clients = await createRedisClients(inject('redisUrl'), 'unused:', { connectTimeoutMs: 5_000 });
  running.add({ stop: () => clients.close() });
  return clients.main;
}

/** Starts a node against the test Redis. Pass `prefix` to start another node on the same data. */
export async function startTestApp(o: TestAppOptions = {}): Promise<TestApp> {
  const prefix = o.prefix ?? uniquePrefix();
  const clock = o.clock ?? fakeClock();
  const clients: RedisClients = await createRedisClients(inject('redisUrl'), prefix, { connectTimeoutMs: 5_000 });
  const log = new RedisEventLog(clients.main, clients.reader, prefix);
  let app: RunningApp;
  try {
    app = await startApp(
      {
        log,
        snapshots: new RedisSnapshotStore(clients.main, prefix),
        accounts: new RedisAccounts(clients.main, prefix),
        audit: new RedisAuditLog(clients.main, prefix),
        feeds: new RedisFeedStore(clients.main, prefix),
        // as in production (server/main.ts): the daily archive outlives the node
        archive: new RedisArchiveStore(clients.main, prefix),
        notifyClaims: new RedisNotifyClaims(clients.main, prefix),
        clock,
        logger: createLogger('silent'),
      },
      {
        config: o.config ?? defaultConfig(),
        port: 0,
        host: '127.0.0.1',
        ingestToken: o.ingestToken === undefined ? INGEST_TOKEN : o.ingestToken,
        adminPassword: o.adminPassword === undefined ? ADMIN_PASSWORD : o.adminPassword,
        clientDir: null,
        snapshotEveryMs: o.snapshotEveryMs ?? 60_000,
        feedTtlMs: o.feedTtlMs,
        feedPollMs: o.feedPollMs,
        publicUrl: o.publicUrl,
        smtpUrl: o.smtpUrl,
        notify: o.notify,
        metricsToken: o.metricsToken ?? null,
        trustProxy: o.trustProxy,
        loginLimit: o.loginLimit,
      },
    );
  } catch (err) {
    await log.close();
    await clients.close();
    throw err;
  }

  const url = app.url;
  let admin: string | null = null;
  let stopped: Promise<void> | null = null;
  const sockets = new Set<WallClient>();

  const t: TestApp = {
    app,
    url,
    prefix,
    clock,
    redis: clients.main,
    eventsKey: `${prefix}events`,
    request: (path, ro) => request(url, path, ro),
    async login(username, password) {
      const r = await request(url, '/api/v1/login', { body: { username, password } });
      if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    async adminToken() {
      return (admin ??= await t.login('admin', ADMIN_PASSWORD));
    },
    async createUser(role, username = `${role}-${randomBytes(3).toString('hex')}`) {
      const r = await request(url, '/api/v1/users', { token: await t.adminToken(), body: { username, password: USER_PASSWORD, role } });
      if (r.status !== 201) throw new Error(`create ${role} ${username}: ${r.status} ${JSON.stringify(r.body)}`);
      return { username, token: await t.login(username, USER_PASSWORD) };
    },
    async createDevice(name = '大厅大屏') {
      const r = await request(url, '/api/v1/devices', { token: await t.adminToken(), body: { name } });
      if (r.status !== 201) throw new Error(`create device: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.token as string;
    },
    postEvents: (body, token = INGEST_TOKEN) => request(url, '/api/v1/events', { token, body }),
    putFeed: (name, body, token = INGEST_TOKEN) => request(url, `/api/v1/feeds/${encodeURIComponent(name)}`, { method: 'PUT', token, body }),
    async ingest(events) {
      const r = await t.postEvents(events);
      if (r.status !== 202) throw new Error(`ingest: ${r.status} ${JSON.stringify(r.body)}`);
      await t.caughtUp(r.body.cursor);
      return r.body.cursor as string;
    },
    async caughtUp(cursor) {
      await waitUntil(() => compareStreamIds(app.replica.cursor, cursor) >= 0, `the reader to apply ${cursor}`);
    },
    async snapshot(token) {
      const r = await request<Snapshot>(url, '/api/v1/snapshot', { token: token ?? (await t.adminToken()) });
      if (r.status !== 200) throw new Error(`snapshot: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async connect(token) {
      const c = await connectClient(url, token);
      sockets.add(c);
      return c;
    },
    stop() {
      return (stopped ??= (async () => {
        running.delete(t);
        for (const s of sockets) s.close();
        await app.stop();
        await log.close();
        await clients.close();
      })());
    },
  };
  running.add(t);
  return t;
}

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type Received = { kind: 'snapshot'; snapshot: Snapshot } | { kind: 'patch'; patch: Patch };

/** A Socket.IO client that records every snapshot and patch, in arrival order. */
export interface WallClient {
  socket: ClientSocket;
  received: Received[];
  snapshots(): Snapshot[];
  patches(): Patch[];
  /**
   * The latest snapshot with every later patch applied in order (checking that `seq` goes up by one
   * from the first patch after it, which may start anywhere): what a screen shows.
   */
  state(): Snapshot;
  /** waits until a patch (or snapshot) with this cursor or later has arrived */
  reached(cursor: string): Promise<void>;
  /** waits for the n-th message (1-based count of all messages) */
  count(n: number): Promise<void>;
  close(): void;
}

function newSocket(url: string, auth: Record<string, unknown> | undefined): ClientSocket {
  return io(url, { auth, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5_000 });
}

/** Connects with `token` and resolves on the first snapshot; rejects on connect_error. */
export function connectClient(url: string, token: string): Promise<WallClient> {
  const socket = newSocket(url, { token });
  const received: Received[] = [];
  socket.on('snapshot', (snapshot) => received.push({ kind: 'snapshot', snapshot }));
  socket.on('patch', (patch) => received.push({ kind: 'patch', patch }));
  const registration = { stop: async () => client.close() };
  const latestCursor = () => {
    const last = received.at(-1);
    return last ? (last.kind === 'snapshot' ? last.snapshot.cursor : last.patch.cursor) : null;
  };
  const client: WallClient = {
    socket,
    received,
    snapshots: () => received.flatMap((r) => (r.kind === 'snapshot' ? [r.snapshot] : [])),
    patches: () => received.flatMap((r) => (r.kind === 'patch' ? [r.patch] : [])),
    state() {
      let i = received.length - 1;
      while (i >= 0 && received[i]!.kind !== 'snapshot') i--;
      if (i < 0) throw new Error('no snapshot received');
      const s = structuredClone((received[i] as { snapshot: Snapshot }).snapshot);
      // `seq` is node-wide: the first patch after a snapshot may have any, then each is one more
      let seq: number | null = null;
      for (const r of received.slice(i + 1)) {
        const p = (r as { patch: Patch }).patch;
        if (seq !== null && p.seq !== seq + 1) throw new Error(`seq gap: ${seq} then ${p.seq}`);
        seq = p.seq;
        applyPatch(s, p);
      }
      return s;
    },
    async reached(cursor) {
      await waitUntil(() => {
        const c = latestCursor();
        return c !== null && compareStreamIds(c, cursor) >= 0;
      }, `a socket message at cursor ${cursor}`);
    },
    async count(n) {
      await waitUntil(() => received.length >= n, `${n} socket messages`);
    },
    close() {
      running.delete(registration);
      socket.disconnect();
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (err) => {
      socket.disconnect();
      reject(err);
    });
    socket.once('snapshot', () => {
      running.add(registration);
      resolve(client);
    });
  });
}

/** The connect_error a handshake with `auth` gets (fails if it connects instead). */
export function connectError(url: string, auth: Record<string, unknown> | undefined): Promise<Error> {
  const socket = newSocket(url, auth);
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (err) => {
      socket.disconnect();
      resolve(err);
    });
    socket.once('connect', () => {
      socket.disconnect();
      reject(new Error('connected without a valid token'));
    });
  });
}

/** The snapshot without `serverTime` (for comparisons across clocks). */
export function withoutTime(s: Snapshot): Omit<Snapshot, 'serverTime'> {
  const { serverTime: _ignored, ...rest } = s;
  return rest;
}

/**
 * A realistic stretch of a center's morning, all times before `now`: agents log in and sign in,
 * calls are queued, ring, are answered, ended, transferred, abandoned (with and without a caller,
 * short and long), a callback, busy codes, tickets, an incident raised and acknowledged, another
 * resolved, and calls still waiting at the end.
 */
export function dayScenario(now: number): HotlineEvent[] {
  const t0 = now - 40 * 60_000;
  const at = (sec: number) => t0 + sec * 1000;
  const e: HotlineEvent[] = [];
  const agents = ['1001', '1002', '1003', '1004', '1005', '1006'];
  agents.forEach((a, i) => {
    e.push(ev('agent.login', at(i), { agentId: a, name: `坐席${a}` }));
    e.push(ev('agent.signin', at(10 + i), { agentId: a, seat: `A0${i + 1}` }));
  });
  // answered within the service level, talk, wrap-up, ready
  e.push(ev('call.queued', at(60), { callId: 'c1', caller: '13812345678' }));
  e.push(ev('call.ringing', at(62), { callId: 'c1', agentId: '1001' }));
  e.push(ev('call.answered', at(66), { callId: 'c1', agentId: '1001' }));
  e.push(ev('ticket.created', at(120), { ticketId: 'tk1', category: 'sanitation', kind: 'complaint', callId: 'c1', agentId: '1001' }));
  e.push(ev('call.ended', at(200), { callId: 'c1' }));
  e.push(ev('agent.ready', at(230), { agentId: '1001' }));
  // answered late, after a RONA
  e.push(ev('call.queued', at(300), { callId: 'c2', queue: 'general', caller: '0530-5624108' }));
  e.push(ev('call.ringing', at(302), { callId: 'c2', agentId: '1002' }));
  e.push(ev('call.rona', at(314), { callId: 'c2', agentId: '1002' }));
  e.push(ev('call.ringing', at(315), { callId: 'c2', agentId: '1003' }));
  e.push(ev('call.answered', at(330), { callId: 'c2', agentId: '1003' }));
  e.push(ev('call.transferred', at(400), { callId: 'c2', agentId: '1003', queue: 'specialist' }));
  e.push(ev('call.answered', at(420), { callId: 'c2', agentId: '1004' }));
  e.push(ev('call.ended', at(500), { callId: 'c2' }));
  e.push(ev('ticket.created', at(510), { ticketId: 'tk2', category: 'gas_heating', kind: 'consultation', callId: 'c2', agentId: '1004' }));
  // abandoned: a long one with a caller (a missed call to return), a short one, one without a caller
  e.push(ev('call.queued', at(600), { callId: 'c3', caller: '13900001111' }));
  e.push(ev('call.abandoned', at(640), { callId: 'c3' }));
  e.push(ev('call.queued', at(700), { callId: 'c4', caller: '13700002222' }));
  e.push(ev('call.abandoned', at(702), { callId: 'c4' }));
  e.push(ev('call.queued', at(710), { callId: 'c5' }));
  e.push(ev('call.abandoned', at(750), { callId: 'c5' }));
  e.push(ev('callback.completed', at(900), { callId: 'c4', agentId: '1005', reached: true }));
  // busy codes and a sign-out
  e.push(ev('agent.busy', at(1000), { agentId: '1006', reason: 'meal' }));
  e.push(ev('agent.busy', at(1010), { agentId: '1002', reason: 'training' }));
  e.push(ev('agent.signout', at(1100), { agentId: '1005' }));
  // incidents: one acknowledged by the lead, one resolved
  e.push(ev('incident.raised', at(1200), { incidentId: 'inc1', title: '燃气泄漏', severity: 'urgent', location: '牡丹区中华路', callId: 'c2', agentId: '1004' }));
  e.push(ev('incident.acknowledged', at(1260), { incidentId: 'inc1', by: 'lead-zhang', role: 'lead' }));
  e.push(ev('incident.raised', at(1300), { incidentId: 'inc2', title: '井盖缺失', severity: 'major' }));
  e.push(ev('incident.resolved', at(1500), { incidentId: 'inc2', by: 'lead-zhang', note: '已处置' }));
  e.push(ev('ticket.created', at(1600), { ticketId: 'tk3', category: 'city_order', kind: 'suggestion' }));
  // talking and waiting right now
  e.push(ev('call.queued', at(2300), { callId: 'c6', caller: '15866667777' }));
  e.push(ev('call.answered', at(2305), { callId: 'c6', agentId: '1001' }));
  e.push(ev('call.queued', at(2350), { callId: 'c7', queue: 'specialist', caller: '18612345678' }));
  e.push(ev('call.queued', at(2380), { callId: 'c8', caller: '5624108' }));
  e.push(ev('call.ringing', at(2385), { callId: 'c8', agentId: '1003' }));
  return e;
}
