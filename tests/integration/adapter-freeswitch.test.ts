/**
 * The FreeSWITCH mod_callcenter adapter against a scripted FreeSWITCH (a real TCP peer speaking ESL,
 * tests/helpers/fake-freeswitch.ts) and a real wallboard node on the test Redis: the stories of
 * docs/telephony.md, checked on the WALLBOARD'S SNAPSHOT (what the wall shows), not only on the
 * events sent. Time is a story clock: FreeSWITCH's event times, the adapter's clock and its
 * wrap-up timers all follow it, so nothing waits for real seconds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type {} from '../helpers/provided-context';
import { fakeClock, INGEST_TOKEN, startTestApp, stopAll, waitUntil, type FakeClock, type TestApp } from '../helpers/app';
import { FakeFreeswitch, type FakeFreeswitchOptions } from '../helpers/fake-freeswitch';
import { startFreeswitchAdapter, type FreeswitchAdapter } from '../../server/adapters/pbx/freeswitch/session';
import { readAdapterSettings } from '../../server/adapters/pbx/common/settings';
import { httpSinks, redisSinks } from '../../server/adapters/pbx/common/sink';
import { Backoff } from '../../server/adapters/pbx/common/backoff';
import { RedisEventLog } from '../../server/adapters/redis/event-log';
import { defaultConfig } from '../../shared/config';
import { startOfDay } from '../../shared/time';
import type { HotlineEvent } from '../../shared/events';
import type { Snapshot } from '../../shared/snapshot';
import { captureLogger, storyClock, type StoryClock } from '../helpers/story';

const S = 1000;
const HOTLINE = '热线@default'; // a Chinese queue name: percent-encoded in events, raw in commands
const EXPERT = 'expert@default';
const OTHER = 'other@default';
const QUEUES = `${HOTLINE}=general,${EXPERT}=specialist`;

/** A story time near now, on today's local date, with room for 5 minutes of set-up before it. */
function storyBase(): number {
  const now = Math.floor(Date.now() / 1000) * 1000;
  const day = startOfDay(now, defaultConfig().timeZone);
  return Math.max(now - 6 * 60 * S, day + 6 * 60 * S);
}


interface Harness {
  fs: FakeFreeswitch;
  node: TestApp;
  adapter: FreeswitchAdapter;
  clock: StoryClock;
  logger: ReturnType<typeof captureLogger>;
  /** sets FreeSWITCH's clock and the adapter's to base + sec */
  at(sec: number): void;
  /** waits until the adapter applied all FreeSWITCH sent, the feed is drained and the node caught up */
  settle(): Promise<void>;
  snapshot(atSec: number): Promise<Snapshot>;
  stream(): Promise<HotlineEvent[]>;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  await stopAll();
});

