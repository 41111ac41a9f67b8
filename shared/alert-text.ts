/**
 * Alerts carry data (rule, subject, figures); this is where the data becomes a sentence, in the
 * reader's language. Screens call `alertText` with their page's language; the server fills the
 * snapshot's `message` with the Chinese text for scripts and integrators that show it as is.
 */
import type { AlertParams, AlertRule } from './snapshot';

export type TextLang = 'zh-CN' | 'en';

type Template = (p: AlertParams) => string;

const s = (v: AlertParams[string] | undefined): string => (v === null || v === undefined ? '' : String(v));
const pct = (v: AlertParams[string] | undefined, digits: number): string => (typeof v === 'number' ? (v * 100).toFixed(digits) : '');

function zhQueue(q: AlertParams[string] | undefined): string {
  return q === 'general' ? '普通队列' : q === 'specialist' ? '专业席' : `队列 ${s(q)} `;
}
function enQueue(q: AlertParams[string] | undefined): string {
  return q === 'general' ? 'general queue' : q === 'specialist' ? 'specialist queue' : `queue ${s(q)}`;
}
const zhWho = (p: AlertParams) => (p.name ? `${s(p.agentId)}号 ${s(p.name)}` : `${s(p.agentId)}号`);
const enWho = (p: AlertParams) => (p.name ? `Agent ${s(p.agentId)} ${s(p.name)}` : `Agent ${s(p.agentId)}`);
const zhIncident = (p: AlertParams) => `${p.severity === 'major' ? '重大' : '紧急'}事件「${s(p.title)}」`;
const enIncident = (p: AlertParams) => `${p.severity === 'major' ? 'Major' : 'Urgent'} incident “${s(p.title)}”`;
/** "1 call" / "2 calls" */
const enCount = (n: AlertParams[string] | undefined, one: string, many: string) => `${s(n)} ${n === 1 ? one : many}`;

