/**
 * mod_callcenter in wallboard terms (ADAPTERS.md mapping; docs/telephony.md, FreeSWITCH): one
 * `callcenter::info` event → v1 events for the Feed, and the `callcenter_config` lists of a resync
 * → a PbxView. Every event id is derived from FreeSWITCH's ids and times, so a reconnect, a restart
 * or a replay never counts anything twice. Whether an event is news is decided by what the Feed
 * has told the wallboard, so events that a resync already covered are not sent again.
 */
import { hotlineEvent } from '../../../../shared/events';
import { INVISIBLE_CHARS } from '../../../../shared/events';
import { idTime, type Feed, type FeedEvent, type PbxAgent, type PbxTalkingCall, type PbxView, type PbxWaitingCall } from '../common/feed';
import { PbxClock } from '../common/pbx-time';
import { mapQueue } from '../common/settings';
import { cell, type CcRow } from './esl';

type Logger = { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };

/** `2001@default` → `2001` (ADAPTERS.md: CC-Agent up to `@`). */
export function agentIdOf(ccAgent: string): string {
  const at = ccAgent.indexOf('@');
  return (at > 0 ? ccAgent.slice(0, at) : ccAgent).trim();
}

/** Event-Date-Timestamp (microseconds) → epoch ms; null when absent or not a number. */
export function eventTime(h: Map<string, string>): number | null {
  const us = Number(h.get('Event-Date-Timestamp'));
  return Number.isFinite(us) && us > 0 ? Math.floor(us / 1000) : null;
}

/** A table's epoch-seconds column → epoch ms (0, empty or `(null)` → null). */
function epochMs(row: CcRow, column: string): number | null {
  const n = Number(cell(row, column));
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) : null;
}

/** A caller number the wallboard accepts (1–32 visible characters), or null. */
export function callerOf(value: string | null | undefined): string | null {
  if (!value) return null;
  const v = value.replace(new RegExp(INVISIBLE_CHARS.source, 'gu'), '').trim();
  if (v === '' || v === '_undef_' || v === '(null)') return null;
  return [...v].slice(0, 32).join('');
}

/** Seconds of the PBX's time, as an id part: status changes are kept to the second by mod_callcenter. */
const second = (ms: number) => idTime(Math.floor(ms / 1000) * 1000);

const PRESENT = new Set(['Available', 'Available (On Demand)', 'On Break']);

/** A Map that forgets its oldest entries beyond `max`. */
class Bounded<K, V> extends Map<K, V> {
  constructor(private readonly max: number) {
    super();
  }
  override set(k: K, v: V): this {
    if (!this.has(k) && this.size >= this.max) this.delete(this.keys().next().value as K);
    return super.set(k, v);
  }
}

export interface ResyncTables {
  agents: CcRow[];
  /** per FreeSWITCH queue (`name@domain`) */
  members: Map<string, CcRow[]>;
  tiers: Map<string, CcRow[]>;
}

export class CallcenterMapper {
  /** agents with a tier in a mapped queue at the last resync, or met on a mapped queue's call; null: every agent (ESL_QUEUES unset) */
  private ours: Set<string> | null;
  /** CC-Member-UUID → call id, so every event of one queue visit names one call */
  private readonly callIds = new Bounded<string, string>(20_000);
  /** sessions that already had a queue visit: a later visit (transferred back into a queue) is a call of its own */
  private readonly sessions = new Bounded<string, true>(20_000);
  private readonly logged = new Set<string>();
  /** PBX events turned into wallboard events (for tests and health) */
  handled = 0;
  private readonly clock = new PbxClock('freeswitch', { warn: (o, msg) => this.logger.warn(o, msg) });

  constructor(
    private readonly feed: Feed,
    private readonly queues: Map<string, string> | null,
    private readonly logger: Logger,
    private readonly now: () => number,
  ) {
    this.ours = queues === null ? null : new Set();
  }

  /** The FreeSWITCH queues to list at a resync (null: ask `callcenter_config queue list`). */
  mappedQueues(): string[] | null {
    return this.queues === null ? null : [...this.queues.keys()];
  }

  /** Logs a thing once per kind (ignored events, unmapped queues, oddities). */
  private once(kind: string, msg: string, o: object = {}): void {
    if (this.logged.has(kind)) return;
    if (this.logged.size < 1000) this.logged.add(kind);
    this.logger.info({ ...o, kind }, msg);
  }

  private callId(memberUuid: string | null, session: string, starting: boolean): string {
    const known = memberUuid ? this.callIds.get(memberUuid) : undefined;
    if (known) return known;
    if (!starting || !memberUuid) return session;
    const id = this.sessions.has(session) && memberUuid !== session ? `${session}/${memberUuid}`.slice(0, 128) : session;
    this.sessions.set(session, true);
    this.callIds.set(memberUuid, id);
    return id;
  }

