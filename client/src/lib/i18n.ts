/**
 * UI strings. zh-CN by default; English with `?lang=en` (remembered in localStorage `hotline.lang`,
 * so a wall's language is part of its device settings). Every visible word goes through here.
 */
import type { Category } from '../../../shared/events';
import type { AgentState, AlertRule } from '../../../shared/snapshot';

export type Lang = 'zh-CN' | 'en';
export const LANG_KEY = 'hotline.lang';

const zh = {
  centerName: '菏泽市12319城市管理服务热线',
  // connection
  live: '实时',
  connecting: '正在连接…',
  offline: '连接中断',
  stale: '数据延迟 {n} 秒',
  offlineBanner: '连接中断 — 显示的是 {time} 的数据',
  offlineNoData: '连接中断 — 尚无数据',
  reconnecting: '正在重连…',
  unauthorized: '此屏幕未授权：请用设备链接（/wall?token=…）打开，或先登录',
  signIn: '登录',
  signOut: '退出',
  closing: '服务器已断开此连接（{code}）',
  waitingFirstData: '正在等待数据…',
  // KPI
  kpiWaiting: '排队中',
  kpiLongestWait: '最长等待',
  kpiServiceLevel: '15秒接通率',
  kpiAnswerRate: '接通率',
  kpiAbandoned: '放弃',
  kpiMissed: '待回复未接来电',
  today: '今日',
  thisShift: '本班',
  target: '目标≥{v}',
  levelOk: '达标',
  levelWarn: '偏低',
  levelBad: '过低',
  levelNone: '暂无数据',
  waitOk: '正常',
  waitWarn: '超过15秒',
  waitBad: '超过60秒',
  idleAgents: '空闲坐席 {n}',
  noIdleAgents: '无空闲坐席',
  shortAbandonNote: '括号内为短放弃',
  overdueNone: '无超时',
  overdueN: '超时 {n}',
  overdueSome: '有超时',
  callbackDue: '时限30分钟',
  // seat map, queue, alerts
  seats: '坐席',
  page: '第 {p}/{n} 页',
  noAgents: '暂无坐席登录',
  waitingCalls: '排队来电',
  noWaitingCalls: '无排队来电',
  ringingAt: '振铃 {agent}',
  moreN: '另有 {n} 条',
  alerts: '告警',
  noAlerts: '无告警',
  acknowledgedBy: '{by} 已确认 {time}',
  unacknowledged: '未确认',
  severityCritical: '严重',
  severityWarning: '警告',
  // incidents
  incidentMajor: '重大',
  incidentUrgent: '紧急',
  ladderOperator: '接线员',
  ladderLead: '值班长',
  ladderDirector: '中心主任',
  ladderReport: '书面报告',
  overdue: '超时',
  incidents: '突发事件',
  noIncidents: '无未结突发事件',
  // charts
  chartIntervals: '今日来电（每30分钟）',
  offered: '呼入',
  answered: '接通',
  slLine: '15秒接通率',
  chartCategories: '今日工单分类',
  // login and other pages
  loginTitle: '登录',
  username: '用户名',
  password: '密码',
  loginButton: '登录',
  loginWrong: '用户名或密码错误',
  loginRateLimited: '尝试次数过多，请稍后再试',
  loginFailed: '登录失败，请稍后再试',
  leadTitle: '值班长',
  directorTitle: '中心主任',
  adminTitle: '系统管理',
  language: 'English',
  queue_general: '普通',
  queue_specialist: '专业席',
  weekday0: '星期日',
  weekday1: '星期一',
  weekday2: '星期二',
  weekday3: '星期三',
  weekday4: '星期四',
  weekday5: '星期五',
  weekday6: '星期六',
  // agent states: long words (legend, lists) and short ones (seat tiles)
  state_offline: '离线',
  state_logged_in: '已登录未签入',
  state_available: '空闲',
  state_ringing: '振铃',
  state_talking: '通话',
  state_wrapup: '话后整理',
  state_busy: '示忙',
  stateShort_offline: '离线',
  stateShort_logged_in: '未签入',
  stateShort_available: '空闲',
  stateShort_ringing: '振铃',
  stateShort_talking: '通话',
  stateShort_wrapup: '话后',
  stateShort_busy: '示忙',
  // ticket categories (第十二条)
  cat_city_order: '市容秩序',
  cat_sanitation: '环境卫生',
  cat_landscaping: '园林绿化',
  cat_municipal: '市政设施',
  cat_illegal_construction: '违法建设',
  cat_gas_heating: '燃气热力',
  cat_other: '其他',
  // alert rules (RULES.md)
  rule_call_waiting: '来电等待过长',
  rule_no_agent_available: '无空闲坐席',
  rule_missed_call_overdue: '未接来电超时未回复',
  rule_rona: '振铃未接',
  rule_not_signed_in: '登录未签入',
  rule_busy_too_long: '示忙过长',
  rule_restricted_window: '交接班时段签出/示忙',
  rule_handover_gap: '交接班空岗',
  rule_incident_unacknowledged: '突发事件值班长未确认',
  rule_incident_director_pending: '重大事件主任未确认',
  rule_incident_report_overdue: '书面报告超时',
  rule_service_level_low: '本班接通率偏低',
};

