/**
 * Tickets after the call (docs/followup.md, 第十二条–第十四条, 第三十四条–第三十七条, 第五十八条): most
 * complaints and the consultations that need action are dispatched (转办) to a responsible unit of
 * Heze; a few come back (退回) and go to the right unit, now and then twice in a row because the
 * address was registered wrong; the unit replies within hours or days (a few after the 5-day limit);
 * an operator calls the citizen back (回访) within a day or two; a satisfied ticket is closed (办结), a
 * dissatisfied one becomes a special task: dispatched again, supervised (督办) by the lead on duty,
 * replied, followed up again and closed, some of them left without progress for more than 3 days.
 *
 * A ticket's whole life is planned when it is filed, from a random stream of its own (the seed and
 * the ticket's id) and pure functions of the calendar (office hours, the duty roster, the lead on
 * duty): the call center's draws are untouched, and the life is the same wherever it is computed.
 * That is what lets the demo carry the tickets of the archived days into the live stream
 * (history.ts, server/demo.ts): their events up to now at once, the rest as their time comes.
 */
import type { EventOf, FollowupResult, HotlineEvent, TicketKind } from '../../shared/events';
import { localDate, localParts, zonedEpoch } from '../../shared/time';
import { DIRECTOR, drawUnit, RETURN_REASONS, SUPERVISION_NOTES, UNITS } from './catalog';
import { HOUR, MIN, type SimContext } from './context';
import { leadFor, makeDayPlan, type DayPlan, type DutyOptions } from './duty';
import { hashSeed, Random } from './prng';
import { shiftAt } from './roster';

const DAY = 24 * HOUR;

/** The shares and times of a ticket's life; the rates are per dispatched ticket unless said otherwise. */
export const TICKET_RATES = {
  /** dispatched, by the ticket's kind (a consultation mostly answered on the phone; no unit for the rest) */
  dispatch: { complaint: 0.85, consultation: 0.25, suggestion: 0.3, praise: 0, out_of_scope: 0, harassment: 0 } satisfies Record<TicketKind, number>,
  /** tickets of no urban-management category go to a 街道 less often */
  dispatchOther: 0.6,
  /** sent back once (times the unit's `returns`) */
  returnOnce: 0.05,
  /** sent back twice in a row, the registered address being wrong (第五十八条): about one a day */
  returnTwice: 0.0015,
  /** replied only after the 5-day limit (times the unit's `slow`) */
  overdue: 0.012,
  /** mean reply time of an ordinary unit, hours */
  replyMeanH: 22,
  /** of all first follow-up calls: nobody answers */
  unreachable: 0.05,
  /** of those reached: dissatisfied (times the unit's `dissatisfaction`), basically satisfied */
  dissatisfied: 0.07,
  basically: 0.18,
  /** an unreachable citizen is tried once more the next day */
  retry: 0.7,
  /** a special task left without any progress for more than 3 days (special_task_stalled) */
  stall: 0.13,
  /** a special task's second follow-up, and a third after a second dissatisfaction */
  second: { unreachable: 0.04, dissatisfied: 0.1, basically: 0.28 },
  third: { unreachable: 0, dissatisfied: 0.2, basically: 0.4 },
} as const;

/** Local working windows, minutes of the day: the center's dispatchers, the units' offices, follow-up calls, the director. */
const WINDOWS = {
  dispatch: [7 * 60 + 30, 21 * 60 + 30],
  unit: [8 * 60, 18 * 60],
  followup: [8 * 60 + 30, 20 * 60 + 30],
  director: [8 * 60, 18 * 60],
} as const;
type Window = keyof typeof WINDOWS;

/** What the plan needs to know of the center: its calendar, who calls citizens back, who supervises. */
export interface TicketWorld {
  timeZone: string;
  /** an operator on duty at `t` (the follow-up call's agentId), drawn with `rng` */
  operatorAt(t: number, rng: Random): string | undefined;
  /** the 值班长 on duty at `t` */
  leadAt(t: number): string;
}

/**
 * The center as the duty roster has it (duty.ts: a pure function of the seed and the date): the
 * follow-up calls are made by an operator of the shift's crew who came in, the lead is the shift's.
 */
export function rosterWorld(duty: Omit<DutyOptions, 'showcaseAt'>): TicketWorld {
  const { shifts, timeZone } = duty;
  const plans = new Map<string, DayPlan>();
  const shiftOf = (t: number) => {
    const w = shiftAt(t, shifts, timeZone);
    return { date: localDate(w.start, timeZone), index: w.index };
  };
  return {
    timeZone,
    leadAt(t) {
      const { date, index } = shiftOf(t);
      return leadFor(date, index, shifts.length);
    },
    operatorAt(t, rng) {
      const { date, index } = shiftOf(t);
      let plan = plans.get(date);
      if (!plan) {
        plans.set(date, (plan = makeDayPlan(duty, date)));
        if (plans.size > 16) plans.delete(plans.keys().next().value!);
      }
      const s = plan.shifts[index]!;
      const on = [...s.crew.filter((e) => !s.absent.has(e.member.id)), ...s.covers.map((c) => c.entry)];
      return on.length > 0 ? rng.pick(on).member.id : undefined;
    },
  };
}

