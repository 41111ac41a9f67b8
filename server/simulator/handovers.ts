/**
 * The handover record (交接班, 第三十条–第三十三条): around each shift boundary the outgoing lead
 * submits the record with the open items the simulation knows of (missed calls not yet returned,
 * incidents not closed; the live alerts it cannot see), and the incoming lead signs it. The times
 * come from the day's plan (duty.ts): mostly in time, now and then late on either side.
 */
import type { CallCenter } from './call-center';
import { handoverNotes, type HandoverFacts } from './catalog';
import { MIN, type SimContext } from './context';
import type { HandoverPlan, ShiftPlan } from './duty';
import type { IncidentDesk } from './incidents';
import { hashSeed, Random } from './prng';

/**
 * What the wallboard already holds for a boundary (a lead may have used the screens), or null.
 * Only the live demo passes one; a pure simulation acts as planned.
 */
export type HandoverLookup = (boundary: number) => { handoverId: string; by: string; accepted: boolean } | null;

export class HandoverDesk {
  private readonly scheduled = new Set<number>();
  /** calls offered at each shift's start, for the shift's count */
  private readonly offeredAt = new Map<number, number>();

  constructor(
    private readonly ctx: SimContext,
    private readonly seed: number,
    private readonly center: () => CallCenter,
    private readonly incidents: IncidentDesk,
    /** the plan of the shift that ends at a boundary */
    private readonly outgoingOf: (boundary: number) => ShiftPlan,
    private readonly lookup: HandoverLookup | null,
  ) {}

  /** Notes the start of a shift (its calls are counted from there); the simulation's first shift counts from its start. */
  markShiftStart(start: number): void {
    this.ctx.at(start, () => {
      this.offeredAt.set(start, this.center().offered);
      for (const k of this.offeredAt.keys()) if (k < start - 2 * 24 * 60 * MIN) this.offeredAt.delete(k);
    });
  }

  /** Plans the handover at the start of `incoming`, once per boundary. */
  schedule(incoming: ShiftPlan): void {
    const h = incoming.handover;
    if (this.scheduled.has(h.boundary)) return;
    this.scheduled.add(h.boundary);
    for (const b of this.scheduled) if (b < h.boundary - 2 * 24 * 60 * MIN) this.scheduled.delete(b);
    const { ctx } = this;
    const rng = new Random(hashSeed(this.seed, 'handover', h.boundary));
    // a simulation that opens after the planned time hands over at once
    const submitAt = Math.max(h.submitAt, ctx.now);
    const acceptAt = h.acceptAt > submitAt ? h.acceptAt : submitAt + rng.uniform(1, 4) * MIN;
    let submitted = false;
    ctx.at(submitAt, () => (submitted = this.submit(h, rng)));
    ctx.at(acceptAt, () => this.accept(h, submitted));
  }

  private submit(h: HandoverPlan, rng: Random): boolean {
    // somebody already handed this boundary over (at the screens): do not submit a second record
    if (this.lookup?.(h.boundary)) return false;
    const center = this.center();
    const open = this.incidents.log.filter((i) => i.resolvedAt === null).map((i) => i.incidentId);
    this.ctx.emit('handover.submitted', {
      handoverId: h.handoverId,
      shiftStart: h.boundary,
      by: h.from,
      notes: handoverNotes(rng, this.facts(h.boundary)),
      openItems: { missedCalls: [...center.pendingCallbacks], incidents: open, alerts: [] },
    });
    return true;
  }

  private accept(h: HandoverPlan, submitted: boolean): void {
    let id = h.handoverId;
    const held = this.lookup?.(h.boundary) ?? null;
    if (held) {
      // accept what is there (perhaps a person's record), unless it is signed or this lead wrote it
      if (held.accepted || held.by === h.to) return;
      id = held.handoverId;
    } else if (!submitted) return;
    this.ctx.emit('handover.accepted', { handoverId: id, by: h.to, ...(h.acceptNotes ? { notes: h.acceptNotes } : {}) });
  }

  /** What the outgoing lead writes about the shift ending at `boundary`. */
  private facts(boundary: number): HandoverFacts {
    const { ctx } = this;
    const shift = this.outgoingOf(boundary);
    const since = [...this.offeredAt.keys()].filter((k) => k <= ctx.now && k >= shift.start).sort((a, b) => a - b)[0];
    // counted from the shift's start, or from the simulation's when it opened during the shift
    const seen = since !== undefined && since < ctx.now;
    const offered = seen ? this.center().offered - this.offeredAt.get(since)! : null;
    const hours = seen ? Math.max(0.25, (ctx.now - since) / (60 * MIN)) : 1;
    const name = (id: string) => shift.crew.find((e) => e.member.id === id)?.member.name ?? id;
    return {
      offered,
      perHour: offered === null ? null : offered / hours,
      incidents: this.incidents.log
        .filter((i) => i.raisedAt <= ctx.now && (i.raisedAt >= shift.start || i.resolvedAt === null))
        .map((i) => ({ title: i.title, handler: i.handler, open: i.resolvedAt === null })),
      pendingCallbacks: this.center().pendingCallbacks.size,
      absent: [...shift.absent].map((id) => {
        const seat = shift.crew.find((e) => e.member.id === id)?.seat;
        return { name: name(id), cover: shift.covers.find((c) => c.entry.seat === seat)?.entry.member.name ?? null };
      }),
      late: [...shift.late].map(([id, l]) => ({ name: name(id), minutes: Math.max(1, Math.round(l.delayMs / MIN)) })),
    };
  }
}