  private emit(events: Record<string, unknown>[]): void {
    const good: FeedEvent[] = [];
    for (const e of events) {
      const r = hotlineEvent.safeParse({ v: 1, ...e });
      if (r.success) good.push(e as unknown as FeedEvent);
      else this.once(`invalid ${String(e.type)}`, 'freeswitch: an event built from FreeSWITCH data is not valid v1; dropped', { id: e.id, issue: r.error.issues[0]?.message });
    }
    if (good.length === 0) return;
    this.handled++;
    void this.feed.emit(good);
  }

  /** One ESL event. */
  handle(h: Map<string, string>): void {
    const name = h.get('Event-Name') ?? '';
    if (name === 'HEARTBEAT') return;
    if (name !== 'CUSTOM' || h.get('Event-Subclass') !== 'callcenter::info') {
      this.once(`event ${name}`, `freeswitch: ignoring ${name || 'unnamed'} events`);
      return;
    }
    const action = h.get('CC-Action') ?? '';
    const receivedAt = this.now();
    const pbxTime = eventTime(h);
    const ts = pbxTime !== null && this.clock.trusted(pbxTime, receivedAt) ? pbxTime : receivedAt;
    switch (action) {
      case 'agent-status-change':
        return this.status(h, ts);
      case 'member-queue-start':
      case 'member-queue-resume':
        return this.call(h, ts, 'start');
      case 'agent-offering':
        return this.call(h, ts, 'offer');
      case 'bridge-agent-fail':
        return this.call(h, ts, 'fail');
      case 'bridge-agent-start':
        return this.call(h, ts, 'answer');
      case 'bridge-agent-end':
        return this.call(h, ts, 'end');
      case 'member-queue-end':
        return this.call(h, ts, 'leave');
      default:
        this.once(`cc ${action}`, `freeswitch: ignoring callcenter::info ${action || '(no CC-Action)'} (not mapped)`);
    }
  }

  private status(h: Map<string, string>, ts: number): void {
    const raw = h.get('CC-Agent');
    const status = h.get('CC-Agent-Status') ?? '';
    if (!raw) return this.once('status without agent', 'freeswitch: agent-status-change without CC-Agent; ignored');
    const agentId = agentIdOf(raw);
    if (this.ours && !this.ours.has(agentId)) return this.once(`agent ${agentId}`, 'freeswitch: agent has no tier in a mapped queue (as of the last resync); its status is ignored', { agentId });
    const told = this.feed.toldAgent(agentId);
    const at = second(ts);
    const e = (type: string, extra: object = {}) => ({ id: this.feed.id(type, agentId, at), type, ts, agentId, ...extra });
    const out: Record<string, unknown>[] = [];
    if (status === 'Available' || status === 'Available (On Demand)') {
      if (!told?.signedIn) out.push(e('agent.login'), e('agent.signin'));
      else if (told.busy) out.push(e('agent.ready'));
    } else if (status === 'On Break') {
      // mod_callcenter has no pause reason (docs/telephony.md: how a center can carry one)
      if (!told?.signedIn) out.push(e('agent.login'), e('agent.signin'));
      if (!told?.busy) out.push(e('agent.busy'));
    } else if (status === 'Logged Out') {
      if (told?.signedIn) out.push(e('agent.signout'));
    } else {
      return this.once(`status ${status}`, `freeswitch: agent status "${status}" ignored`);
    }
    this.emit(out);
  }

