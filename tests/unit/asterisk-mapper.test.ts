/**
 * The Asterisk mapper without a network: AMI messages in, v1 events out. The cases the stories on
 * the wallboard (tests/integration/adapter-asterisk.test.ts) do not reach: a caller leaving the queue
 * without QueueCallerAbandon, a timed-out caller sent on to an overflow queue, a talk the adapter never
 * saw begin, and resyncs whose counters cannot tell.
 */
import { describe, expect, it } from 'vitest';
import type { HotlineEvent } from '../../shared/events';
import { Feed, type Timers } from '../../server/adapters/pbx/common/feed';
import { AmiMessage } from '../../server/adapters/pbx/asterisk/ami-parser';
import { AsteriskMapper } from '../../server/adapters/pbx/asterisk/mapper';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };
const T0 = 1_790_000_000_000;

function setup(queues: Map<string, string> | null = new Map([['hotline', 'general'], ['overflow', 'general']])) {
  const appended: HotlineEvent[] = [];
  const clock = { t: T0 };
  const due: { fn: () => void; ms: number }[] = [];
  const timers: Timers = {
    set: (fn, ms) => {
      const h = { fn, ms };
      due.push(h);
      return h;
    },
    clear: (h) => {
      const i = due.indexOf(h as (typeof due)[number]);
      if (i >= 0) due.splice(i, 1);
    },
  };
  const lines: { msg: string; o: Record<string, unknown> }[] = [];
  const logger = { ...quiet, warn: (o: object, msg: string) => void lines.push({ msg, o: o as Record<string, unknown> }) };
  const feed = new Feed({ name: 'a', sink: { append: async (e) => void appended.push(...e) }, now: () => clock.t, logger: quiet, timers });
  const mapper = new AsteriskMapper({ feed, queues, logger, now: () => clock.t, timers });
  const ev = (name: string, fields: Record<string, string | number>, at = clock.t) => mapper.onEvent(new AmiMessage([['Event', name], ['Timestamp', (at / 1000).toFixed(6)], ...Object.entries(fields).map(([k, v]) => [k, String(v)] as [string, string])]), clock.t);
  const fire = () => {
    for (const d of due.splice(0)) d.fn();
  };
  const brief = () => appended.map((e) => `${e.type}${'callId' in e ? ` ${e.callId}` : ''}${'agentId' in e ? ` ${e.agentId}` : ''}`);
  return { feed, mapper, appended, clock, ev, fire, brief, lines, due };
}

const member = (queue: string, iface: string, over: Record<string, string | number> = {}) => ({ Queue: queue, MemberName: '张伟', Interface: iface, StateInterface: iface, Membership: 'dynamic', Penalty: 0, CallsTaken: 0, LastCall: 0, LastPause: 0, LoginTime: T0 / 1000 - 60, InCall: 0, Status: 1, Paused: 0, PausedReason: '', Ringinuse: 0, Wrapuptime: 0, ...over });
const caller = (u: string, queue: string) => ({ Channel: `PJSIP/trunk-${u}`, CallerIDNum: '13800000000', Uniqueid: u, Linkedid: u, Queue: queue });
const agentLeg = (u: string, queue: string, iface: string, over: Record<string, string | number> = {}) => ({ ...caller(u, queue), DestUniqueid: `${u}9`, Interface: iface, MemberName: '张伟', ...over });

