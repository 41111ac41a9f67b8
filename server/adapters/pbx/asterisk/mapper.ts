/**
 * Asterisk app_queue, as AMI tells it, turned into v1 events (ADAPTERS.md, mapping table). Stateful:
 * it follows each agent's membership of the mapped queues (signed out when it leaves the LAST one),
 * each caller channel in a mapped queue, the queues' Completed/Abandoned counters, and transfers
 * whose destination is not known yet. On every (re)connect it turns the QueueStatus snapshot into a
 * `PbxView` and lets the Feed correct the wallboard; before that it settles what the snapshot can
 * tell about the calls the wallboard last saw waiting, ringing or in talk (see `resync`).
 *
 * Every event id is derived from the PBX's ids and the event (Uniqueid, interface, Timestamp,
 * LoginTime, LastPause, HoldTime), so a reconnect, a restart or a replay never counts twice.
 */
import { stripInvisible } from '../../../../shared/events';
import { idTime, type Feed, type FeedEvent, type PbxAgent, type PbxView, type PbxWaitingCall, type Timers } from '../common/feed';
import { mapQueue } from '../common/settings';
import { notTooOld, PbxClock, MAX_CLOCK_SKEW_MS } from '../common/pbx-time';
import type { AmiMessage } from './ami-parser';

export interface MapperLogger {
  info(o: object, msg: string): void;
  warn(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

export interface AsteriskMapperOptions {
  feed: Feed;
  /** AMI_QUEUES: PBX queue → wallboard queue; null = every queue, as `general` */
  queues: Map<string, string> | null;
  logger: MapperLogger;
  now: () => number;
  /** timers for the transfer grace (tests fire them by hand) */
  timers?: Timers;
  /**
   * How long after `AgentComplete` `Reason: transfer` the caller may re-enter a mapped queue for the
   * call to count as transferred (one call, two legs) rather than ended. Default 2000 ms.
   */
  transferGraceMs?: number;
  /** wrap-up seconds when a member's own `Wrapuptime` is 0 (queues.conf `wrapuptime` is not in AMI) */
  defaultWrapUpSec?: number;
  /** PBX Timestamps further than this from the adapter's clock are not trusted (default 5 min) */
  maxClockSkewMs?: number;
}

/** One membership: an agent in one mapped queue. */
interface Membership {
  name: string | null;
  paused: boolean;
  reason: string | null;
  /** epoch ms, null when Asterisk does not say (0 or absent) */
  loginAt: number | null;
  pausedAt: number | null;
  /** epoch seconds of the end of the member's last call (LastCall), null when none */
  lastCall: number | null;
  inCall: boolean;
  wrapUpSec: number;
}

/** A caller channel in a mapped queue, as this adapter follows it. */
interface CallInfo {
  uniqueid: string;
  /** the wallboard's call id: the Uniqueid, with `#n` when the same channel comes back after its call was over */
  callId: string;
  pbxQueue: string;
  queue: string;
  caller: string | null;
  /** when it (last) joined a queue, epoch ms */
  since: number;
  /** agents it is ringing at */
  ringing: Set<string>;
  /** the agent talking with it */
  agentId: string | null;
  answeredAt: number | null;
  /** left the queue (QueueCallerLeave) without an abandon: an answer should follow */
  left: boolean;
  /** the grace timer after that leave */
  leftTimer: unknown;
  /** its visits to a queue: 1, +1 per transfer back into one (an answer's id names the visit after the first) */
  visit: number;
}

interface PendingTransfer {
  uniqueid: string;
  callId: string;
  agentId: string;
  ts: number;
  tag: string;
  timer: unknown;
}

interface Counters {
  completed: number;
  abandoned: number;
}

/** What a resync found about the gap (for the log line and the tests). */
export interface GapReport {
  /** corrections appended */
  corrections: FeedEvent[];
  /** per PBX queue: calls that began and ended entirely in the gap (null when the counters cannot say) */
  hidden: Map<string, { abandoned: number | null; completed: number | null }>;
  /** agents on a call the adapter cannot name (begun in the gap) */
  unknownTalks: string[];
}

const MEMBER_EVENTS = new Set(['QueueMemberAdded', 'QueueMemberPause', 'QueueMemberStatus', 'QueueMemberPenalty', 'QueueMemberRinginuse', 'QueueMemberPaused']);
const QUIET_EVENTS = new Set(['FullyBooted', 'QueueParams', 'QueueMember', 'QueueEntry', 'QueueStatusComplete', 'SuccessfulAuth', 'Newexten', 'VarSet']);
const MAX_GENERATIONS = 50_000;

/** `len` UTF-16 units at most, never cutting a surrogate pair. */
export function clip(text: string, len: number): string {
  if (text.length <= len) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > len) break;
    out += ch;
  }
  return out;
}

/**
 * The operator's work number from a member interface: the endpoint part. `SIP/2001`, `PJSIP/2001`,
 * `IAX2/2001` → `2001`; `Local/2001@agents/n` → `2001`. Falls back to the state interface.
 */
export function agentIdOf(iface: string | undefined, stateIface?: string): string | null {
  for (const s of [iface, stateIface]) {
    if (!s) continue;
    const slash = s.indexOf('/');
    const rest = slash >= 0 ? s.slice(slash + 1) : s;
    const id = clip(stripInvisible(rest.split(/[@/]/)[0] ?? '').trim(), 128);
    if (id) return id;
  }
  return null;
}

