/**
 * The Asterisk AMI adapter against a scripted Asterisk (a real TCP server speaking AMI, with a small
 * app_queue model: server/adapters/pbx/asterisk/fake-asterisk.ts) and a real wallboard node on the
 * test Redis. Every story is checked on the WALLBOARD'S SNAPSHOT (what the wall shows), not only on
 * the events sent. Time is a story clock: Asterisk's Timestamps, the adapter's clock, its wrap-up
 * timers and its transfer grace all follow it, so nothing waits for real seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type {} from '../helpers/provided-context';
import { fakeClock, INGEST_TOKEN, startTestApp, stopAll, waitUntil, type FakeClock, type TestApp } from '../helpers/app';
import { FakeAsterisk, type FakeAsteriskOptions } from '../../server/adapters/pbx/asterisk/fake-asterisk';
import { startAsteriskAdapter, type RunningAsteriskAdapter } from '../../server/adapters/pbx/asterisk/adapter';
import type { AmiMessage } from '../../server/adapters/pbx/asterisk/ami-parser';
import type { GapReport } from '../../server/adapters/pbx/asterisk/mapper';
import { parseQueueMap } from '../../server/adapters/pbx/common/settings';
import { httpSinks, redisSinks } from '../../server/adapters/pbx/common/sink';
import { RedisEventLog } from '../../server/adapters/redis/event-log';
import { defaultConfig } from '../../shared/config';
import { startOfDay } from '../../shared/time';
import type { HotlineEvent } from '../../shared/events';
import type { Snapshot } from '../../shared/snapshot';
import { captureLogger, storyClock, type StoryClock } from '../helpers/story';

const S = 1000;
const QUEUES = 'hotline=general,expert=specialist';
const SECRET = 'secret-12319';
/** member interfaces: chan_sip, chan_pjsip, a Local channel with its device as state interface */
const IF = { '2001': 'PJSIP/2001', '2002': 'SIP/2002', '2003': 'Local/2003@agents/n', '2004': 'PJSIP/2004', '2005': 'PJSIP/2005', '2009': 'PJSIP/2009' } as const;

/** A story time near now, on today's local date, with room for 5 minutes of set-up before it. */
function storyBase(): number {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const day = startOfDay(now, defaultConfig().timeZone);
  return Math.max(now - 6 * 60 * S, day + 6 * 60 * S);
}


interface Harness {
  pbx: FakeAsterisk;
  node: TestApp;
  adapter: RunningAsteriskAdapter;
  clock: StoryClock;
  logger: ReturnType<typeof captureLogger>;
  resyncs: GapReport[];
  /** sets the story clock (Asterisk's and the adapter's) to base + sec */
  at(sec: number): void;
  /** waits until the adapter has taken everything Asterisk sent, the feed is drained and the node caught up */
  settle(): Promise<void>;
  snapshot(atSec: number): Promise<Snapshot>;
  stream(): Promise<HotlineEvent[]>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  await stopAll();
});

async function newPbx(base: number, o: FakeAsteriskOptions = {}, setup?: (pbx: FakeAsterisk) => void): Promise<{ pbx: FakeAsterisk; clock: StoryClock }> {
  const clock = storyClock(base - 300 * S);
  const pbx = new FakeAsterisk({ secret: SECRET, now: clock.now, ...o });
  await pbx.listen();
  cleanups.push(() => pbx.close());
  pbx.queue('hotline').queue('expert').queue('sales');
  setup?.(pbx);
  clock.set(base - 290 * S);
  return { pbx, clock };
}

let markerSeq = 0;