const TEXTS: Record<TextLang, Record<AlertRule, Template>> = {
  'zh-CN': {
    call_waiting: (p) => `${zhQueue(p.queue)}来电等待已超过 ${s(p.waitSec)} 秒`,
    no_agent_available: (p) => `${zhQueue(p.queue)}有来电排队，但没有空闲坐席`,
    missed_call_overdue: (p) => `未接来电超过 ${s(p.dueMin)} 分钟未回复`,
    rona: (p) => `${zhWho(p)} 振铃未接 ${s(p.count)} 次（${s(p.windowMin)} 分钟内）`,
    not_signed_in: (p) => `${zhWho(p)} 已登录未签入超过 ${s(p.minutes)} 分钟`,
    busy_too_long: (p) => `${zhWho(p)} 示忙超过 ${s(p.minutes)} 分钟`,
    restricted_window: (p) => `${zhWho(p)} 在交接班前后 ${s(p.windowMin)} 分钟内${p.action === 'busy' ? '示忙' : '签出'}，需值班长批准`,
    handover_gap: (p) => `坐席 ${s(p.seat)} 交接班空档超过 ${s(p.gapSec)} 秒`,
    incident_unacknowledged: (p) => `${zhIncident(p)} ${s(p.ackSec)} 秒内值班长未确认，已上报中心主任`,
    incident_director_pending: (p) => `${zhIncident(p)} 中心主任尚未确认`,
    incident_report_overdue: (p) => `${zhIncident(p)} 书面报告已超过 ${s(p.dueMin)} 分钟未提交`,
    service_level_low: (p) => `本班15秒接通率 ${pct(p.serviceLevel, 1)}%，低于目标 ${pct(p.target, 0)}%`,
    late_signin: (p) => `${zhWho(p)} ${s(p.shift)}（${s(p.at)}）尚未签入`,
    absent: (p) => `${zhWho(p)} ${s(p.shift)}开始 ${s(p.minutes)} 分钟仍未签入（缺勤）`,
    left_early: (p) => `${zhWho(p)} ${s(p.shift)}未结束即${p.action === 'logout' ? '退出' : '签出'}（早退）`,
    handover_not_submitted: (p) => `${s(p.at)} ${s(p.shift)}交接班记录尚未提交`,
    handover_unaccepted: (p) => `${s(p.at)} ${s(p.shift)}交接班记录已提交 ${s(p.minutes)} 分钟，尚未签收`,
    understaffed: (p) => `当前时段（${s(p.at)}）在岗 ${s(p.signedIn)} 人，少于需求 ${s(p.required)} 人`,
    ticket_returned_twice: (p) => `工单 ${s(p.ticketId)} 连续两次被退回（登记人 ${p.agentId ? zhWho(p) : '不详'}）`,
    dispatch_overdue: (p) => `工单 ${s(p.ticketId)} 转办${s(p.unit)}超过 ${s(p.days)} 天未回复`,
    special_task_stalled: (p) => `不满意专项 ${s(p.ticketId)} 已 ${s(p.days)} 天无进展，需督办`,
  },
  en: {
    call_waiting: (p) => `A call in the ${enQueue(p.queue)} has waited over ${s(p.waitSec)} s`,
    no_agent_available: (p) => `Calls are waiting in the ${enQueue(p.queue)}, but no agent is available`,
    missed_call_overdue: (p) => `Missed call not returned within ${s(p.dueMin)} min`,
    rona: (p) => `${enWho(p)} left ${enCount(p.count, 'call', 'calls')} ringing unanswered in ${s(p.windowMin)} min`,
    not_signed_in: (p) => `${enWho(p)} has been logged in but not signed in for over ${s(p.minutes)} min`,
    busy_too_long: (p) => `${enWho(p)} has been busy for over ${s(p.minutes)} min`,
    restricted_window: (p) =>
      `${enWho(p)} ${p.action === 'busy' ? 'went busy' : 'signed out'} within ${s(p.windowMin)} min of a shift change: needs the shift lead’s approval`,
    handover_gap: (p) => `Seat ${s(p.seat)} has been empty at handover for over ${s(p.gapSec)} s`,
    incident_unacknowledged: (p) => `${enIncident(p)} not acknowledged by the shift lead within ${s(p.ackSec)} s: escalated to the director`,
    incident_director_pending: (p) => `${enIncident(p)} not yet acknowledged by the director`,
    incident_report_overdue: (p) => `${enIncident(p)}: written report not filed within ${s(p.dueMin)} min`,
    service_level_low: (p) => `Shift service level ${pct(p.serviceLevel, 1)}%, below the ${pct(p.target, 0)}% target`,
    late_signin: (p) => `${enWho(p)} has not signed in for the ${s(p.shift)} shift (${s(p.at)})`,
    absent: (p) => `${enWho(p)} absent: not signed in ${s(p.minutes)} min into the ${s(p.shift)} shift`,
    left_early: (p) => `${enWho(p)} ${p.action === 'logout' ? 'logged out' : 'signed out'} before the ${s(p.shift)} shift ended`,
    handover_not_submitted: (p) => `Handover record for the ${s(p.at)} ${s(p.shift)} shift change not submitted`,
    handover_unaccepted: (p) => `Handover record for the ${s(p.at)} ${s(p.shift)} shift change not accepted ${s(p.minutes)} min after submission`,
    understaffed: (p) => `Understaffed now (${s(p.at)}): ${s(p.signedIn)} signed in, ${s(p.required)} required`,
    ticket_returned_twice: (p) => `Ticket ${s(p.ticketId)} returned twice in a row (registered by ${p.agentId ? enWho(p) : 'unknown'})`,
    dispatch_overdue: (p) => `Ticket ${s(p.ticketId)} sent to ${s(p.unit)}: no reply in ${s(p.days)} days`,
    special_task_stalled: (p) => `Dissatisfied case ${s(p.ticketId)}: no progress for ${s(p.days)} days, needs supervision`,
  },
};

/** The alert as a sentence in `lang`; a rule this build does not know falls back to its id. */
export function alertText(alert: { rule: string; params: AlertParams }, lang: TextLang): string {
  const template = Object.prototype.hasOwnProperty.call(TEXTS[lang], alert.rule) ? TEXTS[lang][alert.rule as AlertRule] : undefined;
  return template ? template(alert.params) : alert.rule;
}
