/**
 * What one PBX feed has told the wallboard, and the corrections a resync calls for. Protocol code
 * (Asterisk AMI, FreeSWITCH ESL) turns PBX messages into v1 events and hands them to `emit`; on
 * every (re)connect it builds a `PbxView` from the PBX's own snapshot and calls `reconcile`, which
 * appends what changed during the gap, so nothing is lost or counted twice. Pure bookkeeping: the
 * clock and the sink are given, and every event id is derived from PBX ids, never random.
 */
import { createHash } from 'node:crypto';
import type { HotlineEvent } from '../../../../shared/events';
import { notTooOld } from './pbx-time';

/** An event as the protocol code builds it: everything but the envelope's `v`. */
export type FeedEvent = Omit<HotlineEvent, 'v'>;

/** One agent as the PBX shows it in a resync. */
export interface PbxAgent {
  agentId: string;
  name: string | null;
  /** a member of at least one mapped queue (Asterisk) / logged in (FreeSWITCH) */
  present: boolean;
  paused: boolean;
  /** pause reason (Asterisk PausedReason); FreeSWITCH has none */
  reason: string | null;
  /** when the agent logged in, if the PBX says (epoch ms) */
  loginAt: number | null;
  /** when the pause began, if the PBX says (epoch ms) */
  pausedAt: number | null;
  /** the PBX says the agent is on a call now (Asterisk InCall / FreeSWITCH state In a queue call) */
  inCall: boolean;
  /** seconds of wrap-up after each call (Asterisk Wrapuptime / FreeSWITCH wrap_up_time) */
  wrapUpSec: number;
  /**
   * when the PBX last changed the agent's status (epoch ms; FreeSWITCH last_status_change): the
   * time of a sign-out or un-pause found by a resync. Absent or null: the time of the resync.
   */
  changedAt?: number | null;
  /**
   * when the agent's last call ended (epoch ms; FreeSWITCH last_bridge_end): the end of a talk that
   * finished during a gap, and the start of its wrap-up. Absent or null: the time of the resync.
   */
  lastCallEndAt?: number | null;
}

/** A call waiting in a mapped queue, as the PBX shows it in a resync. */
export interface PbxWaitingCall {
  callId: string;
  queue: string;
  caller: string | null;
  /** when it joined the queue (epoch ms): the PBX's time, or now − Wait */
  since: number;
  /**
   * the agent it rings at now, where the PBX says (FreeSWITCH member state Trying with its
   * serving_agent): null = rings nowhere; absent = the PBX cannot tell (no ring corrections)
   */
  ringingAgent?: string | null;
}

/** A call being talked on, where the PBX can tell which (FreeSWITCH members in state Answered). */
export interface PbxTalkingCall {
  callId: string;
  agentId: string;
  /** the wallboard queue, for a call the feed never saw queued (it arrived during a gap) */
  queue?: string;
  caller?: string | null;
  /** when it joined the queue (epoch ms; FreeSWITCH joined_epoch) */
  since?: number;
  /** when it was answered (epoch ms; FreeSWITCH bridge_epoch). Absent: the time of the resync */
  answeredAt?: number;
}

export interface PbxView {
  agents: PbxAgent[];
  waiting: PbxWaitingCall[];
  /** null when the PBX cannot tell which calls are in talk (Asterisk): agents' `inCall` decides */
  talking: PbxTalkingCall[] | null;
}

export interface FeedSink {
  /** appends the events to the wallboard's log, in order (all or nothing) */
  append(events: HotlineEvent[]): Promise<void>;
}

interface ToldAgent {
  name: string | null;
  signedIn: boolean;
  busy: boolean;
  reason: string | null;
  /** the call whose wrap-up this agent is in (an `agent.ready` is due when it ends) */
  wrapCall: string | null;
}

interface ToldCall {
  state: 'waiting' | 'ringing' | 'talking';
  agentId: string | null;
  /** `ts` of the event that put it in this state */
  at: number;
}

/** At one instant, the order corrections are appended in (ready before a new call, a call's end before a pause). */
const RANK = { ready: 0, queued: 1, rona: 2, ringing: 3, answered: 4, gone: 5, status: 6 } as const;

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface FeedOptions {
  /** the feed's name (ADAPTER_NAME): every event id starts with it */
  name: string;
  sink: FeedSink;
  now: () => number;
  logger: { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };
  timers?: Timers;
  /**
   * events kept while the wallboard cannot be reached (besides the batch being sent); beyond, the
   * oldest go (a resync repairs)
   */
  maxPending?: number;
}