/** A caller number as the wallboard takes it, or null (`<unknown>` in events, `unknown` in QueueStatus). */
export function callerOf(v: string | undefined): string | null {
  if (!v) return null;
  const t = clip(stripInvisible(v).trim(), 32);
  return t && t !== '<unknown>' && t !== 'unknown' ? t : null;
}

function reasonOf(v: string | undefined): string | null {
  const t = clip(stripInvisible(v ?? '').trim(), 64);
  return t || null;
}

function nameOf(v: string | undefined, iface: string | undefined): string | null {
  const t = clip(stripInvisible(v ?? '').trim(), 128);
  // without a member name Asterisk repeats the interface: no name, rather than "PJSIP/2001"
  return t && t !== iface ? t : null;
}

/** Epoch seconds (`LoginTime`, `LastPause`) as ms; 0 or nonsense → null. */
function epochMs(v: string | undefined): number | null {
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : null;
}

function int(v: string | undefined): number | null {
  if (v === undefined || !/^-?\d+$/.test(v.trim())) return null;
  return Number(v);
}

export class AsteriskMapper {
  private readonly feed: Feed;
  private readonly log: MapperLogger;
  private readonly timers: Timers;
  private readonly graceMs: number;
  private readonly defaultWrap: number;
  private readonly clock: PbxClock;
  /** agent → PBX queue → membership (mapped queues only) */
  private members = new Map<string, Map<string, Membership>>();
  /** caller channels in mapped queues, by Uniqueid */
  private readonly calls = new Map<string, CallInfo>();
  /** Uniqueid → how many wallboard calls it has been (a channel re-entering after its call was over) */
  private readonly generations = new Map<string, number>();
  private readonly pending = new Map<string, PendingTransfer>();
  /** Completed/Abandoned of each mapped queue as of the last snapshot plus what was seen since */
  private counters = new Map<string, Counters>();
  private readonly loggedKinds = new Set<string>();
  private resyncs = 0;
  /** when the PBX was last heard (epoch ms, adapter clock) */
  lastHeardAt: number | null = null;
  /** when the last connection ended: the PBX was last heard then (the start of the gap) */
  private gapStart: number | null = null;

  constructor(private readonly o: AsteriskMapperOptions) {
    this.feed = o.feed;
    this.log = o.logger;
    this.timers = o.timers ?? { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };
    this.graceMs = o.transferGraceMs ?? 2000;
    this.defaultWrap = o.defaultWrapUpSec ?? 0;
    this.clock = new PbxClock('asterisk', { warn: (x, msg) => this.log.warn(x, msg) }, o.maxClockSkewMs ?? MAX_CLOCK_SKEW_MS);
  }

  private emit(events: FeedEvent[]): void {
    if (events.length) void this.feed.emit(events);
  }

  private id(type: string, ...parts: (string | number)[]): string {
    return this.feed.id(type, ...parts);
  }

  /**
   * The id of an answer: the same whoever finds it (AgentConnect, AgentComplete rebuilding a talk, a
   * resync inferring it, the Feed's generic correction), so an answer found twice (an AgentConnect
   * during the QueueStatus list) is appended once. A later visit (transferred back into a queue)
   * is named, so the same agent answering it again is a new answer.
   */
  private answeredId(call: Pick<CallInfo, 'callId' | 'visit'> | undefined, callId: string, agentId: string): string {
    const visit = call?.visit ?? 1;
    return visit > 1 ? this.id('call.answered', callId, agentId, `v${visit}`) : this.id('call.answered', callId, agentId);
  }

  /** The wallboard queue of a PBX queue, or null when it is not mapped. */
  private wallQueue(pbxQueue: string | undefined): string | null {
    return pbxQueue === undefined ? null : mapQueue(this.o.queues, pbxQueue);
  }

  /**
   * When the event happened: its `Timestamp` (manager.conf `timestampevents=yes`, seconds with a
   * microsecond fraction), else when it was received. `tag` names the instant in event ids.
   */
  time(msg: AmiMessage, receivedAt: number): { ts: number; tag: string } {
    const raw = msg.get('Timestamp')?.trim();
    if (raw && /^\d{1,12}(\.\d{1,9})?$/.test(raw)) {
      const ts = Math.round(Number(raw) * 1000);
      if (this.clock.trusted(ts, receivedAt)) return { ts, tag: raw };
    }
    return { ts: receivedAt, tag: idTime(receivedAt) };
  }

  // ------------------------------------------------------------------ live events

  /** One AMI event (not a response, not part of a QueueStatus list). */
  onEvent(msg: AmiMessage, receivedAt: number): void {
    this.lastHeardAt = receivedAt;
    const kind = msg.event;
    if (!kind) return;
    const { ts, tag } = this.time(msg, receivedAt);
    switch (kind) {
      case 'QueueMemberRemoved':
        return this.memberRemoved(msg, ts, tag);
      case 'QueueCallerJoin':
        return this.callerJoin(msg, ts, tag);
      case 'QueueCallerAbandon':
        return this.callerAbandon(msg, ts);
      case 'QueueCallerLeave':
        return this.callerLeave(msg, ts);
      case 'AgentCalled':
        return this.agentCalled(msg, ts, tag);
      case 'AgentRingNoAnswer':
        return this.agentRingNoAnswer(msg, ts, tag);
      case 'AgentConnect':
        return this.agentConnect(msg, ts);
      case 'AgentComplete':
        return this.agentComplete(msg, ts, tag);
      case 'AgentDump':
        return this.agentDump(msg, ts, tag);
      default:
        if (MEMBER_EVENTS.has(kind)) return this.memberChanged(msg, ts, tag);
        if (QUIET_EVENTS.has(kind)) return;
        // at most 1,000 kinds remembered (and logged): a peer inventing kinds cannot grow the set
        if (!this.loggedKinds.has(kind) && this.loggedKinds.size < 1000) {
          this.loggedKinds.add(kind);
          this.log.info({ event: kind }, `asterisk: ignoring AMI events of kind ${kind} (logged once)`);
        }
    }
  }

