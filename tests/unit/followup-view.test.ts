/**
 * Tickets after the call on the screens (client/src/lib/followup-view.ts, wall-view.ts): where
 * dissatisfaction concentrates as bars (keys from outside, no prototype), ages and stalls by the
 * server clock, steps in words, the follow-ups summed over days, the ticket rules kept off the wall;
 * the new words in both languages.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ageText,
  dayTime,
  dissatisfiedBars,
  elapsedText,
  isStalled,
  lastProgressText,
  OTHERS_KEY,
  shortLabel,
  satisfactionSeries,
  sortSpecialTasks,
  stepName,
  stepTone,
  sumFollowups,
} from '../../client/src/lib/followup-view';
import { wallAlerts } from '../../client/src/lib/wall-view';
import { DEFAULT_THRESHOLDS } from '../../client/src/lib/targets';
import type { AlertView, FollowupFigures } from '../../shared/snapshot';
import { sh } from '../helpers/events';
import { loadBothLanguages, type I18n } from '../helpers/i18n';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** A map as the server sends it: no prototype, keys from outside. */
const bare = (o: Record<string, number>): Record<string, number> => Object.assign(Object.create(null) as Record<string, number>, o);

describe('dissatisfiedBars', () => {
  it('lists the keys most first, then by name, without zeros; an unknown key as 未知', () => {
    const bars = dissatisfiedBars(bare({ municipal: 2, sanitation: 5, other: 0, '': 2, gas_heating: 2 }), 'category');
    expect(bars.map((b) => [b.key, b.count])).toEqual([
      ['sanitation', 5],
      // ties by the name shown (pinyin order): 燃气热力 (ran), 市政设施 (shi), 未知类别 (wei)
      ['gas_heating', 2],
      ['municipal', 2],
      ['', 2],
    ]);
    expect(bars.map((b) => b.label)).toEqual(['环境卫生', '燃气热力', '市政设施', '未知类别']);
    expect(dissatisfiedBars(bare({ '': 1 }), 'unit')[0]!.label).toBe('未知单位');
  });

  it('reads keys that are the names of JavaScript’s own properties as any other', () => {
    const by = bare({});
    Object.defineProperty(by, '__proto__', { value: 3, enumerable: true, configurable: true, writable: true });
    by['constructor'] = 1;
    const bars = dissatisfiedBars(by, 'unit');
    expect(bars.map((b) => [b.key, b.label, b.count])).toEqual([
      ['__proto__', '__proto__', 3],
      ['constructor', 'constructor', 1],
    ]);
    expect(dissatisfiedBars(null, 'unit')).toEqual([]);
    expect(dissatisfiedBars(undefined, 'category')).toEqual([]);
  });

  it('past the limit, sums the rest into one bar that says how many', () => {
    const by = bare(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`单位${String(i).padStart(2, '0')}`, 20 - i])));
    const bars = dissatisfiedBars(by, 'unit', 8);
    expect(bars).toHaveLength(8);
    expect(bars.slice(0, 7).map((b) => b.count)).toEqual([20, 19, 18, 17, 16, 15, 14]);
    expect(bars[7]).toEqual({ key: OTHERS_KEY, label: '其他 4 个单位', count: 13 + 12 + 11 + 10 });
  });

  it('shortens a long name for the axis by its width (a CJK character is wider than a letter)', () => {
    expect(shortLabel('牡丹区城市管理局', 8)).toBe('牡丹区城市管理局');
    expect(shortLabel('曹县综合行政执法局', 8)).toBe('曹县综合行政执…');
    expect(shortLabel('Illegal building', 10)).toBe('Illegal building');
    expect(shortLabel('Municipal works', 8)).toBe('Municipal w…');
  });
});

describe('ages and stalls by the server clock', () => {
  it('says an age in days and hours, hours and minutes, or minutes', () => {
    expect(ageText(6 * DAY + 3 * HOUR + 59 * MIN)).toBe('6天3小时');
    expect(ageText(HOUR)).toBe('1小时0分');
    expect(ageText(59 * MIN + 59_000)).toBe('59分钟');
    expect(ageText(-5_000)).toBe('0分钟');
    expect(lastProgressText(1_000, 1_000 + 59_000)).toBe('最近进展 刚刚');
    expect(lastProgressText(0, 2 * DAY + HOUR)).toBe('最近进展 2天1小时前');
  });

  it('counts a list’s elapsed time as the call floor does, and in days from a day on', () => {
    expect(elapsedText(75)).toBe('1:15');
    expect(elapsedText(23 * 3600 + 59 * 60)).toBe('23:59:00');
    expect(elapsedText(5 * 86_400 + 4 * 3600)).toBe('5天4小时');
  });

  it('a special task is stalled from supervisionDueDays after its last event, or while its alert is up', () => {
    const task = { ticketId: 'T-1', lastEventAt: sh(2026, 11, 20, 9) };
    const th = { supervisionDueDays: DEFAULT_THRESHOLDS.supervisionDueDays };
    expect(isStalled(task, task.lastEventAt + 3 * DAY - 1, th)).toBe(false);
    expect(isStalled(task, task.lastEventAt + 3 * DAY, th)).toBe(true);
    expect(isStalled(task, task.lastEventAt + DAY, th, [{ rule: 'special_task_stalled', subject: 'T-1' }])).toBe(true);
    expect(isStalled(task, task.lastEventAt + DAY, th, [{ rule: 'dispatch_overdue', subject: 'T-1' }])).toBe(false);
  });

  it('lists stalled tasks first, then the oldest dissatisfaction', () => {
    const now = sh(2026, 11, 30, 10);
    const tasks = [
      { ticketId: 'a', dissatisfiedAt: now - 2 * DAY, lastEventAt: now - 2 * DAY },
      { ticketId: 'b', dissatisfiedAt: now - DAY, lastEventAt: now - 4 * DAY },
      { ticketId: 'c', dissatisfiedAt: now - 5 * DAY, lastEventAt: now - HOUR },
    ];
    const stalled = (x: (typeof tasks)[number]) => isStalled(x, now, DEFAULT_THRESHOLDS);
    expect(sortSpecialTasks(tasks, stalled).map((x) => x.ticketId)).toEqual(['b', 'c', 'a']);
  });

  it('writes a step’s time as month-day hour:minute in the center’s zone', () => {
    expect(dayTime(sh(2026, 11, 24, 9, 5), 'Asia/Shanghai')).toBe('11-24 09:05');
  });
});

