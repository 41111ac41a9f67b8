/**
 * The adapters' shared bookkeeping: what a feed told the wallboard, the corrections a resync calls
 * for, wrap-up derived from the wrap-up time, deterministic ids, and a wallboard that is down for a
 * while. Protocol-free: the PBX side is given as a `PbxView`.
 */
import { describe, expect, it } from 'vitest';
import type { HotlineEvent } from '../../shared/events';
import { Feed, type FeedEvent, type PbxAgent, type Timers } from '../../server/adapters/pbx/common/feed';
import { manualTimers } from '../helpers/story';
import { Backoff } from '../../server/adapters/pbx/common/backoff';
import { handleShutdown } from '../../server/adapters/pbx/common/shutdown';
import { mapQueue, parseQueueMap, readAdapterSettings } from '../../server/adapters/pbx/common/settings';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function setup(now = 1_000_000) {
  const appended: HotlineEvent[] = [];
  const clock = { t: now };
  const timers = manualTimers();
  const feed = new Feed({ name: 'pbx1', sink: { append: async (e) => void appended.push(...e) }, now: () => clock.t, logger: quiet, timers });
  return { feed, appended, clock, timers };
}

const agent = (over: Partial<PbxAgent> & { agentId: string }): PbxAgent => ({ name: null, present: true, paused: false, reason: null, loginAt: null, pausedAt: null, inCall: false, wrapUpSec: 0, ...over });
const brief = (es: { type: string; id: string }[]) => es.map((e) => `${e.type} ${e.id}`);