  /** The member fields of a member event or a QueueStatus `QueueMember` (`Name`/`Location` there). */
  private membership(msg: AmiMessage): { agentId: string; queue: string; m: Membership } | null {
    const queue = msg.get('Queue');
    if (queue === undefined || this.wallQueue(queue) === null) return null;
    const iface = msg.get('Interface') ?? msg.get('Location');
    const agentId = agentIdOf(iface, msg.get('StateInterface'));
    if (!agentId) return null;
    const status = int(msg.get('Status'));
    const inCallField = msg.get('InCall');
    return {
      agentId,
      queue,
      m: {
        name: nameOf(msg.get('MemberName') ?? msg.get('Name'), iface),
        paused: msg.get('Paused')?.trim() === '1',
        reason: reasonOf(msg.get('PausedReason') ?? msg.get('Reason')),
        loginAt: epochMs(msg.get('LoginTime')),
        pausedAt: epochMs(msg.get('LastPause')),
        lastCall: epochMs(msg.get('LastCall')) === null ? null : Number(msg.get('LastCall')),
        // Asterisk 13 has no InCall: a device in use, busy or on hold is taken as in a call
        inCall: inCallField !== undefined ? inCallField.trim() === '1' : status === 2 || status === 3 || status === 8,
        wrapUpSec: Math.max(0, int(msg.get('Wrapuptime')) ?? 0),
      },
    };
  }

  /** An agent's memberships taken together: present in any mapped queue; paused when paused in all. */
  private aggregate(agentId: string): (PbxAgent & { lastCall: number | null }) | null {
    const ms = this.members.get(agentId);
    if (!ms || ms.size === 0) return null;
    const all = [...ms.values()];
    const paused = all.every((m) => m.paused);
    const latestPause = all.filter((m) => m.paused).sort((a, b) => (b.pausedAt ?? 0) - (a.pausedAt ?? 0))[0];
    const logins = all.map((m) => m.loginAt).filter((x): x is number => x !== null);
    const lastCalls = all.map((m) => m.lastCall).filter((x): x is number => x !== null);
    const wrap = Math.max(...all.map((m) => m.wrapUpSec));
    return {
      agentId,
      name: all.map((m) => m.name).find((n) => n !== null) ?? null,
      present: true,
      paused,
      reason: paused ? (latestPause?.reason ?? null) : null,
      loginAt: logins.length ? Math.min(...logins) : null,
      pausedAt: paused ? (latestPause?.pausedAt ?? null) : null,
      inCall: all.some((m) => m.inCall),
      wrapUpSec: wrap > 0 ? wrap : this.defaultWrap,
      lastCall: lastCalls.length ? Math.max(...lastCalls) : null,
    };
  }

  private memberChanged(msg: AmiMessage, ts: number, tag: string): void {
    const x = this.membership(msg);
    if (!x) return;
    // device-state events (QueueMemberStatus) come between AgentComplete and the caller's next
    // queue: only a pause is something the agent did after a pending transfer
    if (msg.event === 'QueueMemberPause' || msg.event === 'QueueMemberPaused') this.settleFor(x.agentId, null);
    let ms = this.members.get(x.agentId);
    if (!ms) this.members.set(x.agentId, (ms = new Map()));
    const before = ms.get(x.queue);
    // a member event without LastPause (Asterisk 13) keeps the pause time it had
    if (x.m.paused && x.m.pausedAt === null) x.m.pausedAt = before?.paused ? before.pausedAt : ts;
    ms.set(x.queue, x.m);
    this.agentChanged(x.agentId, ts, tag);
  }

  private memberRemoved(msg: AmiMessage, ts: number, tag: string): void {
    const x = this.membership(msg);
    if (!x) return;
    this.settleFor(x.agentId, null);
    const ms = this.members.get(x.agentId);
    ms?.delete(x.queue);
    if (ms && ms.size === 0) this.members.delete(x.agentId);
    this.agentChanged(x.agentId, ts, tag);
  }