type Fields<T extends HotlineEvent['type']> = Omit<EventOf<T>, 'v' | 'id' | 'type' | 'ts' | 'ticketId'>;

/** A ticket's life being written: every step strictly after the one before. */
class Life {
  readonly events: HotlineEvent[] = [];
  t: number;
  /** the ticket's local month and day (the heating season) */
  readonly month: number;
  readonly day: number;

  constructor(
    readonly ticketId: string,
    start: number,
    readonly rng: Random,
    readonly world: TicketWorld,
  ) {
    this.t = start;
    ({ month: this.month, day: this.day } = localParts(start, world.timeZone));
  }

  step<T extends HotlineEvent['type']>(at: number, type: T, fields: Fields<T>): number {
    this.t = Math.max(Math.round(at), this.t + 1);
    this.events.push({ v: 1, id: `${this.ticketId}-${this.events.length + 1}`, type, ts: this.t, ticketId: this.ticketId, ...fields } as unknown as HotlineEvent);
    return this.t;
  }

  /** `t` if it falls in the local window, else the window's next opening plus up to 90 min. */
  within(t: number, w: Window): number {
    const [from, to] = WINDOWS[w];
    const tz = this.world.timeZone;
    const p = localParts(t, tz);
    const m = p.hour * 60 + p.minute;
    if (m >= from && m < to) return t;
    const open = zonedEpoch(p.year, p.month, p.day + (m < from ? 0 : 1), from, tz);
    return open + this.rng.uniform(0, 90) * MIN;
  }

  hours(lo: number, hi: number): number {
    return this.rng.uniform(lo, hi) * HOUR;
  }
}

/**
 * Every event of a ticket's life after its `ticket.created` (none when it is not dispatched), in
 * time order, with ids `<ticketId>-<n>`. Pure: the same ticket always has the same life.
 */
export function planTicket(seed: number, created: EventOf<'ticket.created'>, world: TicketWorld): HotlineEvent[] {
  const rng = new Random(hashSeed(seed, 'ticket', created.ticketId));
  const R = TICKET_RATES;
  const share = R.dispatch[created.kind] * (created.category === 'other' ? R.dispatchOther : 1);
  if (!rng.chance(share)) return [];
  const life = new Life(created.ticketId, created.ts, rng, world);
  const category = created.category;
  let unit = drawUnit(rng, category, life.month, life.day);
  const dispatch = (after: number) => life.step(life.within(after, 'dispatch'), 'ticket.dispatched', { unit });
  const sendBack = (reasons: readonly string[]) =>
    life.step(life.within(life.t + Math.min(rng.lognormal(7 * HOUR, 0.8), 3 * DAY), 'unit'), 'ticket.returned', { unit, reason: rng.pick(reasons) });

  dispatch(created.ts + rng.uniform(5, 100) * MIN);
  if (rng.chance(R.returnTwice)) {
    // 第五十八条: the address was registered wrong, and two units in a row cannot find the place;
    // the center calls the citizen, corrects it and dispatches a third time
    sendBack(RETURN_REASONS.address);
    unit = drawUnit(rng, category, life.month, life.day, unit);
    dispatch(life.t + life.hours(0.3, 3));
    sendBack(RETURN_REASONS.address);
    unit = drawUnit(rng, category, life.month, life.day);
    dispatch(life.t + life.hours(0.5, 4));
  } else if (rng.chance(R.returnOnce * UNITS[unit]!.returns)) {
    const why = rng.weighted({ notOurs: 60, address: 25, unclear: 15 });
    sendBack(RETURN_REASONS[why]);
    // not theirs: the right unit; otherwise the same one once the information is completed
    if (why === 'notOurs') unit = drawUnit(rng, category, life.month, life.day, unit);
    dispatch(life.t + life.hours(0.25, 3));
  }
  reply(life, unit);

  // 回访: a satisfied or basically satisfied ticket is closed; an unreachable citizen is tried once more
  let result = followup(life, { unreachable: R.unreachable, dissatisfied: R.dissatisfied * UNITS[unit]!.dissatisfaction, basically: R.basically });
  if (result === 'unreachable' && rng.chance(R.retry)) result = followup(life, { unreachable: 0.3, dissatisfied: R.dissatisfied * UNITS[unit]!.dissatisfaction, basically: R.basically }, 18, 30);
  if (result === 'dissatisfied') {
    // a special task: dispatched again (mostly to the same unit) and supervised by the lead on duty
    if (rng.chance(0.2)) unit = drawUnit(rng, category, life.month, life.day, unit);
    dispatch(life.t + life.hours(0.5, 5));
    const supervisedAt = life.t + life.hours(0.1, 3);
    life.step(supervisedAt, 'ticket.supervised', { by: world.leadAt(supervisedAt), note: rng.pick(SUPERVISION_NOTES.lead) });
    if (rng.chance(R.stall)) {
      // nobody moves for more than supervisionDueDays, until the director steps in
      const at = life.within(life.t + rng.uniform(3.1, 4.3) * DAY, 'director');
      life.step(at, 'ticket.supervised', { by: DIRECTOR, note: rng.pick(SUPERVISION_NOTES.director) });
      life.step(life.within(life.t + life.hours(3, 30), 'unit'), 'ticket.replied', { unit });
    } else {
      // a supervised ticket goes first: within a day and a half, plus a night until the office
      // opens (short of the 3-day stall); the citizen is called back within a day
      life.step(life.within(life.t + life.hours(4, 36), 'unit'), 'ticket.replied', { unit });
    }
    const worse = UNITS[unit]!.dissatisfaction;
    result = followup(life, { ...R.second, dissatisfied: R.second.dissatisfied * worse }, 1, 24);
    if (result === 'dissatisfied') {
      // dissatisfied again: the director supervises, the unit answers once more, and the center closes it after a last call
      life.step(life.within(life.t + life.hours(1, 8), 'director'), 'ticket.supervised', { by: DIRECTOR, note: rng.pick(SUPERVISION_NOTES.director) });
      life.step(life.within(life.t + life.hours(20, 48), 'unit'), 'ticket.replied', { unit });
      result = followup(life, { ...R.third, dissatisfied: R.third.dissatisfied * worse }, 1, 24);
    }
  }
  // 办结: soon after a satisfied call; after a last unreachable or dissatisfied one, once reviewed
  // (a third call's dissatisfaction is closed too: the center has done what it can)
  life.step(life.t + (result === 'satisfied' || result === 'basically_satisfied' ? rng.uniform(2, 40) * MIN : life.hours(1, 20)), 'ticket.closed', {});
  return life.events;
}

