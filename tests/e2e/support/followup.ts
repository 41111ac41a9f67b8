/**
 * Tickets after the call (FOLLOWUP.md) over the last week, up to `now`: dispatches to units,
 * returns, replies and follow-up calls of every result, with the figures the screens must show
 * worked out alongside (by the follow-up's day and month in the center's zone, so they hold on any
 * day the suite runs).
 *
 *   fu-1  sanitation     → 市政工程处 6 d ago, no reply                      overdue dispatch (≥ 5 d)
 *   fu-2  municipal      → 牡丹区城市管理局 1 d ago                            open dispatch
 *   fu-3  city_order     → 开发区建设局, returned, → 牡丹区城市管理局, returned   returned twice (3004 registered it)
 *                        → 曹县综合行政执法局 2 d ago                          open dispatch
 *   fu-4  sanitation     → 牡丹区城市管理局, replied, dissatisfied 4 d ago     special task, stalled (≥ 3 d)
 *   fu-5  municipal      → 市政工程处, replied, dissatisfied 1 d ago          special task
 *   fu-6  landscaping    → 园林绿化管理处, replied, satisfied today
 *   fu-7  municipal      → 市政工程处, replied, basically satisfied today
 *   fu-8  other          → 牡丹区城市管理局, replied, unreachable today
 *   fu-9  landscaping    → 园林绿化管理处: dissatisfied 3 d ago, satisfied 1 d ago (the task ended)
 *   fu-10 gas_heating    → 燃气热力公司: dissatisfied today, then closed (no task)
 *   fu-11 sanitation     → 牡丹区城市管理局: dissatisfied 2 d ago, then closed (no task)
 */
import type { HotlineEvent } from '../../../shared/events';
import { localParts, startOfDay } from '../../../shared/time';
import { ev } from '../../helpers/events';

export const FU_TZ = 'Asia/Shanghai';
const DAY = 86_400_000;
const MIN = 60_000;

export const UNITS = {
  mudan: '牡丹区城市管理局',
  works: '市政工程处',
  devzone: '开发区建设局',
  caoxian: '曹县综合行政执法局',
  parks: '园林绿化管理处',
  gas: '燃气热力公司',
  /** a dispatch the browser test adds an hour before its check */
  yuncheng: '郓城县城市管理局',
} as const;

export interface Figures {
  followups: number;
  reached: number;
  satisfied: number;
  basicallySatisfied: number;
  dissatisfied: number;
}

