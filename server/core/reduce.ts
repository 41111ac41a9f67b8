/**
 * `reduce`: applies events, in stream order, to the core state. Deterministic and free of I/O:
 * the same stream gives the same state on every node. Odd sequences are applied as far as they make
 * sense and counted as anomalies; valid events never make it throw.
 */
import type { CenterConfig } from '../../shared/config';
import { CATEGORIES, type Category, type EventOf, type HotlineEvent } from '../../shared/events';
import type { AgentState } from '../../shared/snapshot';
import { endOfDay, intervalStart, shiftAt, startOfDay } from '../../shared/time';
import { applyContribution, contributionOf, emptySums, sameContribution, type WindowSums } from './metrics';
import { emptyState, type AgentDaySums, type AgentRec, type CallRec, type CountedCall, type State } from './state';
import { emptyAgentDay } from './archive';
import { applyTicket } from './tickets';
import { PRUNE_EVERY, PRUNE_PERIOD_MS, pruneState, SEEN_MAX } from './prune';
import type { DayArchive } from './archive';
import { streamIdMs } from './stream-id';

const RONA_KEEP = 20;
const NONE: DayArchive[] = [];

const SIGNED_IN: ReadonlySet<AgentState> = new Set(['available', 'ringing', 'talking', 'wrapup', 'busy']);

/**
 * Holds a state and applies events to it in place. Pruning is driven by the stream IDs' time
 * (set by Redis when the event was appended), never by the wall clock and never by a source's `ts`,
 * so a bogus timestamp cannot wipe the memory and every replica prunes identically.
 */
export class Reducer {
  readonly state: State;
  private readonly seen: Set<string>;
  /** calls changed by the event being applied: their windows' totals are brought up to date after it */
  private readonly touched = new Set<CallRec>();
  /**
   * Days that pruning finalised (their figures can no longer change), for the archive: drained by
   * the replica (`takeFinalized`) and written before the next snapshot. Not part of the state.
   */
  private finalized: DayArchive[] = [];

  /** `config` must be the one `derive` is given: the running totals are classified by it. */
  constructor(
    private readonly config: CenterConfig,
    state: State = emptyState(config),
  ) {
    this.state = state;
    this.seen = new Set(state.seen.ids);
    this.nextPrune = nextPrunePoint(state.latestTs);
  }

  /** the stream time of the next pruning point */
  private nextPrune: number;

  /** Counts an entry that failed validation (it is not applied). */
  noteRejected(): void {
    this.state.counters.rejected++;
  }

  /**
   * Applies one valid event. `streamId` is its position in the log; its time drives pruning.
   * Returns false for a duplicate id (ignored, counted).
   */
  apply(event: HotlineEvent, streamId = '0-0'): boolean {
    const s = this.state;
    if (this.seen.has(event.id)) {
      s.counters.duplicates++;
      return false;
    }
    const arrival = streamIdMs(streamId) || event.ts;
    this.seen.add(event.id);
    s.seen.ids.push(event.id);
    s.seen.at.push(arrival);
    s.latestTs = Math.max(s.latestTs, arrival);
    s.maxEventTs = Math.max(s.maxEventTs ?? 0, event.ts);
    s.counters.applied++;
    try {
      this.dispatch(event);
    } finally {
      // even after a failure (the entry is then refused), what was changed is counted, identically on every node
      for (const c of this.touched) this.recount(c);
      this.touched.clear();
    }
    this.updateNoAgent(event.ts);
    // Pruning points are fixed by the stream's time, not by this object's lifetime nor by a count
    // of events: the first entry of every PRUNE_PERIOD_MS of stream time (a grid every local
    // midnight is on). A node restarted from a snapshot, or replaying a trimmed stream, prunes
    // exactly where the others do. A burst that outgrows the id memory is pruned at once.
    if (arrival >= this.nextPrune || s.seen.ids.length > SEEN_MAX + PRUNE_EVERY) {
      this.prune();
      this.nextPrune = nextPrunePoint(arrival);
    }
    return true;
  }

  private anomaly(): void {
    this.state.counters.anomalies++;
  }