  /** Tells the wallboard what changed for an agent after one of its memberships changed. */
  private agentChanged(agentId: string, ts: number, tag: string): void {
    const told = this.feed.toldAgent(agentId);
    const a = this.aggregate(agentId);
    const out: FeedEvent[] = [];
    if (!a) {
      // removed from its last mapped queue
      if (told?.signedIn) out.push({ id: this.id('agent.signout', agentId, tag), type: 'agent.signout', ts, agentId } as FeedEvent);
      this.emit(out);
      return;
    }
    this.feed.setWrapUp(agentId, a.wrapUpSec);
    if (!told?.signedIn) {
      const pbxAt = a.loginAt ?? ts;
      const at = notTooOld(pbxAt, this.o.now());
      out.push({ id: this.id('agent.login', agentId, idTime(pbxAt)), type: 'agent.login', ts: at, agentId, ...(a.name ? { name: a.name } : {}) } as FeedEvent);
      out.push({ id: this.id('agent.signin', agentId, idTime(pbxAt)), type: 'agent.signin', ts: at, agentId } as FeedEvent);
    }
    if (a.paused) {
      if (!told?.signedIn || !told.busy || told.reason !== a.reason) {
        const pbxAt = a.pausedAt ?? ts;
        const at = notTooOld(pbxAt, this.o.now());
        out.push({ id: this.id('agent.busy', agentId, idTime(pbxAt)), type: 'agent.busy', ts: told?.signedIn ? ts : at, agentId, ...(a.reason ? { reason: a.reason } : {}) } as FeedEvent);
      }
    } else if (told?.signedIn && told.busy) {
      out.push({ id: this.id('agent.ready', agentId, tag), type: 'agent.ready', ts, agentId } as FeedEvent);
    }
    this.emit(out);
  }

  /** A wallboard call id for a channel that (re-)enters a mapped queue. */
  private newCall(uniqueid: string, pbxQueue: string, queue: string, caller: string | null, since: number): CallInfo {
    const gen = (this.generations.get(uniqueid) ?? 0) + 1;
    this.generations.delete(uniqueid);
    this.generations.set(uniqueid, gen);
    if (this.generations.size > MAX_GENERATIONS) this.generations.delete(this.generations.keys().next().value!);
    const call: CallInfo = { uniqueid, callId: gen === 1 ? uniqueid : `${uniqueid}#${gen}`, pbxQueue, queue, caller, since, ringing: new Set(), agentId: null, answeredAt: null, left: false, leftTimer: null, visit: 1 };
    this.calls.set(uniqueid, call);
    return call;
  }

  /** The wallboard call id of a channel (the current call, or the last one it was). */
  private callIdOf(uniqueid: string): string {
    const c = this.calls.get(uniqueid);
    if (c) return c.callId;
    const gen = this.generations.get(uniqueid);
    return gen && gen > 1 ? `${uniqueid}#${gen}` : uniqueid;
  }

  /** A call known by its Uniqueid, or one adopted from an agent event (it joined before this adapter saw it). */
  private ensureCall(uniqueid: string, pbxQueue: string, queue: string, msg: AmiMessage, ts: number): CallInfo {
    const known = this.calls.get(uniqueid);
    if (known) return known;
    const gen = this.generations.get(uniqueid) ?? 1;
    this.generations.set(uniqueid, gen);
    const call: CallInfo = { uniqueid, callId: this.callIdOf(uniqueid), pbxQueue, queue, caller: callerOf(msg.get('CallerIDNum')), since: ts, ringing: new Set(), agentId: null, answeredAt: null, left: false, leftTimer: null, visit: 1 };
    this.calls.set(uniqueid, call);
    return call;
  }

  private callerJoin(msg: AmiMessage, ts: number, tag: string): void {
    const uniqueid = msg.get('Uniqueid');
    if (!uniqueid) return;
    const pbxQueue = msg.get('Queue') ?? '';
    const queue = this.wallQueue(pbxQueue);
    const pend = this.pending.get(uniqueid);
    if (queue === null) {
      // a transferred caller went to a queue the wallboard does not follow: that call is over here
      if (pend) this.settle(pend);
      return;
    }
    const caller = callerOf(msg.get('CallerIDNum'));
    if (pend) {
      // the transferred caller is back in a mapped queue: one call, a second leg (call.transferred)
      this.timers.clear(pend.timer);
      this.pending.delete(uniqueid);
      const call = this.calls.get(uniqueid)!;
      this.clearLeft(call);
      Object.assign(call, { pbxQueue, queue, since: ts, agentId: null, answeredAt: null, visit: call.visit + 1 });
      call.ringing.clear();
      this.emit([{ id: this.id('call.transferred', pend.callId, pend.agentId, pend.tag), type: 'call.transferred', ts: pend.ts, callId: pend.callId, agentId: pend.agentId, queue } as FeedEvent]);
      return;
    }
    const known = this.calls.get(uniqueid);
    if (known) {
      this.settleFor(null, uniqueid);
      this.clearLeft(known);
      if (known.agentId) {
        // in talk and in a queue again without a transfer reason: the agent passed it on
        const agentId = known.agentId;
        Object.assign(known, { pbxQueue, queue, since: ts, agentId: null, answeredAt: null, left: false, visit: known.visit + 1 });
        this.emit([{ id: this.id('call.transferred', known.callId, agentId, tag), type: 'call.transferred', ts, callId: known.callId, agentId, queue } as FeedEvent]);
        return;
      }
      // moved to another queue while waiting: a second call.queued re-routes it
      Object.assign(known, { pbxQueue, queue, since: ts, left: false });
      known.ringing.clear();
      this.emit([{ id: this.id('call.queued', known.callId, tag), type: 'call.queued', ts, callId: known.callId, queue, ...(caller ? { caller } : {}) } as FeedEvent]);
      return;
    }
    const call = this.newCall(uniqueid, pbxQueue, queue, caller, ts);
    this.emit([{ id: this.id('call.queued', call.callId), type: 'call.queued', ts, callId: call.callId, queue, ...(caller ? { caller } : {}) } as FeedEvent]);
  }