describe('Feed', () => {
  it('a first resync signs in the agents present, pauses the paused, and queues the waiting callers at their join time', async () => {
    const { feed, appended } = setup();
    const out = await feed.reconcile({
      agents: [agent({ agentId: '2001', name: '王芳', loginAt: 900_000 }), agent({ agentId: '2002', paused: true, reason: '示忙', loginAt: 800_000, pausedAt: 950_000 }), agent({ agentId: '2003', present: false })],
      waiting: [{ callId: 'u1', queue: 'general', caller: '13812345678', since: 990_000 }],
      talking: null,
    });
    await feed.drain();
    expect(brief(out)).toEqual([
      'agent.login pbx1:agent.login:2001:900000',
      'agent.signin pbx1:agent.signin:2001:900000',
      // no name to carry: signed in only (a login would reset an agent the wallboard already has signed in)
      'agent.signin pbx1:agent.signin:2002:800000',
      'agent.busy pbx1:agent.busy:2002:950000',
      'call.queued pbx1:call.queued:u1',
    ]);
    expect(appended.map((e) => e.v)).toEqual(out.map(() => 1));
    expect(appended.find((e) => e.type === 'agent.login' && e.agentId === '2001')).toMatchObject({ name: '王芳', ts: 900_000 });
    expect(appended.find((e) => e.type === 'call.queued')).toMatchObject({ ts: 990_000, caller: '13812345678', queue: 'general' });
  });

  it('a resync after a gap corrects only what changed: gone agents out, waiting calls gone are abandoned, talks gone are ended', async () => {
    const { feed, clock } = setup();
    const e = (x: Record<string, unknown>) => x as FeedEvent;
    await feed.emit([
      e({ id: 'a', type: 'agent.signin', ts: 1, agentId: '2001' }),
      e({ id: 'b', type: 'agent.signin', ts: 1, agentId: '2002' }),
      e({ id: 'c', type: 'agent.signin', ts: 1, agentId: '2003' }),
      e({ id: 'q1', type: 'call.queued', ts: 2, callId: 'waits' }),
      e({ id: 'q2', type: 'call.queued', ts: 2, callId: 'rang' }),
      e({ id: 'r2', type: 'call.ringing', ts: 3, callId: 'rang', agentId: '2002' }),
      e({ id: 'q3', type: 'call.queued', ts: 2, callId: 'talks' }),
      e({ id: 'a3', type: 'call.answered', ts: 3, callId: 'talks', agentId: '2003' }),
      e({ id: 'q4', type: 'call.queued', ts: 2, callId: 'still' }),
    ]);
    clock.t = 2_000_000;
    const out = await feed.reconcile({
      agents: [agent({ agentId: '2001', present: false }), agent({ agentId: '2002', inCall: true }), agent({ agentId: '2003' })],
      waiting: [{ callId: 'still', queue: 'general', caller: null, since: 2 }],
      talking: null,
    });
    expect(brief(out).sort()).toEqual(
      [
        'agent.signout pbx1:agent.signout:2001:resync:2000000',
        // rang at 2002, who is on a call now: the PBX cannot say which, so the ring became the talk
        'call.answered pbx1:call.answered:rang:2002',
        'call.abandoned pbx1:call.abandoned:waits',
        'call.ended pbx1:call.ended:talks:2003',
      ].sort(),
    );
    // the same view again: nothing left to correct
    expect(await feed.reconcile({ agents: [agent({ agentId: '2001', present: false }), agent({ agentId: '2002', inCall: true }), agent({ agentId: '2003' })], waiting: [{ callId: 'still', queue: 'general', caller: null, since: 2 }], talking: null })).toEqual([]);
  });

  it('with a list of calls in talk (FreeSWITCH), a call answered in the gap is answered and one missing is ended', async () => {
    const { feed } = setup();
    const e = (x: Record<string, unknown>) => x as FeedEvent;
    await feed.emit([e({ id: 'q', type: 'call.queued', ts: 1, callId: 'x' }), e({ id: 'q2', type: 'call.queued', ts: 1, callId: 'y' }), e({ id: 'a2', type: 'call.answered', ts: 2, callId: 'y', agentId: '7' })]);
    const out = await feed.reconcile({ agents: [], waiting: [], talking: [{ callId: 'x', agentId: '5' }] });
    expect(out.map((x) => `${x.type}:${'callId' in x ? x.callId : ''}`)).toEqual(['call.answered:x', 'call.ended:y']);
  });

  it('after a call the agent is in wrap-up for its wrap-up time, then ready; anything the agent does first cancels that', async () => {
    const { feed, appended, timers } = setup();
    const e = (x: Record<string, unknown>) => x as FeedEvent;
    feed.setWrapUp('2001', 5);
    await feed.emit([e({ id: 's', type: 'agent.signin', ts: 1, agentId: '2001' }), e({ id: 'q', type: 'call.queued', ts: 1, callId: 'c' }), e({ id: 'a', type: 'call.answered', ts: 2, callId: 'c', agentId: '2001' }), e({ id: 'x', type: 'call.ended', ts: 3, callId: 'c' })]);
    expect(timers.due.map((t) => t.ms)).toEqual([5000]);
    timers.fireAll();
    await feed.drain();
    expect(appended.at(-1)).toMatchObject({ type: 'agent.ready', agentId: '2001', id: 'pbx1:agent.ready:2001:wrapup:c' });

    await feed.emit([e({ id: 'q2', type: 'call.queued', ts: 4, callId: 'd' }), e({ id: 'a2', type: 'call.answered', ts: 5, callId: 'd', agentId: '2001' }), e({ id: 'x2', type: 'call.ended', ts: 6, callId: 'd' })]);
    await feed.emit([e({ id: 'b', type: 'agent.busy', ts: 7, agentId: '2001', reason: 'meal' })]);
    expect(timers.due).toEqual([]);
    const before = appended.length;
    timers.fireAll();
    await feed.drain();
    expect(appended.length).toBe(before);
  });

  it('ids longer than 128 characters stay distinct and deterministic (a prefix and a hash of the whole)', () => {
    const name = 'n'.repeat(64);
    const feed = new Feed({ name, sink: { append: async () => {} }, now: () => 1, logger: quiet });
    const call = '1d7c2f0e-5b7a-4c1e-9f3a-2b8d6e4a1c90';
    const a = feed.id('call.ringing', call, '2001', '1790000000000');
    const b = feed.id('call.ringing', call, '2001', '1790000058000');
    expect(a.length).toBeLessThanOrEqual(128);
    expect(b.length).toBeLessThanOrEqual(128);
    expect(a).not.toBe(b);
    expect(a.startsWith(`${name}:call.ringing:`)).toBe(true);
    expect(new Feed({ name, sink: { append: async () => {} }, now: () => 2, logger: quiet }).id('call.ringing', call, '2001', '1790000000000')).toBe(a);
    expect(feed.id('call.queued', 'u1')).toBe(`${name}:call.queued:u1`);
  });

  it('keeps events in order while the wallboard is down and delivers them when it is back', async () => {
    let down = true;
    const got: string[] = [];
    const feed = new Feed({
      name: 'f',
      now: () => 1,
      logger: quiet,
      sink: {
        append: async (es) => {
          if (down) throw new Error('ECONNREFUSED');
          got.push(...es.map((x) => x.id));
        },
      },
    });
    const e = (id: string) => ({ id, type: 'agent.ready', ts: 1, agentId: '1' }) as FeedEvent;
    const first = feed.emit([e('1'), e('2')]);
    void feed.emit([e('3')]);
    expect(feed.backlog).toBe(3);
    down = false;
    await first;
    await feed.drain();
    expect(got).toEqual(['1', '2', '3']);
  });

  it('drops only the events the wallboard refuses as invalid, keeping the rest of the batch', async () => {
    const got: string[] = [];
    const feed = new Feed({
      name: 'f',
      now: () => 1,
      logger: quiet,
      sink: {
        append: async (es) => {
          if (es.some((x) => x.id === 'bad')) throw Object.assign(new Error('HTTP 400'), { permanent: true });
          got.push(...es.map((x) => x.id));
        },
      },
    });
    const e = (id: string) => ({ id, type: 'agent.ready', ts: 1, agentId: '1' }) as FeedEvent;
    await feed.emit([e('1'), e('bad'), e('3')]);
    expect(got).toEqual(['1', '3']);
  });

  it('an overflow while a batch is on the wire drops only the oldest waiting events, never the batch or those after it', async () => {
    const got: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let calls = 0;
    const feed = new Feed({
      name: 'f',
      now: () => 1,
      logger: quiet,
      maxPending: 4,
      sink: {
        append: async (es) => {
          if (calls++ === 0) await held;
          got.push(...es.map((x) => x.id));
        },
      },
    });
    const e = (id: string) => ({ id, type: 'agent.ready', ts: 1, agentId: '1' }) as FeedEvent;
    void feed.emit([e('1'), e('2'), e('3')]);
    void feed.emit([e('4'), e('5'), e('6')]);
    expect(feed.backlog).toBe(6);
    release();
    await feed.drain();
    expect(got).toEqual(['1', '2', '3', '4', '5', '6']);

    // beyond maxPending, the oldest waiting go; the batch being sent stays
    let release2!: () => void;
    const held2 = new Promise<void>((r) => (release2 = r));
    got.length = 0;
    const feed2 = new Feed({
      name: 'f',
      now: () => 1,
      logger: quiet,
      maxPending: 4,
      sink: {
        append: async (es) => {
          if (es[0]!.id === 'a') await held2;
          got.push(...es.map((x) => x.id));
        },
      },
    });
    void feed2.emit([e('a')]);
    void feed2.emit([e('b'), e('c'), e('d'), e('e'), e('f')]);
    expect(feed2.backlog).toBe(5);
    release2();
    await feed2.drain();
    expect(got).toEqual(['a', 'c', 'd', 'e', 'f']);
  });

  it('a network error while finding the refused event retries that event instead of dropping it', async () => {
    const got: string[] = [];
    let flaky = 1;
    const immediate: Timers = { set: (fn) => setImmediate(fn), clear: (h) => clearImmediate(h as NodeJS.Immediate) };
    const feed = new Feed({
      name: 'f',
      now: () => 1,
      logger: quiet,
      timers: immediate,
      sink: {
        append: async (es) => {
          if (es.some((x) => x.id === 'bad')) throw Object.assign(new Error('HTTP 400'), { permanent: true });
          if (es.length === 1 && es[0]!.id === '3' && flaky-- > 0) throw new Error('ECONNRESET');
          got.push(...es.map((x) => x.id));
        },
      },
    });
    const e = (id: string) => ({ id, type: 'agent.ready', ts: 1, agentId: '1' }) as FeedEvent;
    await feed.emit([e('1'), e('bad'), e('3')]);
    expect(got).toEqual(['1', '3']);
    expect(feed.backlog).toBe(0);
  });
});