  private dispatch(e: HotlineEvent): void {
    if (e.type.startsWith('call.') && this.state.forgottenCalls.has((e as { callId: string }).callId)) {
      // a call finished and pruned: its figures are in the totals; a late event must not start it again
      this.anomaly();
      return;
    }
    switch (e.type) {
      case 'agent.login': {
        const a = this.agent(e.agentId, e.ts);
        if (e.name) a.name = e.name;
        if (a.state === 'offline') this.setState(a, 'logged_in', e.ts);
        else if (SIGNED_IN.has(a.state)) {
          // a login while signed in: the system lost track; treat as a fresh login
          this.anomaly();
          this.leaveSeat(a, e.ts);
          this.setState(a, 'logged_in', e.ts);
        }
        return;
      }
      case 'agent.signin': {
        const a = this.agent(e.agentId, e.ts);
        if (e.seat && e.seat !== a.seat) {
          this.leaveSeat(a, e.ts);
          a.seat = e.seat;
        }
        if (!SIGNED_IN.has(a.state)) this.setState(a, 'available', e.ts);
        if (a.seat) {
          let seat = this.state.seats.get(a.seat);
          if (!seat) this.state.seats.set(a.seat, (seat = { agentId: null, vacatedAt: null, vacatedBy: null }));
          if (seat.vacatedAt !== null && seat.vacatedBy && seat.vacatedBy !== a.id) this.markTakenOver(seat.vacatedBy, a.seat, e.ts);
          seat.agentId = a.id;
          seat.vacatedAt = null;
          seat.vacatedBy = null;
        }
        return;
      }
      case 'agent.busy': {
        const a = this.agent(e.agentId, e.ts);
        const reason = e.reason ?? null;
        if (a.state !== 'busy' || a.reason !== reason) this.setState(a, 'busy', e.ts, reason);
        a.restricted.push({ ts: e.ts, type: 'busy', seat: null, takenOverAt: null, ...this.shiftOf(e.ts) });
        return;
      }
      case 'agent.ready': {
        const a = this.agent(e.agentId, e.ts);
        if (a.state !== 'available') this.setState(a, 'available', e.ts);
        return;
      }
      case 'agent.signout': {
        const a = this.agent(e.agentId, e.ts);
        const wasIn = SIGNED_IN.has(a.state);
        // the successor already signed in at this seat (第二十九条: the outgoing waits for them)
        const taker = a.seat ? this.state.seats.get(a.seat)?.agentId : null;
        const takenOverAt = wasIn && taker && taker !== a.id ? e.ts : null;
        if (wasIn) this.leaveSeat(a, e.ts);
        if (a.state !== 'logged_in') this.setState(a, 'logged_in', e.ts);
        a.restricted.push({ ts: e.ts, type: 'signout', seat: wasIn ? a.seat : null, takenOverAt, ...this.shiftOf(e.ts) });
        return;
      }
      case 'agent.logout': {
        const a = this.agent(e.agentId, e.ts);
        if (SIGNED_IN.has(a.state)) this.leaveSeat(a, e.ts);
        if (a.state !== 'offline') this.setState(a, 'offline', e.ts);
        return;
      }
      case 'call.queued':
        return this.callQueued(e);
      case 'call.ringing': {
        const c = this.call(e.callId, e.ts);
        if (c.status !== 'waiting') this.anomaly();
        if (c.ringingAgent && c.ringingAgent !== e.agentId) this.releaseRinging(c, e.ts);
        const a = this.agent(e.agentId, e.ts);
        this.endWrap(a, e.ts);
        c.ringingAgent = a.id;
        this.setState(a, 'ringing', e.ts, null, c.id);
        return;
      }
      case 'call.answered':
        return this.callAnswered(e);
      case 'call.rona': {
        const c = this.call(e.callId, e.ts);
        const a = this.agent(e.agentId, e.ts);
        this.countRona(a, e.ts);
        a.ronas.push(e.ts);
        if (a.ronas.length > RONA_KEEP) a.ronas.splice(0, a.ronas.length - RONA_KEEP);
        if (c.ringingAgent === a.id) c.ringingAgent = null;
        else this.anomaly();
        if (a.state === 'ringing' && a.callId === c.id) this.setState(a, 'available', e.ts);
        return;
      }
      case 'call.abandoned':
        return this.callGone(e.callId, e.ts, false);
      case 'call.transferred': {
        const c = this.call(e.callId, e.ts);
        if (c.status !== 'talking') this.anomaly();
        this.endTalk(c, e.ts, e.agentId);
        c.status = 'waiting';
        c.queue = e.queue;
        c.waitingSince = e.ts;
        this.openWait(c, e.ts);
        return;
      }
      case 'call.ended':
        return this.callGone(e.callId, e.ts, true);
      case 'callback.completed': {
        const m = this.state.missed.get(e.callId);
        if (!m) {
          this.anomaly();
          return;
        }
        if (m.returnedAt !== null) return; // returned already: the first return stands
        m.returnedBy = e.agentId;
        m.returnedAt = e.ts;
        m.reached = e.reached ?? null;
        this.agentDay(e.agentId, e.ts).callbacks++;
        return;
      }
      case 'ticket.created': {
        if (this.state.ticketIds.has(e.ticketId)) {
          this.anomaly();
          return;
        }
        this.state.ticketIds.set(e.ticketId, e.ts);
        const day = this.dayOf(e.ts);
        let counts = this.state.categoriesByDay.get(day);
        if (!counts) this.state.categoriesByDay.set(day, (counts = Object.fromEntries(CATEGORIES.map((k) => [k, 0])) as Record<Category, number>));
        counts[e.category]++;
        applyTicket(this.state, e, this.config);
        return;
      }
      case 'ticket.dispatched':
      case 'ticket.returned':
      case 'ticket.replied':
      case 'ticket.followup':
      case 'ticket.supervised':
      case 'ticket.closed':
        if (!applyTicket(this.state, e, this.config)) this.anomaly();
        return;
      case 'incident.raised': {
        if (this.state.incidents.has(e.incidentId)) {
          this.anomaly();
          return;
        }
        this.state.incidents.set(e.incidentId, {
          incidentId: e.incidentId,
          title: e.title,
          severity: e.severity,
          location: e.location ?? null,
          callId: e.callId ?? null,
          raisedAt: e.ts,
          raisedBy: e.agentId ?? null,
          acknowledgements: [],
          escalations: [],
          report: null,
          resolvedAt: null,
          resolvedBy: null,
          note: null,
        });
        return;
      }
      case 'incident.acknowledged':
      case 'incident.escalated':
      case 'incident.reported':
      case 'incident.resolved':
        return this.incidentAction(e);
      case 'alert.acknowledged': {
        if (this.state.alertAcks.has(e.alertId)) return; // first acknowledgement stands
        this.state.alertAcks.set(e.alertId, { by: e.by, at: e.ts, note: e.note ?? null });
        return;
      }
      case 'roster.published':
        // the last one for a date wins (stream order)
        this.state.rosters.set(e.date, {
          entries: e.entries.map((x) => ({ agentId: x.agentId, name: x.name ?? null, shift: x.shift, seat: x.seat ?? null })),
          by: e.by,
          at: e.ts,
        });
        return;
      case 'handover.submitted':
        return this.handoverSubmitted(e);
      case 'handover.accepted': {
        const h = this.state.handovers.get(e.handoverId);
        // accepted once, and never by the lead who submitted it (SHIFTS.md: both sides sign)
        if (!h || h.acceptedAt !== null || h.by === e.by) {
          this.anomaly();
          return;
        }
        h.acceptedBy = e.by;
        h.acceptedAt = e.ts;
        h.acceptNotes = e.notes ?? null;
        return;
      }
    }
  }