async function harness(o: {
  base: number;
  pbx?: { pbx: FakeAsterisk; clock: StoryClock };
  pbxOptions?: FakeAsteriskOptions;
  setup?: (pbx: FakeAsterisk) => void;
  queues?: string | null;
  secret?: string;
  http?: boolean;
  node?: TestApp;
  pingEveryMs?: number;
  deadAfterMs?: number;
  waitForResync?: boolean;
}): Promise<Harness> {
  const { pbx, clock } = o.pbx ?? (await newPbx(o.base, o.pbxOptions, o.setup));
  const node = o.node ?? (await startTestApp({ clock: fakeClock(o.base) }));
  const logger = captureLogger();
  const sinks = o.http ? httpSinks(node.url, INGEST_TOKEN) : redisSinks(node.redis, new RedisEventLog(node.redis, node.redis, node.prefix), node.prefix);
  const adapter = startAsteriskAdapter({
    name: 'ast-test',
    host: '127.0.0.1',
    port: pbx.port,
    username: 'wallboard',
    secret: o.secret ?? SECRET,
    queues: o.queues === null ? null : parseQueueMap('AMI_QUEUES', o.queues ?? QUEUES),
    events: sinks.events,
    health: sinks.health,
    logger,
    now: clock.now,
    timers: clock.timers,
    pingEveryMs: o.pingEveryMs,
    deadAfterMs: o.deadAfterMs,
    healthEveryMs: 60_000,
    sleep: () => new Promise((r) => setTimeout(r, 5)),
  });
  cleanups.push(() => adapter.stop());
  // markers: an event kind the adapter ignores, sent after a story step; once it has arrived,
  // everything Asterisk sent before it has been taken (TCP keeps the order)
  const markers = new Set<number>();
  const onEvent = adapter.mapper.onEvent.bind(adapter.mapper);
  adapter.mapper.onEvent = (m: AmiMessage, at: number) => {
    if (m.event === 'WallboardTestMarker') markers.add(Number(m.get('Marker')));
    else onEvent(m, at);
  };
  const resyncs: GapReport[] = [];
  const resync = adapter.mapper.resync.bind(adapter.mapper);
  adapter.mapper.resync = (items, at) => {
    const r = resync(items, at);
    resyncs.push(r);
    return r;
  };
  const h: Harness = {
    pbx,
    node,
    adapter,
    clock,
    logger,
    resyncs,
    at(sec) {
      clock.set(o.base + sec * S);
    },
    async settle() {
      if (pbx.sessions > 0) {
        const n = ++markerSeq;
        pbx.event('WallboardTestMarker', [['Marker', n]]);
        await waitUntil(() => markers.has(n), `the adapter to take marker ${n}`);
      }
      await waitUntil(async () => {
        await adapter.feed.drain();
        return adapter.feed.backlog === 0;
      }, 'the feed to drain');
      const last = await node.redis.xRevRange(node.eventsKey, '+', '-', { COUNT: 1 });
      if (last?.[0]) await node.caughtUp(last[0].id);
    },
    async snapshot(atSec) {
      await h.settle();
      // timers due by now (a wrap-up of 0 s) fire at this instant of the story
      clock.set(clock.t);
      await h.settle();
      (node.clock as FakeClock).t = o.base + atSec * S;
      return node.snapshot();
    },
    async stream() {
      const entries = (await node.redis.xRange(node.eventsKey, '-', '+')) ?? [];
      return entries.map((e) => JSON.parse((e.message as Record<string, string>)['event']!) as HotlineEvent);
    },
  };
  if (o.waitForResync !== false) await waitUntil(() => resyncs.length >= 1, 'the first resync');
  return h;
}

/** The usual center: 2001 in both queues (wrap-up 5 s), 2002 and 2003 in the hotline, 2004 in the expert queue. */
function center(pbx: FakeAsterisk): void {
  pbx.addMember('hotline', IF['2001'], '张伟', { wrapUp: 5 });
  pbx.addMember('expert', IF['2001'], '张伟', { wrapUp: 5 });
  pbx.addMember('hotline', IF['2002'], '李娜');
  pbx.addMember('hotline', IF['2003'], '王芳', { stateIface: 'PJSIP/2003' });
  pbx.addMember('expert', IF['2004'], '赵磊');
}

const agentOf = (s: Snapshot, id: string) => s.agents.find((a) => a.id === id);
const states = (s: Snapshot) => Object.fromEntries(s.agents.map((a) => [a.id, a.reason ? `${a.state}:${a.reason}` : a.state]));

