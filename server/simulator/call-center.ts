/**
 * The hall and its ACD: operators' states, seats, the two queues, routing to the longest-available
 * operator, and everything that happens to a call until it ends, is abandoned or is called back.
 * It mirrors the wallboard's state model (EVENTS.md) so that every event it emits is one the
 * wallboard can apply without an anomaly.
 */
import type { AgentState } from '../../shared/snapshot';
import type { EventOf, IncidentSeverity } from '../../shared/events';
import { callerNumber, drawTicket, type BreakReason, type IncidentTemplate } from './catalog';
import { MIN, SEC, type SimContext } from './context';
import type { StaffMember } from './roster';
import type { Timer } from './timer-queue';

/** A planned 示忙: why, and for how long. */
export interface BreakPlan {
  reason: BreakReason;
  durationMs: number;
  /** deliberately inside the first or last 30 min of the shift (第三十二条 alert material) */
  restricted: boolean;
}

/** One urgent situation in the city and the calls it brings; the first answered call raises it. */
export interface Episode {
  incidentId: string;
  template: IncidentTemplate;
  severity: IncidentSeverity;
  location: string;
  raised: boolean;
  raising: boolean;
}

export interface Agent extends StaffMember {
  state: AgentState;
  /** seat signed in at */
  seat: string | null;
  /** seat this shift's roster gives the agent */
  rosterSeat: string | null;
  /** when the agent last became available: routing prefers the longest-available */
  since: number;
  call: Call | null;
  /** shift is over: take no new calls, sign out when free */
  leaving: boolean;
  /** leaving a seat nobody takes over at the boundary: log out (the seat closes) instead of 签出 */
  closing: boolean;
  shiftEnd: number;
  /** at a handover: sign in by then even if the predecessor is still at the seat (第二十九条) */
  signinBy: number | null;
  deadline: Timer | null;
  pendingBreak: BreakPlan | null;
  /** the one pending step of the agent's own (sign-in, wrap-up end, break end, sign-out, logout) */
  timer: Timer | null;
  breakTimers: Timer[];
}

type QueueName = 'general' | 'specialist';

interface Call {
  id: string;
  caller: string | undefined;
  queue: QueueName;
  status: 'waiting' | 'ringing' | 'talking' | 'done' | 'abandoned';
  agent: Agent | null;
  /** answer, RONA, transfer or end, whichever is next */
  timer: Timer | null;
  abandonTimer: Timer | null;
  /** agents that let it ring out recently, and until when they are skipped for it */
  skip: Map<string, number>;
  episode: Episode | null;
  transferred: boolean;
}

/** The center's behavioural knobs, as shares and durations. */
const P = {
  noCaller: 0.05,
  repeatCaller: 0.03,
  rona: 0.02,
  transfer: 0.055,
  ticket: 0.9,
  veryImpatient: 0.05,
  callbackReached: 0.8,
  talkMeanMs: 150 * SEC,
} as const;

/** Hooks into the rest of the simulation. */
export interface CallCenterHooks {
  /** an operator raises the episode's incident while talking to a caller about it */
  raise(episode: Episode, callId: string, agentId: string): void;
  /** an operator has just signed in: plan their breaks */
  signedIn(agent: Agent): void;
  /** an operator has filed a ticket: its life after the call begins */
  filed(ticket: EventOf<'ticket.created'>): void;
}

/** Object.assign that type-checks the patch, so a mistyped state cannot slip in. */
function set<T extends object>(target: T, patch: Partial<T>): void {
  Object.assign(target, patch);
}

export class CallCenter {
  readonly agents: Agent[];
  private readonly byId = new Map<string, Agent>();
  private waiting: Call[] = [];
  private readonly seatOf = new Map<string, Agent>();
  private readonly seatWaiter = new Map<string, Agent>();
  private readonly recentCallers: string[] = [];
  /** calls offered so far (a shift's count is the difference), for the handover notes */
  offered = 0;
  /** missed calls with a number, not yet returned: a handover's open items */
  readonly pendingCallbacks = new Set<string>();