  /**
   * One handover per boundary: a newer submission replaces one not yet accepted (the outgoing lead
   * amends it); after the acceptance the record is closed.
   */
  private handoverSubmitted(e: EventOf<'handover.submitted'>): void {
    const hs = this.state.handovers;
    if (hs.has(e.handoverId)) {
      this.anomaly();
      return;
    }
    for (const [id, h] of hs) {
      if (h.shiftStart !== e.shiftStart) continue;
      if (h.acceptedAt !== null) {
        this.anomaly();
        return;
      }
      hs.delete(id);
    }
    hs.set(e.handoverId, {
      handoverId: e.handoverId,
      shiftStart: e.shiftStart,
      by: e.by,
      at: e.ts,
      notes: e.notes,
      openItems: { missedCalls: [...e.openItems.missedCalls], incidents: [...e.openItems.incidents], alerts: [...e.openItems.alerts] },
      acceptedBy: null,
      acceptedAt: null,
      acceptNotes: null,
    });
  }

  private agent(id: string, ts: number): AgentRec {
    let a = this.state.agents.get(id);
    if (!a) {
      a = {
        id,
        name: null,
        seat: null,
        state: 'offline',
        since: ts,
        reason: null,
        callId: null,
        wrapCallId: null,
        ronas: [],
        restricted: [],
        ronaEpisode: null,
        presence: [],
      };
      this.state.agents.set(id, a);
    }
    return a;
  }