describe('Asterisk adapter: stories on the wallboard', () => {
  it('logs in for the agent and system classes, then a first resync signs in the members (static ones too), pauses the paused and queues the waiting callers; unmapped queues stay out', async () => {
    const base = storyBase();
    const h = await harness({
      base,
      setup: (pbx) => {
        center(pbx);
        pbx.addMember('hotline', 'PJSIP/2006', '周强', { paused: true, reason: '培训', static: true });
        pbx.addMember('sales', IF['2009'], '销售员');
        pbx.join('hotline', '1716170455.11', '13812345678');
        pbx.join('sales', '1716170455.12', '13900000000');
      },
    });
    expect(h.pbx.logins).toEqual([{ username: 'wallboard', ok: true, events: 'agent,system' }]);
    expect(h.pbx.actions.slice(0, 2)).toEqual(['login', 'queuestatus']);
    const s = await h.snapshot(0);
    expect(states(s)).toEqual({ '2001': 'available', '2002': 'available', '2003': 'available', '2004': 'available', '2006': 'busy:培训' });
    expect(agentOf(s, '2001')).toMatchObject({ name: '张伟', since: base - 300 * S });
    expect(agentOf(s, '2003')!.name).toBe('王芳');
    expect(s.queue.calls.map((c) => [c.callId, c.queue, c.since])).toEqual([['1716170455.11', 'general', base - 300 * S]]);
    const stream = await h.stream();
    expect(stream.some((e) => ('agentId' in e && e.agentId === '2009') || ('callId' in e && e.callId === '1716170455.12'))).toBe(false);
    expect(stream.every((e) => e.id.length <= 128 && e.id.startsWith('ast-test:'))).toBe(true);
    expect(h.adapter.health()).toMatchObject({ connected: true, pbx: 'Asterisk Call Manager/9.0.0' });
  });

  it('an answer after a ring-no-answer and an AgentDump, then wrap-up for the member Wrapuptime and ready', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center });
    const { pbx } = h;
    const U = '1716170500.21';
    h.at(0);
    pbx.join('hotline', U, '13812345678', '市民');
    h.at(1);
    pbx.ring(U, IF['2002']);
    let s = await h.snapshot(2);
    expect(agentOf(s, '2002')).toMatchObject({ state: 'ringing', callId: U });
    expect(s.queue.calls.map((c) => [c.callId, c.agentId])).toEqual([[U, '2002']]);
    h.at(16);
    pbx.ringNoAnswer(U, IF['2002'], 15000);
    h.at(17);
    pbx.ring(U, IF['2003']);
    h.at(18);
    // 2003 picked up and hung up during the announcement: app_queue keeps the caller waiting
    pbx.dump(U, IF['2003']);
    s = await h.snapshot(19);
    expect(states(s)).toMatchObject({ '2002': 'available', '2003': 'available' });
    expect(s.queue.calls.map((c) => c.callId)).toEqual([U]);
    h.at(20);
    pbx.ring(U, IF['2001']);
    h.at(22);
    pbx.connect(U, IF['2001']);
    s = await h.snapshot(25);
    expect(agentOf(s, '2001')).toMatchObject({ state: 'talking', callId: U, since: base + 22 * S });
    expect(s.queue.waiting).toBe(0);
    expect(s.today).toMatchObject({ offered: 1, answered: 1, abandoned: 0, asaSec: 22 });

    h.at(82);
    pbx.complete(U, 'agent');
    s = await h.snapshot(83);
    expect(agentOf(s, '2001')).toMatchObject({ state: 'wrapup', since: base + 82 * S });
    h.at(87); // Wrapuptime 5: the adapter's timer appends agent.ready
    s = await h.snapshot(88);
    expect(agentOf(s, '2001')).toMatchObject({ state: 'available', since: base + 87 * S });
    expect(s.today).toMatchObject({ offered: 1, answered: 1, avgTalkSec: 60, avgHandleSec: 65 });
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0, duplicates: 0 });
    const stream = await h.stream();
    expect(stream.filter((e) => e.type === 'call.rona').map((e) => (e as { agentId: string }).agentId)).toEqual(['2002', '2003']);
    expect(stream.find((e) => e.type === 'call.queued')).toMatchObject({ ts: base, callId: U, queue: 'general', caller: '13812345678' });
  });

  it('an abandon and a queue time-out are both missed calls (AMI says QueueCallerAbandon for each)', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center });
    const { pbx } = h;
    h.at(0);
    pbx.join('hotline', '1716170600.1', '13900000001');
    h.at(40);
    pbx.abandon('1716170600.1');
    h.at(50);
    pbx.join('expert', '1716170600.2', '13900000002');
    h.at(51);
    pbx.ring('1716170600.2', IF['2004']);
    h.at(66);
    pbx.ringNoAnswer('1716170600.2', IF['2004']);
    h.at(110);
    pbx.timeout('1716170600.2');
    const s = await h.snapshot(111);
    expect(s.today).toMatchObject({ offered: 2, answered: 0, abandoned: 2 });
    expect(s.missedCalls.map((m) => [m.callId, m.abandonedAt]).sort()).toEqual(
      [
        ['1716170600.1', base + 40 * S],
        ['1716170600.2', base + 110 * S],
      ].sort(),
    );
    expect(s.queue.waiting).toBe(0);
    expect(states(s)).toMatchObject({ '2004': 'available' });
    expect(s.ingest.anomalies).toBe(0);
  });

  it('a pause with a Chinese reason sent split mid-character across two TCP writes; busy only when paused in every mapped queue', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center });
    const { pbx } = h;
    h.at(0);
    // the first QueueMemberPause is cut inside 午 (3 bytes in UTF-8): the halves go in two writes
    pbx.splitNext = (bytes) => bytes.indexOf(Buffer.from('午休')) + 1;
    pbx.pause(null, IF['2001'], true, '午休（食堂）');
    expect(pbx.splitNext).toBeNull();
    h.at(5);
    pbx.pause('expert', IF['2002'] /* not a member there: nothing */, true, 'x');
    pbx.pause('hotline', IF['2003'], true, '培训');
    let s = await h.snapshot(6);
    expect(agentOf(s, '2001')).toMatchObject({ state: 'busy', reason: '午休（食堂）', since: base });
    expect(agentOf(s, '2003')).toMatchObject({ state: 'busy', reason: '培训' });
    h.at(60);
    // unpaused in the expert queue only: calls of that queue can reach 2001 again
    pbx.pause('expert', IF['2001'], false);
    s = await h.snapshot(61);
    expect(agentOf(s, '2001')).toMatchObject({ state: 'available', since: base + 60 * S });
    expect(s.ingest.rejected).toBe(0);
  });

  it('a member signs out only when removed from its last mapped queue; members of unmapped queues never appear', async () => {
    const base = storyBase();
    const h = await harness({ base });
    const { pbx } = h;
    h.at(0);
    pbx.addMember('hotline', IF['2001'], '张伟');
    pbx.addMember('expert', IF['2001'], '张伟');
    pbx.addMember('sales', IF['2001'], '张伟');
    pbx.addMember('sales', IF['2009'], '销售员');
    let s = await h.snapshot(1);
    expect(states(s)).toEqual({ '2001': 'available' });
    h.at(10);
    pbx.removeMember('hotline', IF['2001']);
    s = await h.snapshot(11);
    expect(states(s)).toEqual({ '2001': 'available' });
    h.at(20);
    pbx.removeMember('expert', IF['2001']);
    s = await h.snapshot(21);
    expect(agentOf(s, '2001')).toMatchObject({ state: 'logged_in', name: '张伟', since: base + 20 * S });
    h.at(30);
    pbx.addMember('expert', IF['2001'], '张伟');
    s = await h.snapshot(31);
    expect(agentOf(s, '2001')).toMatchObject({ state: 'available', since: base + 30 * S });
    const stream = await h.stream();
    expect(stream.filter((e) => e.type === 'agent.signout')).toHaveLength(1);
    expect(stream.some((e) => 'agentId' in e && e.agentId === '2009')).toBe(false);
  });

  it('a transfer back into a mapped queue is one call with two legs; a transfer anywhere else ends the call', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center });
    const { pbx } = h;
    const U = '1716170700.31';
    const V = '1716170700.32';
    h.at(0);
    pbx.join('hotline', U, '13812340000');
    h.at(1);
    pbx.ring(U, IF['2002']);
    h.at(3);
    pbx.connect(U, IF['2002']);
    h.at(60);
    pbx.complete(U, 'transfer'); // blind transfer to the expert queue's extension
    pbx.join('expert', U, '13812340000');
    let s = await h.snapshot(60);
    expect(agentOf(s, '2002')).toMatchObject({ state: 'available' }); // wrap-up 0
    expect(s.queue.calls.map((c) => [c.callId, c.queue])).toEqual([[U, 'specialist']]);
    h.at(61);
    pbx.ring(U, IF['2004']);
    h.at(65);
    pbx.connect(U, IF['2004']);
    h.at(125);
    pbx.complete(U, 'caller');
    // a second call, transferred to a mobile phone: it never comes back to a queue
    h.at(130);
    pbx.join('hotline', V, '13812349999');
    h.at(131);
    pbx.ring(V, IF['2003']);
    h.at(132);
    pbx.connect(V, IF['2003']);
    h.at(190);
    pbx.complete(V, 'transfer');
    s = await h.snapshot(191);
    // the grace (2 s) has not passed: the wall still shows the talk
    expect(agentOf(s, '2003')).toMatchObject({ state: 'talking', callId: V });
    h.at(193);
    s = await h.snapshot(193);
    expect(agentOf(s, '2003')).toMatchObject({ state: 'available' });
    expect(s.today).toMatchObject({ offered: 2, answered: 2, abandoned: 0 });
    expect(s.ingest.anomalies).toBe(0);
    const stream = await h.stream();
    expect(stream.filter((e) => e.type === 'call.transferred')).toMatchObject([{ callId: U, agentId: '2002', queue: 'specialist', ts: base + 60 * S }]);
    expect(stream.filter((e) => e.type === 'call.ended').map((e) => [(e as { callId: string }).callId, e.ts])).toEqual([
      [U, base + 125 * S],
      [V, base + 190 * S],
    ]);
  });

  it('LF-only line ends and no Timestamp header (timestampevents=no): events are dated when received', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center, pbxOptions: { lineEnd: '\n', timestamps: false, version: '7.0.3' } });
    const { pbx } = h;
    // without Timestamp the time is when the adapter read the event: each step is read before the next
    h.at(0);
    pbx.join('hotline', '1716170800.1', '13800000000');
    await h.settle();
    h.at(2);
    pbx.ring('1716170800.1', IF['2003']);
    await h.settle();
    h.at(4);
    pbx.connect('1716170800.1', IF['2003']);
    const s = await h.snapshot(5);
    expect(agentOf(s, '2003')).toMatchObject({ state: 'talking', since: base + 4 * S });
    expect(s.today).toMatchObject({ offered: 1, answered: 1, asaSec: 4 });
    expect(h.adapter.health().pbx).toBe('Asterisk Call Manager/7.0.3');
  });

  it('a bad secret: a clear line, a retry after the backoff, no crash; the right secret then connects', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center, secret: 'wrong-secret', waitForResync: false });
    await waitUntil(() => h.pbx.logins.length >= 2, 'a second login attempt');
    expect(h.pbx.logins.every((l) => !l.ok)).toBe(true);
    const refused = h.logger.lines.filter((l) => l.level === 'error' && String(l.o.err).includes('login refused by the PBX: Authentication failed'));
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused[0]!.msg).toBe('ast-test: cannot connect');
    expect(h.logger.lines.some((l) => l.msg === 'ast-test: reconnecting')).toBe(true);
    expect(h.adapter.health().connected).toBe(false);
    h.pbx.secret = 'wrong-secret'; // the site fixes manager.conf
    await waitUntil(() => h.resyncs.length >= 1, 'a resync after the fix');
    const s = await h.snapshot(0);
    expect(Object.keys(states(s))).toEqual(['2001', '2002', '2003', '2004']);
  });

  it('a silent peer is declared dead, then the adapter reconnects and resyncs; pings keep a quiet line alive', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center, pingEveryMs: 20, deadAfterMs: 400 });
    await waitUntil(() => h.pbx.actions.includes('ping'), 'a ping');
    h.pbx.silent = true;
    await waitUntil(() => h.logger.lines.some((l) => String(l.o.err).includes('nothing heard from the PBX')), 'the dead peer to be noticed');
    h.pbx.silent = false;
    await waitUntil(() => h.resyncs.length >= 2, 'a resync after the reconnect');
    expect(h.adapter.health().connected).toBe(true);
  });

  it('through HTTP ingest (INGEST_URL mode) the wall shows the same story', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: center, http: true });
    const { pbx } = h;
    h.at(0);
    pbx.join('hotline', '1716170900.1', '13800000001');
    h.at(3);
    pbx.ring('1716170900.1', IF['2001']);
    h.at(5);
    pbx.connect('1716170900.1', IF['2001']);
    h.at(8);
    pbx.pause('hotline', IF['2002'], true, '会议');
    const s = await h.snapshot(9);
    expect(states(s)).toEqual({ '2001': 'talking', '2002': 'busy:会议', '2003': 'available', '2004': 'available' });
    expect(s.today).toMatchObject({ offered: 1, answered: 1, asaSec: 5 });
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0 });
  });
});

