/**
 * What a notification says, before any channel's format: a title and labelled lines in Chinese —
 * what happened, where, since when (the center's local time), who must act — and the link to the
 * screen of whoever must act (`PUBLIC_URL` + /lead or /director; none without PUBLIC_URL).
 *
 * Never a caller number: the texts come from the alerts' figures, incident titles and locations and
 * feed names, and every phone-like run of digits in them is masked all the same (a title typed as
 * "13812345678 反映燃气泄漏" goes out as "138****5678 反映燃气泄漏").
 */
import { alertText } from '../../shared/alert-text';
import type { CenterConfig, NotifyChannel, NotifyTrigger, Thresholds } from '../../shared/config';
import { maskNumbersIn } from '../../shared/mask';
import type { AlertRule, IncidentView } from '../../shared/snapshot';
import { localParts } from '../../shared/time';
import type { Episode } from './episodes';

export interface NotifyMessage {
  trigger: NotifyTrigger | 'test';
  /** the episode's id (webhook `id`, the audit's subject) */
  id: string;
  /** one line: the headline, the e-mail subject */
  title: string;
  /** an incident's `urgent` / `major`, an alert's `critical` / `warning`, `critical` for a feed down, `info` for a test */
  severity: string;
  /** epoch ms the episode began */
  at: number;
  center: string;
  /** 事件, 地点 (when known), 时间, 处置 */
  fields: { label: string; value: string }[];
  /** the screen of whoever must act, or null without PUBLIC_URL */
  link: string | null;
  /** the link's words: 打开值班长页面 / 打开中心主任页面 */
  linkText: string;
}

export interface MessageContext {
  config: Pick<CenterConfig, 'centerName' | 'timeZone' | 'thresholds'>;
  /** PUBLIC_URL without a trailing slash, or null */
  publicUrl: string | null;
}

type Screen = 'lead' | 'director';

const SCREEN_TEXT: Record<Screen, string> = { lead: '打开值班长页面', director: '打开中心主任页面' };

/** `2026-03-05 14:03` in the center's time zone. */
export function localTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

/** "2 分钟", "90 秒", "1 小时" */
export function duration(sec: number): string {
  if (sec >= 3600 && sec % 3600 === 0) return `${sec / 3600} 小时`;
  if (sec >= 60 && sec % 60 === 0) return `${sec / 60} 分钟`;
  return `${sec} 秒`;
}

/** Text from outside (titles, locations, names) on one line, with phone-like numbers masked. */
export function safe(text: string): string {
  return maskNumbersIn(text.replace(/[\r\n\t]+/g, ' ').trim());
}

const severityWord = (s: IncidentView['severity']) => (s === 'major' ? '重大' : '紧急');

function incidentWhat(i: IncidentView): string {
  return `${severityWord(i.severity)}事件「${safe(i.title)}」${i.raisedBy ? `（${safe(i.raisedBy)}号接线员上报）` : ''}`;
}

/** Who must act on an alert of this rule, and on which screen. */
function alertAction(rule: AlertRule | string, t: Thresholds): { act: string; screen: Screen } {
  switch (rule) {
    case 'incident_unacknowledged':
      return { act: `值班长超过 ${duration(t.incidentLeadAckSec)}未确认，已上报中心主任：请中心主任督办，值班长立即确认`, screen: 'director' };
    case 'incident_director_pending':
      return { act: `请中心主任立即确认（重大事件须在 ${duration(t.incidentDirectorAckSec)}内确认）`, screen: 'director' };
    case 'incident_report_overdue':
      return { act: `请值班长立即提交书面报告（性质、危害、措施、进展；限 ${duration(t.incidentReportDueMin * 60)}内）`, screen: 'lead' };
    case 'call_waiting':
    case 'no_agent_available':
      return { act: '请值班长立即调配坐席接听', screen: 'lead' };
    case 'missed_call_overdue':
      return { act: '请值班长安排坐席尽快回复来电', screen: 'lead' };
    case 'handover_gap':
      return { act: '请值班长安排坐席接班', screen: 'lead' };
    case 'absent':
      return { act: '请值班长安排顶岗', screen: 'lead' };
    case 'rona':
      return { act: '请值班长核实坐席状态', screen: 'lead' };
    default:
      return { act: '请值班长处置', screen: 'lead' };
  }
}