export type MessageKey = keyof typeof zh;

const en: Record<MessageKey, string> = {
  centerName: 'Heze 12319 Urban Management Hotline',
  live: 'Live',
  connecting: 'Connecting…',
  offline: 'Offline',
  stale: 'Data delayed {n} s',
  offlineBanner: 'Connection lost — showing data from {time}',
  offlineNoData: 'Connection lost — no data yet',
  reconnecting: 'Reconnecting…',
  unauthorized: 'This screen is not authorised: open it with its device link (/wall?token=…) or sign in',
  signIn: 'Sign in',
  signOut: 'Sign out',
  closing: 'The server closed this connection ({code})',
  waitingFirstData: 'Waiting for data…',
  kpiWaiting: 'Waiting',
  kpiLongestWait: 'Longest wait',
  kpiServiceLevel: '15 s service level',
  kpiAnswerRate: 'Answer rate',
  kpiAbandoned: 'Abandoned',
  kpiMissed: 'Missed calls',
  today: 'Today',
  thisShift: 'Shift',
  target: '≥ {v}',
  levelOk: 'On target',
  levelWarn: 'Low',
  levelBad: 'Too low',
  levelNone: 'No data',
  waitOk: 'Normal',
  waitWarn: 'Over 15 s',
  waitBad: 'Over 60 s',
  idleAgents: '{n} idle',
  noIdleAgents: 'Nobody idle',
  shortAbandonNote: '(n) = under 5 s',
  overdueNone: 'None overdue',
  overdueN: '{n} late',
  overdueSome: 'Overdue',
  callbackDue: '30 min limit',
  seats: 'Agents',
  page: 'Page {p}/{n}',
  noAgents: 'No agent logged in',
  waitingCalls: 'Calls waiting',
  noWaitingCalls: 'No calls waiting',
  ringingAt: 'ringing {agent}',
  moreN: '{n} more',
  alerts: 'Alerts',
  noAlerts: 'No alerts',
  acknowledgedBy: '{by} {time}',
  unacknowledged: 'Not acknowledged',
  severityCritical: 'Critical',
  severityWarning: 'Warning',
  incidentMajor: 'MAJOR',
  incidentUrgent: 'URGENT',
  ladderOperator: 'Operator',
  ladderLead: 'Lead',
  ladderDirector: 'Director',
  ladderReport: 'Report',
  overdue: 'overdue',
  incidents: 'Incidents',
  noIncidents: 'No open incidents',
  chartIntervals: 'Calls per 30 min',
  offered: 'Offered',
  answered: 'Answered',
  slLine: 'SL 15 s',
  chartCategories: 'Tickets by category',
  loginTitle: 'Sign in',
  username: 'User name',
  password: 'Password',
  loginButton: 'Sign in',
  loginWrong: 'Wrong user name or password',
  loginRateLimited: 'Too many attempts, try again later',
  loginFailed: 'Sign-in failed, try again later',
  leadTitle: 'Shift lead',
  directorTitle: 'Director',
  adminTitle: 'Administration',
  language: '中文',
  queue_general: 'General',
  queue_specialist: 'Specialist',
  weekday0: 'Sunday',
  weekday1: 'Monday',
  weekday2: 'Tuesday',
  weekday3: 'Wednesday',
  weekday4: 'Thursday',
  weekday5: 'Friday',
  weekday6: 'Saturday',
  state_offline: 'Offline',
  state_logged_in: 'Logged in, not signed in',
  state_available: 'Available',
  state_ringing: 'Ringing',
  state_talking: 'Talking',
  state_wrapup: 'Wrap-up',
  state_busy: 'Busy',
  stateShort_offline: 'Off',
  stateShort_logged_in: 'Login',
  stateShort_available: 'Idle',
  stateShort_ringing: 'Ring',
  stateShort_talking: 'Talk',
  stateShort_wrapup: 'Wrap',
  stateShort_busy: 'Busy',
  cat_city_order: 'City order',
  cat_sanitation: 'Sanitation',
  cat_landscaping: 'Landscaping',
  cat_municipal: 'Municipal',
  cat_illegal_construction: 'Illegal building',
  cat_gas_heating: 'Gas & heating',
  cat_other: 'Other',
  rule_call_waiting: 'Call waiting too long',
  rule_no_agent_available: 'No agent available',
  rule_missed_call_overdue: 'Missed call not returned',
  rule_rona: 'Ring, no answer',
  rule_not_signed_in: 'Logged in, not signed in',
  rule_busy_too_long: 'Busy too long',
  rule_restricted_window: 'Sign-out/busy at handover',
  rule_handover_gap: 'Seat empty at handover',
  rule_incident_unacknowledged: 'Incident not acknowledged',
  rule_incident_director_pending: 'Director has not acknowledged',
  rule_incident_report_overdue: 'Written report overdue',
  rule_service_level_low: 'Shift service level low',
};

