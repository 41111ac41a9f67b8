/**
 * Feed health (the telephony adapters' contract) against real nodes and a real Redis:
 * `PUT /api/v1/feeds/:name` (the ingest token, validation, the key it writes and its expiry),
 * `GET /api/v1/feeds` for /admin, and a node showing a feed go down and up again in the snapshot and
 * through socket patches. The expiry tests use a node with a short key expiry and a fast poll
 * instead of waiting 30 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, startTestApp, stopAll, waitUntil, type TestApp, type WallClient } from '../helpers/app';
import type { FeedView, Snapshot } from '../../shared/snapshot';
import type { Patch } from '../../shared/patch';

const REPORT = { connected: true, since: 1_764_374_400_000, lastEventAt: 1_764_374_460_000, pbx: 'Asterisk Call Manager/9.0.0' };

/** a node with the contract's timings (30 s expiry, 5 s poll) */
let node: TestApp;
/** a node whose keys expire after 1.5 s and which reads them every 50 ms */
let fast: TestApp;
const FAST_TTL = 1_500;

beforeAll(async () => {
  [node, fast] = await Promise.all([startTestApp(), startTestApp({ feedTtlMs: FAST_TTL, feedPollMs: 50 })]);
});

afterAll(stopAll);

const feedKey = (t: TestApp, name: string) => `${t.prefix}feeds:${name}`;
const feedKeys = (t: TestApp) => t.redis.keys(`${t.prefix}feeds:*`);