const linkOf = (ctx: MessageContext, screen: Screen) => (ctx.publicUrl ? `${ctx.publicUrl}/${screen}` : null);

/** The message for one episode, from the snapshot it was seen in. */
export function messageFor(e: Episode, ctx: MessageContext): NotifyMessage {
  const { config } = ctx;
  const t = config.thresholds;
  const when = (ms: number, suffix: string) => `${localTime(ms, config.timeZone)} ${suffix}`;
  const base = { trigger: e.trigger, id: e.id, at: e.since, center: config.centerName };
  if (e.trigger === 'incident.raised') {
    const i = e.incident;
    const major = i.severity === 'major';
    const act = major
      ? `值班长须在 ${duration(t.incidentLeadAckSec)}内确认；重大事件须中心主任在 ${duration(t.incidentDirectorAckSec)}内确认，${duration(t.incidentReportDueMin * 60)}内提交书面报告`
      : `值班长须在 ${duration(t.incidentLeadAckSec)}内确认`;
    return {
      ...base,
      title: `新${severityWord(i.severity)}事件：${safe(i.title)}`,
      severity: i.severity,
      fields: [
        { label: '事件', value: incidentWhat(i) },
        ...(i.location ? [{ label: '地点', value: safe(i.location) }] : []),
        { label: '时间', value: when(i.raisedAt, '上报') },
        { label: '处置', value: act },
      ],
      link: linkOf(ctx, 'lead'),
      linkText: SCREEN_TEXT.lead,
    };
  }
  if (e.trigger === 'feed.down') {
    const name = safe(e.feed.name);
    return {
      ...base,
      title: `话务数据中断：${name}`,
      severity: 'critical',
      fields: [
        { label: '事件', value: `话务接入「${name}」中断（交换机适配器断开或停止上报），大屏上的话务数据可能不完整` },
        { label: '时间', value: when(e.feed.since, '起') },
        { label: '处置', value: '请系统管理员检查交换机、适配器与网络；值班长留意来电与排队情况' },
      ],
      link: linkOf(ctx, 'lead'),
      linkText: SCREEN_TEXT.lead,
    };
  }
  const a = e.alert;
  const { act, screen } = alertAction(a.rule, t);
  const sentence = safe(alertText(a, 'zh-CN'));
  const title =
    e.trigger === 'incident_unacknowledged'
      ? `事件超时未确认：${safe(String(a.params['title'] ?? ''))}`
      : e.trigger === 'incident_director_pending'
        ? `重大事件待中心主任确认：${safe(String(a.params['title'] ?? ''))}`
        : e.trigger === 'incident_report_overdue'
          ? `重大事件书面报告超时：${safe(String(a.params['title'] ?? ''))}`
          : `严重告警：${sentence}`;
  return {
    ...base,
    title,
    severity: a.severity,
    fields: [
      { label: '事件', value: sentence },
      ...(e.incident?.location ? [{ label: '地点', value: safe(e.incident.location) }] : []),
      { label: '时间', value: when(a.since, '起') },
      { label: '处置', value: act },
    ],
    link: linkOf(ctx, screen),
    linkText: SCREEN_TEXT[screen],
  };
}

const KIND_NAMES: Record<NotifyChannel['kind'], string> = { wecom: '企业微信群机器人', dingtalk: '钉钉群机器人', feishu: '飞书群机器人', webhook: 'Webhook', email: '电子邮件' };

/** The message of `POST /api/v1/notify/channels/:name/test`: says it is a test, and who sent it. */
export function testMessage(channel: Pick<NotifyChannel, 'name' | 'kind'>, by: string, now: number, ctx: MessageContext): NotifyMessage {
  return {
    trigger: 'test',
    id: `test:${channel.name}:${now}`,
    title: `测试消息：通知渠道「${channel.name}」`,
    severity: 'info',
    at: now,
    center: ctx.config.centerName,
    fields: [
      { label: '事件', value: `这是一条测试消息：通知渠道「${channel.name}」（${KIND_NAMES[channel.kind]}）可以送达` },
      { label: '时间', value: `${localTime(now, ctx.config.timeZone)} 发送` },
      { label: '处置', value: `无需处置（系统管理员 ${safe(by)} 在系统管理页发起）` },
    ],
    link: linkOf(ctx, 'lead'),
    linkText: SCREEN_TEXT.lead,
  };
}