async function harness(o: {
  base: number;
  fs?: FakeFreeswitch;
  fsOptions?: FakeFreeswitchOptions;
  queues?: string | null;
  password?: string;
  http?: boolean;
  node?: TestApp;
  deadAfterMs?: number;
  setup?: (fs: FakeFreeswitch) => void;
}): Promise<Harness> {
  let fs = o.fs;
  if (!fs) {
    fs = new FakeFreeswitch(o.fsOptions);
    await fs.start();
    const f = fs;
    cleanups.push(() => f.stop());
    fs.addQueue(HOTLINE);
    fs.addQueue(EXPERT);
    fs.addQueue(OTHER);
    fs.t = o.base - 300 * S;
    o.setup?.(fs);
  }
  const nodeClock: FakeClock = fakeClock(o.base);
  const node = o.node ?? (await startTestApp({ clock: nodeClock }));
  // the adapter starts 10 s after the set-up, or now in the story of a FreeSWITCH met before
  const clock = storyClock(o.fs ? fs.t : o.base - 290 * S);
  const logger = captureLogger();
  const env: Record<string, string> = {
    ESL_HOST: '127.0.0.1',
    ESL_PORT: String(fs.port),
    ESL_PASSWORD: o.password ?? 'ClueCon',
    REDIS_URL: inject('redisUrl'),
    REDIS_PREFIX: node.prefix,
    ADAPTER_NAME: 'fs-test',
  };
  if (o.queues !== null) env.ESL_QUEUES = o.queues ?? QUEUES;
  if (o.http) Object.assign(env, { INGEST_URL: node.url, INGEST_TOKEN });
  const settings = readAdapterSettings('freeswitch', env);
  const sinks = settings.target.kind === 'http' ? httpSinks(settings.target.url, settings.target.token) : redisSinks(node.redis, new RedisEventLog(node.redis, node.redis, node.prefix), node.prefix);
  const adapter = startFreeswitchAdapter({
    settings,
    sinks,
    logger,
    now: clock.now,
    timers: clock.timers,
    backoff: new Backoff(() => 0.5, 5, 20),
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    deadAfterMs: o.deadAfterMs,
    healthEveryMs: 60_000,
  });
  cleanups.push(() => adapter.stop());
  const f = fs;
  const sentBefore = fs.sent; // a FreeSWITCH shared with an earlier adapter: count from here
  const h: Harness = {
    fs: f,
    node,
    adapter,
    clock,
    logger,
    at(sec) {
      f.t = o.base + sec * S;
      clock.set(o.base + sec * S);
    },
    async settle() {
      await f.flushed();
      await waitUntil(() => adapter.stats.events >= f.sent - sentBefore, `the adapter to apply the events FreeSWITCH sent`);
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
  await waitUntil(() => adapter.stats.resyncs >= 1 || o.password !== undefined, 'the first resync');
  return h;
}

/** A center of agents with tiers in the hotline queue, signed in 5 minutes before the story. */
function center(fs: FakeFreeswitch, agents: [string, number, ('Available' | 'Logged Out' | 'On Break')?][]): void {
  for (const [id, wrap, status] of agents) fs.addAgent(`${id}@default`, [HOTLINE], wrap, status ?? 'Available');
}

const agentOf = (s: Snapshot, id: string) => s.agents.find((a) => a.id === id);
const states = (s: Snapshot) => Object.fromEntries(s.agents.map((a) => [a.id, a.state]));

describe('FreeSWITCH adapter: stories on the wallboard', () => {
  it('signs in the agents present at connect, then an answer after a no-answer, wrap-up from wrap_up_time, an abandon while ringing, and an unmapped queue left out entirely', async () => {
    const base = storyBase();
    const h = await harness({
      base,
      setup: (fs) => {
        center(fs, [
          ['1001', 0],
          ['1002', 30],
          ['1003', 0, 'Logged Out'],
        ]);
        fs.addAgent('2001@default', [OTHER], 0, 'Available'); // another department's agent
      },
    });
    const { fs } = h;
    // zero-row tables at connect: no callers in any queue, no tiers in the expert queue
    expect(fs.commands.filter((c) => c.startsWith('api callcenter_config'))).toEqual([
      'api callcenter_config agent list',
      `api callcenter_config queue list members ${HOTLINE}`,
      `api callcenter_config queue list tiers ${HOTLINE}`,
      `api callcenter_config queue list members ${EXPERT}`,
      `api callcenter_config queue list tiers ${EXPERT}`,
    ]);
    let s = await h.snapshot(0);
    expect(states(s)).toEqual({ '1001': 'available', '1002': 'available' });
    expect(agentOf(s, '1001')!.since).toBe(base - 300 * S); // last_status_change, the PBX's own time

    h.at(0);
    fs.arrive('s1', HOTLINE, '13812345678', '王芳');
    h.at(1);
    fs.offer('s1', '1001@default');
    h.at(10);
    fs.fail('s1', '1001@default', 'NO_ANSWER');
    h.at(11);
    fs.offer('s1', '1002@default');
    h.at(14);
    fs.answer('s1', '1002@default');
    // the other department: nothing of it may reach the wallboard
    fs.arrive('s3', OTHER, '13700000003');
    fs.offer('s3', '2001@default');
    fs.answer('s3', '2001@default');
    fs.status('2001@default', 'On Break');
    h.at(20);
    fs.arrive('s2', HOTLINE, '13900000002');
    h.at(21);
    fs.offer('s2', '1001@default');
    h.at(26);
    fs.abandon('s2'); // bridge-agent-fail ORIGINATOR_CANCEL, then member-queue-end Cancel
    s = await h.snapshot(30);
    expect(states(s)).toEqual({ '1001': 'available', '1002': 'talking' });
    expect(agentOf(s, '1002')).toMatchObject({ callId: 's1', since: base + 14 * S });
    expect(s.today).toMatchObject({ offered: 2, answered: 1, abandoned: 1, answeredInSL: 1, asaSec: 14 });
    expect(s.missedCalls.map((m) => [m.callId, m.abandonedAt])).toEqual([['s2', base + 26 * S]]);

    h.at(74);
    fs.hangup('s1');
    s = await h.snapshot(80);
    expect(agentOf(s, '1002')).toMatchObject({ state: 'wrapup', since: base + 74 * S });
    h.at(104); // 30 s of wrap_up_time later: the adapter's timer appends agent.ready
    s = await h.snapshot(110);
    expect(agentOf(s, '1002')).toMatchObject({ state: 'available', since: base + 104 * S });
    expect(s.today).toMatchObject({ offered: 2, answered: 1, abandoned: 1, avgTalkSec: 60, avgHandleSec: 90 });
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0, duplicates: 0 });

    const stream = await h.stream();
    expect(stream.some((e) => ('callId' in e && e.callId === 's3') || ('agentId' in e && e.agentId === '2001'))).toBe(false);
    // the caller hanging up while it rang is not the agent's no-answer
    expect(stream.filter((e) => e.type === 'call.rona').map((e) => ('agentId' in e ? e.agentId : ''))).toEqual(['1001']);
    expect(stream.every((e) => e.id.length <= 128 && e.id.startsWith('fs-test:'))).toBe(true);
    expect(h.logger.lines.some((l) => l.msg.includes('queue not in ESL_QUEUES') && l.o.queue === OTHER)).toBe(true);
  });

  it('login, on break (no reason in mod_callcenter), available, logged out, and straight from logged out to on break', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: (fs) => center(fs, [['1003', 0, 'Logged Out'], ['1004', 0, 'Logged Out']]) });
    const { fs } = h;
    expect((await h.snapshot(0)).agents).toEqual([]);
    h.at(1);
    fs.status('1003@default', 'Available');
    let s = await h.snapshot(2);
    expect(agentOf(s, '1003')).toMatchObject({ state: 'available', since: base + 1 * S });
    h.at(5);
    fs.status('1003@default', 'On Break');
    s = await h.snapshot(6);
    expect(agentOf(s, '1003')).toMatchObject({ state: 'busy', reason: null, since: base + 5 * S });
    h.at(9);
    fs.status('1003@default', 'Available (On Demand)');
    fs.status('1003@default', 'Available'); // on demand ↔ available: no change on the wall
    s = await h.snapshot(10);
    expect(agentOf(s, '1003')).toMatchObject({ state: 'available', since: base + 9 * S });
    h.at(12);
    fs.status('1003@default', 'Logged Out');
    fs.status('1004@default', 'On Break');
    s = await h.snapshot(13);
    expect(states(s)).toEqual({ '1003': 'logged_in', '1004': 'busy' });
    const types = (await h.stream()).map((e) => `${e.type}${'agentId' in e ? ' ' + e.agentId : ''}`);
    expect(types).toEqual(['agent.login 1003', 'agent.signin 1003', 'agent.busy 1003', 'agent.ready 1003', 'agent.signout 1003', 'agent.login 1004', 'agent.signin 1004', 'agent.busy 1004']);
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0 });
  });

  it('a transfer: bridge-agent-end then the caller leaves → call.ended and wrap-up; a caller transferred back into a mapped queue is a call of its own', async () => {
    const base = storyBase();
    const h = await harness({
      base,
      setup: (fs) => {
        center(fs, [['1001', 5]]);
        fs.addAgent('3001@default', [EXPERT], 0, 'Available');
      },
    });
    const { fs } = h;
    h.at(0);
    fs.arrive('s4', HOTLINE, '05305624108', '李四', 'm-s4-a');
    h.at(2);
    fs.offer('s4', '1001@default');
    fs.answer('s4', '1001@default');
    h.at(40);
    fs.hangup('s4'); // the agent blind-transfers the caller: to mod_callcenter, just the end of the bridge
    let s = await h.snapshot(41);
    expect(agentOf(s, '1001')).toMatchObject({ state: 'wrapup', since: base + 40 * S });
    expect(s.queue.waiting).toBe(0);
    h.at(45);
    fs.arrive('s4', EXPERT, '05305624108', '李四', 'm-s4-b'); // the transfer target is the expert queue
    s = await h.snapshot(46);
    expect(agentOf(s, '1001')).toMatchObject({ state: 'available', since: base + 45 * S });
    expect(s.queue.calls).toEqual([expect.objectContaining({ callId: 's4/m-s4-b', queue: 'specialist', since: base + 45 * S })]);
    h.at(50);
    fs.offer('s4', '3001@default');
    fs.answer('s4', '3001@default');
    h.at(90);
    fs.hangup('s4');
    s = await h.snapshot(95);
    expect(s.today).toMatchObject({ offered: 2, answered: 2, abandoned: 0 });
    expect(states(s)).toEqual({ '1001': 'available', '3001': 'available' });
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0 });
  });

  it('Chinese caller names percent-encoded, every frame split across TCP writes (mid-character in raw UTF-8 tables), NULL printed as "(null)", a caller name holding |', async () => {
    const base = storyBase();
    const h = await harness({
      base,
      fsOptions: { chunkBytes: 7, nullAs: '(null)' },
      setup: (fs) => {
        center(fs, [['1001', 0]]);
        fs.t = base - 40 * S;
        fs.arrive('s5', HOTLINE, '13812345678', '张|三 菏泽市牡丹区'); // waiting at connect: listed raw, '|' inside
      },
    });
    const { fs } = h;
    let s = await h.snapshot(0);
    // the snapshot masks callers; the stream has them whole
    expect(s.queue.calls).toEqual([expect.objectContaining({ callId: 's5', queue: 'general', since: base - 40 * S, caller: '138****5678' })]);
    h.at(1);
    fs.arrive('s6', HOTLINE, '0530-5624108', '王芳（菏泽）');
    fs.offer('s6', '1001@default');
    h.at(3);
    fs.answer('s6', '1001@default');
    s = await h.snapshot(4);
    expect(agentOf(s, '1001')).toMatchObject({ state: 'talking', callId: 's6' });
    expect(s.queue.calls.map((c) => c.callId)).toEqual(['s5']);
    const queued = (await h.stream()).filter((e) => e.type === 'call.queued');
    expect(queued.map((e) => [e.callId, 'caller' in e ? e.caller : null])).toEqual([
      ['s5', '13812345678'],
      ['s6', '0530-5624108'],
    ]);
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0 });
  });

  it('no queues configured yet (ESL_QUEUES unset, `queue list` has zero rows): a clean resync, then every queue is general', async () => {
    const fs = new FakeFreeswitch();
    await fs.start();
    cleanups.push(() => fs.stop());
    const base = storyBase();
    fs.t = base - 300 * S;
    fs.addAgent('1001@default', [], 0, 'Available'); // no tiers: with ESL_QUEUES unset every agent counts
    const h = await harness({ base, fs, queues: null });
    expect(fs.commands.filter((c) => c.startsWith('api callcenter_config'))).toEqual(['api callcenter_config queue list', 'api callcenter_config agent list']);
    let s = await h.snapshot(0);
    expect(states(s)).toEqual({ '1001': 'available' });
    expect(h.adapter.health()).toMatchObject({ connected: true, pbx: expect.stringMatching(/^FreeSWITCH Version/) });
    h.at(1);
    fs.addQueue('any@default');
    fs.arrive('s7', 'any@default', '13800000007');
    fs.other('CHANNEL_CREATE'); // not asked for, ignored
    s = await h.snapshot(2);
    expect(s.queue.byQueue['general']).toMatchObject({ waiting: 1 });
  });

  it('a wrong ESL_PASSWORD: -ERR invalid, one clear line, retried, never a crash', async () => {
    const base = storyBase();
    const h = await harness({ base, password: 'not-the-password', setup: (fs) => center(fs, [['1001', 0]]) });
    await waitUntil(() => h.logger.lines.filter((l) => l.level === 'error').length >= 2, 'two failed attempts');
    const errors = h.logger.lines.filter((l) => l.level === 'error');
    expect(errors[0]).toMatchObject({ msg: 'fs-test: cannot connect', o: { err: 'FreeSWITCH refused the password (ESL_PASSWORD): -ERR invalid' } });
    expect(h.adapter.health().connected).toBe(false);
    expect(h.adapter.stats.resyncs).toBe(0);
    expect(JSON.stringify(h.logger.lines)).not.toContain('not-the-password');
    await h.adapter.stop();
    expect(await h.stream()).toEqual([]);
  });

  it('a silent peer is declared dead and the adapter reconnects; a goodbye (disconnect-notice) too', async () => {
    const base = storyBase();
    // HEARTBEATs every 100 ms (FreeSWITCH: 20 s), dead after 1 s of silence (the adapter: 60 s)
    const h = await harness({ base, deadAfterMs: 1000, fsOptions: { heartbeatMs: 100 }, setup: (fs) => center(fs, [['1001', 0]]) });
    const { fs } = h;
    expect(h.adapter.stats.resyncs).toBe(1);
    fs.silent = true; // no HEARTBEAT, nothing
    await waitUntil(() => h.logger.lines.some((l) => String(l.o.err ?? '').includes('no HEARTBEAT')), 'the dead peer to be noticed');
    fs.silent = false;
    await waitUntil(() => h.adapter.stats.resyncs >= 2, 'a reconnect and resync');
    fs.goodbye();
    await waitUntil(() => h.adapter.stats.resyncs >= 3, 'a reconnect after the goodbye');
    h.at(1);
    fs.status('1001@default', 'On Break');
    const s = await h.snapshot(2);
    expect(agentOf(s, '1001')).toMatchObject({ state: 'busy' });
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0 });
  });

  it('through HTTP ingest (INGEST_URL): the same story gives the same wall', async () => {
    const base = storyBase();
    const h = await harness({ base, http: true, setup: (fs) => center(fs, [['1001', 10], ['1002', 0, 'Logged Out']]) });
    const { fs } = h;
    h.at(0);
    fs.status('1002@default', 'Available');
    fs.arrive('s8', HOTLINE, '13800000008', '赵六');
    h.at(1);
    fs.offer('s8', '1002@default');
    h.at(3);
    fs.answer('s8', '1002@default');
    h.at(5);
    fs.arrive('s9', HOTLINE, '13800000009');
    h.at(8);
    fs.abandon('s9');
    h.at(33);
    fs.hangup('s8');
    const s = await h.snapshot(40);
    expect(states(s)).toEqual({ '1001': 'available', '1002': 'available' }); // wrap_up_time 0: ready at once
    expect(agentOf(s, '1002')!.since).toBe(base + 33 * S);
    expect(s.today).toMatchObject({ offered: 2, answered: 1, abandoned: 1, asaSec: 3, avgTalkSec: 30, avgHandleSec: 30 });
    expect(s.ingest).toMatchObject({ rejected: 0, anomalies: 0 });
  });
});