  private call(id: string, ts: number): CallRec {
    let c = this.state.calls.get(id);
    if (!c) {
      // a call we never saw queued: follow it, but it belongs to no window
      this.anomaly();
      c = {
        id,
        firstQueuedAt: null,
        queue: 'general',
        caller: null,
        status: 'waiting',
        waitingSince: ts,
        ringingAgent: null,
        talkingAgent: null,
        answeredAt: null,
        abandonedAt: null,
        legs: [],
        waits: [[ts, null]],
        lastTs: ts,
        counted: null,
      };
      this.state.calls.set(id, c);
    }
    c.lastTs = ts;
    this.touched.add(c);
    return c;
  }

  /** Changes an agent's state. Any agent event also ends a pending wrap-up leg. */
  private setState(a: AgentRec, state: AgentState, ts: number, reason: string | null = null, callId: string | null = null): void {
    if (state !== 'wrapup') this.endWrap(a, ts);
    this.closeStateTime(a, ts);
    const wasIn = SIGNED_IN.has(a.state);
    if (wasIn !== SIGNED_IN.has(state)) a.presence.push([ts, wasIn ? 0 : 1]);
    this.state.availableAgents += Number(state === 'available') - Number(a.state === 'available');
    a.state = state;
    a.since = ts;
    a.reason = state === 'busy' ? reason : null;
    a.callId = state === 'ringing' || state === 'talking' || state === 'wrapup' ? callId : null;
  }

  /** Ends the wrap-up of the agent's last leg (metric: wrap-up runs to the agent's next event). */
  private endWrap(a: AgentRec, ts: number): void {
    if (!a.wrapCallId) return;
    const c = this.state.calls.get(a.wrapCallId);
    a.wrapCallId = null;
    const leg = c?.legs.findLast((l) => l.agentId === a.id && l.end !== null && l.wrapEnd === null);
    if (leg) {
      leg.wrapEnd = Math.max(ts, leg.end!);
      this.touched.add(c!);
      const d = this.agentDay(a.id, leg.start);
      const talk = leg.end! - leg.start;
      const wrap = leg.wrapEnd - leg.end!;
      d.wrapMs += wrap;
      d.handleMs += talk + wrap;
      d.handleN++;
    }
  }

  private leaveSeat(a: AgentRec, ts: number): void {
    if (!a.seat) return;
    const seat = this.state.seats.get(a.seat);
    if (seat && seat.agentId === a.id) {
      seat.agentId = null;
      seat.vacatedAt = ts;
      seat.vacatedBy = a.id;
    }
  }

  /** The next person signed in at the seat the agent left: that signout was a handover (第二十八条). */
  private markTakenOver(agentId: string, seat: string, ts: number): void {
    const prev = this.state.agents.get(agentId);
    const r = prev?.restricted.findLast((x) => x.type === 'signout' && x.seat === seat);
    if (r && r.takenOverAt === null) r.takenOverAt = ts;
  }

  private releaseRinging(c: CallRec, ts: number): void {
    const r = c.ringingAgent ? this.state.agents.get(c.ringingAgent) : undefined;
    c.ringingAgent = null;
    if (r && r.state === 'ringing' && r.callId === c.id) this.setState(r, 'available', ts);
  }

  private callQueued(e: EventOf<'call.queued'>): void {
    let c = this.state.calls.get(e.callId);
    if (!c) {
      c = {
        id: e.callId,
        firstQueuedAt: e.ts,
        queue: e.queue ?? 'general',
        caller: e.caller ?? null,
        status: 'waiting',
        waitingSince: e.ts,
        ringingAgent: null,
        talkingAgent: null,
        answeredAt: null,
        abandonedAt: null,
        legs: [],
        waits: [[e.ts, null]],
        lastTs: e.ts,
        counted: null,
      };
      this.state.calls.set(e.callId, c);
      this.touched.add(c);
      return;
    }
    c.lastTs = e.ts;
    this.touched.add(c);
    if (c.status === 'ended' || c.status === 'abandoned') {
      this.anomaly();
      return;
    }
    if (e.caller && !c.caller) c.caller = e.caller;
    if (c.status === 'talking') {
      // a late call.queued (delivered after the answer): the call is not put back to waiting, but it
      // may tell when the call was first queued, which the wait and the windows go by
      this.anomaly();
      if (c.firstQueuedAt === null || e.ts < c.firstQueuedAt) c.firstQueuedAt = e.ts;
      return;
    }
    // queued again while waiting: a re-route without a transfer event
    if (c.firstQueuedAt === null) c.firstQueuedAt = e.ts;
    if (c.ringingAgent) this.releaseRinging(c, e.ts);
    c.status = 'waiting';
    c.queue = e.queue ?? c.queue;
    c.waitingSince = e.ts;
    this.openWait(c, e.ts);
  }