  constructor(
    private readonly ctx: SimContext,
    members: readonly StaffMember[],
    private readonly hooks: CallCenterHooks,
  ) {
    this.agents = members.map((m) => ({
      ...m,
      state: 'offline',
      seat: null,
      rosterSeat: null,
      since: ctx.now,
      call: null,
      leaving: false,
      closing: false,
      shiftEnd: 0,
      signinBy: null,
      deadline: null,
      pendingBreak: null,
      timer: null,
      breakTimers: [],
    }));
    for (const a of this.agents) this.byId.set(a.id, a);
  }

  agent(id: string): Agent {
    const a = this.byId.get(id);
    if (!a) throw new Error(`no agent ${id}`);
    return a;
  }

  // ── operators ────────────────────────────────────────────────────────────────

  /**
   * Logs the agent in at `at` for a shift ending at `shiftEnd`. If the seat is free the agent signs in
   * after `freeSeatDelayMs`; if a colleague still sits there, right after that colleague signs out,
   * and at the latest at `signinBy` (then both are signed in at the seat until the colleague leaves).
   */
  scheduleLogin(agent: Agent, at: number, seat: string, shiftEnd: number, freeSeatDelayMs: number, signinBy: number | null = null): void {
    agent.timer = this.ctx.at(at, () => {
      if (agent.state !== 'offline' || this.ctx.now >= shiftEnd) return;
      set(agent, { state: 'logged_in', since: this.ctx.now, leaving: false, closing: false, shiftEnd, rosterSeat: seat, pendingBreak: null, breakTimers: [], signinBy });
      this.ctx.emit('agent.login', { agentId: agent.id, name: agent.name });
      agent.timer = null;
      if (this.seatOf.has(seat)) this.seatWaiter.set(seat, agent);
      else agent.timer = this.ctx.after(freeSeatDelayMs, () => this.signin(agent));
      if (signinBy !== null) agent.deadline = this.ctx.at(signinBy, () => this.signinNow(agent));
    });
  }

  private signin(agent: Agent): void {
    agent.timer = null;
    const seat = agent.rosterSeat;
    if (agent.state !== 'logged_in' || agent.leaving || !seat) return;
    if (this.seatOf.has(seat)) {
      this.seatWaiter.set(seat, agent);
      return;
    }
    this.seatIn(agent, seat);
  }

  /** The handover is due: the successor signs in beside a predecessor still finishing a call. */
  private signinNow(agent: Agent): void {
    agent.deadline = null;
    const seat = agent.rosterSeat;
    if (agent.state !== 'logged_in' || agent.leaving || !seat) return;
    if (agent.timer) agent.timer.cancelled = true;
    agent.timer = null;
    if (this.seatWaiter.get(seat) === agent) this.seatWaiter.delete(seat);
    this.seatIn(agent, seat);
  }

  private seatIn(agent: Agent, seat: string): void {
    if (agent.deadline) agent.deadline.cancelled = true;
    agent.deadline = null;
    this.seatOf.set(seat, agent);
    set(agent, { state: 'available', seat, since: this.ctx.now });
    this.ctx.emit('agent.signin', { agentId: agent.id, seat });
    this.hooks.signedIn(agent);
    this.dispatch();
  }

  /**
   * The shift is over for this agent: no new calls; sign out as soon as the current work is done.
   * `closing`: nobody takes the seat over, so the agent logs out at once (the seat closes with it).
   */
  startLeaving(agent: Agent, closing = false): void {
    if (agent.leaving) return;
    agent.leaving = true;
    agent.closing = closing;
    agent.pendingBreak = null;
    for (const t of agent.breakTimers) t.cancelled = true;
    agent.breakTimers = [];
    if (agent.state === 'offline' || agent.state === 'logged_in') {
      if (agent.timer) agent.timer.cancelled = true;
      if (agent.deadline) agent.deadline.cancelled = true;
      agent.timer = null;
      agent.deadline = null;
      if (agent.rosterSeat && this.seatWaiter.get(agent.rosterSeat) === agent) this.seatWaiter.delete(agent.rosterSeat);
      if (agent.state === 'logged_in') agent.timer = this.ctx.after(this.ctx.rng.uniform(5, 60) * SEC, () => this.logout(agent));
    } else if (agent.state === 'available') {
      agent.timer = this.ctx.after(this.ctx.rng.uniform(0, 15) * SEC, () => this.goOff(agent));
    }
    // ringing, talking, wrap-up or on a break: handled when that ends
  }