/**
 * The gap story. Before the drop: c1 in talk (2001), c2 and c3 waiting, c4 ringing at 2003. During
 * the gap: c1 ends, c2 is answered by 2002, c3 abandons, c4 is answered by 2003, 2001 pauses, 2004
 * unpauses, 2005 joins, e1 joins and waits; and two calls live entirely inside the gap (h1 answered
 * in the expert queue, h2 abandoned in the hotline): invisible to AMI, counted by QueueParams.
 */
async function gapStory(h: Harness, drop: boolean): Promise<void> {
  const { pbx } = h;
  h.at(0);
  pbx.join('hotline', 'c1', '13800000001');
  h.at(1);
  pbx.ring('c1', IF['2001']);
  h.at(3);
  pbx.connect('c1', IF['2001']);
  h.at(10);
  pbx.join('hotline', 'c2', '13800000002');
  h.at(12);
  pbx.join('hotline', 'c3', '13800000003');
  h.at(14);
  pbx.join('hotline', 'c4', '13800000004');
  h.at(15);
  pbx.ring('c4', IF['2003']);
  await h.settle();
  if (drop) {
    pbx.refusing = true;
    pbx.dropAll();
    await waitUntil(() => !h.adapter.health().connected, 'the adapter to notice the drop');
  }
  h.at(20);
  pbx.complete('c1');
  h.at(21);
  pbx.ring('c2', IF['2002']);
  h.at(22);
  pbx.connect('c2', IF['2002']);
  h.at(25);
  pbx.abandon('c3');
  h.at(26);
  pbx.connect('c4', IF['2003']);
  if (drop) {
    h.at(28);
    pbx.join('hotline', 'h2', '13800000012');
  }
  h.at(30);
  pbx.pause(null, IF['2001'], true, '午休');
  h.at(31);
  pbx.pause('expert', IF['2004'], false);
  if (drop) {
    h.at(32);
    pbx.join('expert', 'h1', '13800000011');
    h.at(33);
    pbx.abandon('h2');
    pbx.ring('h1', IF['2004']);
    h.at(34);
    pbx.connect('h1', IF['2004']);
  }
  h.at(35);
  pbx.addMember('hotline', IF['2005'], '孙丽');
  if (drop) {
    h.at(40);
    pbx.complete('h1');
  }
  h.at(41);
  pbx.join('hotline', 'e1', '13800000009');
  h.at(45);
  if (drop) {
    pbx.refusing = false;
    await waitUntil(() => h.resyncs.length >= 2, 'the resync after the reconnect');
  }
}

