/**
 * History, assessment and reports (REPORTS.md, 第三十九条/第四十一条/第四十二条): the days of a range,
 * the agents' figures over it and one agent's days, as JSON or as CSV (UTF-8 with BOM, Chinese
 * headers: opens in Excel). Aggregates and work numbers only, never caller data.
 *
 * `GET /api/v1/export/day.csv?date=` is the older one-day export, kept as an alias in its own layout
 * (intervals, the day, categories) for the spreadsheets built on it; it now reaches any archived day.
 */
import { Router, type Response } from 'express';
import type { CenterConfig } from '../../../shared/config';
import { CATEGORIES } from '../../../shared/events';
import { VIOLATION_RULES, type AgentRow, type DayRow } from '../../../shared/reports';
import { localParts } from '../../../shared/time';
import type { TokenService } from '../../auth';
import type { Clock } from '../../ports';
import { parseRange, type DayRange, type ReportsService } from '../../reports-service';
import { num, pct, responseFormat, sendCsv } from './csv';
import { sendError } from './errors';
import { requireRole } from './guard';

const pad = (n: number) => String(n).padStart(2, '0');

/** Chinese column names of the categories (第十二条), as the screens show them. */
const CATEGORY_ZH: Record<(typeof CATEGORIES)[number], string> = {
  city_order: '市容秩序',
  sanitation: '环境卫生',
  landscaping: '园林绿化',
  municipal: '市政设施',
  illegal_construction: '违法建设',
  gas_heating: '燃气热力',
  other: '其他',
};
const RULE_ZH: Record<(typeof VIOLATION_RULES)[number], string> = {
  rona: '振铃未接',
  not_signed_in: '登录未签入',
  busy_too_long: '示忙过长',
  restricted_window: '交接班时段签出/示忙',
};

const DAY_HEADERS = [
  '日期', '进行中', '呼入量', '接通量', '放弃量', '短时放弃', '15秒内接通', '15秒接通率(%)', '接通率(%)', '及时接通率(%)',
  '平均应答(秒)', '最长等待(秒)', '平均通话(秒)', '平均处理(秒)', '未接来电', '已回拨', '超时回拨', '突发事件', '重大事件', '值班长超时确认',
  ...CATEGORIES.map((c) => `工单-${CATEGORY_ZH[c]}`),
  '回访', '回访接通', '满意', '基本满意', '不满意', '满意率(%)',
];

function dayCells(d: DayRow): unknown[] {
  return [
    d.date, d.partial ? '是' : '', d.offered, d.answered, d.abandoned, d.shortAbandoned, d.answeredInSL, pct(d.serviceLevel), pct(d.answerRate), pct(d.timelyRate),
    num(d.asaSec), num(d.maxWaitSec), num(d.avgTalkSec), num(d.avgHandleSec), d.callbacks.missed, d.callbacks.returned, d.callbacks.returnedLate,
    d.incidents.raised, d.incidents.major, d.incidents.lateAcknowledgements, ...CATEGORIES.map((c) => d.categories[c]),
    d.followup.followups, d.followup.reached, d.followup.satisfied, d.followup.basicallySatisfied, d.followup.dissatisfied, pct(d.followup.satisfactionRate),
  ];
}

const AGENT_HEADERS = [
  '工号', '姓名', '接听', '振铃未接', '通话时长(秒)', '话后时长(秒)', '平均通话(秒)', '平均处理(秒)', '签入时长(秒)', '空闲时长(秒)', '示忙时长(秒)',
  '示忙原因(秒)', '占用率(%)', '回拨', ...VIOLATION_RULES.map((r) => `违规-${RULE_ZH[r]}`),
];

function agentCells(a: AgentRow): unknown[] {
  const reasons = Object.entries(a.busyByReason)
    .map(([r, s]) => `${r || '未注明'}:${Math.round(s)}`)
    .join('; ');
  return [
    a.agentId, a.name ?? '', a.answered, a.ronas, num(a.talkSec), num(a.wrapupSec), num(a.avgTalkSec), num(a.avgHandleSec), num(a.signedInSec),
    num(a.availableSec), num(a.busySec), reasons, pct(a.occupancy), a.callbacks, ...VIOLATION_RULES.map((r) => a.violations[r]),
  ];
}