/** The unit's reply: ordinarily within hours or a few days, in office hours and before the 5-day limit; a few after it. */
function reply(life: Life, unit: string): void {
  const { rng } = life;
  const u = UNITS[unit]!;
  const dispatchedAt = life.t;
  let at: number;
  if (rng.chance(TICKET_RATES.overdue * u.slow)) {
    at = life.within(dispatchedAt + rng.uniform(5.05, 7.5) * DAY, 'unit');
  } else {
    const delay = Math.min(Math.max(rng.lognormal(TICKET_RATES.replyMeanH * u.slow * HOUR, 0.9), 1.5 * HOUR), 4.6 * DAY);
    at = life.within(dispatchedAt + delay, 'unit');
    // a unit running out of time answers the evening before the limit
    if (at > dispatchedAt + 5 * DAY - 30 * MIN) at = dispatchedAt + 5 * DAY - life.hours(1, 6);
  }
  life.step(at, 'ticket.replied', { unit });
}

/** A follow-up call `lo`–`hi` hours later (a few hours to a day and a bit), in calling hours. */
function followup(life: Life, p: { unreachable: number; dissatisfied: number; basically: number }, lo = 1.5, hi = 30): FollowupResult {
  const { rng } = life;
  const at = life.within(life.t + life.hours(lo, hi), 'followup');
  let result: FollowupResult;
  if (rng.chance(p.unreachable)) result = 'unreachable';
  else {
    const r = rng.float();
    const d = Math.min(p.dissatisfied, 0.5);
    result = r < d ? 'dissatisfied' : r < d + p.basically ? 'basically_satisfied' : 'satisfied';
  }
  const agentId = life.world.operatorAt(at, rng);
  life.step(at, 'ticket.followup', { result, ...(agentId ? { agentId } : {}) });
  return result;
}

/**
 * Plans the life of every ticket the call center files and emits it as its time comes, through the
 * simulation's agenda. `onLife` sees each ticket's creation and whole planned life at once.
 */
export class TicketDesk {
  constructor(
    private readonly ctx: SimContext,
    private readonly seed: number,
    private readonly world: TicketWorld,
    private readonly onLife: ((events: HotlineEvent[]) => void) | null,
  ) {}

  filed(created: EventOf<'ticket.created'>): void {
    const life = planTicket(this.seed, created, this.world);
    for (const e of life) this.ctx.at(e.ts, () => this.ctx.emitPlanned(e));
    this.onLife?.([created, ...life]);
  }
}