const dictionaries: Record<Lang, Record<MessageKey, string>> = { 'zh-CN': zh, en };

function storedLang(): string | null {
  try {
    return localStorage.getItem(LANG_KEY);
  } catch {
    return null;
  }
}

/** `?lang=` wins (and is remembered), then the stored preference, then zh-CN. */
export function detectLang(search: string = globalThis.location?.search ?? ''): Lang {
  const q = new URLSearchParams(search).get('lang');
  const pick = (v: string | null): Lang | null => (v === 'en' ? 'en' : v === 'zh' || v === 'zh-CN' ? 'zh-CN' : null);
  const fromQuery = pick(q);
  if (fromQuery) {
    try {
      localStorage.setItem(LANG_KEY, fromQuery);
    } catch {
      /* storage disabled: this visit only */
    }
    return fromQuery;
  }
  return pick(storedLang()) ?? 'zh-CN';
}

export const lang: Lang = detectLang();
if (typeof document !== 'undefined') document.documentElement.lang = lang;

/** The message for `key`, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = dictionaries[lang][key] ?? zh[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/**
 * Ticket categories in display order. (shared/events.ts has the list too, but importing it would
 * pull zod into the browser bundle; the Record type keeps this one complete.)
 */
const CATEGORY_SET: Record<Category, true> = {
  city_order: true,
  sanitation: true,
  landscaping: true,
  municipal: true,
  illegal_construction: true,
  gas_heating: true,
  other: true,
};
export const CATEGORY_ORDER = Object.keys(CATEGORY_SET) as Category[];

export const stateWord = (s: AgentState): string => t(`state_${s}`);
export const stateShort = (s: AgentState): string => t(`stateShort_${s}`);
export const categoryName = (c: Category | string): string =>
  `cat_${c}` in zh ? t(`cat_${c}` as MessageKey) : c;
export const ruleName = (r: AlertRule | string): string => (`rule_${r}` in zh ? t(`rule_${r}` as MessageKey) : r);
export const queueName = (q: string): string => (`queue_${q}` in zh ? t(`queue_${q}` as MessageKey) : q);
export const weekdayName = (d: number): string => t(`weekday${d}` as MessageKey);

/** Switches language for this device and reloads. */
export function switchLang(to: Lang): void {
  try {
    localStorage.setItem(LANG_KEY, to);
  } catch {
    /* ignore */
  }
  const url = new URL(location.href);
  url.searchParams.delete('lang');
  location.replace(url.pathname + url.search + url.hash);
}