export function reportsRouter(d: { reports: ReportsService; tokens: TokenService; clock: Clock; config: CenterConfig }): Router {
  const r = Router();
  const guard = requireRole(d.tokens, 'lead', 'director', 'admin');

  /** The range of the query, or null after answering 400. */
  const range = (from: unknown, to: unknown, res: Response): DayRange | null => {
    const x = parseRange(from, to, d.config.timeZone, d.clock.now());
    if ('code' in x) {
      sendError(res, 400, x.code, x.message);
      return null;
    }
    return x;
  };

  r.get('/api/v1/reports/days', guard, async (req, res) => {
    const f = responseFormat(req, res);
    const x = f && range(req.query.from, req.query.to, res);
    if (!x) return;
    const report = await d.reports.days(x);
    if (f === 'json') return void res.set('Cache-Control', 'no-store').json(report);
    sendCsv(res, `hotline-days-${x.from}-${x.to}.csv`, [DAY_HEADERS, ...report.days.map(dayCells)]);
  });

  r.get('/api/v1/reports/agents', guard, async (req, res) => {
    const f = responseFormat(req, res);
    const x = f && range(req.query.from, req.query.to, res);
    if (!x) return;
    const report = await d.reports.agents(x);
    if (f === 'json') return void res.set('Cache-Control', 'no-store').json(report);
    sendCsv(res, `hotline-agents-${x.from}-${x.to}.csv`, [AGENT_HEADERS, ...report.agents.map(agentCells)]);
  });

  r.get('/api/v1/reports/agents/:agentId', guard, async (req, res) => {
    const f = responseFormat(req, res);
    const x = f && range(req.query.from, req.query.to, res);
    if (!x) return;
    const agentId = String(req.params.agentId);
    if (agentId.length > 64) return sendError(res, 400, 'invalid_agent', 'agentId is at most 64 characters');
    const report = await d.reports.agent(agentId, x);
    if (f === 'json') return void res.set('Cache-Control', 'no-store').json(report);
    // the work number is not put in the file name: it comes from outside
    sendCsv(res, `hotline-agent-${x.from}-${x.to}.csv`, [['日期', ...AGENT_HEADERS], ...report.days.map((row) => [row.date, ...agentCells(row)])]);
  });

  // the older one-day export (an alias of the days report for one date, in its first layout)
  r.get('/api/v1/export/day.csv', requireRole(d.tokens, 'lead', 'director'), async (req, res) => {
    const date = String(req.query.date ?? '');
    const x = range(date, date, res);
    if (!x) return;
    if (x.days.length === 0) return sendError(res, 404, 'not_begun', 'that day has not begun');
    const tz = d.config.timeZone;
    const day = (await d.reports.days(x)).days[0]!;
    const rows: unknown[][] = [['section', 'start', 'offered', 'answered', 'abandoned', 'shortAbandoned', 'answeredInSL', 'serviceLevelPct']];
    for (const b of day.intervals) {
      const p = localParts(b.start, tz);
      const divisor = b.answered + b.abandoned - b.shortAbandoned;
      rows.push(['interval', `${pad(p.hour)}:${pad(p.minute)}`, b.offered, b.answered, b.abandoned, b.shortAbandoned, b.answeredInSL, pct(divisor > 0 ? b.answeredInSL / divisor : null)]);
    }
    rows.push(['day', date, day.offered, day.answered, day.abandoned, day.shortAbandoned, day.answeredInSL, pct(day.serviceLevel)]);
    rows.push([], ['figure', 'value'], ['answerRatePct', pct(day.answerRate)], ['timelyRatePct', pct(day.timelyRate)], ['asaSec', num(day.asaSec)], ['maxWaitSec', num(day.maxWaitSec)], ['avgTalkSec', num(day.avgTalkSec)], ['avgHandleSec', num(day.avgHandleSec)]);
    rows.push([], ['category', 'tickets'], ...CATEGORIES.map((c) => [c, day.categories[c]]));
    sendCsv(res, `hotline-${date}.csv`, rows);
  });
  return r;
}
