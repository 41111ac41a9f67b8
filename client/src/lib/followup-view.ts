/**
 * Tickets after the call on the screens (FOLLOWUP.md): where dissatisfaction concentrates as bars,
 * ages of dispatches and special tasks from the server clock, which special tasks are stalled, a
 * ticket's steps in words, and the follow-up figures summed over days. No runes, no DOM.
 */
import type { DayRow } from '../../../shared/reports';
import type { AlertView, FollowupFigures, SpecialTaskView } from '../../../shared/snapshot';
import type { Thresholds } from '../../../shared/config';
import { duration, hhmm, isoDate } from './format';
import { categoryName, t } from './i18n';
import { textEm } from './wall-view';

export const DAY_MS = 86_400_000;

/** A ticket a lead may supervise (督办), and a line saying what it is (its category and unit). */
export interface SuperviseTarget {
  ticketId: string;
  what: string;
}
const HOUR_MS = 3_600_000;
const MIN_MS = 60_000;

const collator = new Intl.Collator('zh-CN', { numeric: true });

export interface Bar {
  /** the key as the server sent it ("" when unknown; OTHERS_KEY for the rest taken together) */
  key: string;
  label: string;
  count: number;
}

/** The key of the bar that sums the keys past the longest bars. */
export const OTHERS_KEY = '\u0000others';

/**
 * A `dissatisfiedBy` map (no prototype, keys from outside: read with Object.entries) as bars,
 * most first, then by name; at most `limit` bars, the rest summed into one "others" bar. Zero
 * counts are left out.
 */
export function dissatisfiedBars(by: Record<string, number> | null | undefined, kind: 'category' | 'unit', limit = 8): Bar[] {
  const entries = Object.entries(by ?? {})
    .map(([key, n]) => ({ key, count: Number(n) }))
    .filter((e) => Number.isFinite(e.count) && e.count > 0);
  const name = (key: string) => (key === '' ? t(kind === 'unit' ? 'unknownUnit' : 'unknownCategory') : kind === 'category' ? categoryName(key) : key);
  const bars = entries.map((e) => ({ ...e, label: name(e.key) })).sort((a, b) => b.count - a.count || collator.compare(a.label, b.label));
  if (bars.length <= limit) return bars;
  const kept = bars.slice(0, limit - 1);
  const rest = bars.slice(limit - 1);
  const n = rest.length;
  kept.push({ key: OTHERS_KEY, label: t(kind === 'unit' ? 'otherUnits' : 'otherCategories', { n }), count: rest.reduce((s, b) => s + b.count, 0) });
  return kept;
}

/**
 * A long name for a chart's axis: at most `maxEm` wide (textEm's estimate: a CJK character 1, a
 * Latin letter about 0.6), cut with an ellipsis.
 */
export function shortLabel(s: string, maxEm = 8): string {
  if (textEm(s) <= maxEm) return s;
  let out = '';
  let em = 0;
  for (const ch of s) {
    const w = textEm(ch);
    // room for the ellipsis (a full-width one in a CJK font)
    if (em + w > maxEm - 1) break;
    out += ch;
    em += w;
  }
  return `${out.trimEnd()}…`;
}

/** An age (ms) in words: "2天3小时", "5小时12分", "8分钟" (English: "2 d 3 h", "5 h 12 min", "8 min"). */
export function ageText(ms: number): string {
  const a = Math.max(0, ms);
  const d = Math.floor(a / DAY_MS);
  const h = Math.floor((a % DAY_MS) / HOUR_MS);
  const m = Math.floor((a % HOUR_MS) / MIN_MS);
  if (d > 0) return t('ageDH', { d, h });
  if (h > 0) return t('ageHM', { h, m });
  return t('ageM', { m });
}

/** How long since a ticket's last event, in words: "最近进展 2天3小时前", or 刚刚 within the minute. */
export function lastProgressText(lastEventAt: number, now: number): string {
  const ms = now - lastEventAt;
  return ms < MIN_MS ? t('specialLastNow') : t('specialLast', { age: ageText(ms) });
}

/**
 * An elapsed time on a list: "m:ss" or "h:mm:ss" as the call floor counts, and from a day on in days
 * and hours (a ticket's alert may be a week old: "124:48:11" would not read).
 */