describe('stopping', () => {
  const e = (id: string) => ({ id, type: 'agent.ready', ts: 1, agentId: '1' }) as FeedEvent;
  const flushMicrotasks = async () => {
    for (let i = 0; i < 20; i++) await Promise.resolve();
  };

  it('after stop(), the feed stops retrying once the drain deadline passes and says how many events are left', async () => {
    const timers = manualTimers();
    let tries = 0;
    const feed = new Feed({ name: 'f', now: () => 1, logger: quiet, timers, sink: {
        append: async () => {
          tries++;
          throw new Error('ECONNREFUSED');
        },
      },
    });
    void feed.emit([e('1'), e('2')]);
    await flushMicrotasks();
    expect(tries).toBe(1);
    feed.stop();
    const left = feed.drainWithin(10_000);
    // the deadline and the retry wait are both due: the deadline fires first
    const deadline = timers.due.find((t) => t.ms === 10_000)!;
    timers.due.splice(timers.due.indexOf(deadline), 1);
    deadline.fn();
    expect(await left).toBe(2);
    await feed.drain();
    timers.fireAll();
    await flushMicrotasks();
    expect(tries).toBe(1);
  });

  it('a drain within the deadline: nothing left', async () => {
    const feed = new Feed({ name: 'f', now: () => 1, logger: quiet, timers: manualTimers(), sink: { append: async () => {} } });
    void feed.emit([e('1')]);
    feed.stop();
    expect(await feed.drainWithin(10_000)).toBe(0);
  });

  function fakeProcess() {
    const handlers = new Map<string, () => void>();
    const exits: number[] = [];
    return { handlers, exits, proc: { on: (sig: 'SIGINT' | 'SIGTERM', fn: () => void) => void handlers.set(sig, fn), exit: (code: number) => void exits.push(code) } };
  }

  it('shutdown: everything delivered exits 0; the adapter is given the drain deadline; sinks closed', async () => {
    const { handlers, exits, proc } = fakeProcess();
    const stops: (number | undefined)[] = [];
    let closed = false;
    const shutdown = handleShutdown({ name: 'x', logger: quiet, proc, timers: { set: () => 0 }, adapter: { stop: async (ms) => void stops.push(ms), feed: { backlog: 0 } }, close: async () => void (closed = true) });
    expect([...handlers.keys()].sort()).toEqual(['SIGINT', 'SIGTERM']);
    await shutdown();
    expect(stops).toEqual([10_000]);
    expect(closed).toBe(true);
    expect(exits).toEqual([0]);
  });

  it('shutdown: events left undelivered exit 1; a second signal exits 1 at once', async () => {
    const a = fakeProcess();
    await handleShutdown({ name: 'x', logger: quiet, proc: a.proc, timers: { set: () => 0 }, adapter: { stop: async () => {}, feed: { backlog: 3 } } })();
    expect(a.exits).toEqual([1]);

    const b = fakeProcess();
    const never = new Promise<void>(() => {});
    handleShutdown({ name: 'x', logger: quiet, proc: b.proc, timers: { set: () => 0 }, adapter: { stop: () => never, feed: { backlog: 5 } } });
    b.handlers.get('SIGTERM')!();
    expect(b.exits).toEqual([]);
    b.handlers.get('SIGINT')!();
    await flushMicrotasks();
    expect(b.exits).toEqual([1]);
  });

  it('shutdown: a stop that never ends is cut off after the drain time + 5 s with exit 1', async () => {
    const { exits, proc, handlers } = fakeProcess();
    const due: { fn: () => void; ms: number }[] = [];
    handleShutdown({ name: 'x', logger: quiet, proc, drainMs: 2000, timers: { set: (fn, ms) => due.push({ fn, ms }) }, adapter: { stop: () => new Promise<void>(() => {}), feed: { backlog: 0 } } });
    handlers.get('SIGTERM')!();
    expect(due.map((d) => d.ms)).toEqual([7000]);
    due[0]!.fn();
    expect(exits).toEqual([1]);
  });
});