  private call(h: Map<string, string>, ts: number, what: 'start' | 'offer' | 'fail' | 'answer' | 'end' | 'leave'): void {
    const pbxQueue = h.get('CC-Queue') ?? '';
    const queue = mapQueue(this.queues, pbxQueue);
    if (queue === null) return this.once(`queue ${pbxQueue}`, 'freeswitch: queue not in ESL_QUEUES; its events are ignored', { queue: pbxQueue });
    const session = h.get('CC-Member-Session-UUID') || h.get('CC-Member-UUID');
    if (!session) return this.once(`no uuid ${what}`, 'freeswitch: callcenter event without CC-Member-Session-UUID; ignored');
    const callId = this.callId(h.get('CC-Member-UUID') || null, session, what === 'start');
    const told = this.feed.toldCall(callId);
    const rawAgent = h.get('CC-Agent');
    const agentId = rawAgent ? agentIdOf(rawAgent) : null;
    if (agentId && this.ours) this.ours.add(agentId);
    const ignore = () => this.once(`stale ${what}`, `freeswitch: ${what} for a call the wallboard is not following (already over, or covered by the resync); ignored`);
    switch (what) {
      case 'start': {
        if (told) return; // a resync already queued it, or a resume
        const caller = callerOf(h.get('CC-Member-CID-Number'));
        return this.emit([{ id: this.feed.id('call.queued', callId), type: 'call.queued', ts, callId, queue, ...(caller ? { caller } : {}) }]);
      }
      case 'offer':
        if (!agentId) return;
        if (!told || told.state === 'talking' || (told.state === 'ringing' && told.agentId === agentId)) return ignore();
        return this.emit([{ id: this.feed.id('call.ringing', callId, agentId, idTime(ts)), type: 'call.ringing', ts, callId, agentId }]);
      case 'fail': {
        // the caller hung up (an abandon follows) or another agent won a ring-all: not a no-answer
        const cause = h.get('CC-Hangup-Cause') ?? '';
        if (cause === 'ORIGINATOR_CANCEL' || cause === 'LOSE_RACE') return;
        if (!agentId || told?.state !== 'ringing' || told.agentId !== agentId) return ignore();
        return this.emit([{ id: this.feed.id('call.rona', callId, agentId, idTime(ts)), type: 'call.rona', ts, callId, agentId }]);
      }
      case 'answer':
        if (!agentId) return;
        if (!told || (told.state === 'talking' && told.agentId === agentId)) return ignore();
        return this.emit([{ id: this.feed.id('call.answered', callId, agentId), type: 'call.answered', ts, callId, agentId }]);
      case 'end':
        // a transfer ends the same way (mod_callcenter has no transfer event): the call is over for the wallboard
        if (told?.state !== 'talking') return ignore();
        return this.emit([{ id: this.feed.id('call.ended', callId, told.agentId ?? agentId ?? ''), type: 'call.ended', ts, callId }]);
      case 'leave': {
        const cause = h.get('CC-Cause') ?? '';
        if (!told) return; // usual: the end came with bridge-agent-end
        if (told.state === 'talking') {
          // a missed bridge-agent-end: the member leaving ends the talk
          return this.emit([{ id: this.feed.id('call.ended', callId, told.agentId ?? agentId ?? ''), type: 'call.ended', ts, callId }]);
        }
        if (cause === 'Cancel') return this.emit([{ id: this.feed.id('call.abandoned', callId), type: 'call.abandoned', ts, callId }]);
        return this.once(`leave ${cause}`, `freeswitch: member-queue-end with CC-Cause "${cause}" for a call not in talk; ignored`);
      }
    }
  }

  /**
   * The PbxView of a resync. With ESL_QUEUES set, the agents are those with a tier in a mapped
   * queue (tier changes fire no event: they are learnt here only).
   */
  view(t: ResyncTables): PbxView {
    if (this.queues !== null) {
      const ours = new Set<string>();
      for (const [q, rows] of t.tiers) {
        if (mapQueue(this.queues, q) === null) continue;
        for (const r of rows) {
          const a = cell(r, 'agent');
          if (a) ours.add(agentIdOf(a));
        }
      }
      this.ours = ours;
    }
    const now = this.now();
    const agents: PbxAgent[] = [];
    const listed = new Set<string>();
    for (const r of t.agents) {
      const name = cell(r, 'name');
      if (!name) continue;
      const agentId = agentIdOf(name);
      if ((this.ours && !this.ours.has(agentId)) || listed.has(agentId)) continue;
      listed.add(agentId);
      const status = cell(r, 'status') ?? '';
      const changedAt = epochMs(r, 'last_status_change');
      const present = PRESENT.has(status);
      const paused = status === 'On Break';
      agents.push({
        agentId,
        name: null,
        present,
        paused,
        reason: null,
        loginAt: present ? changedAt : null,
        pausedAt: paused ? changedAt : null,
        inCall: cell(r, 'state') === 'In a queue call',
        wrapUpSec: Math.max(0, Number(cell(r, 'wrap_up_time')) || 0),
        changedAt,
        lastCallEndAt: epochMs(r, 'last_bridge_end'),
      });
    }
    const waiting: PbxWaitingCall[] = [];
    const talking: PbxTalkingCall[] = [];
    for (const [q, rows] of t.members) {
      const queue = mapQueue(this.queues, q);
      if (queue === null) continue;
      for (const r of rows) {
        const session = cell(r, 'session_uuid') ?? cell(r, 'uuid');
        if (!session) continue;
        const callId = this.callId(cell(r, 'uuid'), session, true);
        const caller = callerOf(cell(r, 'cid_number'));
        const since = epochMs(r, 'joined_epoch') ?? now;
        const state = cell(r, 'state');
        const serving = cell(r, 'serving_agent');
        const servingAgent = serving && serving !== 'ring-all' ? agentIdOf(serving) : null;
        if (state === 'Waiting' || state === 'Trying') {
          // Trying: offered to serving_agent right now; ring-all names no one
          waiting.push({ callId, queue, caller, since, ringingAgent: state === 'Waiting' ? null : (servingAgent ?? undefined) });
        } else if (state === 'Answered' && servingAgent) {
          talking.push({ callId, agentId: servingAgent, queue, caller, since, answeredAt: epochMs(r, 'bridge_epoch') ?? now });
        }
      }
    }
    return { agents, waiting, talking };
  }
}