  private callAnswered(e: EventOf<'call.answered'>): void {
    const c = this.call(e.callId, e.ts);
    if (c.status !== 'waiting') {
      this.anomaly();
      if (c.status === 'talking' && c.talkingAgent === e.agentId) return;
      if (c.status === 'talking') this.endTalk(c, e.ts, c.talkingAgent);
    }
    if (c.ringingAgent && c.ringingAgent !== e.agentId) this.releaseRinging(c, e.ts);
    const a = this.agent(e.agentId, e.ts);
    this.endWrap(a, e.ts);
    if (a.state === 'talking' && a.callId && a.callId !== c.id) {
      // the agent's previous call never ended: close its leg here
      this.anomaly();
      const prev = this.state.calls.get(a.callId);
      if (prev) this.touched.add(prev);
      if (prev && prev.status === 'talking') this.endTalk(prev, e.ts, a.id, false);
      if (prev && prev.status === 'talking') prev.status = 'ended';
    }
    if (c.answeredAt === null && c.abandonedAt === null) c.answeredAt = e.ts;
    this.closeWait(c, e.ts);
    c.status = 'talking';
    c.ringingAgent = null;
    c.talkingAgent = a.id;
    c.waitingSince = null;
    c.legs.push({ agentId: a.id, start: e.ts, end: null, wrapEnd: null });
    this.agentDay(a.id, e.ts).answered++;
    this.setState(a, 'talking', e.ts, null, c.id);
  }

  /** Ends the open leg of the talking agent; the agent goes to wrap-up. */
  private endTalk(c: CallRec, ts: number, agentId: string | null, toWrap = true): void {
    const leg = c.legs.findLast((l) => l.end === null);
    if (leg) {
      leg.end = Math.max(ts, leg.start);
      const d = this.agentDay(leg.agentId, leg.start);
      d.talkMs += leg.end - leg.start;
      d.talkN++;
    }
    const who = leg?.agentId ?? agentId;
    c.talkingAgent = null;
    if (!who) return;
    const a = this.agent(who, ts);
    if (toWrap && a.callId === c.id && (a.state === 'talking' || a.state === 'ringing')) {
      this.setState(a, 'wrapup', ts, null, c.id);
      if (leg) a.wrapCallId = c.id;
    }
  }

  /**
   * A call leaves: ended after talk, or abandoned/ended before an answer. An unanswered call that
   * goes is a missed call (未接来电), whichever of the two events says so.
   */
  private callGone(callId: string, ts: number, ended: boolean): void {
    const c = this.call(callId, ts);
    if (c.status === 'ended' || c.status === 'abandoned') {
      this.anomaly();
      return;
    }
    if (c.status === 'talking') {
      if (!ended) this.anomaly(); // abandoned during talk: it is an end
      this.endTalk(c, ts, c.talkingAgent);
      c.status = 'ended';
      c.waitingSince = null;
      return;
    }
    // waiting (possibly ringing): the caller hung up before an answer
    if (ended) this.anomaly();
    if (c.ringingAgent) this.releaseRinging(c, ts);
    if (c.answeredAt === null) c.abandonedAt = ts;
    this.closeWait(c, ts);
    c.status = 'abandoned';
    c.waitingSince = null;
    if (c.caller && !this.state.missed.has(c.id)) {
      this.state.missed.set(c.id, { callId: c.id, caller: c.caller, abandonedAt: ts, returnedBy: null, returnedAt: null, reached: null });
    }
  }

