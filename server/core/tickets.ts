/**
 * Tickets after the call (FOLLOWUP.md; 第十二条–第十四条, 第三十四条–第三十七条, 第五十八条): dispatch to the
 * responsible unit, returns, replies, follow-up calls and their satisfaction, dissatisfied cases as
 * special tasks, supervision. `applyTicket` is the reducer's part (pure, in place); `followupView`
 * and `ticketAlerts` the derive's.
 */
import type { CenterConfig } from '../../shared/config';
import type { EventOf } from '../../shared/events';
import type { AlertView, DispatchView, FollowupFigures, FollowupView, SpecialTaskView } from '../../shared/snapshot';
import { endOfDay, localParts, startOfDay, zonedEpoch } from '../../shared/time';
import type { FollowupDay, State, TicketRec } from './state';

const DAY = 86_400_000;
/** steps kept per ticket (a special task's history; the oldest go first) */
const STEPS_KEEP = 100;

export type TicketEvent = EventOf<
  'ticket.created' | 'ticket.dispatched' | 'ticket.returned' | 'ticket.replied' | 'ticket.followup' | 'ticket.supervised' | 'ticket.closed'
>;

export function emptyFollowupDay(): FollowupDay {
  return { followups: 0, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, byCategory: new Map(), byUnit: new Map() };
}

function ticketOf(state: State, id: string, ts: number): { t: TicketRec; known: boolean } {
  const t = state.tickets.get(id);
  if (t) return { t, known: true };
  const fresh: TicketRec = {
    ticketId: id,
    category: null,
    createdBy: null,
    unit: null,
    dispatchedAt: null,
    returnsInRow: 0,
    returnEpisode: null,
    dissatisfiedAt: null,
    closedAt: null,
    lastEventAt: ts,
    steps: [],
  };
  state.tickets.set(id, fresh);
  return { t: fresh, known: false };
}

/**
 * Applies a ticket event. Returns false when it was odd (an event for a ticket never created here,
 * a second creation): counted as an anomaly by the reducer, applied as far as it makes sense.
 */
export function applyTicket(state: State, e: TicketEvent, config: CenterConfig): boolean {
  state.ticketsVersion++;
  const { t, known } = ticketOf(state, e.ticketId, e.ts);
  let ok = known || e.type === 'ticket.created';
  t.lastEventAt = Math.max(t.lastEventAt, e.ts);
  const step: TicketRec['steps'][number] = { type: e.type.slice('ticket.'.length), at: e.ts };
  switch (e.type) {
    case 'ticket.created':
      if (known && t.category !== null) ok = false;
      t.category = e.category;
      t.createdBy = e.agentId ?? null;
      break;
    case 'ticket.dispatched':
      t.unit = e.unit;
      t.dispatchedAt = e.ts;
      step.unit = e.unit;
      break;
    case 'ticket.returned': {
      if (e.unit) step.unit = e.unit;
      t.dispatchedAt = null;
      t.returnsInRow++;
      // twice in a row (第五十八条): an episode, until acknowledged; after that the next return in a row is another
      const ack = t.returnEpisode === null ? undefined : state.alertAcks.get(`ticket_returned_twice:${t.ticketId}:${t.returnEpisode}`);
      if (t.returnsInRow >= 2 && (t.returnEpisode === null || (ack && ack.at < e.ts))) t.returnEpisode = e.ts;
      break;
    }
    case 'ticket.replied':
      t.unit = e.unit;
      t.dispatchedAt = null;
      t.returnsInRow = 0;
      step.unit = e.unit;
      break;
    case 'ticket.followup': {
      const day = startOfDay(e.ts, config.timeZone);
      let f = state.followupsByDay.get(day);
      if (!f) state.followupsByDay.set(day, (f = emptyFollowupDay()));
      f.followups++;
      if (e.result !== 'unreachable') f.reached++;
      if (e.result === 'satisfied') f.satisfied++;
      if (e.result === 'basically_satisfied') f.basicallySatisfied++;
      if (e.result === 'dissatisfied') {
        f.dissatisfied++;
        f.byCategory.set(t.category ?? '', (f.byCategory.get(t.category ?? '') ?? 0) + 1);
        f.byUnit.set(t.unit ?? '', (f.byUnit.get(t.unit ?? '') ?? 0) + 1);
        if (t.dissatisfiedAt === null) t.dissatisfiedAt = e.ts;
      } else if (e.result !== 'unreachable' && t.dissatisfiedAt !== null && e.ts > t.dissatisfiedAt) {
        // a later follow-up the citizen is satisfied with closes the special task
        t.dissatisfiedAt = null;
      }
      step.result = e.result;
      break;
    }
    case 'ticket.supervised':
      break;
    case 'ticket.closed':
      t.closedAt = e.ts;
      t.dispatchedAt = null;
      t.dissatisfiedAt = null;
      break;
  }
  // steps in the order of their times: an event that reaches the wallboard late (the ticket system
  // sends in batches) takes its place among the others, after those of the same time
  let i = t.steps.length;
  while (i > 0 && t.steps[i - 1]!.at > e.ts) i--;
  t.steps.splice(i, 0, step);
  if (t.steps.length > STEPS_KEEP) t.steps.splice(0, t.steps.length - STEPS_KEEP);
  return ok;
}