describe('steps', () => {
  it('names every step in Chinese, the follow-up with its result', () => {
    const names = ['created', 'dispatched', 'returned', 'replied', 'supervised', 'closed'].map((type) => stepName({ type }));
    expect(names).toEqual(['登记', '转办', '退回', '回复', '督办', '办结']);
    expect(stepName({ type: 'followup', result: 'dissatisfied' })).toBe('回访（不满意）');
    expect(stepName({ type: 'followup', result: 'basically_satisfied' })).toBe('回访（基本满意）');
    expect(stepName({ type: 'followup', result: 'unreachable' })).toBe('回访（未接通）');
    expect(stepName({ type: 'followup' })).toBe('回访');
    expect(stepName({ type: 'escalated' })).toBe('escalated');
  });

  it('colours bad news and good news', () => {
    expect(stepTone({ type: 'followup', result: 'dissatisfied' })).toBe('bad');
    expect(stepTone({ type: 'followup', result: 'satisfied' })).toBe('ok');
    expect(stepTone({ type: 'returned' })).toBe('warn');
    expect(stepTone({ type: 'supervised' })).toBe('info');
    expect(stepTone({ type: 'created' })).toBe('plain');
  });
});

describe('sumFollowups', () => {
  const f = (followups: number, reached: number, satisfied: number, basicallySatisfied: number): FollowupFigures => ({
    followups,
    reached,
    satisfied,
    basicallySatisfied,
    dissatisfied: reached - satisfied - basicallySatisfied,
    satisfactionRate: reached ? (satisfied + basicallySatisfied) / reached : null,
  });

  it('sums the days and takes the rate of the sums, not a mean of the days’ rates', () => {
    const s = sumFollowups([{ followup: f(10, 10, 9, 1) }, { followup: f(3, 2, 0, 0) }, { followup: f(0, 0, 0, 0) }]);
    expect(s).toEqual({ followups: 13, reached: 12, satisfied: 9, basicallySatisfied: 1, dissatisfied: 2, satisfactionRate: 10 / 12 });
    expect(sumFollowups([]).satisfactionRate).toBeNull();
    // a row from before follow-ups were kept
    expect(sumFollowups([{ followup: undefined as unknown as FollowupFigures }]).followups).toBe(0);
  });

  it('gives the trend chart each day’s rate in percent, a gap where nobody was reached', () => {
    expect(satisfactionSeries([{ followup: f(10, 9, 8, 0) }, { followup: f(2, 0, 0, 0) }, { followup: undefined as unknown as FollowupFigures }])).toEqual([88.9, null, null]);
  });
});

describe('the wall', () => {
  it('shows every alert but the ticket rules’', () => {
    const alert = (id: string, rule: string) => ({ id, rule, subject: id, severity: 'warning', since: 0, message: '', params: null, acknowledgedBy: null, acknowledgedAt: null }) as unknown as AlertView;
    const shown = wallAlerts([alert('1', 'call_waiting'), alert('2', 'dispatch_overdue'), alert('3', 'ticket_returned_twice'), alert('4', 'special_task_stalled'), alert('5', 'rona')]);
    expect(shown.map((a) => a.id)).toEqual(['1', '5']);
  });
});

describe('the words in both languages', () => {
  let langs: Record<string, I18n>;
  beforeAll(async () => {
    langs = await loadBothLanguages();
  });

  it('has every new word in Chinese and English', () => {
    const zh = langs['zh-CN']!;
    const en = langs['en']!;
    expect(zh.t('satisfactionMonth')).toBe('本月满意率');
    expect(en.t('satisfactionMonth')).toBe('Satisfaction, this month');
    expect(zh.t('specialTitle')).toBe('不满意专项');
    expect(zh.t('overdueDispatchTitle')).toBe('转办超期');
    expect(zh.t('supervise')).toBe('督办');
    expect(en.t('supervise')).toBe('Supervise');
    expect(en.t('ageDH', { d: 2, h: 3 })).toBe('2 d 3 h');
    expect(en.t('step_followup_result', { result: en.t('result_dissatisfied') })).toBe('Follow-up (dissatisfied)');
    expect(en.t('wallSatisfaction')).toBe('Satisfied');
    expect(en.t('err_ticket_closed')).not.toMatch(/[\u4e00-\u9fff]/);
    expect(en.actionName('ticket.supervised')).toBe('Supervise ticket');
    expect(zh.actionName('ticket.supervised')).toBe('督办工单');
    for (const step of ['created', 'dispatched', 'returned', 'replied', 'followup', 'supervised', 'closed']) {
      const key = `step_${step}` as Parameters<I18n['t']>[0];
      expect(zh.t(key)).toMatch(/[\u4e00-\u9fff]/);
      expect(en.t(key)).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