export interface FollowupScenario {
  events: HotlineEvent[];
  /** ticket ids */
  ids: Record<'overdue' | 'open' | 'returned' | 'stalled' | 'special' | 'satisfied' | 'basically' | 'unreachable' | 'recovered' | 'closed' | 'closedEarlier', string>;
  today: Figures;
  month: Figures;
  /** every follow-up of the scenario (the last seven days) */
  all: Figures;
  /** this month's dissatisfied follow-ups by category and by unit */
  byCategory: Record<string, number>;
  byUnit: Record<string, number>;
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** `YYYY-MM-DD` of `ms` in the center's zone. */
export function dateOf(ms: number): string {
  const p = localParts(ms, FU_TZ);
  return `${p.year}-${pad2(p.month)}-${pad2(p.day)}`;
}

const dayKey = (ms: number) => ({ day: dateOf(ms), month: dateOf(ms).slice(0, 7) });

export function followupScenario(now: number): FollowupScenario {
  const run = now.toString(36).slice(-5);
  const id = (n: number) => `fu-${n}-${run}`;
  const ids: FollowupScenario['ids'] = {
    overdue: id(1),
    open: id(2),
    returned: id(3),
    stalled: id(4),
    special: id(5),
    satisfied: id(6),
    basically: id(7),
    unreachable: id(8),
    recovered: id(9),
    closed: id(10),
    closedEarlier: id(11),
  };
  // "today" a few minutes ago, never before today's midnight (a run just after midnight)
  const midnight = startOfDay(now, FU_TZ);
  const todayAt = (minAgo: number) => Math.max(midnight + (60 - minAgo) * 1000, now - minAgo * MIN);
  const daysAgo = (d: number) => now - d * DAY;

  const e: HotlineEvent[] = [];
  const zero = (): Figures => ({ followups: 0, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 });
  const today = zero();
  const month = zero();
  const all = zero();
  const byCategory: Record<string, number> = {};
  const byUnit: Record<string, number> = {};
  const category = new Map<string, string>();
  const unit = new Map<string, string>();
  const here = dayKey(now);

  const created = (t: string, at: number, cat: string, agentId = '3001') => {
    category.set(t, cat);
    e.push(ev('ticket.created', at, { ticketId: t, category: cat as never, kind: 'complaint', agentId }));
  };
  const dispatched = (t: string, at: number, u: string) => {
    unit.set(t, u);
    e.push(ev('ticket.dispatched', at, { ticketId: t, unit: u }));
  };
  const returned = (t: string, at: number, u: string) => e.push(ev('ticket.returned', at, { ticketId: t, unit: u, reason: '非本单位职责' }));
  const replied = (t: string, at: number) => e.push(ev('ticket.replied', at, { ticketId: t, unit: unit.get(t)! }));
  const followup = (t: string, at: number, result: 'satisfied' | 'basically_satisfied' | 'dissatisfied' | 'unreachable') => {
    e.push(ev('ticket.followup', at, { ticketId: t, result, agentId: '3002' }));
    const k = dayKey(at);
    for (const [f, counts] of [
      [today, k.day === here.day],
      [month, k.month === here.month],
      [all, true],
    ] as const) {
      if (!counts) continue;
      f.followups++;
      if (result !== 'unreachable') f.reached++;
      if (result === 'satisfied') f.satisfied++;
      if (result === 'basically_satisfied') f.basicallySatisfied++;
      if (result === 'dissatisfied') f.dissatisfied++;
    }
    if (result === 'dissatisfied' && k.month === here.month) {
      const c = category.get(t) ?? '';
      const u = unit.get(t) ?? '';
      byCategory[c] = (byCategory[c] ?? 0) + 1;
      byUnit[u] = (byUnit[u] ?? 0) + 1;
    }
  };

  created(ids.overdue, daysAgo(6.5), 'sanitation');
  dispatched(ids.overdue, daysAgo(6), UNITS.works);

  created(ids.open, daysAgo(2), 'municipal');
  dispatched(ids.open, daysAgo(1), UNITS.mudan);

  created(ids.returned, daysAgo(6), 'city_order', '3004');
  dispatched(ids.returned, daysAgo(5.9), UNITS.devzone);
  returned(ids.returned, daysAgo(5.5), UNITS.devzone);
  dispatched(ids.returned, daysAgo(5.4), UNITS.mudan);
  returned(ids.returned, daysAgo(5.2), UNITS.mudan);
  dispatched(ids.returned, daysAgo(2), UNITS.caoxian);

  /** registered, dispatched to `u` and replied, so many days ago each */
  const handled = (t: string, cat: string, u: string, [c, d, r]: [number, number, number]) => {
    created(t, daysAgo(c), cat);
    dispatched(t, daysAgo(d), u);
    replied(t, daysAgo(r));
  };
  const closed = (t: string, at: number) => e.push(ev('ticket.closed', at, { ticketId: t }));

  handled(ids.stalled, 'sanitation', UNITS.mudan, [6.2, 6.1, 4.5]);
  followup(ids.stalled, daysAgo(4), 'dissatisfied');

  handled(ids.special, 'municipal', UNITS.works, [3, 2.8, 2]);
  followup(ids.special, daysAgo(1), 'dissatisfied');

  handled(ids.satisfied, 'landscaping', UNITS.parks, [2.5, 2.4, 1.2]);
  followup(ids.satisfied, todayAt(40), 'satisfied');
  handled(ids.basically, 'municipal', UNITS.works, [2.6, 2.5, 1.1]);
  followup(ids.basically, todayAt(30), 'basically_satisfied');
  handled(ids.unreachable, 'other', UNITS.mudan, [2.2, 2.1, 1.3]);
  followup(ids.unreachable, todayAt(25), 'unreachable');

  handled(ids.recovered, 'landscaping', UNITS.parks, [5, 4.9, 3.5]);
  followup(ids.recovered, daysAgo(3), 'dissatisfied');
  replied(ids.recovered, daysAgo(1.6));
  followup(ids.recovered, daysAgo(1.5), 'satisfied');

  handled(ids.closed, 'gas_heating', UNITS.gas, [1.8, 1.7, 1.4]);
  followup(ids.closed, todayAt(20), 'dissatisfied');
  closed(ids.closed, todayAt(15));
  handled(ids.closedEarlier, 'sanitation', UNITS.mudan, [3.2, 3.1, 2.5]);
  followup(ids.closedEarlier, daysAgo(2), 'dissatisfied');
  closed(ids.closedEarlier, daysAgo(1.9));

  return { events: e.sort((a, b) => a.ts - b.ts), ids, today, month, all, byCategory, byUnit };
}

/** (satisfied + basically satisfied) / reached, null when nobody was reached. */
export const rateOf = (f: Figures): number | null => (f.reached > 0 ? (f.satisfied + f.basicallySatisfied) / f.reached : null);