describe('adapter settings', () => {
  it('read queue maps, name the bad variable in one line, and map unlisted queues to nothing', () => {
    expect(parseQueueMap('AMI_QUEUES', 'hotline=general, expert=specialist')).toEqual(new Map([['hotline', 'general'], ['expert', 'specialist']]));
    expect(() => parseQueueMap('AMI_QUEUES', 'hotline')).toThrow(/^AMI_QUEUES: "hotline" is not pbxQueue=wallboardQueue$/);
    expect(mapQueue(null, 'anything')).toBe('general');
    expect(mapQueue(new Map([['hotline', 'general']]), 'other')).toBeNull();
    expect(() => readAdapterSettings('asterisk', { AMI_SECRET: 'x' })).toThrow(/^AMI_USERNAME: required/);
    expect(() => readAdapterSettings('freeswitch', {})).toThrow(/^ESL_PASSWORD: required/);
    expect(() => readAdapterSettings('freeswitch', { ESL_PASSWORD: 'x', INGEST_URL: 'http://wall:8080' })).toThrow(/^INGEST_TOKEN: required/);
    expect(readAdapterSettings('freeswitch', { ESL_PASSWORD: 'ClueCon', ESL_QUEUES: 'hotline@default=general' })).toMatchObject({ name: 'freeswitch', port: 8021, target: { kind: 'redis', prefix: 'hotline:' } });
  });

  it('back off from about 1 s, doubling to 30 s, with jitter, and start again after a good connection', () => {
    const b = new Backoff(() => 0.5);
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    b.reset();
    expect(b.next()).toBe(1000);
    const low = new Backoff(() => 0);
    const high = new Backoff(() => 0.999);
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
  });
});