/** What the wall shows, without what differs between two nodes by nature (cursor, clock, feeds, duplicates). */
function wall(s: Snapshot) {
  const { cursor: _c, serverTime: _t, feeds: _f, ingest, ...rest } = s as Snapshot & { feeds?: unknown };
  return { ...rest, ingest: { rejected: ingest.rejected, anomalies: ingest.anomalies } };
}

describe('FreeSWITCH adapter: a connection dropped mid-story', () => {
  /**
   * Seven agents; calls before, across and inside a gap. With `gap`, the link drops at 10 s and
   * comes back at 45 s: FreeSWITCH goes on and its events are lost; the reconnect's resync reads
   * the lists. Without it, the same story reaches the adapter live — minus what FreeSWITCH cannot
   * tell after the fact: the two calls that begin and end inside the gap (c4, c5), and the moment
   * the waiting c8 hung up (its abandon stands at the resync's time, 45 s, in both runs).
   */
  async function story(gap: boolean, base: number) {
    const h = await harness({
      base,
      setup: (fs) =>
        center(fs, [
          ['1001', 10],
          ['1002', 5],
          ['1003', 5],
          ['1004', 0],
          ['1005', 0],
          ['1006', 0, 'Logged Out'],
          ['1007', 0],
        ]),
    });
    const { fs } = h;
    const a = (n: string) => `${n}@default`;
    h.at(0);
    fs.arrive('c1', HOTLINE, '13900000001');
    h.at(1);
    fs.offer('c1', a('1001'));
    h.at(4);
    fs.answer('c1', a('1001')); // in talk at the drop, ends in the gap
    h.at(5);
    fs.arrive('c2', HOTLINE, '13900000002'); // waiting at the drop, answered in the gap
    h.at(6);
    fs.arrive('c3', HOTLINE, '13900000003');
    h.at(7);
    fs.offer('c3', a('1003')); // ringing at the drop, answered in the gap
    h.at(8);
    fs.arrive('c8', HOTLINE, '13900000008'); // waiting at the drop, hangs up in the gap
    await h.settle();
    const atDrop = await h.snapshot(9);
    if (gap) {
      fs.refusing = true;
      fs.drop();
    }
    h.at(20);
    fs.answer('c3', a('1003'));
    if (gap) {
      // begin and end inside the gap: FreeSWITCH keeps no trace of them in its lists
      h.at(21);
      fs.arrive('c4', HOTLINE, '13900000004');
      h.at(22);
      fs.offer('c4', a('1005'));
      h.at(23);
      fs.answer('c4', a('1005'));
      h.at(24);
      fs.arrive('c5', HOTLINE, '13900000005');
    }
    h.at(25);
    fs.status(a('1004'), 'On Break');
    if (gap) {
      h.at(26);
      fs.abandon('c5');
      h.at(27);
      fs.hangup('c4');
    }
    h.at(28);
    fs.status(a('1006'), 'Available'); // logs in during the gap
    h.at(30);
    fs.status(a('1005'), 'Logged Out');
    h.at(32);
    fs.arrive('c6', HOTLINE, '13900000006'); // arrives in the gap, still waiting at the reconnect
    h.at(33);
    fs.arrive('c7', HOTLINE, '13900000007'); // arrives in the gap, in talk at the reconnect
    h.at(34);
    fs.offer('c7', a('1007'));
    fs.offer('c2', a('1002'));
    h.at(35);
    fs.answer('c2', a('1002'));
    h.at(36);
    fs.answer('c7', a('1007'));
    if (gap) {
      h.at(38);
      fs.abandon('c8');
    }
    h.at(40);
    fs.hangup('c1'); // 1001: 10 s of wrap-up, ready at 50
    if (!gap) await h.settle();
    h.at(45);
    if (gap) {
      fs.refusing = false;
      await waitUntil(() => h.adapter.stats.resyncs >= 2, 'the reconnect and its resync');
    } else {
      fs.abandon('c8');
    }
    await h.settle();
    const atReconnect = await h.snapshot(45);
    h.at(55);
    fs.offer('c6', a('1001'));
    h.at(57);
    fs.answer('c6', a('1001'));
    h.at(60);
    fs.hangup('c2'); // 1002: 5 s of wrap-up, ready at 65
    h.at(62);
    fs.status(a('1004'), 'Available');
    await h.settle();
    h.at(70);
    const end = await h.snapshot(75);
    return { h, base, atDrop, atReconnect, end };
  }

  it('after the reconnect the wall shows exactly what it would have shown without the drop, as far as FreeSWITCH can tell', async () => {
    const base = storyBase();
    const live = await story(false, base);
    const dropped = await story(true, base);
    expect(dropped.h.fs.lost).toBeGreaterThan(0);
    expect(wall(dropped.atDrop)).toEqual(wall(live.atDrop));

    // right after the resync: the same agent states (with the PBX's own times) and figures
    expect(wall(dropped.atReconnect)).toEqual(wall(live.atReconnect));
    const r = dropped.atReconnect;
    expect(Object.fromEntries(r.agents.map((x) => [x.id, [x.state, (x.since - base) / S, x.callId]]))).toEqual({
      '1001': ['wrapup', 40, 'c1'],
      '1002': ['talking', 35, 'c2'],
      '1003': ['talking', 20, 'c3'],
      '1004': ['busy', 25, null],
      '1005': ['logged_in', 30, null],
      '1006': ['available', 28, null],
      '1007': ['talking', 36, 'c7'],
    });
    expect(r.queue.calls.map((c) => [c.callId, (c.since - base) / S])).toEqual([['c6', 32]]);
    expect(r.today).toMatchObject({ offered: 6, answered: 4, abandoned: 1 });

    // and on to the end of the story: wrap-ups from wrap_up_time, talk and handle times, service level
    expect(wall(dropped.end)).toEqual(wall(live.end));
    const e = dropped.end;
    expect(states(e)).toEqual({ '1001': 'talking', '1002': 'available', '1003': 'talking', '1004': 'available', '1005': 'logged_in', '1006': 'available', '1007': 'talking' });
    expect(e.today).toMatchObject({ offered: 6, answered: 5, abandoned: 1, avgTalkSec: (36 + 25) / 2, avgHandleSec: (46 + 30) / 2 });
    expect(e.ingest).toMatchObject({ rejected: 0, anomalies: 0 });

    // the calls entirely inside the gap never reach the wallboard (docs/telephony.md, limits)
    const ids = new Set((await dropped.h.stream()).flatMap((x) => ('callId' in x ? [x.callId] : [])));
    expect([...ids].sort()).toEqual(['c1', 'c2', 'c3', 'c6', 'c7', 'c8']);
  });

  it('the limits, as documented: a waiting call answered and finished inside the gap reads as abandoned at the resync; a tier added after the resync is learnt at the next one', async () => {
    const base = storyBase();
    const h = await harness({ base, setup: (fs) => center(fs, [['1001', 0]]) });
    const { fs } = h;
    h.at(0);
    fs.arrive('g1', HOTLINE, '13900000021');
    await h.settle();
    fs.refusing = true;
    fs.drop();
    h.at(5);
    fs.offer('g1', '1001@default');
    fs.answer('g1', '1001@default');
    h.at(20);
    fs.hangup('g1'); // gone from the members list: FreeSWITCH keeps no record that it was answered
    fs.addAgent('1002@default', [HOTLINE], 0, 'Logged Out'); // agent add + tier add: no events
    h.at(30);
    fs.refusing = false;
    await waitUntil(() => h.adapter.stats.resyncs >= 2, 'the resync');
    let s = await h.snapshot(31);
    expect(s.today).toMatchObject({ offered: 1, answered: 0, abandoned: 1 });
    expect(s.missedCalls.map((m) => [m.callId, (m.abandonedAt - base) / S])).toEqual([['g1', 30]]);
    h.at(40);
    fs.status('1002@default', 'Available'); // known from the tiers read at that resync
    fs.addAgent('1003@default', [HOTLINE], 0, 'Logged Out');
    fs.status('1003@default', 'Available'); // its tier came after the resync: ignored until the next
    s = await h.snapshot(41);
    expect(states(s)).toEqual({ '1001': 'available', '1002': 'available' });
    fs.drop();
    await waitUntil(() => h.adapter.stats.resyncs >= 3, 'the next resync');
    s = await h.snapshot(42);
    expect(states(s)).toEqual({ '1001': 'available', '1002': 'available', '1003': 'available' });
    expect(agentOf(s, '1003')!.since).toBe(base + 40 * S);
  });

  it('a new adapter process (no memory of what was told) resyncs without disturbing the wall: no login resets, nothing counted twice', async () => {
    const base = storyBase();
    const first = await harness({ base, setup: (fs) => center(fs, [['1001', 0], ['1002', 0], ['1003', 60]]) });
    const { fs, node } = first;
    const a = (n: string) => `${n}@default`;
    first.at(0);
    fs.arrive('r1', HOTLINE, '13900000011');
    fs.offer('r1', a('1001'));
    first.at(3);
    fs.answer('r1', a('1001'));
    fs.status(a('1002'), 'On Break');
    fs.arrive('r2', HOTLINE, '13900000012');
    fs.offer('r2', a('1003'));
    first.at(5);
    fs.answer('r2', a('1003'));
    first.at(20);
    fs.hangup('r2'); // 1003 in 60 s of wrap-up
    fs.arrive('r3', HOTLINE, '13900000013');
    const before = await first.snapshot(21);
    await first.adapter.stop();

    const second = await harness({ base, fs, node });
    const after = await second.snapshot(21);
    expect(wall(after)).toEqual(wall(before));
    expect(states(after)).toEqual({ '1001': 'talking', '1002': 'busy', '1003': 'wrapup' });
    expect(after.ingest.anomalies).toBe(0);
    // the resync repeated what the wall had (same ids): ignored as duplicates, not counted again
    expect(after.ingest.duplicates).toBeGreaterThan(0);
    expect(after.today).toMatchObject({ offered: 3, answered: 2 });
    // the old process's wrap-up timer is gone; the new one ends 1003's wrap-up at 20 + 60 s all the same
    second.at(80);
    const later = await second.snapshot(81);
    expect(agentOf(later, '1003')).toMatchObject({ state: 'available', since: base + 80 * S });
    expect(later.ingest.anomalies).toBe(0);
  });
});