describe('Asterisk mapper', () => {
  it('a caller who leaves the queue with no answer and no abandon (a key pressed) is abandoned at the leave, after the grace', async () => {
    const { ev, fire, brief, feed, clock } = setup();
    ev('QueueMemberAdded', member('hotline', 'PJSIP/2001'));
    ev('QueueCallerJoin', { ...caller('u1', 'hotline'), Position: 1, Count: 1 });
    clock.t += 5000;
    ev('QueueCallerLeave', { ...caller('u1', 'hotline'), Position: 1, Count: 0 });
    expect(feed.toldCall('u1')).toMatchObject({ state: 'waiting' });
    fire();
    await feed.drain();
    expect(brief().slice(-2)).toEqual(['call.queued u1', 'call.abandoned u1']);
    // and the usual answer: ring, leave, AgentConnect → answered, never abandoned
    ev('QueueCallerJoin', { ...caller('u2', 'hotline'), Position: 1, Count: 1 });
    ev('AgentCalled', agentLeg('u2', 'hotline', 'PJSIP/2001'));
    ev('QueueCallerLeave', { ...caller('u2', 'hotline'), Position: 1, Count: 0 });
    ev('AgentConnect', agentLeg('u2', 'hotline', 'PJSIP/2001', { HoldTime: 3, RingTime: 2 }));
    fire();
    await feed.drain();
    expect(brief().slice(-3)).toEqual(['call.queued u2', 'call.ringing u2 2001', 'call.answered u2 2001']);
  });

  it('a caller timed out of one queue and sent on to an overflow queue is a new call there (the first counted abandoned, as AMI reports it)', async () => {
    const { ev, brief, feed } = setup();
    ev('QueueCallerJoin', { ...caller('u1', 'hotline'), Position: 1, Count: 1 });
    ev('QueueCallerAbandon', { ...caller('u1', 'hotline'), Position: 1, OriginalPosition: 1, HoldTime: 60 });
    ev('QueueCallerLeave', { ...caller('u1', 'hotline'), Position: 1, Count: 0 });
    ev('QueueCallerJoin', { ...caller('u1', 'overflow'), Position: 1, Count: 1 });
    await feed.drain();
    expect(brief()).toEqual(['call.queued u1', 'call.abandoned u1', 'call.queued u1#2']);
  });

  it('a talk the adapter never saw begin is rebuilt from AgentComplete (HoldTime, TalkTime), with the ids the live events would have had', async () => {
    const { ev, appended, feed, clock } = setup();
    ev('QueueMemberAdded', member('hotline', 'PJSIP/2001', { Wrapuptime: 10 }));
    ev('AgentComplete', agentLeg('u9', 'hotline', 'PJSIP/2001', { HoldTime: 12, TalkTime: 100, Reason: 'caller' }));
    await feed.drain();
    const call = appended.filter((e) => 'callId' in e && e.callId === 'u9');
    expect(call.map((e) => [e.type, e.ts, e.id])).toEqual([
      ['call.queued', clock.t - 112_000, 'a:call.queued:u9'],
      ['call.answered', clock.t - 100_000, 'a:call.answered:u9:2001'],
      ['call.ended', clock.t, `a:call.ended:u9:2001:${(clock.t / 1000).toFixed(6)}`],
    ]);
    expect(feed.toldAgent('2001')).toMatchObject({ signedIn: true });
  });

  it('a resync whose counters were reset (a reload) leaves callers gone from the queue to the Feed (abandoned) and says the gap cannot be counted', async () => {
    const { mapper, ev, feed, clock, lines, brief } = setup();
    const status = (completed: number, abandoned: number, entries: string[]) => [
      new AmiMessage([['Event', 'QueueParams'], ['Queue', 'hotline'], ['Completed', String(completed)], ['Abandoned', String(abandoned)], ['ActionID', 'x']]),
      new AmiMessage(Object.entries(member('hotline', 'PJSIP/2001', { Name: '张伟', Location: 'PJSIP/2001', ActionID: 'x' })).filter(([k]) => k !== 'MemberName' && k !== 'Interface').map(([k, v]) => [k, String(v)] as [string, string])),
      ...entries.map((u) => new AmiMessage([['Event', 'QueueEntry'], ['Queue', 'hotline'], ['Uniqueid', u], ['CallerIDNum', 'unknown'], ['Wait', '5'], ['ActionID', 'x']])),
    ];
    mapper.resync(status(10, 5, []), clock.t);
    ev('QueueCallerJoin', { ...caller('u1', 'hotline'), Position: 1, Count: 1 });
    mapper.sessionEnded();
    clock.t += 60_000;
    const report = mapper.resync(status(0, 0, ['u2']), clock.t);
    await feed.drain();
    expect(brief().slice(-2).sort()).toEqual(['call.abandoned u1', 'call.queued u2']);
    expect(Object.fromEntries(report.hidden)).toEqual({ hotline: { abandoned: null, completed: null } });
    expect(lines.some((l) => l.msg.includes('were reset during the gap'))).toBe(true);
    // a QueueEntry's caller "unknown" is no caller
    expect(feed.toldCall('u2')).toMatchObject({ state: 'waiting' });
  });

  it('an AgentConnect during the QueueStatus list carries the id of the answer the resync inferred (one answer, not two)', async () => {
    const { mapper, ev, feed, clock, appended } = setup();
    const status = (completed: number, abandoned: number, inCall: number) => [
      new AmiMessage([['Event', 'QueueParams'], ['Queue', 'hotline'], ['Completed', String(completed)], ['Abandoned', String(abandoned)], ['ActionID', 'x']]),
      new AmiMessage(Object.entries(member('hotline', 'PJSIP/2001', { Name: '张伟', Location: 'PJSIP/2001', InCall: inCall, ActionID: 'x' })).filter(([k]) => k !== 'MemberName' && k !== 'Interface').map(([k, v]) => [k, String(v)] as [string, string])),
    ];
    mapper.resync(status(0, 0, 0), clock.t);
    ev('QueueCallerJoin', { ...caller('u1', 'hotline'), Position: 1, Count: 1 });
    ev('AgentCalled', agentLeg('u1', 'hotline', 'PJSIP/2001'));
    mapper.sessionEnded();
    clock.t += 10_000;
    // the caller was answered while the list was being read: the list shows the agent in a call …
    mapper.resync(status(0, 0, 1), clock.t);
    // … and the AgentConnect, held during the list, comes after it
    ev('AgentConnect', agentLeg('u1', 'hotline', 'PJSIP/2001', { HoldTime: 8, RingTime: 3 }));
    await feed.drain();
    const answers = appended.filter((e) => e.type === 'call.answered');
    expect(answers.length).toBeGreaterThan(0);
    expect(new Set(answers.map((e) => e.id))).toEqual(new Set(['a:call.answered:u1:2001']));
    // transferred back into the queue and answered by the same agent again: a second answer
    clock.t += 60_000;
    ev('AgentComplete', agentLeg('u1', 'hotline', 'PJSIP/2001', { HoldTime: 8, TalkTime: 60, Reason: 'transfer' }));
    ev('QueueCallerJoin', { ...caller('u1', 'hotline'), Position: 1, Count: 1 });
    ev('AgentConnect', agentLeg('u1', 'hotline', 'PJSIP/2001', { HoldTime: 8, RingTime: 3 }));
    await feed.drain();
    expect(appended.filter((e) => e.type === 'call.answered').at(-1)!.id).toBe('a:call.answered:u1:2001:v2');
  });

  it('a member logged in or paused longer ago than the wallboard keeps is signed in / busy no more than 24 h back (ids keep the PBX time)', async () => {
    const { ev, appended, feed } = setup();
    const weekAgo = T0 - 8 * 24 * 3600_000;
    ev('QueueMemberAdded', member('hotline', 'PJSIP/2001', { LoginTime: weekAgo / 1000, Paused: 1, LastPause: weekAgo / 1000, PausedReason: 'meal' }));
    await feed.drain();
    const of = (type: string) => appended.find((x) => x.type === type);
    expect(of('agent.signin')).toMatchObject({ ts: T0 - 24 * 3600_000 });
    expect(of('agent.signin')!.id).toContain(String(weekAgo));
    expect(of('agent.busy')).toMatchObject({ ts: T0 - 24 * 3600_000 });
  });

  it('ignores unknown event kinds (logged once) and every event of an unmapped queue', async () => {
    const infos: string[] = [];
    const { ev, appended, feed, mapper } = setup(new Map([['hotline', 'general']]));
    Object.assign(mapper, { log: { ...quiet, info: (_o: object, msg: string) => infos.push(msg) } });
    ev('Newchannel', { Channel: 'x' });
    ev('Newchannel', { Channel: 'y' });
    ev('QueueMemberAdded', member('sales', 'PJSIP/2009'));
    ev('QueueCallerJoin', { ...caller('s1', 'sales'), Position: 1, Count: 1 });
    ev('AgentCalled', agentLeg('s1', 'sales', 'PJSIP/2009'));
    await feed.drain();
    expect(appended).toEqual([]);
    expect(infos.filter((m) => m.includes('Newchannel'))).toHaveLength(1);
  });
});