/** Whether a ticket still has something open: a dispatch, a special task, an alert not yet acknowledged. */
export function ticketOpen(state: State, t: TicketRec): boolean {
  return t.dispatchedAt !== null || t.dissatisfiedAt !== null || (t.returnEpisode !== null && !state.alertAcks.has(`ticket_returned_twice:${t.ticketId}:${t.returnEpisode}`));
}

export function figures(f: Pick<FollowupDay, 'followups' | 'reached' | 'satisfied' | 'basicallySatisfied' | 'dissatisfied'> | undefined): FollowupFigures {
  const x = f ?? emptyFollowupDay();
  return {
    followups: x.followups,
    reached: x.reached,
    satisfied: x.satisfied,
    basicallySatisfied: x.basicallySatisfied,
    dissatisfied: x.dissatisfied,
    satisfactionRate: x.reached > 0 ? (x.satisfied + x.basicallySatisfied) / x.reached : null,
  };
}

/** A day's follow-ups as archived (the maps as sorted pairs). */
export interface FollowupRecord {
  followups: number;
  reached: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
  byCategory: [string, number][];
  byUnit: [string, number][];
}

const byKey = ([a]: [string, number], [b]: [string, number]) => (a < b ? -1 : a > b ? 1 : 0);

export function followupRecord(f: FollowupDay | undefined): FollowupRecord {
  const x = f ?? emptyFollowupDay();
  return {
    followups: x.followups,
    reached: x.reached,
    satisfied: x.satisfied,
    basicallySatisfied: x.basicallySatisfied,
    dissatisfied: x.dissatisfied,
    byCategory: [...x.byCategory].sort(byKey),
    byUnit: [...x.byUnit].sort(byKey),
  };
}

/** The days of the current month that are the archive's, not the state's (a derive input, like the feeds). */
export interface MonthArchive {
  /** local midnight of the month's first day */
  month: number;
  /** per archived day (its start): that day's follow-ups */
  days: Map<number, FollowupRecord>;
}

/** Local midnight of the first day of the month containing `ms`. */
export function monthStart(ms: number, tz: string): number {
  const p = localParts(ms, tz);
  return zonedEpoch(p.year, p.month, 1, 0, tz);
}

type Draft = Omit<AlertView, 'acknowledgedBy' | 'acknowledgedAt' | 'message'>;

/** An operator's name: as they logged in, else as the newest roster has it (someone not at work today). */
export function knownName(state: State, agentId: string): string | null {
  const live = state.agents.get(agentId)?.name;
  if (live) return live;
  let newest: string | null = null;
  let name: string | null = null;
  for (const [date, r] of state.rosters) {
    if (newest !== null && date < newest) continue;
    const e = r.entries.find((x) => x.agentId === agentId && x.name);
    if (e) {
      newest = date;
      name = e.name;
    }
  }
  return name;
}

/** The follow-up view and the ticket rules' drafts at `now`, and until when they stay as they are. */
export interface FollowupResult {
  view: FollowupView;
  drafts: Draft[];
  /** the next instant something here changes with the clock alone (a due time, midnight) */
  validUntil: number;
}