export function elapsedText(sec: number): string {
  return sec >= DAY_MS / 1000 ? ageText(sec * 1000) : duration(sec);
}

/**
 * A special task without any event for `supervisionDueDays` (special_task_stalled): the server's
 * alert says so, and the clock says so between two snapshots.
 */
export function isStalled(task: Pick<SpecialTaskView, 'ticketId' | 'lastEventAt'>, now: number, th: Pick<Thresholds, 'supervisionDueDays'>, alerts: readonly Pick<AlertView, 'rule' | 'subject'>[] = []): boolean {
  if (now >= task.lastEventAt + th.supervisionDueDays * DAY_MS) return true;
  return alerts.some((a) => a.rule === 'special_task_stalled' && a.subject === task.ticketId);
}

/** The special tasks for the lead: stalled first, then the oldest dissatisfaction first. */
export function sortSpecialTasks<T extends Pick<SpecialTaskView, 'ticketId' | 'lastEventAt' | 'dissatisfiedAt'>>(tasks: readonly T[], stalled: (t: T) => boolean): T[] {
  return [...tasks].sort((a, b) => Number(stalled(b)) - Number(stalled(a)) || a.dissatisfiedAt - b.dissatisfiedAt || collator.compare(a.ticketId, b.ticketId));
}

/** A follow-up's result in words (满意 / 基本满意 / 不满意 / 未接通); an unknown one as it is. */
export function resultWord(result: string | undefined): string {
  switch (result) {
    case 'satisfied':
      return t('result_satisfied');
    case 'basically_satisfied':
      return t('result_basically_satisfied');
    case 'dissatisfied':
      return t('result_dissatisfied');
    case 'unreachable':
      return t('result_unreachable');
    default:
      return result ?? '';
  }
}

/** A step's name: 登记, 转办, 退回, 回复, 回访（结果）, 督办, 办结; an unknown type as it is. */
export function stepName(step: { type: string; result?: string }): string {
  switch (step.type) {
    case 'created':
      return t('step_created');
    case 'dispatched':
      return t('step_dispatched');
    case 'returned':
      return t('step_returned');
    case 'replied':
      return t('step_replied');
    case 'followup':
      return step.result ? t('step_followup_result', { result: resultWord(step.result) }) : t('step_followup');
    case 'supervised':
      return t('step_supervised');
    case 'closed':
      return t('step_closed');
    default:
      return step.type;
  }
}

/** A step's level on the timeline: a dissatisfied follow-up and a return are bad news, a satisfied one good. */
export function stepTone(step: { type: string; result?: string }): 'bad' | 'warn' | 'ok' | 'info' | 'plain' {
  if (step.type === 'followup') return step.result === 'dissatisfied' ? 'bad' : step.result === 'unreachable' ? 'plain' : 'ok';
  if (step.type === 'returned') return 'warn';
  if (step.type === 'supervised') return 'info';
  if (step.type === 'closed' || step.type === 'replied') return 'ok';
  return 'plain';
}

/** The follow-up figures of days summed, with their satisfaction rate ((satisfied + basically) / reached). */
export function sumFollowups(days: readonly Pick<DayRow, 'followup'>[]): FollowupFigures {
  const s = { followups: 0, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0 };
  for (const d of days) {
    const f = d.followup;
    if (!f) continue;
    s.followups += f.followups;
    s.reached += f.reached;
    s.satisfied += f.satisfied;
    s.basicallySatisfied += f.basicallySatisfied;
    s.dissatisfied += f.dissatisfied;
  }
  return { ...s, satisfactionRate: s.reached > 0 ? (s.satisfied + s.basicallySatisfied) / s.reached : null };
}

/** Each day's satisfaction rate for the trend chart: percent 0–100 (one decimal), null on a day nobody was reached. */
export function satisfactionSeries(days: readonly Pick<DayRow, 'followup'>[]): (number | null)[] {
  return days.map((d) => {
    const v = d.followup?.satisfactionRate;
    return v === null || v === undefined || !Number.isFinite(v) ? null : Math.round(v * 1000) / 10;
  });
}

/** "11-24 14:05" in the center's zone: a step or a dispatch some days ago. */
export function dayTime(ms: number, tz: string): string {
  return `${isoDate(ms, tz).date.slice(5)} ${hhmm(ms, tz)}`;
}
