/**
 * The simulator's world: who works in the center, what callers report, where in Heze things happen
 * and how the day's load is shaped. Plain data plus a few draws, so the engine stays about timing.
 */
import type { Category, IncidentSeverity, TicketKind } from '../../shared/events';
import { Random } from './prng';

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡';
const GIVEN = '伟芳娜敏静丽强磊洋艳勇军杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉晶宁琳倩颖雪梅蕾欣悦佳鑫浩宇凯';

/** Distinct Chinese names, stable for a seed, so the same 工号 always has the same person behind it. */
export function agentNames(count: number, seed: number): string[] {
  const rng = new Random(seed);
  const seen = new Set<string>();
  const out: string[] = [];
  while (out.length < count) {
    const surname = rng.pick([...SURNAMES]);
    const given = rng.pick([...GIVEN]) + (rng.chance(0.7) ? rng.pick([...GIVEN]) : '');
    const name = surname + given;
    if (given.length === 2 && given[0] === given[1]) continue;
    if (seen.has(name)) continue;
    seen.add(name);
    out.push(name);
  }
  return out;
}

// Mobile prefixes of the three carriers; landlines carry Heze's area code 0530.
const MOBILE_PREFIXES = ['130', '131', '132', '133', '135', '136', '137', '138', '139', '150', '151', '152', '155', '157', '158', '159', '166', '175', '176', '177', '180', '181', '182', '183', '185', '186', '187', '188', '189', '198', '199'];