export function followupView(state: State, now: number, config: CenterConfig, archived: MonthArchive | null): FollowupResult {
  const tz = config.timeZone;
  const t = config.thresholds;
  const today = startOfDay(now, tz);
  const month = monthStart(now, tz);
  let validUntil = endOfDay(now, tz);

  const sum = emptyFollowupDay();
  const category: Record<string, number> = Object.create(null);
  const unit: Record<string, number> = Object.create(null);
  const add = (f: { followups: number; reached: number; satisfied: number; basicallySatisfied: number; dissatisfied: number }, cats: Iterable<[string, number]>, units: Iterable<[string, number]>) => {
    sum.followups += f.followups;
    sum.reached += f.reached;
    sum.satisfied += f.satisfied;
    sum.basicallySatisfied += f.basicallySatisfied;
    sum.dissatisfied += f.dissatisfied;
    for (const [k, n] of cats) category[k] = (category[k] ?? 0) + n;
    for (const [k, n] of units) unit[k] = (unit[k] ?? 0) + n;
  };
  for (const [day, f] of state.followupsByDay) if (day >= month && day <= today && day >= state.historyFrom) add(f, f.byCategory, f.byUnit);
  if (archived && archived.month === month) for (const [day, f] of archived.days) if (day < state.historyFrom && day >= month) add(f, f.byCategory, f.byUnit);

  const specialTasks: SpecialTaskView[] = [];
  const byUnit = new Map<string, { unit: string; open: number; oldestSince: number }>();
  const overdue: DispatchView['overdue'] = [];
  const drafts: Draft[] = [];
  const replyDue = t.replyDueDays * DAY;
  const stallDue = t.supervisionDueDays * DAY;
  let open = 0;
  for (const tk of state.tickets.values()) {
    if (tk.dispatchedAt !== null) {
      open++;
      const u = tk.unit ?? '';
      const b = byUnit.get(u);
      if (!b) byUnit.set(u, { unit: u, open: 1, oldestSince: tk.dispatchedAt });
      else {
        b.open++;
        b.oldestSince = Math.min(b.oldestSince, tk.dispatchedAt);
      }
      const due = tk.dispatchedAt + replyDue;
      if (now >= due) {
        overdue.push({ ticketId: tk.ticketId, unit: u, category: tk.category, dispatchedAt: tk.dispatchedAt });
        drafts.push({ id: `dispatch_overdue:${tk.ticketId}:${tk.dispatchedAt}`, rule: 'dispatch_overdue', severity: 'warning', subject: tk.ticketId, since: due, params: { ticketId: tk.ticketId, unit: u, days: t.replyDueDays } });
      } else validUntil = Math.min(validUntil, due);
    }
    if (tk.dissatisfiedAt !== null) {
      specialTasks.push({ ticketId: tk.ticketId, category: tk.category, unit: tk.unit, dissatisfiedAt: tk.dissatisfiedAt, lastEventAt: tk.lastEventAt, steps: tk.steps.map((s) => ({ ...s })) });
      const due = tk.lastEventAt + stallDue;
      if (now >= due) {
        drafts.push({ id: `special_task_stalled:${tk.ticketId}:${tk.lastEventAt}`, rule: 'special_task_stalled', severity: 'warning', subject: tk.ticketId, since: due, params: { ticketId: tk.ticketId, unit: tk.unit, days: t.supervisionDueDays } });
      } else validUntil = Math.min(validUntil, due);
    }
    if (tk.returnEpisode !== null) {
      const who = tk.createdBy;
      drafts.push({
        id: `ticket_returned_twice:${tk.ticketId}:${tk.returnEpisode}`,
        rule: 'ticket_returned_twice',
        severity: 'warning',
        subject: tk.ticketId,
        since: tk.returnEpisode,
        params: { ticketId: tk.ticketId, agentId: who, name: who === null ? null : knownName(state, who) },
      });
    }
  }
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  specialTasks.sort((a, b) => a.dissatisfiedAt - b.dissatisfiedAt || cmp(a.ticketId, b.ticketId));
  overdue.sort((a, b) => a.dispatchedAt - b.dispatchedAt || cmp(a.ticketId, b.ticketId));
  return {
    view: {
      today: figures(state.followupsByDay.get(today)),
      month: figures(sum),
      dissatisfiedBy: { category, unit },
      specialTasks,
      dispatch: { open, byUnit: [...byUnit.values()].sort((a, b) => a.oldestSince - b.oldestSince || cmp(a.unit, b.unit)), overdue },
    },
    drafts,
    validUntil,
  };
}