  /** A leaving agent is free: 签出 (or, closing the seat, log out). */
  private goOff(agent: Agent): void {
    if (!agent.closing) return this.signout(agent);
    const seat = agent.seat;
    agent.timer = null;
    set(agent, { state: 'offline', seat: null, since: this.ctx.now });
    this.ctx.emit('agent.logout', { agentId: agent.id });
    this.releaseSeat(agent, seat);
  }

  private signout(agent: Agent): void {
    const seat = agent.seat;
    set(agent, { state: 'logged_in', seat: null, since: this.ctx.now });
    this.ctx.emit('agent.signout', { agentId: agent.id });
    agent.timer = this.ctx.after(this.ctx.rng.uniform(10, 120) * SEC, () => this.logout(agent));
    this.releaseSeat(agent, seat);
  }

  /** The seat is free again (unless the successor already sits there): the one waiting for it takes it. */
  private releaseSeat(agent: Agent, seat: string | null): void {
    if (!seat || this.seatOf.get(seat) !== agent) return;
    this.seatOf.delete(seat);
    const next = this.seatWaiter.get(seat);
    if (next && next.state === 'logged_in' && !next.leaving) {
      this.seatWaiter.delete(seat);
      // the handover gap, but not past the time the successor must be in
      const gap = this.handoverGapMs();
      const delay = next.signinBy === null ? gap : Math.min(gap, Math.max(0, next.signinBy - this.ctx.now));
      next.timer = this.ctx.after(delay, () => this.signin(next));
    }
  }

  /** 第二十八条 asks for ≤ 30 s; most hand over in time, a few are late enough to trip the alert. */
  private handoverGapMs(): number {
    const rng = this.ctx.rng;
    const r = rng.float();
    if (r < 0.88) return rng.uniform(2, 22) * SEC;
    if (r < 0.94) return rng.uniform(22, 29) * SEC;
    return rng.uniform(35, 200) * SEC;
  }

  private logout(agent: Agent): void {
    agent.timer = null;
    set(agent, { state: 'offline', since: this.ctx.now });
    this.ctx.emit('agent.logout', { agentId: agent.id });
  }

  /** A planned break comes due: take it now if free, after the current call otherwise. */
  takeBreak(agent: Agent, plan: BreakPlan): void {
    if (agent.leaving) return;
    if (agent.state === 'available') this.goBusy(agent, plan);
    else if (agent.state === 'ringing' || agent.state === 'talking' || agent.state === 'wrapup') agent.pendingBreak = plan;
  }

  private goBusy(agent: Agent, plan: BreakPlan): void {
    agent.pendingBreak = null;
    set(agent, { state: 'busy', since: this.ctx.now });
    this.ctx.emit('agent.busy', { agentId: agent.id, reason: plan.reason });
    agent.timer = this.ctx.after(plan.durationMs, () => this.settle(agent));
  }

  /** A deferred break still makes sense only well before the shift ends (unless it was meant to be late). */
  private breakStillFits(agent: Agent): BreakPlan | null {
    const plan = agent.pendingBreak;
    agent.pendingBreak = null;
    if (!plan) return null;
    const left = agent.shiftEnd - this.ctx.now;
    return left > (plan.restricted ? 3 * MIN + plan.durationMs : 35 * MIN) ? plan : null;
  }

  /** The agent's wrap-up or break is over: sign out, go on a deferred break, or 示闲. */
  private settle(agent: Agent): void {
    agent.timer = null;
    if (agent.leaving) return this.goOff(agent);
    const plan = this.breakStillFits(agent);
    if (plan) return this.goBusy(agent, plan);
    set(agent, { state: 'available', since: this.ctx.now });
    this.ctx.emit('agent.ready', { agentId: agent.id });
    this.dispatch();
  }