  private incidentAction(
    e: EventOf<'incident.acknowledged' | 'incident.escalated' | 'incident.reported' | 'incident.resolved'>,
  ): void {
    const i = this.state.incidents.get(e.incidentId);
    if (!i || i.resolvedAt !== null) {
      this.anomaly();
      return;
    }
    switch (e.type) {
      case 'incident.acknowledged':
        // one acknowledgement per level: the first one stands (two leads acting at once on two nodes)
        if (!i.acknowledgements.some((a) => a.role === e.role)) i.acknowledgements.push({ by: e.by, role: e.role, at: e.ts });
        else this.anomaly();
        return;
      case 'incident.escalated':
        i.escalations.push({ by: e.by, to: e.to, at: e.ts });
        return;
      case 'incident.reported':
        i.report = { by: e.by, at: e.ts, nature: e.nature, harm: e.harm, measures: e.measures, progress: e.progress };
        return;
      case 'incident.resolved':
        i.resolvedAt = e.ts;
        i.resolvedBy = e.by;
        i.note = e.note ?? null;
        return;
    }
  }

  /** Tracks, per queue, since when calls wait there with no agent available (rule no_agent_available). */
  private updateNoAgent(ts: number): void {
    const s = this.state;
    if (s.noAgentSince.size === 0 && (s.availableAgents > 0 || s.waiting.size === 0)) return; // the common case, allocation-free
    const waitingQueues = new Set<string>();
    if (s.availableAgents === 0) {
      for (const id of s.waiting) waitingQueues.add(s.calls.get(id)!.queue);
    }
    for (const q of s.noAgentSince.keys()) if (!waitingQueues.has(q)) s.noAgentSince.delete(q);
    for (const q of waitingQueues) if (!s.noAgentSince.has(q)) s.noAgentSince.set(q, ts);
  }

  /** Drops what no window, rule or idempotency check can need any more; days that leave are finalised. */
  prune(): void {
    for (const day of pruneState(this.state, this.seen, this.config)) this.finalized.push(day);
  }

  /** The days finalised by pruning since the last call (for the archive), oldest first. */
  takeFinalized(): DayArchive[] {
    if (this.finalized.length === 0) return NONE;
    const out = this.finalized;
    this.finalized = [];
    return out;
  }

  /** the last local day and 30-minute interval looked up: most events fall in the same ones */
  private dayMemo = { start: 0, end: -1 };
  private intervalMemo = { start: 0, end: -1 };

  /** Local midnight starting the day of `ts` (memoised: the zone arithmetic is per event otherwise). */
  private dayOf(ts: number): number {
    const m = this.dayMemo;
    if (ts >= m.start && ts < m.end) return m.start;
    const start = startOfDay(ts, this.config.timeZone);
    this.dayMemo = { start, end: endOfDay(start, this.config.timeZone) };
    return start;
  }

  private dayEndOf(ts: number): number {
    this.dayOf(ts);
    return this.dayMemo.end;
  }

  /** Start of the 30-minute interval of `ts` (memoised likewise). */
  private intervalOf(ts: number): number {
    const m = this.intervalMemo;
    if (ts >= m.start && ts < m.end) return m.start;
    const start = intervalStart(ts, this.config.timeZone);
    this.intervalMemo = { start, end: start + 30 * 60_000 };
    return start;
  }

  /** The figures of an agent on the day of `ts`. */
  private agentDay(agentId: string, ts: number): AgentDaySums {
    const day = this.dayOf(ts);
    // a day that left the state is final (its record counted what was running then, up to its end)
    if (day < this.state.historyFrom) return emptyAgentDay();
    let agents = this.state.agentDays.get(day);
    if (!agents) this.state.agentDays.set(day, (agents = new Map()));
    let d = agents.get(agentId);
    if (!d) agents.set(agentId, (d = emptyAgentDay()));
    return d;
  }

  /**
   * The agent leaves its state at `ts`: the time in it is added to its days (split at midnight), and
   * a not-signed-in or busy spell that reached its rule's limit is counted as one episode, on the day
   * the alert started (METRICS: the violations of the assessment).
   */
  private closeStateTime(a: AgentRec, ts: number): void {
    const from = a.since;
    if (ts > from && a.state !== 'offline' && a.state !== 'logged_in') {
      const tz = this.config.timeZone;
      for (let s = from; s < ts; ) {
        const e = Math.min(ts, this.dayEndOf(s));
        const d = this.agentDay(a.id, s);
        const ms = e - s;
        d.signedInMs += ms;
        this.addSignedIn(s, e);
        if (a.state === 'available') d.availableMs += ms;
        else if (a.state === 'busy') {
          d.busyMs += ms;
          const r = a.reason ?? '';
          d.busyByReason.set(r, (d.busyByReason.get(r) ?? 0) + ms);
        }
        s = e;
      }
    }
    const t = this.config.thresholds;
    if (a.state === 'busy' && ts - from >= t.busyTooLongMin * 60_000) this.agentDay(a.id, from + t.busyTooLongMin * 60_000).busyTooLong++;
    if (a.state === 'logged_in' && ts - from >= t.notSignedInMin * 60_000) this.agentDay(a.id, from + t.notSignedInMin * 60_000).notSignedIn++;
  }