/** What AMI can tell: agent states and the day's counts, not the times of what happened in the gap. */
function wallFacts(s: Snapshot) {
  return {
    agents: s.agents.map((a) => ({ id: a.id, name: a.name, state: a.state, reason: a.reason, callId: a.callId })),
    agentCounts: s.agentCounts,
    today: { offered: s.today.offered, answered: s.today.answered, abandoned: s.today.abandoned },
    queue: { waiting: s.queue.waiting, calls: s.queue.calls.map((c) => [c.callId, c.queue, c.agentId]) },
    missed: s.missedCalls.map((m) => m.callId),
  };
}

describe('Asterisk adapter: a connection dropped mid-story', () => {
  it('after the reconnect the wall shows the agent states and figures it would have shown without the drop, and the calls the gap hid are logged', async () => {
    const base = storyBase();
    const pbxSetup = (pbx: FakeAsterisk) => {
      center(pbx);
      pbx.pause('expert', IF['2004'], true, '培训');
    };
    const reference = await harness({ base, setup: pbxSetup });
    await gapStory(reference, false);
    const expected = await reference.snapshot(50);

    const h = await harness({ base, setup: pbxSetup });
    await gapStory(h, true);
    const s = await h.snapshot(50);

    expect(wallFacts(s)).toEqual(wallFacts(expected));
    expect(wallFacts(s)).toMatchObject({
      today: { offered: 5, answered: 3, abandoned: 1 },
      queue: { waiting: 1, calls: [['e1', 'general', null]] },
      missed: ['c3'],
    });
    expect(states(s)).toEqual({ '2001': 'busy:午休', '2002': 'talking', '2003': 'talking', '2004': 'available', '2005': 'available' });
    // times AMI does give: c1 ended at 2001's LastCall, the pause at LastPause, e1 waits since now − Wait
    const stream = await h.stream();
    expect(stream.find((e) => e.type === 'call.ended' && e.callId === 'c1')!.ts).toBe(base + 20 * S);
    expect(agentOf(s, '2001')!.since).toBe(base + 30 * S);
    expect(s.queue.calls[0]!.since).toBe(base + 41 * S);
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0 });

    // the calls that lived only in the gap: invisible, but counted by the queues' counters
    const gap = h.resyncs[1]!;
    expect(Object.fromEntries(gap.hidden)).toEqual({ hotline: { abandoned: 1, completed: 0 }, expert: { abandoned: 0, completed: 1 } });
    const hid = h.logger.lines.filter((l) => l.level === 'warn' && l.msg.includes('began and ended while disconnected'));
    expect(hid.map((l) => [l.o.queue, l.o.abandoned, l.o.completed])).toEqual([
      ['hotline', 1, 0],
      ['expert', 0, 1],
    ]);
    expect(h.logger.lines.some((l) => l.msg === 'ast-test: connected')).toBe(true);
    expect(h.logger.lines.filter((l) => l.msg.startsWith('asterisk: resync:'))).toHaveLength(2);
  });

  it('a restarted adapter counts nothing twice: the wall is the same after it resynced', async () => {
    const base = storyBase();
    const pbx = await newPbx(base, {}, center);
    const first = await harness({ base, pbx });
    const { node } = first;
    first.at(0);
    pbx.pbx.join('hotline', 'r1', '13800000001');
    first.at(2);
    pbx.pbx.ring('r1', IF['2001']);
    first.at(4);
    pbx.pbx.connect('r1', IF['2001']);
    first.at(6);
    pbx.pbx.pause('hotline', IF['2002'], true, '会议');
    first.at(8);
    pbx.pbx.join('hotline', 'r2', '13800000002');
    const before = await first.snapshot(10);
    await first.adapter.stop();

    const second = await harness({ base, pbx, node });
    const after = await second.snapshot(10);
    expect(wallFacts(after)).toEqual(wallFacts(before));
    expect(after.today).toEqual(before.today);
    expect(after.ingest.anomalies).toBe(before.ingest.anomalies);
    // and the story goes on with the new process
    second.at(70);
    pbx.pbx.complete('r1');
    const end = await second.snapshot(71);
    expect(agentOf(end, '2001')).toMatchObject({ state: 'wrapup', callId: 'r1' });
    expect(end.today).toMatchObject({ offered: 2, answered: 1 });
  });
});