  /** The agent went back to available without an event of its own (RONA, caller hung up while ringing). */
  private freed(agent: Agent): void {
    set(agent, { state: 'available', since: this.ctx.now, call: null });
    if (agent.leaving) agent.timer = this.ctx.after(this.ctx.rng.uniform(0, 15) * SEC, () => this.goOff(agent));
    else {
      const plan = this.breakStillFits(agent);
      if (plan) this.goBusy(agent, plan);
    }
  }

  // ── calls ────────────────────────────────────────────────────────────────────

  /** A caller dials 12319. */
  addCall(episode: Episode | null): void {
    const { ctx } = this;
    const call: Call = {
      id: ctx.nextId('c'),
      caller: this.drawCaller(),
      queue: 'general',
      status: 'waiting',
      agent: null,
      timer: null,
      abandonTimer: null,
      skip: new Map(),
      episode,
      transferred: false,
    };
    this.offered++;
    ctx.emit('call.queued', { callId: call.id, queue: 'general', ...(call.caller ? { caller: call.caller } : {}) });
    this.waiting.push(call);
    call.abandonTimer = ctx.after(this.patienceMs(false), () => this.abandon(call));
    this.dispatch();
  }

  private drawCaller(): string | undefined {
    const rng = this.ctx.rng;
    if (rng.chance(P.noCaller)) return undefined;
    if (this.recentCallers.length > 0 && rng.chance(P.repeatCaller)) return rng.pick(this.recentCallers);
    const n = callerNumber(rng);
    this.recentCallers.push(n);
    if (this.recentCallers.length > 200) this.recentCallers.shift();
    return n;
  }

  /** How long this caller will wait; a few hang up within seconds whatever happens. */
  private patienceMs(transferred: boolean): number {
    const rng = this.ctx.rng;
    if (!transferred && rng.chance(P.veryImpatient)) return rng.uniform(1, 5) * SEC;
    return Math.max(8 * SEC, rng.lognormal(transferred ? 180 * SEC : 110 * SEC, 0.8));
  }

  /** Offers every waiting call to the longest-available eligible agent; 专业席 calls first. */
  private dispatch(): void {
    for (const queue of ['specialist', 'general'] as const) {
      for (const call of this.waiting) {
        if (call.queue !== queue || call.status !== 'waiting') continue;
        const agent = this.pickAgent(call);
        if (agent) this.ring(call, agent);
      }
    }
  }

  private pickAgent(call: Call): Agent | null {
    let best: Agent | null = null;
    for (const a of this.agents) {
      if (a.state !== 'available' || a.leaving) continue;
      if (call.queue === 'specialist' && !a.specialist) continue;
      if ((call.skip.get(a.id) ?? 0) > this.ctx.now) continue;
      if (!best || a.since < best.since) best = a;
    }
    return best;
  }

  private ring(call: Call, agent: Agent): void {
    const { ctx } = this;
    set(call, { status: 'ringing', agent });
    set(agent, { state: 'ringing', call, since: ctx.now });
    ctx.emit('call.ringing', { callId: call.id, agentId: agent.id });
    call.timer = ctx.rng.chance(P.rona)
      ? ctx.after(ctx.rng.uniform(15, 20) * SEC, () => this.rona(call, agent))
      : ctx.after(ctx.rng.uniform(2, 10) * SEC, () => this.answer(call, agent));
  }

  private rona(call: Call, agent: Agent): void {
    const { ctx } = this;
    ctx.emit('call.rona', { callId: call.id, agentId: agent.id });
    set(call, { status: 'waiting', agent: null, timer: null });
    // the ACD skips that agent for this call for a minute, then may try again
    call.skip.set(agent.id, ctx.now + MIN);
    ctx.after(MIN + 1, () => this.dispatch());
    this.freed(agent);
    this.dispatch();
  }