const realTimers: Timers = { set: (fn, ms) => setTimeout(fn, ms), clear: (h) => clearTimeout(h as NodeJS.Timeout) };

/** The part of an id that names the instant: the PBX's own time where the event has one. */
export const idTime = (ms: number) => String(Math.round(ms));

export class Feed {
  private readonly agents = new Map<string, ToldAgent>();
  private readonly calls = new Map<string, ToldCall>();
  private readonly wrapUpSec = new Map<string, number>();
  private readonly wrapTimers = new Map<string, unknown>();
  private readonly pending: HotlineEvent[] = [];
  /** the batch being appended now: out of `pending`, so an overflow never drops what is on the wire */
  private inFlight: HotlineEvent[] = [];
  private flushing: Promise<void> | null = null;
  private stopped = false;
  /** the drain deadline after `stop()` passed: no more retries */
  private givenUp = false;
  /** ends the wait before the next retry at once */
  private wakeRetry: (() => void) | null = null;
  private readonly timers: Timers;
  /** when the last PBX event was turned into wallboard events (epoch ms), for feed health */
  lastEventAt: number | null = null;

  constructor(private readonly o: FeedOptions) {
    this.timers = o.timers ?? realTimers;
  }

  /**
   * The id every event of this feed carries: `<feed>:<type>:<parts…>`, parts from the PBX. One
   * longer than 128 characters (the v1 limit) keeps its first 103 and a hash of the whole (a cut
   * alone made ids differing only at the end, e.g. in the time, the same).
   */
  id(type: HotlineEvent['type'] | string, ...parts: (string | number)[]): string {
    const full = [this.o.name, type, ...parts].join(':');
    if (full.length <= 128) return full;
    return `${full.slice(0, 103)}~${createHash('sha256').update(full).digest('base64url').slice(0, 24)}`;
  }

  /** What the wallboard has been told about an agent by this feed (null: nothing yet). */
  toldAgent(agentId: string): Readonly<{ signedIn: boolean; busy: boolean; reason: string | null }> | null {
    const a = this.agents.get(agentId);
    return a ? { signedIn: a.signedIn, busy: a.busy, reason: a.reason } : null;
  }

  /** What the wallboard has been told about a call that is not over (null: unknown, ended or abandoned). */
  toldCall(callId: string): Readonly<{ state: 'waiting' | 'ringing' | 'talking'; agentId: string | null }> | null {
    const c = this.calls.get(callId);
    return c ? { state: c.state, agentId: c.agentId } : null;
  }

  /** Every call the wallboard believes open (waiting, ringing or in talk), in the order it was first told. */
  openCalls(): { callId: string; state: 'waiting' | 'ringing' | 'talking'; agentId: string | null }[] {
    return [...this.calls].map(([callId, c]) => ({ callId, state: c.state, agentId: c.agentId }));
  }

  /** Remembers an agent's wrap-up time (from the PBX's member or agent record). */
  setWrapUp(agentId: string, seconds: number): void {
    this.wrapUpSec.set(agentId, Math.max(0, seconds));
  }

  /** Appends events (in order) and records what the wallboard has been told. */
  emit(events: FeedEvent[], fromPbx = true): Promise<void> {
    if (events.length === 0) return this.flushing ?? Promise.resolve();
    if (fromPbx) this.lastEventAt = this.o.now();
    for (const e of events) {
      const full = { v: 1, ...e } as HotlineEvent;
      this.track(full, fromPbx);
      this.pending.push(full);
    }
    const max = this.o.maxPending ?? 100_000;
    if (this.pending.length > max) {
      const dropped = this.pending.splice(0, this.pending.length - max);
      this.o.logger.error({ dropped: dropped.length }, 'the wallboard has been unreachable too long; oldest events dropped (the next resync repairs the states)');
    }
    return this.flush();
  }

  /**
   * Compares what the PBX shows now with what the wallboard was told, and appends the corrections:
   * agents present → signed in, paused → busy, gone → signed out; a caller waiting that the
   * wallboard does not know → queued (at the PBX's join time); a call believed waiting or ringing
   * that the PBX no longer has → abandoned (answered, when it rang at an agent who is on a call now
   * and the PBX cannot say which call that is); a call believed in talk that the PBX no longer has →
   * ended (at the agent's last call end when the PBX gives it); a call in talk the wallboard does not
   * know → queued (when the PBX says where and since when) and answered; where the PBX says which
   * agent a waiting call rings at, a ring that ended → rona and a new ring → ringing.
   *
   * Sign-ins come first; the other corrections follow in the order of their times (the PBX's where
   * it gives them), so an agent's day reads as it happened. An agent this feed never told about (a
   * new adapter process: the wallboard may already have it signed in, on a call) is signed in
   * without `agent.login`, which would reset it there; the login is sent only to carry a name. Such
   * an agent, idle, whose last call the PBX names (`lastCallEndAt`), gets the wrap-up the old
   * process was timing: ready at that end + its wrap-up time.
   * The corrections are recorded at once; the promise resolves when they are appended.
   */
  async reconcile(view: PbxView): Promise<FeedEvent[]> {
    const out = this.reconcileNow(view);
    await this.drain();
    return out;
  }