  private callerAbandon(msg: AmiMessage, ts: number): void {
    const uniqueid = msg.get('Uniqueid');
    const pbxQueue = msg.get('Queue');
    if (!uniqueid || this.wallQueue(pbxQueue) === null) return;
    const c = this.counters.get(pbxQueue!);
    if (c) c.abandoned++;
    this.settleFor(null, uniqueid);
    // a time-out, leave-when-empty or withdraw is a QueueCallerAbandon too: unanswered either way
    this.abandon(uniqueid, ts);
  }

  private abandon(uniqueid: string, ts: number): void {
    const callId = this.callIdOf(uniqueid);
    this.calls.delete(uniqueid);
    this.emit([{ id: this.id('call.abandoned', callId), type: 'call.abandoned', ts, callId } as FeedEvent]);
  }

  private callerLeave(msg: AmiMessage, ts: number): void {
    const uniqueid = msg.get('Uniqueid');
    if (!uniqueid || this.wallQueue(msg.get('Queue')) === null) return;
    const call = this.calls.get(uniqueid);
    if (!call || call.agentId || this.pending.has(uniqueid)) return;
    // On an answer the caller leaves the queue just before AgentConnect (app_queue runs the member
    // macro/gosub in between). A leave with no answer after it and no ring open is a caller who left
    // unanswered without QueueCallerAbandon (a key pressed, `continue`): abandoned, at the leave.
    call.left = true;
    this.timers.clear(call.leftTimer);
    call.leftTimer = this.timers.set(() => {
      call.leftTimer = null;
      if (this.calls.get(uniqueid) === call && call.left && !call.agentId && call.ringing.size === 0) this.abandon(uniqueid, ts);
    }, this.graceMs);
  }

  private clearLeft(call: CallInfo): void {
    call.left = false;
    if (call.leftTimer !== null) this.timers.clear(call.leftTimer);
    call.leftTimer = null;
  }

  /** The agent and call of an Agent* event in a mapped queue. */
  private agentEvent(msg: AmiMessage, ts: number): { agentId: string; uniqueid: string; call: CallInfo; pbxQueue: string } | null {
    const pbxQueue = msg.get('Queue');
    const queue = this.wallQueue(pbxQueue);
    const uniqueid = msg.get('Uniqueid');
    const agentId = agentIdOf(msg.get('Interface'));
    if (queue === null || !uniqueid || !agentId) return null;
    this.settleFor(agentId, uniqueid);
    return { agentId, uniqueid, call: this.ensureCall(uniqueid, pbxQueue!, queue, msg, ts), pbxQueue: pbxQueue! };
  }

  private agentCalled(msg: AmiMessage, ts: number, tag: string): void {
    const x = this.agentEvent(msg, ts);
    if (!x) return;
    x.call.ringing.add(x.agentId);
    this.emit([{ id: this.id('call.ringing', x.call.callId, x.agentId, tag), type: 'call.ringing', ts, callId: x.call.callId, agentId: x.agentId } as FeedEvent]);
  }

  private agentRingNoAnswer(msg: AmiMessage, ts: number, tag: string): void {
    const x = this.agentEvent(msg, ts);
    if (!x) return;
    x.call.ringing.delete(x.agentId);
    this.emit([{ id: this.id('call.rona', x.call.callId, x.agentId, tag), type: 'call.rona', ts, callId: x.call.callId, agentId: x.agentId } as FeedEvent]);
    if (x.call.left && x.call.ringing.size === 0) this.abandon(x.uniqueid, ts);
  }

  private agentConnect(msg: AmiMessage, ts: number): void {
    const x = this.agentEvent(msg, ts);
    if (!x) return;
    this.clearLeft(x.call);
    Object.assign(x.call, { agentId: x.agentId, answeredAt: ts });
    x.call.ringing.clear();
    this.emit([{ id: this.answeredId(x.call, x.call.callId, x.agentId), type: 'call.answered', ts, callId: x.call.callId, agentId: x.agentId } as FeedEvent]);
  }

  private agentComplete(msg: AmiMessage, ts: number, tag: string): void {
    const x = this.agentEvent(msg, ts);
    if (!x) return;
    const c = this.counters.get(x.pbxQueue);
    if (c) c.completed++;
    const { call, agentId } = x;
    const told = this.feed.toldCall(call.callId);
    const out: FeedEvent[] = [];
    const knownTalk = told?.state === 'talking' && told.agentId === agentId;
    if (!knownTalk) {
      // a talk the wallboard never heard of (begun while disconnected, or before a restart):
      // rebuilt from the hold and talk times AgentComplete carries
      const hold = Math.max(0, int(msg.get('HoldTime')) ?? 0);
      const talk = Math.max(0, int(msg.get('TalkTime')) ?? 0);
      const answeredAt = ts - talk * 1000;
      if (!told) {
        const at = answeredAt - hold * 1000;
        out.push({ id: this.id('call.queued', call.callId), type: 'call.queued', ts: at, callId: call.callId, queue: call.queue, ...(call.caller ? { caller: call.caller } : {}) } as FeedEvent);
      }
      out.push({ id: this.answeredId(call, call.callId, agentId), type: 'call.answered', ts: answeredAt, callId: call.callId, agentId } as FeedEvent);
    }
    if (msg.get('Reason') === 'transfer' && knownTalk && this.graceMs > 0) {
      // where the caller went is not in the agent class: if it comes back to a mapped queue within
      // the grace, this is one call transferred (call.transferred); if not, the call ended here
      const p: PendingTransfer = { uniqueid: x.uniqueid, callId: call.callId, agentId, ts, tag, timer: null };
      p.timer = this.timers.set(() => {
        if (this.pending.get(x.uniqueid) === p) this.settle(p);
      }, this.graceMs);
      this.pending.set(x.uniqueid, p);
      return;
    }
    out.push({ id: this.id('call.ended', call.callId, agentId, tag), type: 'call.ended', ts, callId: call.callId } as FeedEvent);
    this.calls.delete(x.uniqueid);
    this.emit(out);
  }