describe('PUT /api/v1/feeds/:name', () => {
  it('writes the contract key `<prefix>feeds:<name>` with a 30 s expiry, and answers 204', async () => {
    const r = await node.putFeed('ami-heze', REPORT);
    expect(r.status).toBe(204);
    expect(JSON.parse((await node.redis.get(feedKey(node, 'ami-heze')))!)).toEqual({ name: 'ami-heze', ...REPORT });
    const ttl = Number(await node.redis.pTTL(feedKey(node, 'ami-heze')));
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('accepts pbx null or absent (not known yet), strips unknown fields and invisible characters in pbx', async () => {
    expect((await node.putFeed('no-pbx', { connected: false, since: REPORT.since, lastEventAt: null })).status).toBe(204);
    expect(JSON.parse((await node.redis.get(feedKey(node, 'no-pbx')))!)).toEqual({ name: 'no-pbx', connected: false, since: REPORT.since, lastEventAt: null, pbx: null });
    expect((await node.putFeed('extra', { ...REPORT, pbx: 'Asterisk\u200b 20', extra: 1, name: 'extra' })).status).toBe(204);
    expect(JSON.parse((await node.redis.get(feedKey(node, 'extra')))!)).toEqual({ name: 'extra', ...REPORT, pbx: 'Asterisk 20' });
  });

  it('refuses without the ingest token: 401 for none, a wrong one or a person’s session token', async () => {
    const before = (await feedKeys(node)).length;
    expect((await node.putFeed('ami-x', REPORT, null)).status).toBe(401);
    expect((await node.putFeed('ami-x', REPORT, 'wrong-token-of-some-length')).status).toBe(401);
    const r = await node.putFeed('ami-x', REPORT, await node.adminToken());
    expect(r.status).toBe(401);
    expect(r.body).toMatchObject({ error: 'unauthorized' });
    expect(await feedKeys(node)).toHaveLength(before);
  });

  it('answers 415 for a body not declared JSON and 400 invalid_json for one that is not JSON', async () => {
    expect((await node.request('/api/v1/feeds/ami-x', { method: 'PUT', token: 'ingest-token-for-tests', body: 'connected=true', contentType: 'text/plain' })).status).toBe(415);
    const bad = await node.request('/api/v1/feeds/ami-x', { method: 'PUT', token: 'ingest-token-for-tests', body: '{"connected":', contentType: 'application/json' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('invalid_json');
  });

  it.each([
    ['a name longer than 64 characters', 'x'.repeat(65), REPORT, 'name'],
    ['a name with a zero-width space', 'ami\u200b1', REPORT, 'name'],
    ['a name with a control character', 'ami\u00011', REPORT, 'name'],
    ['a name with a bidi override', 'ami\u202e1', REPORT, 'name'],
    ['connected missing', 'ami-x', { since: REPORT.since, lastEventAt: null }, 'connected'],
    ['connected not a boolean', 'ami-x', { ...REPORT, connected: 'yes' }, 'connected'],
    ['since negative', 'ami-x', { ...REPORT, since: -1 }, 'since'],
    ['since not whole', 'ami-x', { ...REPORT, since: 1.5 }, 'since'],
    ['since a string', 'ami-x', { ...REPORT, since: '2026-01-01' }, 'since'],
    ['lastEventAt missing', 'ami-x', { connected: true, since: REPORT.since }, 'lastEventAt'],
    ['pbx a number', 'ami-x', { ...REPORT, pbx: 9 }, 'pbx'],
    ['a body naming another feed', 'ami-x', { ...REPORT, name: 'ami-y' }, 'name'],
    ['an array', 'ami-x', [REPORT], ''],
  ])('refuses %s: 400 invalid_feed naming the field, nothing written', async (_what, name, body, path) => {
    const before = await feedKeys(node);
    const r = await node.putFeed(name, body);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_feed');
    expect(r.body.details.map((d: { path: string }) => d.path)).toContain(path);
    expect((await feedKeys(node)).sort()).toEqual(before.sort());
  });

  it('answers 503 ingest_disabled on a node without INGEST_TOKEN', async () => {
    const off = await startTestApp({ ingestToken: null });
    const r = await off.putFeed('ami-x', REPORT);
    expect(r.status).toBe(503);
    expect(r.body.error).toBe('ingest_disabled');
    await off.stop();
  });

  it('lets the key expire when the adapter stops reporting', async () => {
    expect((await fast.putFeed('expiring', REPORT)).status).toBe(204);
    expect(await fast.redis.exists(feedKey(fast, 'expiring'))).toBe(1);
    await waitUntil(async () => (await fast.redis.exists(feedKey(fast, 'expiring'))) === 0, 'the key to expire', 5_000);
  });
});

describe('GET /api/v1/feeds', () => {
  it('lists the feeds this node knows with their PBX, for the admin only', async () => {
    await node.putFeed('ami-admin', REPORT);
    const admin = await node.adminToken();
    const listed = await waitUntil(async () => {
      const r = await node.request('/api/v1/feeds', { token: admin });
      return r.status === 200 && (r.body.feeds as { name: string }[]).find((f) => f.name === 'ami-admin');
    }, 'the admin list to show the feed');
    expect(listed).toEqual({ name: 'ami-admin', ...REPORT, reporting: true });
    expect((await node.request('/api/v1/feeds')).status).toBe(401);
    const lead = await node.createUser('lead');
    expect((await node.request('/api/v1/feeds', { token: lead.token })).status).toBe(403);
  });
});

describe('a node showing feed health', () => {
  let wall: WallClient;
  const feedsOf = (s: Pick<Snapshot, 'feeds'>) => s.feeds.filter((f) => f.name.startsWith('pbx-'));
  const feedPatches = (from: number): Patch[] => wall.patches().slice(from).filter((p) => p.ops.some((o) => o.path.join('.') === 'feeds'));
  /** waits until the HTTP snapshot and the socket's patched state both list exactly `want` (the pbx- feeds) */
  async function bothShow(want: FeedView[], what: string): Promise<void> {
    await waitUntil(async () => JSON.stringify(feedsOf(await fast.snapshot())) === JSON.stringify(want), `the snapshot to show ${what}`);
    await waitUntil(() => JSON.stringify(feedsOf(wall.state())) === JSON.stringify(want), `the socket to show ${what}`);
  }

  beforeAll(async () => {
    wall = await fast.connect(await fast.createDevice());
  });

  it('starts with no feeds (a center without adapters shows nothing)', async () => {
    const other = await startTestApp();
    expect((await other.snapshot()).feeds).toEqual([]);
    await other.stop();
  });

  it('shows a feed up, then down when its key expires (last since / lastEventAt kept), then up again, through patches', async () => {
    const patchesBefore = wall.patches().length;
    const cursor = wall.state().cursor;
    // pbx-a's adapter keeps reporting throughout; pbx-b's reports once, then stops
    const reportA = () => fast.putFeed('pbx-a', { ...REPORT, lastEventAt: null, pbx: null });
    await reportA();
    const keepAlive = setInterval(() => void reportA(), 300);
    try {
      await fast.putFeed('pbx-b', REPORT);
      const up: FeedView[] = [
        { name: 'pbx-a', connected: true, since: REPORT.since, lastEventAt: null },
        { name: 'pbx-b', connected: true, since: REPORT.since, lastEventAt: REPORT.lastEventAt },
      ];
      await bothShow(up, 'two feeds up, by name');

      // pbx-b's key expires: the feed stays listed, as down
      const down: FeedView[] = [up[0]!, { ...up[1]!, connected: false }];
      await bothShow(down, 'pbx-b down after its key expired');
      // the key is gone from Redis, the feed is not gone from the screens
      expect(await fast.redis.exists(feedKey(fast, 'pbx-b'))).toBe(0);
      const admin = await fast.request('/api/v1/feeds', { token: await fast.adminToken() });
      expect(admin.body.feeds.find((f: { name: string }) => f.name === 'pbx-b')).toMatchObject({ connected: false, reporting: false, pbx: REPORT.pbx });

      // back: reporting again, connected since a later time
      const back = { ...REPORT, since: REPORT.since + 600_000, lastEventAt: REPORT.since + 600_500 };
      await fast.putFeed('pbx-b', back);
      await bothShow([up[0]!, { name: 'pbx-b', connected: true, since: back.since, lastEventAt: back.lastEventAt }], 'pbx-b up again');

      // an adapter saying its PBX connection is down
      const lost = { ...back, connected: false, since: back.since + 60_000 };
      await fast.putFeed('pbx-b', lost);
      await bothShow([up[0]!, { name: 'pbx-b', connected: false, since: lost.since, lastEventAt: back.lastEventAt }], 'pbx-b reported down');
    } finally {
      clearInterval(keepAlive);
    }

    // no event was applied meanwhile: these patches carry the feeds alone, and were not taken for clock ticks
    const patches = feedPatches(patchesBefore);
    expect(patches.length).toBeGreaterThanOrEqual(4);
    for (const p of patches) {
      expect(p.cursor).toBe(cursor);
      for (const op of p.ops.filter((o) => o.path.join('.') === 'feeds')) expect(op).toMatchObject({ op: 'list', key: 'name' });
    }
    // what the socket pieced together is what the node serves
    await waitUntil(async () => {
      const { serverTime: _a, ...http } = await fast.snapshot();
      const { serverTime: _b, ...socket } = wall.state();
      return JSON.stringify(socket) === JSON.stringify(http);
    }, 'the socket state to equal the snapshot');
  });

  it('reads a key an adapter wrote straight into Redis (the contract’s own path)', async () => {
    const value = { name: 'pbx-direct', connected: true, since: REPORT.since, lastEventAt: null, pbx: 'Asterisk Call Manager/9.0.0' };
    await fast.redis.sendCommand(['SET', feedKey(fast, 'pbx-direct'), JSON.stringify(value), 'PX', '30000']);
    await waitUntil(async () => (await fast.snapshot()).feeds.find((f) => f.name === 'pbx-direct')?.connected === true, 'the direct key in the snapshot');
    await waitUntil(() => wall.state().feeds.find((f) => f.name === 'pbx-direct')?.connected === true, 'the direct key through the socket');
  });

  it('carries feed changes and events in the same stream of patches', async () => {
    const cursor = await fast.ingest(ev('agent.login', fast.clock.now() - 1000, { agentId: '7001' }));
    await wall.reached(cursor);
    await fast.putFeed('pbx-c', REPORT);
    await waitUntil(() => wall.state().feeds.some((f) => f.name === 'pbx-c'), 'pbx-c through the socket');
    expect(wall.state().agents.map((a) => a.id)).toContain('7001');
  });

  it('forgets an expired feed when the node restarts', async () => {
    const t = await startTestApp({ feedTtlMs: 300, feedPollMs: 50 });
    await t.putFeed('pbx-gone', REPORT);
    await waitUntil(async () => (await t.snapshot()).feeds.some((f) => f.name === 'pbx-gone' && !f.connected), 'pbx-gone listed as down');
    await t.stop();
    const again = await startTestApp({ prefix: t.prefix, feedPollMs: 50 });
    expect((await again.snapshot()).feeds).toEqual([]);
    await again.stop();
  });
});
