/**
 * GET /metrics (OPERATIONS.md "Metrics") against a running node and the test Redis: the bearer
 * token (404 without METRICS_TOKEN, 401 with a wrong or no token), and the figures after real
 * ingest, real sockets of two roles, a feed reported over HTTP and the alerts the events raise,
 * read back from the Prometheus text format. Two nodes in this process keep their own registries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayScenario, ev, startTestApp, stopAll, waitUntil, type TestApp, type WallClient } from '../helpers/app';
import type { Patch } from '../../shared/patch';

const TOKEN = 'metrics-token-for-tests-0123';

/** One sample of the text format: `name{label="v",…} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (0.0.4): samples, checking every TYPE line's kind. */
function parseMetrics(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_x, c: string) => (c === 'n' ? '\n' : c));
    const v = m[3]!;
    samples.push({ name: m[1]!, labels, value: v === '+Inf' ? Infinity : v === '-Inf' ? -Infinity : Number(v) });
  }
  return { samples, types };
}

type Scrape = ReturnType<typeof parseMetrics> & {
  /** the value of the one sample named so with these labels (exactly), or undefined */
  get(name: string, labels?: Record<string, string>): number | undefined;
};

async function scrape(t: TestApp, token: string | null = TOKEN): Promise<Scrape> {
  const r = await t.request<string>('/metrics', { token });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const parsed = parseMetrics(r.body);
  return {
    ...parsed,
    get(name, labels = {}) {
      const hits = parsed.samples.filter((s) => s.name === name && Object.keys(s.labels).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
      if (hits.length > 1) throw new Error(`${hits.length} samples ${name} ${JSON.stringify(labels)}`);
      return hits[0]?.value;
    },
  };
}

/** The bytes Socket.IO encodes for one patch event: packet type "2", then the JSON array. */
const encodedSize = (p: Patch) => 1 + Buffer.byteLength(JSON.stringify(['patch', p]));

let node: TestApp;
let walls: WallClient[];
let lead: WallClient;
let events: number;

beforeAll(async () => {
  node = await startTestApp({ metricsToken: TOKEN, feedPollMs: 50 });
  walls = [await node.connect(await node.createDevice('大厅大屏 1')), await node.connect(await node.createDevice('大厅大屏 2'))];
  lead = await node.connect((await node.createUser('lead')).token);
  const day = dayScenario(node.clock.now());
  events = day.length;
  const cursor = await node.ingest(day);
  await Promise.all([...walls, lead].map((c) => c.reached(cursor)));
});

afterAll(stopAll);

describe('GET /metrics: who may read it', () => {
  it('is 404 on a node without METRICS_TOKEN', async () => {
    const plain = await startTestApp();
    expect((await plain.request('/metrics', { token: TOKEN })).status).toBe(404);
    expect((await plain.request('/metrics')).status).toBe(404);
    expect(plain.app.metrics).toBeNull();
  });

  it('is 401 without the token or with a wrong one (also one of another length), 200 with it', async () => {
    for (const token of [null, 'metrics-token-for-tests-0124', 'x', `${TOKEN}0`]) {
      const r = await node.request('/metrics', { token });
      expect(r.status, String(token)).toBe(401);
      expect(r.body).toEqual({ error: 'unauthorized', message: 'missing or wrong metrics token' });
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect((await node.request('/metrics', { headers: { authorization: `Basic ${TOKEN}` } })).status).toBe(401);
    expect((await node.request('/metrics', { token: TOKEN })).status).toBe(200);
  });
});

describe('GET /metrics: the figures', () => {
  it('counts the events applied, refused and duplicated by this process', async () => {
    let m = await scrape(node);
    expect(m.types.get('hotline_events_applied_total')).toBe('counter');
    expect(m.get('hotline_events_applied_total')).toBe(events);
    expect(m.get('hotline_events_rejected_total')).toBe(0);
    expect(m.get('hotline_events_duplicate_total')).toBe(0);

    // an entry that is not an event (written straight to the stream), and an event sent twice
    await node.redis.sendCommand(['XADD', node.eventsKey, '*', 'event', 'not json']);
    const again = ev('agent.busy', node.clock.now() - 1000, { agentId: '1001', reason: 'meal' });
    await node.ingest(again);
    await node.ingest(again);
    m = await scrape(node);
    expect(m.get('hotline_events_applied_total')).toBe(events + 1);
    expect(m.get('hotline_events_rejected_total')).toBe(1);
    expect(m.get('hotline_events_duplicate_total')).toBe(1);
    events += 1;
    // the same figures the snapshot shows for the state (this node started with an empty log)
    const s = await node.snapshot();
    expect(s.ingest).toMatchObject({ rejected: 1, duplicates: 1 });
  });

  it('counts the open sockets by role, every role listed', async () => {
    let m = await scrape(node);
    expect(m.types.get('hotline_sockets')).toBe('gauge');
    expect(m.get('hotline_sockets', { role: 'wall' })).toBe(2);
    expect(m.get('hotline_sockets', { role: 'lead' })).toBe(1);
    expect(m.get('hotline_sockets', { role: 'director' })).toBe(0);
    expect(m.get('hotline_sockets', { role: 'admin' })).toBe(0);
    walls[1]!.close();
    await waitUntil(async () => (await scrape(node)).get('hotline_sockets', { role: 'wall' }) === 1, 'the closed wall socket to leave its room');
    m = await scrape(node);
    expect(m.get('hotline_sockets', { role: 'lead' })).toBe(1);
  });

  it('counts the alerts on the screens by severity, as the last published snapshot lists them', async () => {
    const alerts = node.app.view.latest().alerts;
    // the scenario's morning leaves alerts on the screens (calls waiting, the missed call not returned, …)
    expect(alerts.length).toBeGreaterThan(0);
    const m = await scrape(node);
    expect(m.get('hotline_alerts_active', { severity: 'warning' })).toBe(alerts.filter((a) => a.severity === 'warning').length);
    expect(m.get('hotline_alerts_active', { severity: 'critical' })).toBe(alerts.filter((a) => a.severity === 'critical').length);
  });

  it('shows a feed reported over HTTP as 1, and 0 once it reports down', async () => {
    const report = { connected: true, since: node.clock.now() - 60_000, lastEventAt: node.clock.now() - 5_000, pbx: 'Asterisk 20' };
    expect((await node.putFeed('ami-heze', report)).status).toBe(204);
    await waitUntil(async () => (await scrape(node)).get('hotline_feed_connected', { feed: 'ami-heze' }) === 1, 'the feed at 1');
    expect((await node.putFeed('ami-heze', { ...report, connected: false, since: node.clock.now() })).status).toBe(204);
    await waitUntil(async () => (await scrape(node)).get('hotline_feed_connected', { feed: 'ami-heze' }) === 0, 'the feed at 0');
  });

  it('reports no reader lag once every entry is applied', async () => {
    const m = await scrape(node);
    expect(m.types.get('hotline_reader_lag_seconds')).toBe('gauge');
    expect(m.get('hotline_reader_lag_seconds')).toBe(0);
  });

  it('times every derive + diff, and measures each broadcast patch as Socket.IO encoded it', async () => {
    const wall = walls[0]!;
    let m = await scrape(node);
    expect(m.types.get('hotline_publish_seconds')).toBe('histogram');
    expect(m.get('hotline_publish_seconds_count')).toBeGreaterThan(0);
    expect(m.get('hotline_publish_seconds_sum')).toBeGreaterThan(0);
    expect(m.get('hotline_publish_seconds_bucket', { le: '+Inf' })).toBe(m.get('hotline_publish_seconds_count'));
    expect(m.types.get('hotline_patch_bytes')).toBe('histogram');
    expect(m.get('hotline_patch_bytes_count')).toBeGreaterThan(0);

    // Every broadcast reaches this wall: the patches it receives from here on are exactly the ones
    // measured, and their encoded sizes add up to the histogram's sum.
    const before = { count: m.get('hotline_patch_bytes_count')!, sum: m.get('hotline_patch_bytes_sum')!, seen: wall.patches().length };
    const cursor = await node.ingest([ev('agent.ready', node.clock.now(), { agentId: '1006' }), ev('call.queued', node.clock.now(), { callId: 'm1', caller: '13912345678' })]);
    await wall.reached(cursor);
    for (let attempt = 0; ; attempt++) {
      m = await scrape(node);
      const measured = m.get('hotline_patch_bytes_count')! - before.count;
      // a patch encoded before the scrape may still be on its way to the socket
      await waitUntil(() => wall.patches().length - before.seen >= measured, 'the measured patches at the wall');
      const got = wall.patches().slice(before.seen, before.seen + measured);
      if (wall.patches().length - before.seen !== measured && attempt < 5) continue; // another patch went out meanwhile: scrape again
      expect(measured).toBeGreaterThan(0);
      expect(m.get('hotline_patch_bytes_sum')! - before.sum).toBe(got.reduce((n, p) => n + encodedSize(p), 0));
      break;
    }
  });

  it('includes the default process_* and nodejs_* metrics', async () => {
    const m = await scrape(node);
    for (const name of ['process_cpu_user_seconds_total', 'process_start_time_seconds', 'process_resident_memory_bytes', 'nodejs_heap_size_used_bytes', 'nodejs_eventloop_lag_seconds']) {
      expect(m.get(name), name).toBeTypeOf('number');
    }
  });

  it('keeps one registry per node: a second node in the same process counts its own', async () => {
    const other = await startTestApp({ metricsToken: TOKEN });
    const cursor = await other.ingest([ev('agent.login', other.clock.now() - 1000, { agentId: '2001' })]);
    await other.caughtUp(cursor);
    const [a, b] = [await scrape(node), await scrape(other)];
    expect(a.get('hotline_events_applied_total')).toBe(events + 2);
    expect(b.get('hotline_events_applied_total')).toBe(1);
    expect(b.get('hotline_sockets', { role: 'wall' })).toBe(0);
    expect(b.get('hotline_feed_connected', { feed: 'ami-heze' })).toBeUndefined();
  });
});