  /**
   * AgentDump: the member hung up during the announcement, before the bridge. app_queue keeps the
   * caller in the queue and rings on (`try_calling` returns 0), so for the wallboard this is a ring
   * that came to nothing (call.rona), not the end of the call.
   */
  private agentDump(msg: AmiMessage, ts: number, tag: string): void {
    const x = this.agentEvent(msg, ts);
    if (!x) return;
    x.call.ringing.delete(x.agentId);
    this.emit([{ id: this.id('call.rona', x.call.callId, x.agentId, 'dump', tag), type: 'call.rona', ts, callId: x.call.callId, agentId: x.agentId } as FeedEvent]);
  }

  /** A transfer whose caller did not come back to a mapped queue: the call ended at the transfer. */
  private settle(p: PendingTransfer): void {
    this.timers.clear(p.timer);
    this.pending.delete(p.uniqueid);
    this.calls.delete(p.uniqueid);
    this.emit([{ id: this.id('call.ended', p.callId, p.agentId, p.tag), type: 'call.ended', ts: p.ts, callId: p.callId } as FeedEvent]);
  }

  /** Settles pending transfers of this agent or call before anything else about them is told. */
  private settleFor(agentId: string | null, uniqueid: string | null): void {
    if (this.pending.size === 0) return;
    for (const p of [...this.pending.values()]) if (p.agentId === agentId || p.uniqueid === uniqueid) this.settle(p);
  }

  /** The connection ended: transfers still open are settled as ended (a resync repairs the rest). */
  sessionEnded(): void {
    for (const p of [...this.pending.values()]) this.settle(p);
    if (this.lastHeardAt !== null) this.gapStart = this.lastHeardAt;
  }

  /** Anything heard from the PBX (responses and pings too). */
  heard(at: number): void {
    this.lastHeardAt = at;
    this.messagesHeard++;
  }

  /** AMI messages read so far (all connections) */
  messagesHeard = 0;

  /** Stops the grace timers (the adapter is stopping): open transfers end where they are. */
  stop(): void {
    for (const p of [...this.pending.values()]) this.settle(p);
    for (const c of this.calls.values()) this.clearLeft(c);
  }

  // ------------------------------------------------------------------ resync