function digits(rng: Random, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** A plausible caller number: mostly an 11-digit mobile, sometimes a 0530 landline. */
export function callerNumber(rng: Random): string {
  if (rng.chance(0.2)) return '0530' + String(rng.int(2, 8)) + digits(rng, 6);
  return rng.pick(MOBILE_PREFIXES) + digits(rng, 8);
}

const STREETS = ['中华路', '人民路', '长江路', '黄河路', '八一路', '和平路', '丹阳路', '牡丹路', '双河路', '广州路', '昆明路', '南京路', '青年路', '西安路', '重庆路', '桂陵路', '长城路', '华英路', '曹州路', '解放大街', '东方红大街', '大学路'];

/** A place in the city, the way an operator writes it down. */
export function heZeLocation(rng: Random): string {
  const a = rng.pick(STREETS);
  let b = rng.pick(STREETS);
  while (b === a) b = rng.pick(STREETS);
  const form = rng.int(0, 3);
  if (form === 0) return `${a}与${b}交叉口`;
  if (form === 1) return `${a}${rng.int(1, 60) * 3}号附近`;
  if (form === 2) return `牡丹区${a}${rng.pick(['东侧', '西侧', '南侧', '北侧'])}`;
  return `${a}与${b}交叉口${rng.pick(['东', '西', '南', '北'])}${rng.int(2, 20) * 10}米`;
}

/** One kind of urgent situation the hotline hears about (附件2 三.14, 十.2). */
export interface IncidentTemplate {
  title: string;
  /** who the hotline hands it to (a handover note names them) */
  handler: string;
  category: Category;
  /** probability that it is `major` rather than `urgent` */
  majorShare: number;
  harm: readonly string[];
  measures: readonly string[];
  progress: readonly string[];
  note: string;
}

export const INCIDENT_TEMPLATES: readonly IncidentTemplate[] = [
  {
    title: '室外燃气泄漏',
    handler: '燃气公司',
    category: 'gas_heating',
    majorShare: 0.6,
    harm: ['现场有明显燃气味，周边约200户居民及沿街商铺受影响，暂无人员伤亡', '泄漏点位于人员密集路段，存在爆燃风险，暂无人员伤亡'],
    measures: ['已通知燃气公司抢修队赶赴现场，关闭上游阀门，设置警戒区并疏散周边群众', '已联系燃气公司及辖区派出所，现场禁止明火，疏导交通'],
    progress: ['抢修人员已到场，泄漏点已控制，正在更换破损管段', '阀门已关闭，正在检测周边燃气浓度，预计2小时内恢复供气'],
    note: '泄漏点已修复，检测合格，恢复供气',
  },
  {
    title: '供水主管道爆裂',
    handler: '自来水公司',
    category: 'municipal',
    majorShare: 0.5,
    harm: ['路面大量积水，周边3个小区约1500户停水，交通受阻', '爆管处路面局部塌陷，附近商户进水，暂无人员伤亡'],
    measures: ['已通知自来水公司关阀抢修，交警到场疏导交通，设置围挡', '已协调供水部门调派抢修队和排水车，组织临时送水'],
    progress: ['抢修队已关阀止水，正在开挖更换管道，预计4小时内恢复供水', '积水已基本排除，管道修复中，已安排送水车到小区'],
    note: '管道修复完毕，恢复供水，路面已清理',
  },
  {
    title: '污水外溢',
    handler: '排水管理单位',
    category: 'municipal',
    majorShare: 0.2,
    harm: ['污水漫溢至人行道和机动车道，气味较大，影响行人通行', '污水外溢进入沿街商铺门前，影响周边居民出行'],
    measures: ['已通知排水管理单位派吸污车疏通，环卫部门同步清洗路面', '已安排排水养护队到场清掏管道，设置警示标志'],
    progress: ['管道已疏通，正在冲洗消杀路面', '吸污车作业中，外溢已停止'],
    note: '管道疏通完毕，路面已冲洗消杀',
  },
  {
    title: '消防栓漏水',
    handler: '供水部门',
    category: 'municipal',
    majorShare: 0.1,
    harm: ['消防栓持续喷水，路面积水结冰风险，影响交通', '消防栓损坏漏水，周边水压下降'],
    measures: ['已通知供水部门关闭消防栓阀门，设置警示', '已联系消防栓管护单位到场维修'],
    progress: ['阀门已关闭，待更换消防栓', '维修人员已到场处置'],
    note: '消防栓已更换，恢复正常',
  },
  {
    title: '大面积停气',
    handler: '燃气公司',
    category: 'gas_heating',
    majorShare: 0.7,
    harm: ['约3000户居民停气，正值用餐时段，群众反映集中', '片区燃气压力不足，多个小区无法正常用气'],
    measures: ['已责成燃气公司查明原因并公告停气范围和恢复时间', '已通知燃气公司排查调压站，启动应急保供方案'],
    progress: ['调压站故障已排除，正在逐户恢复供气', '燃气公司已发布公告，预计3小时内恢复'],
    note: '供气已全部恢复，已通知社区做好解释',
  },
  {
    title: '暖气管道爆裂',
    handler: '热力公司',
    category: 'gas_heating',
    majorShare: 0.4,
    harm: ['热水外涌形成积水和蒸汽，路段通行受阻，周边小区供暖中断', '爆管导致约800户供暖中断'],
    measures: ['已通知热力公司关阀抢修，设置警戒防止烫伤', '已协调热力公司抢修队和交警到场'],
    progress: ['抢修中，已关闭分支阀门，预计当日恢复供暖', '管段已更换，正在补水升温'],
    note: '管道修复，供暖恢复正常',
  },
  {
    title: '路面塌陷',
    handler: '市政养护单位',
    category: 'municipal',
    majorShare: 0.5,
    harm: ['路面出现约2平方米塌陷坑，车辆通行存在安全隐患', '人行道塌陷，已有行人险些跌落'],
    measures: ['已通知市政养护单位设置围挡并抢修，交警疏导交通', '已封闭塌陷区域，市政部门勘查地下管线'],
    progress: ['塌陷区已围挡，正在回填修复', '地下管线已排查，正在修复路面'],
    note: '路面修复完毕，恢复通行',
  },
];

// Ticket mix: 市容 and 环卫 dominate an urban-management hotline; 燃气热力 swells in the heating season.
const CATEGORY_WEIGHTS: Record<Exclude<Category, 'other'>, number> = {
  city_order: 26,
  sanitation: 24,
  municipal: 18,
  landscaping: 9,
  illegal_construction: 9,
  gas_heating: 7,
};

const KIND_WEIGHTS: Record<TicketKind, number> = {
  complaint: 52,
  consultation: 32,
  suggestion: 3,
  praise: 2,
  out_of_scope: 9,
  harassment: 2,
};

/** Shandong's heating season runs from 15 November to 15 March. */
function heatingSeason(month: number, day: number): boolean {
  return month === 12 || month <= 2 || (month === 11 && day >= 15) || (month === 3 && day <= 15);
}

/** The kind and category of an ordinary call's ticket on a given local date. */
export function drawTicket(rng: Random, month: number, day: number): { kind: TicketKind; category: Category } {
  const kind = rng.weighted(KIND_WEIGHTS);
  // out-of-scope and nuisance calls belong to no urban-management category
  if (kind === 'out_of_scope' || kind === 'harassment') return { kind, category: 'other' };
  if (rng.chance(0.05)) return { kind, category: 'other' };
  const weights = heatingSeason(month, day) ? { ...CATEGORY_WEIGHTS, gas_heating: 16 } : CATEGORY_WEIGHTS;
  return { kind, category: rng.weighted(weights) };
}

/** Calls per hour on an ordinary weekday, by local hour (sums to about 1,100 a day). */
const HOURLY: readonly number[] = [12, 8, 6, 5, 5, 7, 15, 35, 65, 95, 105, 85, 55, 60, 85, 95, 90, 70, 50, 40, 35, 28, 20, 15];
const HOURLY_SUM = HOURLY.reduce((s, x) => s + x, 0);

/** Relative load at a fractional local hour, 1 = the day's average; smooth between hour centres. */
export function loadAt(hour: number): number {
  const x = (((hour - 0.5) % 24) + 24) % 24;
  const i = Math.floor(x);
  const f = x - i;
  const a = HOURLY[i]!;
  const b = HOURLY[(i + 1) % 24]!;
  return ((a + (b - a) * f) * 24) / HOURLY_SUM;
}

/** The highest value loadAt can return, for thinning the arrival process. */
export const MAX_LOAD = (Math.max(...HOURLY) * 24) / HOURLY_SUM;

export const BREAK_REASONS = { break: 60, meal: 25, training: 15 } as const;
export type BreakReason = keyof typeof BREAK_REASONS;

/**
 * The center's three 值班长, by the usernames the demo gives their accounts (server/demo.ts), so a
 * person signed in as one of them finds their own name on the handovers and incidents of their shifts.
 */
export const SHIFT_LEADS = ['zhang', 'wang', 'zhao'] as const;
export const DIRECTOR = '李主任';

/** What a lead knows when writing the handover record (交接班记录) of a shift. */
export interface HandoverFacts {
  /** calls offered since the shift began, and per hour (null: the simulation did not see the shift) */
  offered: number | null;
  perHour: number | null;
  /** incidents raised in the shift, or still open */
  incidents: { title: string; handler: string; open: boolean }[];
  /** missed calls not yet returned */
  pendingCallbacks: number;
  /** rostered operators who did not come, and who covered for them */
  absent: { name: string; cover: string | null }[];
  /** rostered operators who signed in late, and by how many minutes */
  late: { name: string; minutes: number }[];
}

/** A short handover note in the words a lead would use, e.g. 本班次来电平稳，一起室外燃气泄漏已转交燃气公司处理，待回访2件。 */
export function handoverNotes(rng: Random, f: HandoverFacts): string {
  const parts: string[] = [];
  if (f.offered === null || f.perHour === null) parts.push(rng.pick(['本班次来电平稳', '本班次话务平稳，无明显排队']));
  else if (f.perHour < 15) parts.push(rng.pick(['夜间来电较少，运行平稳', '本班次来电量不大，各座席运行正常', '本班次话务量较少，无排队']));
  else if (f.perHour < 60) parts.push(rng.pick(['本班次来电平稳', '本班次话务平稳，无明显排队', `本班次共受理来电${f.offered}个，运行正常`]));
  else parts.push(rng.pick(['本班次来电量较大，高峰时段有短时排队', `本班次来电较多（${f.offered}个），排队已及时疏导`, '本班次话务繁忙，各座席满负荷运转']));
  for (const i of f.incidents.slice(0, 2)) {
    parts.push(
      i.open
        ? rng.pick([`一起${i.title}已转交${i.handler}处理`, `${i.title}一起仍在处置中，请接班后跟进`, `一起${i.title}正由${i.handler}抢修，需继续跟踪`])
        : rng.pick([`一起${i.title}已处置完毕`, `${i.title}一起已办结`]),
    );
  }
  for (const a of f.absent) parts.push(a.cover ? `${a.name}缺勤，由${a.cover}顶岗` : `${a.name}缺勤，本班少一人`);
  for (const l of f.late.slice(0, 2)) parts.push(`${l.name}迟到约${l.minutes}分钟`);
  if (f.pendingCallbacks > 0) parts.push(rng.pick([`待回访${f.pendingCallbacks}件`, `尚有${f.pendingCallbacks}个未接来电待回访`]));
  else if (rng.chance(0.6)) parts.push(rng.pick(['未接来电均已回访', '无待回访来电']));
  return parts.join('，') + '。';
}

/** The incoming lead's remark on signing the handover; often none. */
export const ACCEPT_NOTES: readonly (string | null)[] = [null, null, null, '已核对，同意接班。', '已清点未结事项，接班。', '交接清楚，已接班。', '未结事项已逐项核对。'];

/** Severity in the words of the written report. */
export function severityZh(severity: IncidentSeverity): string {
  return severity === 'major' ? '重大' : '紧急';
}

// ── after the call: the responsible units (责任单位) of Heze and how they work ──────────────────────

/** A responsible unit as the simulation sees it: relative speed, returns and dissatisfaction (1 = the center's usual). */
export interface UnitProfile {
  /** reply time relative to the usual; also raises the share of replies past the 5-day limit */
  slow: number;
  /** chance of sending a ticket back (退回), relative to the usual */
  returns: number;
  /** share of dissatisfied follow-ups, relative to the usual: where the director's chart points */
  dissatisfaction: number;
}

/**
 * The units the center dispatches to (转办). The district and zone bodies take everything in their
 * area and are slower; the 执法支队 has the hardest cases (违建) and the most dissatisfied citizens;
 * the gas company and 环卫 answer fast. Tuned so the center as a whole lands near 8 % dissatisfied.
 */
export const UNITS: Readonly<Record<string, UnitProfile>> = {
  市城管局: { slow: 1, returns: 0.8, dissatisfaction: 0.9 },
  牡丹区城管局: { slow: 1.1, returns: 1, dissatisfaction: 1.3 },
  开发区管委会: { slow: 1.5, returns: 1.6, dissatisfaction: 1.9 },
  高新区管委会: { slow: 1.2, returns: 1.3, dissatisfaction: 1.1 },
  市环卫处: { slow: 0.7, returns: 0.6, dissatisfaction: 0.6 },
  市园林绿化服务中心: { slow: 0.9, returns: 0.8, dissatisfaction: 0.7 },
  市政设施管理处: { slow: 0.9, returns: 0.9, dissatisfaction: 0.85 },
  市住建局: { slow: 1.3, returns: 1.2, dissatisfaction: 1.2 },
  市水务集团: { slow: 0.8, returns: 0.8, dissatisfaction: 0.8 },
  市自然资源和规划局执法支队: { slow: 1.7, returns: 1.4, dissatisfaction: 2.6 },
  华润燃气: { slow: 0.6, returns: 0.6, dissatisfaction: 0.6 },
  市热力公司: { slow: 0.8, returns: 0.7, dissatisfaction: 1.5 },
  西城街道办事处: { slow: 1.1, returns: 1.2, dissatisfaction: 1 },
  东城街道办事处: { slow: 1.1, returns: 1.2, dissatisfaction: 1 },
  南城街道办事处: { slow: 1.2, returns: 1.2, dissatisfaction: 1.1 },
  北城街道办事处: { slow: 1, returns: 1.2, dissatisfaction: 0.9 },
};

/** Which units a category's tickets go to, by weight (the district and zones take their areas' share). */
const UNITS_BY_CATEGORY: Readonly<Record<Category, Readonly<Record<string, number>>>> = {
  city_order: { 牡丹区城管局: 40, 市城管局: 25, 开发区管委会: 14, 高新区管委会: 8, 西城街道办事处: 4, 东城街道办事处: 3, 南城街道办事处: 3, 北城街道办事处: 3 },
  sanitation: { 市环卫处: 55, 牡丹区城管局: 20, 开发区管委会: 12, 高新区管委会: 8, 市城管局: 5 },
  municipal: { 市政设施管理处: 45, 市水务集团: 22, 市住建局: 18, 开发区管委会: 10, 高新区管委会: 5 },
  landscaping: { 市园林绿化服务中心: 65, 牡丹区城管局: 15, 开发区管委会: 12, 高新区管委会: 8 },
  illegal_construction: { 市自然资源和规划局执法支队: 45, 牡丹区城管局: 30, 开发区管委会: 15, 高新区管委会: 10 },
  gas_heating: { 华润燃气: 55, 市热力公司: 45 },
  other: { 西城街道办事处: 20, 东城街道办事处: 20, 南城街道办事处: 20, 北城街道办事处: 20, 开发区管委会: 10, 高新区管委会: 10 },
};

/**
 * The unit a ticket of `category` is dispatched to; not `except` (a re-dispatch after a return).
 * In the heating season most 燃气热力 tickets are about the heating.
 */
export function drawUnit(rng: Random, category: Category, month: number, day: number, except?: string): string {
  const base = category === 'gas_heating' && heatingSeason(month, day) ? { 华润燃气: 30, 市热力公司: 70 } : UNITS_BY_CATEGORY[category];
  const weights: Record<string, number> = { ...base };
  if (except !== undefined && Object.keys(weights).length > 1) delete weights[except];
  return rng.weighted(weights);
}

/** Why a unit sends a ticket back (退回). */
export const RETURN_REASONS = {
  notOurs: ['非本单位职责', '非本单位职责，建议转属地办理', '不属于本辖区管理范围'],
  address: ['地址信息有误', '地址信息有误，现场未找到反映位置', '登记地址与实际位置不符'],
  unclear: ['诉求内容不清，无法办理', '联系不上反映人，诉求无法核实'],
} as const;

/** What a lead or the director writes when supervising (督办) a special task. */
export const SUPERVISION_NOTES = {
  lead: ['不满意件，请重新核查办理，3个工作日内反馈', '群众对办理结果不满意，请重新办理并及时回复', '请责任单位再次现场核实处理，按时反馈'],
  director: ['专项督办：逾期未反馈，请立即办理并书面回复', '中心督办：请主要负责人过问，限期办结', '多次不满意，请责任单位与群众当面沟通解决'],
} as const;