  /**
   * `reconcile` without waiting for the wallboard: the corrections are appended (in order, before
   * anything emitted after this call) and returned at once, so protocol code can go on reading the
   * PBX while the wallboard is slow or down.
   */
  reconcileNow(view: PbxView): FeedEvent[] {
    const now = this.o.now();
    const presence: FeedEvent[] = [];
    const timed: { e: FeedEvent; rank: number }[] = [];
    const add = (rank: number, e: Record<string, unknown>) => timed.push({ e: e as unknown as FeedEvent, rank });
    const seen = new Map<string, PbxAgent>();
    const inCall = new Set<string>();
    const fresh = new Set<string>();
    for (const a of view.agents) {
      seen.set(a.agentId, a);
      this.setWrapUp(a.agentId, a.wrapUpSec);
      if (a.inCall) inCall.add(a.agentId);
      const t = this.agents.get(a.agentId);
      if (!t) fresh.add(a.agentId);
      if (a.present) {
        if (!t?.signedIn) {
          // ids from the PBX's time (the same at every resync); ts no older than the wallboard keeps
          const pbxAt = a.loginAt ?? now;
          const at = notTooOld(pbxAt, now);
          if (t || a.name) presence.push({ id: this.id('agent.login', a.agentId, idTime(pbxAt)), type: 'agent.login', ts: at, agentId: a.agentId, ...(a.name ? { name: a.name } : {}) } as FeedEvent);
          presence.push({ id: this.id('agent.signin', a.agentId, idTime(pbxAt)), type: 'agent.signin', ts: at, agentId: a.agentId } as FeedEvent);
        }
        if (a.paused && (!t?.busy || t.reason !== a.reason || !t.signedIn)) {
          const pbxAt = a.pausedAt ?? now;
          const at = notTooOld(pbxAt, now);
          add(RANK.status, { id: this.id('agent.busy', a.agentId, idTime(pbxAt)), type: 'agent.busy', ts: at, agentId: a.agentId, ...(a.reason ? { reason: a.reason } : {}) });
        } else if (!a.paused && t?.busy && t.signedIn) {
          const pbxAt = a.changedAt ?? now;
          const at = notTooOld(pbxAt, now);
          add(RANK.ready, { id: this.id('agent.ready', a.agentId, 'resync', idTime(pbxAt)), type: 'agent.ready', ts: at, agentId: a.agentId });
        }
      } else if (t?.signedIn) {
        const pbxAt = a.changedAt ?? now;
        const at = notTooOld(pbxAt, now);
        add(RANK.status, { id: this.id('agent.signout', a.agentId, 'resync', idTime(pbxAt)), type: 'agent.signout', ts: at, agentId: a.agentId });
      }
    }
    for (const [agentId, t] of this.agents) {
      if (!seen.has(agentId) && t.signedIn) add(RANK.status, { id: this.id('agent.signout', agentId, 'resync', idTime(now)), type: 'agent.signout', ts: now, agentId });
    }
    const waiting = new Set(view.waiting.map((w) => w.callId));
    const talking = view.talking === null ? null : new Map(view.talking.map((c) => [c.callId, c]));
    for (const w of view.waiting) {
      const t = this.calls.get(w.callId);
      if (!t) add(RANK.queued, { id: this.id('call.queued', w.callId), type: 'call.queued', ts: w.since, callId: w.callId, queue: w.queue, ...(w.caller ? { caller: w.caller } : {}) });
      if (w.ringingAgent === undefined || t?.state === 'talking') continue;
      if (t?.state === 'ringing' && t.agentId && t.agentId !== w.ringingAgent) add(RANK.rona, { id: this.id('call.rona', w.callId, t.agentId, 'resync', idTime(now)), type: 'call.rona', ts: now, callId: w.callId, agentId: t.agentId });
      if (w.ringingAgent && !(t?.state === 'ringing' && t.agentId === w.ringingAgent)) add(RANK.ringing, { id: this.id('call.ringing', w.callId, w.ringingAgent, 'resync', idTime(now)), type: 'call.ringing', ts: now, callId: w.callId, agentId: w.ringingAgent });
    }
    if (talking) {
      for (const [callId, c] of talking) {
        const t = this.calls.get(callId);
        if (t?.state === 'talking') continue;
        if (!t && c.queue !== undefined) add(RANK.queued, { id: this.id('call.queued', callId), type: 'call.queued', ts: c.since ?? c.answeredAt ?? now, callId, queue: c.queue, ...(c.caller ? { caller: c.caller } : {}) });
        add(RANK.answered, { id: this.id('call.answered', callId, c.agentId), type: 'call.answered', ts: c.answeredAt ?? now, callId, agentId: c.agentId });
      }
    }
    for (const [callId, t] of this.calls) {
      if (waiting.has(callId) || talking?.has(callId)) continue;
      if (t.state === 'talking') {
        // without a list of calls in talk (Asterisk), an agent still on a call keeps it
        if (talking === null && t.agentId && inCall.has(t.agentId)) continue;
        const last = t.agentId ? seen.get(t.agentId)?.lastCallEndAt : null;
        const at = last != null && last >= t.at && last <= now ? last : now;
        add(RANK.gone, { id: this.id('call.ended', callId, t.agentId ?? ''), type: 'call.ended', ts: at, callId });
      } else if (t.state === 'ringing' && talking === null && t.agentId && inCall.has(t.agentId)) {
        add(RANK.answered, { id: this.id('call.answered', callId, t.agentId), type: 'call.answered', ts: now, callId, agentId: t.agentId });
      } else {
        add(RANK.gone, { id: this.id('call.abandoned', callId), type: 'call.abandoned', ts: now, callId });
      }
    }
    timed.sort((a, b) => a.e.ts - b.e.ts || a.rank - b.rank);
    const out = [...presence, ...timed.map((x) => x.e)];
    void this.emit(out, false);
    // a new process lost the wrap-up timers of the old one: an idle agent whose last call the PBX
    // names gets its ready at that call's end + wrap-up (a no-op on the wall if it is ready already)
    const ringing = new Set(view.waiting.flatMap((w) => (w.ringingAgent ? [w.ringingAgent] : [])));
    const talkingAgents = new Set(view.talking?.map((c) => c.agentId) ?? []);
    for (const a of view.agents) {
      const end = a.lastCallEndAt;
      if (end == null || end > now || !fresh.has(a.agentId) || !a.present || a.paused || a.inCall || ringing.has(a.agentId) || talkingAgents.has(a.agentId)) continue;
      this.startWrap(a.agentId, `end-${idTime(end)}`, end, false);
    }
    return out;
  }