  private answer(call: Call, agent: Agent): void {
    const { ctx } = this;
    const rng = ctx.rng;
    ctx.emit('call.answered', { callId: call.id, agentId: agent.id });
    call.status = 'talking';
    set(agent, { state: 'talking', since: ctx.now });
    if (call.abandonTimer) call.abandonTimer.cancelled = true;
    this.waiting = this.waiting.filter((c) => c !== call);
    let talk = Math.min(Math.max(rng.lognormal(P.talkMeanMs, 0.6), 20 * SEC), 25 * MIN);
    const ep = call.episode;
    if (ep && !ep.raised && !ep.raising) {
      ep.raising = true;
      const raiseIn = rng.uniform(20, 60) * SEC;
      talk = Math.max(talk, raiseIn + rng.uniform(40, 120) * SEC);
      ctx.after(raiseIn, () => {
        ep.raising = false;
        if (call.status !== 'talking' || call.agent !== agent) return;
        ep.raised = true;
        this.hooks.raise(ep, call.id, agent.id);
      });
    }
    if (!ep && !call.transferred && rng.chance(P.transfer)) {
      call.timer = ctx.after(Math.min(talk, rng.uniform(30, 120) * SEC), () => this.transfer(call, agent));
    } else {
      call.timer = ctx.after(talk, () => this.end(call, agent));
    }
  }

  private transfer(call: Call, agent: Agent): void {
    const { ctx } = this;
    ctx.emit('call.transferred', { callId: call.id, agentId: agent.id, queue: 'specialist' });
    this.wrapup(agent, null);
    set(call, { queue: 'specialist', status: 'waiting', agent: null, timer: null, transferred: true });
    call.skip.clear();
    this.waiting.push(call);
    call.abandonTimer = ctx.after(this.patienceMs(true), () => this.abandon(call));
    this.dispatch();
  }

  private end(call: Call, agent: Agent): void {
    this.ctx.emit('call.ended', { callId: call.id });
    call.status = 'done';
    // incident callers always get a work order; most others too
    this.wrapup(agent, call.episode || this.ctx.rng.chance(P.ticket) ? call : null);
  }

  private wrapup(agent: Agent, ticketFor: Call | null): void {
    set(agent, { state: 'wrapup', call: null, since: this.ctx.now });
    agent.timer = this.ctx.after(this.ctx.rng.uniform(10, 40) * SEC, () => {
      if (ticketFor) this.fileTicket(ticketFor, agent);
      this.settle(agent);
    });
  }

  private abandon(call: Call): void {
    if (call.status !== 'waiting' && call.status !== 'ringing') return;
    const { ctx } = this;
    const ringingAt = call.status === 'ringing' ? call.agent : null;
    if (call.timer) call.timer.cancelled = true;
    ctx.emit('call.abandoned', { callId: call.id });
    set(call, { status: 'abandoned', agent: null, timer: null });
    this.waiting = this.waiting.filter((c) => c !== call);
    if (ringingAt) this.freed(ringingAt);
    if (call.caller) this.scheduleCallback(call.id);
    this.dispatch();
  }

  // ── after the call ───────────────────────────────────────────────────────────

  /** 第二十一条: missed calls are returned, mostly well within 30 minutes. */
  private scheduleCallback(callId: string): void {
    const rng = this.ctx.rng;
    const r = rng.float();
    const delay = r < 0.86 ? rng.uniform(3, 25) : r < 0.95 ? rng.uniform(25, 29.5) : rng.uniform(32, 90);
    this.pendingCallbacks.add(callId);
    this.ctx.after(delay * MIN, () => this.callBack(callId));
  }

  private callBack(callId: string): void {
    const free = this.agents.filter((a) => a.state === 'available' && !a.leaving);
    if (free.length === 0) {
      this.ctx.after(this.ctx.rng.uniform(1, 3) * MIN, () => this.callBack(callId));
      return;
    }
    const agent = this.ctx.rng.pick(free);
    this.pendingCallbacks.delete(callId);
    this.ctx.emit('callback.completed', { callId, agentId: agent.id, reached: this.ctx.rng.chance(P.callbackReached) });
  }

  private fileTicket(call: Call, agent: Agent): void {
    const { ctx } = this;
    const { month, day } = ctx.local();
    const t = call.episode
      ? { category: call.episode.template.category, kind: ctx.rng.chance(0.7) ? ('complaint' as const) : ('consultation' as const) }
      : drawTicket(ctx.rng, month, day);
    this.hooks.filed(ctx.emit('ticket.created', { ticketId: ctx.nextId('t'), category: t.category, kind: t.kind, callId: call.id, agentId: agent.id }));
  }
}