  /**
   * A QueueStatus snapshot (its QueueParams, QueueMember and QueueEntry events) after a (re)connect.
   * Before the Feed's generic corrections, settles what AMI can tell about the calls the wallboard
   * last saw open:
   * - a talk whose agent is no longer in a call ended at the agent's `LastCall` (and its wrap-up is
   *   over when `LastCall + Wrapuptime` has passed); one whose agent's `LastCall` is later than the
   *   answer ended too, the agent being on another call now;
   * - a call that rang at an agent now in a call was answered by that agent;
   * - other callers gone from the queue: those the queue's `Abandoned` counter cannot cover were
   *   answered, and so were as many as there are agents of the queue in a call nothing else
   *   explains (the queue serves the earliest first); an answer goes to such an agent (in talk
   *   now), else to one whose `LastCall` falls in the gap (answered and over). The rest abandoned.
   *   Without usable counters the Feed's reading stands (gone while waiting = abandoned).
   * Calls that began and ended entirely in the gap are invisible to AMI; the counters say how many,
   * and that is logged.
   */
  resync(items: readonly AmiMessage[], receivedAt: number): GapReport {
    const now = this.o.now();
    for (const p of [...this.pending.values()]) this.settle(p);
    const gapStart = this.gapStart;
    this.lastHeardAt = receivedAt;
    const firstResync = this.resyncs++ === 0;

    const params = new Map<string, Counters>();
    const members = new Map<string, Map<string, Membership>>();
    const entries: { uniqueid: string; pbxQueue: string; queue: string; caller: string | null; since: number }[] = [];
    for (const msg of items) {
      const kind = msg.event;
      if (kind === 'QueueParams') {
        const q = msg.get('Queue');
        const completed = int(msg.get('Completed'));
        const abandoned = int(msg.get('Abandoned'));
        if (q !== undefined && this.wallQueue(q) !== null && completed !== null && abandoned !== null) params.set(q, { completed, abandoned });
      } else if (kind === 'QueueMember') {
        const x = this.membership(msg);
        if (!x) continue;
        let ms = members.get(x.agentId);
        if (!ms) members.set(x.agentId, (ms = new Map()));
        ms.set(x.queue, x.m);
      } else if (kind === 'QueueEntry') {
        const pbxQueue = msg.get('Queue');
        const queue = this.wallQueue(pbxQueue);
        const uniqueid = msg.get('Uniqueid');
        if (queue === null || !uniqueid) continue;
        const wait = Math.max(0, Number(msg.get('Wait')) || 0);
        entries.push({ uniqueid, pbxQueue: pbxQueue!, queue, caller: callerOf(msg.get('CallerIDNum')), since: now - wait * 1000 });
      }
    }

    // the queues' counters: what moved during the gap beyond what this adapter saw
    const gap = new Map<string, { abandoned: number | null; completed: number | null }>();
    for (const [q, p] of params) {
      const before = this.counters.get(q);
      if (!before || firstResync) continue;
      const da = p.abandoned - before.abandoned;
      const dc = p.completed - before.completed;
      // a counter that went down was reset (`queue reset stats`, a reload): it tells nothing
      gap.set(q, { abandoned: da >= 0 ? da : null, completed: dc >= 0 ? dc : null });
    }
    this.counters = new Map([...params].map(([q, p]) => [q, { ...p }]));
    this.members = members;
    const knownBefore = new Set(this.feed.openCalls().map((c) => c.callId));
    const agentsBefore = new Set([...members.keys()].filter((a) => this.feed.toldAgent(a) !== null));

    const view: PbxView = { agents: [], waiting: [], talking: null };
    const agg = new Map<string, NonNullable<ReturnType<AsteriskMapper['aggregate']>>>();
    for (const agentId of members.keys()) {
      const a = this.aggregate(agentId)!;
      agg.set(agentId, a);
      const { lastCall, ...agent } = a;
      view.agents.push({ ...agent, lastCallEndAt: lastCall === null ? null : lastCall * 1000 });
    }
    const waitingIds = new Set<string>();
    for (const e of entries) {
      let call = this.calls.get(e.uniqueid);
      if (call && call.agentId) {
        // was in talk, now waiting again (transferred back to a queue during the gap): a new wait
        const agentId = call.agentId;
        Object.assign(call, { pbxQueue: e.pbxQueue, queue: e.queue, since: e.since, agentId: null, answeredAt: null, left: false, visit: call.visit + 1 });
        void this.feed.emit([{ id: this.id('call.transferred', call.callId, agentId, 'resync', idTime(now)), type: 'call.transferred', ts: now, callId: call.callId, agentId, queue: e.queue } as FeedEvent], false);
      } else if (!call) call = this.newCall(e.uniqueid, e.pbxQueue, e.queue, e.caller, e.since);
      waitingIds.add(call.callId);
      view.waiting.push({ callId: call.callId, queue: e.queue, caller: e.caller ?? call.caller, since: e.since } satisfies PbxWaitingCall);
    }

    const byCallId = new Map([...this.calls.values()].map((c) => [c.callId, c]));
    const out: FeedEvent[] = [];
    const claimed = new Set<string>();
    const counted = new Map<string, { abandoned: number; completed: number }>();
    const tally = (q: string | undefined, k: 'abandoned' | 'completed') => {
      if (q === undefined) return;
      const t = counted.get(q) ?? { abandoned: 0, completed: 0 };
      t[k]++;
      counted.set(q, t);
    };
    const inGap = (a: { lastCall: number | null } | undefined) => a?.lastCall != null && gapStart !== null && a.lastCall * 1000 + 999 >= gapStart;
    const finish = (callId: string) => {
      const c = byCallId.get(callId);
      if (c) this.calls.delete(c.uniqueid);
    };
    /** ended at `at`; the wrap-up too when it is over by now */
    const endTalk = (callId: string, agentId: string, at: number) => {
      out.push({ id: this.id('call.ended', callId, agentId, 'resync'), type: 'call.ended', ts: at, callId } as FeedEvent);
      const a = agg.get(agentId);
      if (a && !a.paused && !a.inCall && at + a.wrapUpSec * 1000 <= now) {
        out.push({ id: this.id('agent.ready', agentId, 'wrapup', callId), type: 'agent.ready', ts: at + a.wrapUpSec * 1000, agentId } as FeedEvent);
      }
    };

    const open = this.feed.openCalls();
    // talks the wallboard knows
    for (const c of open) {
      if (c.state !== 'talking' || !c.agentId || waitingIds.has(c.callId)) continue;
      const a = agg.get(c.agentId);
      const info = byCallId.get(c.callId);
      const endedLater = a?.lastCall != null && info?.answeredAt != null && a.lastCall > Math.floor(info.answeredAt / 1000);
      if (a?.inCall && !endedLater) {
        claimed.add(c.agentId);
        continue;
      }
      const at = a?.lastCall != null && (info?.answeredAt == null || a.lastCall * 1000 >= info.answeredAt) ? Math.min(now, a.lastCall * 1000) : now;
      endTalk(c.callId, c.agentId, at);
      tally(info?.pbxQueue, 'completed');
      finish(c.callId);
    }
    // callers the wallboard saw waiting or ringing who are no longer in a queue
    const vanished = open.filter((c) => c.state !== 'talking' && !waitingIds.has(c.callId));
    const answer = (callId: string, agentId: string, q: string | undefined) => {
      const a = agg.get(agentId);
      claimed.add(agentId);
      if (a?.inCall) {
        const info = byCallId.get(callId);
        out.push({ id: this.answeredId(info, callId, agentId), type: 'call.answered', ts: now, callId, agentId } as FeedEvent);
        if (info) Object.assign(info, { agentId, answeredAt: now });
        info?.ringing.clear();
        return;
      }
      // answered and over within the gap: the agent's LastCall is when it ended
      const end = Math.min(now, (a?.lastCall ?? now / 1000) * 1000);
      out.push({ id: this.answeredId(byCallId.get(callId), callId, agentId), type: 'call.answered', ts: end, callId, agentId } as FeedEvent);
      endTalk(callId, agentId, end);
      tally(q, 'completed');
      finish(callId);
    };
    const byQueue = new Map<string, typeof vanished>();
    for (const c of vanished) {
      const q = byCallId.get(c.callId)?.pbxQueue ?? '';
      byQueue.set(q, [...(byQueue.get(q) ?? []), c]);
    }
    for (const [q, list] of byQueue) {
      list.sort((x, y) => (byCallId.get(x.callId)?.since ?? 0) - (byCallId.get(y.callId)?.since ?? 0));
      const rest: typeof list = [];
      for (const c of list) {
        // it rang at an agent who is in a call now: the ring became the talk
        if (c.state === 'ringing' && c.agentId && agg.get(c.agentId)?.inCall && !claimed.has(c.agentId)) answer(c.callId, c.agentId, q);
        else rest.push(c);
      }
      const g = gap.get(q);
      if (!g || g.abandoned === null) continue; // the counters cannot say: the Feed's reading (abandoned) stands
      const free = () => [...agg.values()].filter((a) => !claimed.has(a.agentId) && members.get(a.agentId)?.has(q));
      // at least the callers the abandon count cannot cover were answered; and as many as there are
      // agents of the queue in a call nothing else explains (the queue served the earliest first)
      const answered = Math.max(rest.length - g.abandoned, Math.min(rest.length, free().filter((a) => a.inCall).length));
      rest.forEach((c, i) => {
        if (i < answered) {
          const candidates = free();
          const pick =
            candidates.find((a) => a.inCall)?.agentId ??
            (c.state === 'ringing' && c.agentId && !claimed.has(c.agentId) && inGap(agg.get(c.agentId)) ? c.agentId : null) ??
            candidates.filter((a) => inGap(a)).sort((a, b) => (a.lastCall ?? 0) - (b.lastCall ?? 0))[0]?.agentId ??
            null;
          if (pick) return answer(c.callId, pick, q);
          this.log.warn({ callId: c.callId, queue: q }, 'asterisk: resync: a caller left the queue during the gap without abandoning, but no agent can be named for the answer; counted as abandoned');
        }
        out.push({ id: this.id('call.abandoned', c.callId), type: 'call.abandoned', ts: now, callId: c.callId } as FeedEvent);
        tally(q, 'abandoned');
        finish(c.callId);
      });
    }
    void this.feed.emit(out, false);
    // what is left the Feed reads its own way (gone while waiting → abandoned, …)
    const generic = this.feed.reconcileNow(view);
    for (const e of generic) {
      const cid = (e as { callId?: string }).callId;
      const q = cid === undefined ? undefined : byCallId.get(cid)?.pbxQueue;
      if (e.type === 'call.abandoned') tally(q, 'abandoned');
      if (e.type === 'call.ended') tally(q, 'completed');
    }

    // a fresh adapter (first resync of this process) cannot know what an earlier run left on the
    // wall: agents the PBX shows idle are told ready (a no-op on an agent already available)
    const fresh: FeedEvent[] = [];
    if (firstResync) {
      for (const a of agg.values()) {
        // (one still in the wrap-up of its last call gets its ready from the Feed, at end + wrap-up)
        const wrapping = a.lastCall !== null && (a.lastCall + a.wrapUpSec) * 1000 > now;
        if (!agentsBefore.has(a.agentId) && !a.paused && !a.inCall && !wrapping) fresh.push({ id: this.id('agent.ready', a.agentId, 'start', idTime(now)), type: 'agent.ready', ts: now, agentId: a.agentId } as FeedEvent);
      }
      void this.feed.emit(fresh, false);
    }

    // this adapter's calls follow what the wallboard now believes
    const stillOpen = new Set(this.feed.openCalls().map((c) => c.callId));
    for (const [u, c] of [...this.calls]) if (!stillOpen.has(c.callId)) this.calls.delete(u);
    for (const c of this.calls.values()) {
      const t = this.feed.toldCall(c.callId);
      if (t?.state === 'talking' && t.agentId) claimed.add(t.agentId);
    }

    const hidden = new Map<string, { abandoned: number | null; completed: number | null }>();
    for (const [q, g] of gap) {
      const t = counted.get(q) ?? { abandoned: 0, completed: 0 };
      const h = {
        abandoned: g.abandoned === null ? null : Math.max(0, g.abandoned - t.abandoned),
        completed: g.completed === null ? null : Math.max(0, g.completed - t.completed),
      };
      hidden.set(q, h);
      const n = (h.abandoned ?? 0) + (h.completed ?? 0);
      if (n > 0) this.log.warn({ queue: q, abandoned: h.abandoned, completed: h.completed }, `asterisk: ${n} call(s) in queue ${q} began and ended while disconnected; AMI cannot show them (QueueParams counters)`);
      else if (h.abandoned === null || h.completed === null) this.log.warn({ queue: q }, `asterisk: the counters of queue ${q} were reset during the gap; calls begun and ended in it cannot be counted`);
    }
    const unknownTalks = [...agg.values()].filter((a) => a.inCall && !claimed.has(a.agentId)).map((a) => a.agentId);
    if (unknownTalks.length && !firstResync) this.log.warn({ agents: unknownTalks }, 'asterisk: agents on calls begun while disconnected; AMI cannot name those calls until they end');
    const corrections = [...out, ...generic, ...fresh];
    this.log.info({ corrections: corrections.length, agents: view.agents.length, waiting: view.waiting.length, known: knownBefore.size }, `asterisk: resync: ${corrections.length} correction(s)`);
    return { corrections, hidden, unknownTalks };
  }
}