  /** Signed-in time over [from, to), by 30-minute interval (staffing's mean signed-in agents). */
  private addSignedIn(from: number, to: number): void {
    const m = this.state.signedInByInterval;
    for (let s = from; s < to; ) {
      const k = this.intervalOf(s);
      const e = Math.min(to, k + 30 * 60_000);
      m.set(k, (m.get(k) ?? 0) + (e - s));
      s = e;
    }
  }

  /**
   * A call.rona opens a new rona episode (rules.ts) when the agent had none within the rule's window
   * before it, or when the open episode was acknowledged before it: that episode is counted.
   */
  private countRona(a: AgentRec, ts: number): void {
    const d = this.agentDay(a.id, ts);
    d.ronas++;
    let last = -Infinity;
    for (const r of a.ronas) if (r <= ts && r > last) last = r;
    const ack = a.ronaEpisode === null ? undefined : this.state.alertAcks.get(`rona:${a.id}:${a.ronaEpisode}`);
    if (ts - last > this.config.thresholds.ronaWindowMin * 60_000 || (ack && ts > ack.at)) {
      a.ronaEpisode = ts;
      d.rona++;
    }
  }

  /** Starts a new wait (closing one still open: a re-route restarts the wait). */
  private openWait(c: CallRec, ts: number): void {
    this.closeWait(c, ts);
    c.waits.push([ts, null]);
  }

  private closeWait(c: CallRec, ts: number): void {
    const last = c.waits[c.waits.length - 1];
    if (!last || last[1] !== null) return;
    last[1] = Math.max(ts, last[0]);
    this.state.recentWaits.push([last[0], last[1]]);
  }

  private shiftOf(ts: number): { shiftStart: number; shiftEnd: number } {
    const sh = shiftAt(ts, this.config);
    return { shiftStart: sh.start, shiftEnd: sh.end };
  }

  /**
   * Brings the windows' totals up to date with a call that changed: its old terms out, its new
   * ones in (nothing when they are equal, the common case of a ring or a wrap-up of an uncounted leg).
   */
  private recount(c: CallRec): void {
    if (c.status === 'waiting') this.state.waiting.add(c.id);
    else this.state.waiting.delete(c.id);
    const terms = contributionOf(c, this.config.thresholds);
    const old = c.counted;
    if (old && terms && old.queuedAt === c.firstQueuedAt && sameContribution(old.terms, terms)) return;
    if (old) this.count(old, -1);
    if (!terms) {
      c.counted = null;
      return;
    }
    const q = c.firstQueuedAt!;
    const tz = this.config.timeZone;
    c.counted =
      old && old.queuedAt === q
        ? { ...old, terms }
        : { queuedAt: q, day: this.dayOf(q), shift: shiftAt(q, this.config).start, interval: this.intervalOf(q), terms };
    this.count(c.counted, 1);
  }

  private count(k: CountedCall, sign: 1 | -1): void {
    const w = this.state.windows;
    applyContribution(sumsAt(w.days, k.day), k.terms, sign);
    applyContribution(sumsAt(w.shifts, k.shift), k.terms, sign);
    applyContribution(sumsAt(w.intervals, k.interval), k.terms, sign);
  }
}

/** The first pruning point after stream time `ms`. */
function nextPrunePoint(ms: number): number {
  return (Math.floor(ms / PRUNE_PERIOD_MS) + 1) * PRUNE_PERIOD_MS;
}

function sumsAt(m: Map<number, WindowSums>, key: number): WindowSums {
  let s = m.get(key);
  if (!s) m.set(key, (s = emptySums()));
  return s;
}


/** Convenience for tests and replays: the state after applying `events` to an empty one. */
export function reduce(events: Iterable<HotlineEvent>, config: CenterConfig): State {
  const r = new Reducer(config);
  for (const e of events) r.apply(e);
  return r.state;
}