  /** Stops the wrap-up timers; what is pending is still flushed by the caller's `drain`. */
  stop(): void {
    this.stopped = true;
    for (const h of this.wrapTimers.values()) this.timers.clear(h);
    this.wrapTimers.clear();
  }

  /** Resolves once everything emitted so far is in the wallboard's log. */
  drain(): Promise<void> {
    return this.flushing ?? Promise.resolve();
  }

  /**
   * After `stop()`: waits for what is pending to be appended, for at most `ms`; past that, stops
   * retrying (the next start's resync repairs what was lost) and resolves with the number of events
   * not appended.
   */
  async drainWithin(ms: number): Promise<number> {
    const flushing = this.flushing;
    if (flushing) {
      let handle: unknown;
      const late = new Promise<'late'>((r) => (handle = this.timers.set(() => r('late'), ms)));
      const first = await Promise.race([flushing.then(() => 'done' as const), late]);
      this.timers.clear(handle);
      if (first === 'late') {
        this.givenUp = true;
        this.wakeRetry?.();
      }
    }
    return this.backlog;
  }

  /** Events not yet appended (the wallboard unreachable). */
  get backlog(): number {
    return this.inFlight.length + this.pending.length;
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = (async () => {
      let delay = 500;
      while (this.pending.length > 0 && !this.givenUp) {
        this.inFlight = this.pending.splice(0, 500);
        // after the wallboard refused a batch as invalid: one at a time, to drop only the bad one(s)
        let single = false;
        while (this.inFlight.length > 0 && !this.givenUp) {
          const batch = single ? this.inFlight.slice(0, 1) : this.inFlight.slice();
          try {
            await this.o.sink.append(batch);
            this.inFlight.splice(0, batch.length);
            delay = 500;
          } catch (err) {
            if ((err as { permanent?: boolean }).permanent) {
              if (batch.length > 1) single = true;
              else {
                this.o.logger.error({ err: String(err), id: batch[0]!.id }, 'the wallboard refused an event; dropped');
                this.inFlight.splice(0, 1);
              }
              continue;
            }
            // not the event's fault (network, wallboard down): the same events again, later
            this.o.logger.warn({ err: String(err), backlog: this.backlog }, 'could not append to the wallboard; retrying');
            await new Promise<void>((r) => {
              const h = this.timers.set(() => {
                this.wakeRetry = null;
                r();
              }, delay);
              this.wakeRetry = () => {
                this.timers.clear(h);
                this.wakeRetry = null;
                r();
              };
            });
            delay = Math.min(delay * 2, 10_000);
          }
        }
      }
    })().finally(() => {
      this.flushing = null;
    });
    return this.flushing;
  }

  private agent(id: string): ToldAgent {
    let a = this.agents.get(id);
    if (!a) this.agents.set(id, (a = { name: null, signedIn: false, busy: false, reason: null, wrapCall: null }));
    return a;
  }

  /** What the wallboard now believes, after `e` (a small mirror of the core's reducer). */
  private track(e: HotlineEvent, fromPbx: boolean): void {
    if ('agentId' in e && e.agentId && e.type !== 'callback.completed' && e.type !== 'ticket.created' && e.type !== 'incident.raised') {
      // any event of an agent ends a pending wrap-up, as in the wallboard
      this.endWrap(e.agentId);
    }
    switch (e.type) {
      case 'agent.login':
        if (e.name) this.agent(e.agentId).name = e.name;
        return;
      case 'agent.signin':
        this.agent(e.agentId).signedIn = true;
        return;
      case 'agent.busy':
        Object.assign(this.agent(e.agentId), { busy: true, reason: e.reason ?? null });
        return;
      case 'agent.ready':
        Object.assign(this.agent(e.agentId), { busy: false, reason: null });
        return;
      case 'agent.signout':
      case 'agent.logout':
        Object.assign(this.agent(e.agentId), { signedIn: false, busy: false, reason: null });
        return;
      case 'call.queued':
        this.calls.set(e.callId, { state: 'waiting', agentId: null, at: e.ts });
        return;
      case 'call.ringing':
        this.calls.set(e.callId, { state: 'ringing', agentId: e.agentId, at: e.ts });
        return;
      case 'call.rona': {
        const c = this.calls.get(e.callId);
        if (c) Object.assign(c, { state: 'waiting', agentId: null, at: e.ts });
        return;
      }
      case 'call.answered':
        this.calls.set(e.callId, { state: 'talking', agentId: e.agentId, at: e.ts });
        return;
      case 'call.transferred':
        this.calls.set(e.callId, { state: 'waiting', agentId: null, at: e.ts });
        this.startWrap(e.agentId, e.callId, e.ts, fromPbx);
        return;
      case 'call.ended': {
        const c = this.calls.get(e.callId);
        this.calls.delete(e.callId);
        if (c?.state === 'talking' && c.agentId) this.startWrap(c.agentId, e.callId, e.ts, fromPbx);
        return;
      }
      case 'call.abandoned':
        this.calls.delete(e.callId);
        return;
      default:
        return;
    }
  }

  /**
   * After a call the agent is in wrap-up for its wrap-up time, then ready: no PBX says so itself.
   * The ready's time is the call's end plus the wrap-up time (PBX time, like the end). A live end
   * waits the whole wrap-up; an end a resync found (it happened during a gap) waits only what is
   * left of it, or none.
   */
  private startWrap(agentId: string, callId: string, endedAt: number, live: boolean): void {
    const a = this.agent(agentId);
    a.wrapCall = callId;
    if (this.stopped) return;
    const ms = (this.wrapUpSec.get(agentId) ?? 0) * 1000;
    const due = endedAt + ms;
    const fire = () => {
      this.wrapTimers.delete(agentId);
      if (a.wrapCall !== callId || a.busy || !a.signedIn) return;
      void this.emit([{ id: this.id('agent.ready', agentId, 'wrapup', callId), type: 'agent.ready', ts: due, agentId } as FeedEvent], false);
    };
    this.wrapTimers.set(agentId, this.timers.set(fire, live ? ms : Math.min(ms, Math.max(0, due - this.o.now()))));
  }

  private endWrap(agentId: string): void {
    const a = this.agents.get(agentId);
    if (a) a.wrapCall = null;
    const h = this.wrapTimers.get(agentId);
    if (h !== undefined) {
      this.timers.clear(h);
      this.wrapTimers.delete(agentId);
    }
  }
}
