/**
 * Issue 13, "done when": a hand-computed scenario matches every figure of the snapshot's `followup`,
 * of each DayRow's `followup` in /reports/days and of the CSV's follow-up columns; supervision (督办)
 * through POST /api/v1/tickets/:id/supervise. Written from the specification (docs/followup.md,
 * docs/rules.md, docs/events.md, docs/api.md, the contract FOLLOWUP.md, shared/snapshot.ts and
 * shared/reports.ts), NOT from the code: every expected value below is a literal worked out by hand,
 * the arithmetic in the comments.
 *
 * Defaults: TZ Asia/Shanghai (UTC+8), replyDueDays 5, supervisionDueDays 3, retentionDays 7 (the live
 * state keeps retentionDays + 1 = 8 days whole; older days of the month come from the archive).
 *
 * The node runs on the memory adapters driven by a fake clock, as in reports-scenario.test.ts: each
 * day's events are posted (HTTP ingest) with the clock set on that day, so they are stamped then;
 * the same store objects are handed to a second and third start of the app (a restart).
 *
 * ───────────────────────────── The scenario ─────────────────────────────
 * Month: June 2025. Early days E1 2025-06-02, E2 2025-06-03 (two weeks before: archived by "now");
 * D1 2025-06-16, D2 2025-06-17, D3 2025-06-18 = today, NOW = D3 15:00:00.
 * Units: UA 牡丹区城管局, UB 市住建局, UC 市园林中心. Agents 1001 张三, 1002 李四 (registering).
 * Categories: city_order, municipal, landscaping.
 *
 * E1 06-02  t01 city_order (1001): created 09:10, → UA 09:30, UA replied 14:00, follow-up 16:00 SATISFIED, closed 16:30
 *           t02 municipal (1001):  created 09:20, → UB 09:40, UB replied 15:00, follow-up 17:00 DISSATISFIED
 *                                  → special task (unit UB)
 * E2 06-03  t02: → UB 10:00 (sent again; never replied: overdue from 06-08 10:00)
 *           t03 landscaping (1001): created 08:00, → UC 08:10, UC replied 09:00, follow-up 10:00 UNREACHABLE,
 *                                  15:00 DISSATISFIED → special task (unit UC)
 * D1 06-16  t03: → UC 09:00, UC replied 13:00, follow-up 14:00 SATISFIED (ends the task), closed 14:30
 *           t04 city_order (1002): created 09:00, → UA 09:10, RETURNED by UA 11:00, → UC 11:30, RETURNED by UC 15:00
 *                                  (second in a row → ticket_returned_twice naming 1002 李四), → UB 16:00 (open)
 *           t05 municipal (1001):  created 09:20, → UB 09:30, RETURNED 10:00, → UB 10:30, UB replied 14:00
 *           t06 landscaping (1002): created 10:00, → UC 10:10, UC replied 16:00, follow-up 17:00 SATISFIED, closed 17:10
 *           t07 city_order (1001): created 10:30, → UA 10:40, UA replied 15:30, follow-up 16:30 UNREACHABLE
 * D2 06-17  t05: → UB 09:00, RETURNED 10:00 (one return since the reply of D1 14:00: no alert), → UB 10:30,
 *                UB replied 15:00, follow-up 16:00 DISSATISFIED → special task (unit UB)
 *           t07: follow-up 09:30 DISSATISFIED → special task (unit UA); closed 11:00 (ends the task)
 *           t08 landscaping (1002): created 08:40, → UC 08:50, UC replied 13:00, follow-up 14:00 BASICALLY, closed 14:10
 *           t09 city_order (1001): created 09:10, → UA 09:20, UA replied 11:00, follow-up 15:00 DISSATISFIED
 *                                  → special task (unit UA)
 * D3 06-18  t10 municipal (1002): created 08:30, → UC 08:40 (open)
 *           t05: → UA 09:00, UA replied 12:00, follow-up 13:00 UNREACHABLE (the task goes on)
 *           t09: follow-up 10:00 BASICALLY (ends the task), closed 10:05
 *           14:00 the lead supervises t02 (POST …/t02/supervise), 14:30 the director supervises t05
 */
import { request, type RequestOptions } from '../helpers/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppPorts, type RunningApp } from '../../server/app';
import { createLogger } from '../../server/logger';
import { compareStreamIds } from '../../server/core/stream-id';
import { MemoryEventLog } from '../../server/adapters/memory/memory-event-log';
import { MemorySnapshotStore } from '../../server/adapters/memory/memory-snapshot-store';
import { MemoryAccounts } from '../../server/adapters/memory/memory-accounts';
import { MemoryAuditLog } from '../../server/adapters/memory/memory-audit-log';
import { MemoryFeedStore } from '../../server/adapters/memory/memory-feed-store';
import { MemoryArchiveStore } from '../../server/adapters/memory/memory-archive-store';
import { defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import type { DayRow } from '../../shared/reports';
import type { AlertView, FollowupFigures, FollowupView, Snapshot } from '../../shared/snapshot';
import { sh } from '../helpers/events';

const INGEST = 'ingest-token-followup-scenario';
const ADMIN_PASSWORD = 'admin-password-followup-scenario';
const PASSWORD = 'user-password-followup-scenario';

// ───────────── times ─────────────
const hm = (s: string): [number, number] => s.split(':').map(Number) as [number, number];
const e1 = (t: string) => sh(2025, 6, 2, ...hm(t));
const e2 = (t: string) => sh(2025, 6, 3, ...hm(t));
const d1 = (t: string) => sh(2025, 6, 16, ...hm(t));
const d2 = (t: string) => sh(2025, 6, 17, ...hm(t));
const d3 = (t: string) => sh(2025, 6, 18, ...hm(t));
const NOW = d3('15:00');
const LATER = sh(2025, 6, 28, 12, 0); // ten days on, still June
const DAY = 86_400_000;

const UA = '牡丹区城管局';
const UB = '市住建局';
const UC = '市园林中心';

let seq = 0;
function e(type: HotlineEvent['type'], ts: number, fields: Record<string, unknown> = {}): HotlineEvent {
  return { v: 1, id: `fs-${++seq}`, type, ts, ...fields } as HotlineEvent;
}
const created = (id: string, ts: number, category: string, agentId: string) => e('ticket.created', ts, { ticketId: id, category, kind: 'complaint', agentId });
const dispatched = (id: string, ts: number, unit: string) => e('ticket.dispatched', ts, { ticketId: id, unit });
const returned = (id: string, ts: number, unit: string, reason: string) => e('ticket.returned', ts, { ticketId: id, unit, reason });
const replied = (id: string, ts: number, unit: string) => e('ticket.replied', ts, { ticketId: id, unit });
const followup = (id: string, ts: number, result: string) => e('ticket.followup', ts, { ticketId: id, result, agentId: '1001' });
const closed = (id: string, ts: number) => e('ticket.closed', ts, { ticketId: id });

// ───────────── the events ─────────────
const E1_EVENTS = (): HotlineEvent[] => [
  e('agent.login', e1('08:50'), { agentId: '1001', name: '张三' }),
  created('t01', e1('09:10'), 'city_order', '1001'),
  dispatched('t01', e1('09:30'), UA),
  replied('t01', e1('14:00'), UA),
  followup('t01', e1('16:00'), 'satisfied'),
  closed('t01', e1('16:30')),
  created('t02', e1('09:20'), 'municipal', '1001'),
  dispatched('t02', e1('09:40'), UB),
  replied('t02', e1('15:00'), UB),
  followup('t02', e1('17:00'), 'dissatisfied'),
];
const E2_EVENTS = (): HotlineEvent[] => [
  dispatched('t02', e2('10:00'), UB),
  created('t03', e2('08:00'), 'landscaping', '1001'),
  dispatched('t03', e2('08:10'), UC),
  replied('t03', e2('09:00'), UC),
  followup('t03', e2('10:00'), 'unreachable'),
  followup('t03', e2('15:00'), 'dissatisfied'),
];
const D1_EVENTS = (): HotlineEvent[] => [
  e('agent.login', d1('08:30'), { agentId: '1001', name: '张三' }),
  e('agent.login', d1('08:31'), { agentId: '1002', name: '李四' }),
  dispatched('t03', d1('09:00'), UC),
  replied('t03', d1('13:00'), UC),
  followup('t03', d1('14:00'), 'satisfied'),
  closed('t03', d1('14:30')),
  created('t04', d1('09:00'), 'city_order', '1002'),
  dispatched('t04', d1('09:10'), UA),
  returned('t04', d1('11:00'), UA, '非本单位职责'),
  dispatched('t04', d1('11:30'), UC),
  returned('t04', d1('15:00'), UC, '地址有误'),
  dispatched('t04', d1('16:00'), UB),
  created('t05', d1('09:20'), 'municipal', '1001'),
  dispatched('t05', d1('09:30'), UB),
  returned('t05', d1('10:00'), UB, '信息不全'),
  dispatched('t05', d1('10:30'), UB),
  replied('t05', d1('14:00'), UB),
  created('t06', d1('10:00'), 'landscaping', '1002'),
  dispatched('t06', d1('10:10'), UC),
  replied('t06', d1('16:00'), UC),
  followup('t06', d1('17:00'), 'satisfied'),
  closed('t06', d1('17:10')),
  created('t07', d1('10:30'), 'city_order', '1001'),
  dispatched('t07', d1('10:40'), UA),
  replied('t07', d1('15:30'), UA),
  followup('t07', d1('16:30'), 'unreachable'),
];
const D2_EVENTS = (): HotlineEvent[] => [
  dispatched('t05', d2('09:00'), UB),
  returned('t05', d2('10:00'), UB, '信息不全'),
  dispatched('t05', d2('10:30'), UB),
  replied('t05', d2('15:00'), UB),
  followup('t05', d2('16:00'), 'dissatisfied'),
  followup('t07', d2('09:30'), 'dissatisfied'),
  closed('t07', d2('11:00')),
  created('t08', d2('08:40'), 'landscaping', '1002'),
  dispatched('t08', d2('08:50'), UC),
  replied('t08', d2('13:00'), UC),
  followup('t08', d2('14:00'), 'basically_satisfied'),
  closed('t08', d2('14:10')),
  created('t09', d2('09:10'), 'city_order', '1001'),
  dispatched('t09', d2('09:20'), UA),
  replied('t09', d2('11:00'), UA),
  followup('t09', d2('15:00'), 'dissatisfied'),
];
const D3_EVENTS = (): HotlineEvent[] => [
  created('t10', d3('08:30'), 'municipal', '1002'),
  dispatched('t10', d3('08:40'), UC),
  dispatched('t05', d3('09:00'), UA),
  replied('t05', d3('12:00'), UA),
  followup('t05', d3('13:00'), 'unreachable'),
  followup('t09', d3('10:00'), 'basically_satisfied'),
  closed('t09', d3('10:05')),
];

// ───────────── the node ─────────────
const clock = { t: e1('08:00'), now: () => clock.t };
const ports: AppPorts = {
  log: new MemoryEventLog(clock),
  snapshots: new MemorySnapshotStore(),
  accounts: new MemoryAccounts(clock),
  audit: new MemoryAuditLog(clock),
  feeds: new MemoryFeedStore(clock),
  archive: new MemoryArchiveStore(),
  clock,
  logger: createLogger('silent'),
};
let app: RunningApp;
let url: string;
let wall: string;

async function start(): Promise<void> {
  app = await startApp(ports, {
    config: defaultConfig(),
    port: 0,
    host: '127.0.0.1',
    ingestToken: INGEST,
    adminPassword: ADMIN_PASSWORD,
    clientDir: null,
    snapshotEveryMs: 3_600_000,
  });
  url = app.url;
}
/** Stops the app and starts it again on the same stores (log, snapshot, archive, accounts, audit). */
async function restart(): Promise<void> {
  await app.stop();
  await start();
}

/** A request to the node under test (tests/helpers/app.ts `request`). */
const http = (path: string, o: RequestOptions = {}) => request(url, path, o);

/** A fresh token (tokens last 12 h by the fake clock, which walks weeks here). */
async function login(username: string, password = PASSWORD): Promise<string> {
  const r = await http('/api/v1/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

async function caughtUp(cursor: string): Promise<void> {
  const until = Date.now() + 5_000;
  while (compareStreamIds(app.replica.cursor, cursor) < 0) {
    if (Date.now() > until) throw new Error(`the reader did not apply ${cursor}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** Sets the clock, posts the events (in the order of their times) and waits until the node applied them. */
async function ingestAt(clockAt: number, events: HotlineEvent[]): Promise<void> {
  clock.t = clockAt;
  const sorted = [...events].sort((a, b) => a.ts - b.ts);
  const r = await http('/api/v1/events', { token: INGEST, body: sorted });
  if (r.status !== 202) throw new Error(`ingest: ${r.status} ${JSON.stringify(r.body)}`);
  await caughtUp(r.body.cursor as string);
}

async function snapshot(): Promise<Snapshot> {
  const r = await http('/api/v1/snapshot', { token: wall });
  if (r.status !== 200) throw new Error(`snapshot: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as Snapshot;
}
const TICKET_RULES = new Set(['ticket_returned_twice', 'dispatch_overdue', 'special_task_stalled']);
const ticketAlerts = (s: Snapshot) =>
  s.alerts
    .filter((a) => TICKET_RULES.has(a.rule))
    .map((a: AlertView) => ({ rule: a.rule, severity: a.severity, subject: a.subject, since: a.since, params: a.params, acknowledgedBy: a.acknowledgedBy }))
    .sort((a, b) => (a.rule + a.subject < b.rule + b.subject ? -1 : 1));

// ═════════════════════════ expected figures, by hand ═════════════════════════
const fig = (followups: number, reached: number, satisfied: number, basicallySatisfied: number, dissatisfied: number, satisfactionRate: number | null): FollowupFigures => ({
  followups,
  reached,
  satisfied,
  basicallySatisfied,
  dissatisfied,
  satisfactionRate,
});
/*
 * Per day of the follow-up call (reached = all but unreachable; rate = (satisfied + basically) / reached):
 *   E1 06-02: t01 satisfied, t02 dissatisfied                    → 2 calls, 2 reached, 1/0/1, rate (1+0)/2 = 0.5
 *   E2 06-03: t03 unreachable, t03 dissatisfied                  → 2 calls, 1 reached, 0/0/1, rate 0/1 = 0
 *   D1 06-16: t03 satisfied, t07 unreachable, t06 satisfied      → 3 calls, 2 reached, 2/0/0, rate 2/2 = 1
 *   D2 06-17: t07 dissatisfied, t08 basically, t09 dissatisfied, t05 dissatisfied
 *                                                                → 4 calls, 4 reached, 0/1/3, rate 1/4 = 0.25
 *   D3 06-18: t09 basically, t05 unreachable                     → 2 calls, 1 reached, 0/1/0, rate 1/1 = 1
 *   every other day of June: nothing, rate null
 */
const F_E1 = fig(2, 2, 1, 0, 1, 0.5);
const F_E2 = fig(2, 1, 0, 0, 1, 0);
const F_D1 = fig(3, 2, 2, 0, 0, 1);
const F_D2 = fig(4, 4, 0, 1, 3, 0.25);
const F_D3 = fig(2, 1, 0, 1, 0, 1);
const F_ZERO = fig(0, 0, 0, 0, 0, null);
/*
 * This month (E1 + E2 + D1 + D2 + D3):
 *   followups 2+2+3+4+2 = 13; reached 2+1+2+4+1 = 10; satisfied 1+0+2+0+0 = 3; basically 0+0+0+1+1 = 2;
 *   dissatisfied 1+1+0+3+0 = 5 (check: 3 + 2 + 5 = 10 reached; 13 − 10 = 3 unreachable: t03 E2, t07 D1, t05 D3)
 *   rate (3 + 2) / 10 = 0.5
 */
const F_MONTH = fig(13, 10, 3, 2, 5, 0.5);
/*
 * Dissatisfied this month, by the ticket's category and by the unit it was last dispatched to or
 * replied from when the call was made:
 *   t02 E1 municipal, UB (replied E1 15:00)     t03 E2 landscaping, UC (replied E2 09:00)
 *   t07 D2 city_order, UA (replied D1 15:30)    t09 D2 city_order, UA (replied D2 11:00)
 *   t05 D2 municipal, UB (replied D2 15:00)
 *   → category { municipal 2, landscaping 1, city_order 2 }, unit { 市住建局 2, 市园林中心 1, 牡丹区城管局 2 }
 */
const DISSATISFIED_BY = { category: { municipal: 2, landscaping: 1, city_order: 2 }, unit: { [UB]: 2, [UC]: 1, [UA]: 2 } };
/*
 * Special tasks at NOW (a dissatisfied call, not yet followed by a satisfied/basically satisfied call
 * or a closing): t02 (since E1 17:00) and t05 (since D2 16:00), oldest first.
 *   not t03 (satisfied D1 14:00), t07 (closed D2 11:00), t09 (basically satisfied D3 10:00);
 *   t05's unreachable call of D3 13:00 does not end it.
 *   t02: unit UB (dispatched E2 10:00); last event the lead's supervision D3 14:00
 *   t05: unit UA (dispatched D3 09:00, replied D3 12:00); last event the director's supervision D3 14:30
 */
const T02_STEPS = [
  { type: 'created', at: e1('09:20') },
  { type: 'dispatched', at: e1('09:40'), unit: UB },
  { type: 'replied', at: e1('15:00'), unit: UB },
  { type: 'followup', at: e1('17:00'), result: 'dissatisfied' },
  { type: 'dispatched', at: e2('10:00'), unit: UB },
];
const T05_STEPS = [
  { type: 'created', at: d1('09:20') },
  { type: 'dispatched', at: d1('09:30'), unit: UB },
  { type: 'returned', at: d1('10:00'), unit: UB },
  { type: 'dispatched', at: d1('10:30'), unit: UB },
  { type: 'replied', at: d1('14:00'), unit: UB },
  { type: 'dispatched', at: d2('09:00'), unit: UB },
  { type: 'returned', at: d2('10:00'), unit: UB },
  { type: 'dispatched', at: d2('10:30'), unit: UB },
  { type: 'replied', at: d2('15:00'), unit: UB },
  { type: 'followup', at: d2('16:00'), result: 'dissatisfied' },
  { type: 'dispatched', at: d3('09:00'), unit: UA },
  { type: 'replied', at: d3('12:00'), unit: UA },
  { type: 'followup', at: d3('13:00'), result: 'unreachable' },
];
const SPECIAL_TASKS = [
  { ticketId: 't02', category: 'municipal', unit: UB, dissatisfiedAt: e1('17:00'), lastEventAt: d3('14:00'), steps: [...T02_STEPS, { type: 'supervised', at: d3('14:00') }] },
  { ticketId: 't05', category: 'municipal', unit: UA, dissatisfiedAt: d2('16:00'), lastEventAt: d3('14:30'), steps: [...T05_STEPS, { type: 'supervised', at: d3('14:30') }] },
];
/*
 * Dispatched and not replied (a return or a closing ends a dispatch) at NOW:
 *   t02 → UB since E2 10:00; t04 → UB since D1 16:00 (its returns ended the earlier two); t10 → UC since D3 08:40
 *   (t05 replied D3 12:00; all others replied)
 *   open 3; by unit: UB 2, oldest E2 10:00; UC 1, oldest D3 08:40 (oldest first)
 *   overdue (5 days): t02 due 06-03 10:00 + 5 d = 06-08 10:00 ≤ NOW; t04 due 06-21 16:00 > NOW; t10 due 06-23 08:40 > NOW
 */
const DISPATCH_NOW = {
  open: 3,
  byUnit: [
    { unit: UB, open: 2, oldestSince: e2('10:00') },
    { unit: UC, open: 1, oldestSince: d3('08:40') },
  ],
  overdue: [{ ticketId: 't02', unit: UB, category: 'municipal', dispatchedAt: e2('10:00') }],
};
const FOLLOWUP_NOW: FollowupView = {
  today: F_D3,
  month: F_MONTH,
  dissatisfiedBy: DISSATISFIED_BY,
  specialTasks: SPECIAL_TASKS,
  dispatch: DISPATCH_NOW,
};
/*
 * The ticket rules at NOW:
 *   dispatch_overdue t02: since its due time 06-08 10:00, unit UB, 5 days
 *   ticket_returned_twice t04: since its second return in a row D1 15:00, naming 1002 李四 (registered it)
 *   special_task_stalled: none (t02 supervised 14:00, t05 supervised 14:30: 3 days from then)
 * Before the supervisions (D3 13:30), t02 had had no event since E2 10:00 → stalled since 06-06 10:00;
 *   t05's last event was D3 13:00 → not stalled.
 */
const OVERDUE_T02 = { rule: 'dispatch_overdue', severity: 'warning', subject: 't02', since: sh(2025, 6, 8, 10, 0), params: { ticketId: 't02', unit: UB, days: 5 }, acknowledgedBy: null };
const TWICE_T04 = { rule: 'ticket_returned_twice', severity: 'warning', subject: 't04', since: d1('15:00'), params: { ticketId: 't04', agentId: '1002', name: '李四' }, acknowledgedBy: null };
const STALLED_T02_BEFORE = { rule: 'special_task_stalled', severity: 'warning', subject: 't02', since: sh(2025, 6, 6, 10, 0), params: { ticketId: 't02', unit: UB, days: 3 }, acknowledgedBy: null };

/** The days of June up to today with their follow-ups (all others zero). */
const ROWS: Record<string, FollowupFigures> = { '2025-06-02': F_E1, '2025-06-03': F_E2, '2025-06-16': F_D1, '2025-06-17': F_D2, '2025-06-18': F_D3 };
const JUNE_TO_D3 = Array.from({ length: 18 }, (_, i) => `2025-06-${String(i + 1).padStart(2, '0')}`);

let before: Snapshot;
let beforeSupervision: Snapshot;
let supervise: { t02: any; t05: any; wall: number; unknown: any; closedLive: any; closedGone: any };

beforeAll(async () => {
  await start();
  const admin = await login('admin', ADMIN_PASSWORD);
  for (const [role, name] of [['lead', 'lead-fs'], ['director', 'director-fs']] as const) {
    const r = await http('/api/v1/users', { token: admin, body: { username: name, password: PASSWORD, role } });
    if (r.status !== 201) throw new Error(`create ${role}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  const dev = await http('/api/v1/devices', { token: admin, body: { name: '大厅大屏' } });
  if (dev.status !== 201) throw new Error(`create device: ${dev.status} ${JSON.stringify(dev.body)}`);
  wall = dev.body.token;

  await ingestAt(e1('18:00'), E1_EVENTS());
  await ingestAt(e2('18:00'), E2_EVENTS());
  // the keeper writes finished days every minute; here by hand
  await app.keeper.writeClosedDays();
  // two weeks on: the first entry of D1 prunes E1 and E2 from the live state (older than 8 days);
  // their records go to the archive with the next snapshot
  await ingestAt(d1('18:00'), D1_EVENTS());
  await app.replica.saveSnapshot();
  await app.keeper.writeClosedDays();
  await ingestAt(d2('18:00'), D2_EVENTS());
  await ingestAt(d3('13:30'), D3_EVENTS());
  beforeSupervision = await snapshot();

  clock.t = d3('14:00');
  const lead = await login('lead-fs');
  const t02 = await http('/api/v1/tickets/t02/supervise', { token: lead, body: { note: '请市住建局本周内答复' } });
  const wallTry = await http('/api/v1/tickets/t02/supervise', { token: wall, body: {} });
  const unknown = await http('/api/v1/tickets/no-such-ticket/supervise', { token: lead, body: {} });
  // t09 was closed at 10:05 with nothing open; t01 was closed on E1 and has left the live state
  const closedLive = await http('/api/v1/tickets/t09/supervise', { token: lead, body: {} });
  const closedGone = await http('/api/v1/tickets/t01/supervise', { token: lead, body: {} });
  clock.t = d3('14:30');
  const director = await login('director-fs');
  const t05 = await http('/api/v1/tickets/t05/supervise', { token: director, body: {} });
  supervise = { t02, t05, wall: wallTry.status, unknown, closedLive, closedGone };

  clock.t = NOW;
  before = await snapshot();
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

describe('tickets after the call over a hand-computed scenario (issue 13)', () => {
  it('supervision: lead and director 202 (applied), wall 403, unknown ticket 404, a closed ticket 409', () => {
    expect(supervise.t02.status).toBe(202);
    expect(supervise.t02.body).toMatchObject({ accepted: true, applied: true });
    expect(supervise.t05.status).toBe(202);
    expect(supervise.t05.body).toMatchObject({ accepted: true, applied: true });
    expect(supervise.wall).toBe(403);
    expect(supervise.unknown.status).toBe(404);
    expect(supervise.unknown.body.error).toBe('unknown_ticket');
    expect(supervise.closedLive.status).toBe(409);
    expect(supervise.closedLive.body.error).toBe('ticket_closed');
    // a ticket the wallboard no longer follows (closed, nothing open, gone with its day): 404
    expect(supervise.closedGone.status).toBe(404);
  });

  it('supervision is audited with who, when and which ticket (GET /audit as director; not for a lead)', async () => {
    clock.t = NOW;
    const director = await login('director-fs');
    const r = await http('/api/v1/audit?date=2025-06-18', { token: director });
    expect(r.status).toBe(200);
    const records = (r.body.records as { at: number; actor: string; role: string; action: string; subject: string | null }[]).filter((x) => x.action === 'ticket.supervised');
    expect(records.map(({ at, actor, role, action, subject }) => ({ at, actor, role, action, subject }))).toEqual([
      { at: d3('14:00'), actor: 'lead-fs', role: 'lead', action: 'ticket.supervised', subject: 't02' },
      { at: d3('14:30'), actor: 'director-fs', role: 'director', action: 'ticket.supervised', subject: 't05' },
    ]);
    expect((await http('/api/v1/audit?date=2025-06-18', { token: await login('lead-fs') })).status).toBe(403);
  });

  it('before the supervisions (D3 13:30): t02 stalled, t02 overdue, t04 returned twice', () => {
    expect(ticketAlerts(beforeSupervision)).toEqual([OVERDUE_T02, STALLED_T02_BEFORE, TWICE_T04]);
    // the special tasks before the supervision steps
    expect(beforeSupervision.followup.specialTasks).toEqual([
      { ...SPECIAL_TASKS[0], lastEventAt: e2('10:00'), steps: T02_STEPS },
      { ...SPECIAL_TASKS[1], lastEventAt: d3('13:00'), steps: T05_STEPS },
    ]);
  });

  it('at NOW: today, special tasks with every step, open and overdue dispatches; the ticket alerts', () => {
    expect(before.followup.today).toEqual(F_D3);
    expect(before.followup.specialTasks).toEqual(SPECIAL_TASKS);
    expect(before.followup.dispatch).toEqual(DISPATCH_NOW);
    // the supervision cleared t02's stall; the overdue dispatch and the double return stay
    expect(ticketAlerts(before)).toEqual([OVERDUE_T02, TWICE_T04]);
  });

  /*
   * The month's archived days: E1 and E2 left the state with D1's first entry; the month still
   * counts them, read from the archive when the state's history moved (month-service.ts; this was a
   * bug found by this test: the month lost such days until the next 10-minute refresh).
   */
  it('at NOW, without a restart: the month and dissatisfiedBy include the archived days E1 and E2', () => {
    expect({ month: before.followup.month, dissatisfiedBy: before.followup.dissatisfiedBy }).toEqual({ month: F_MONTH, dissatisfiedBy: DISSATISFIED_BY });
  });

  it('after a restart on the same stores: every field of followup, the ticket alerts unchanged', async () => {
    await restart();
    clock.t = NOW;
    const s = await snapshot();
    expect(s.followup).toEqual(FOLLOWUP_NOW);
    expect(ticketAlerts(s)).toEqual([OVERDUE_T02, TWICE_T04]);
    // and what did not depend on the month is what the first node showed
    expect(s.followup.today).toEqual(before.followup.today);
    expect(s.followup.specialTasks).toEqual(before.followup.specialTasks);
    expect(s.followup.dispatch).toEqual(before.followup.dispatch);
  });

  it('GET /reports/days 06-01…06-18: each day\'s followup (E1, E2 from the archive; today partial)', async () => {
    clock.t = NOW;
    const r = await http('/api/v1/reports/days?from=2025-06-01&to=2025-06-18', { token: await login('lead-fs') });
    expect(r.status).toBe(200);
    const days = r.body.days as DayRow[];
    expect(days.map((d) => d.date)).toEqual(JUNE_TO_D3);
    for (const d of days) expect(d.followup, d.date).toEqual(ROWS[d.date] ?? F_ZERO);
    expect(days.at(-1)!.partial).toBe(true);
  });

  it('the days CSV: the follow-up columns per day', async () => {
    clock.t = NOW;
    const res = await fetch(`${url}/api/v1/reports/days?from=2025-06-01&to=2025-06-18&format=csv`, { headers: { authorization: `Bearer ${await login('lead-fs')}` } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l !== '');
    const headers = lines[0]!.split(',');
    // the columns of the follow-ups (the layout is the implementation's: FOLLOWUP.md names no columns)
    const cols = ['回访', '回访接通', '满意', '基本满意', '不满意', '满意率(%)'].map((h) => headers.indexOf(h));
    for (const c of cols) expect(c).toBeGreaterThan(0);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => r[0])).toEqual(JUNE_TO_D3);
    // rates as percent with one decimal: 0.5 → 50.0, 0 → 0.0, 1 → 100.0, 0.25 → 25.0; none reached → empty
    const expected: Record<string, string[]> = {
      '2025-06-02': ['2', '2', '1', '0', '1', '50.0'],
      '2025-06-03': ['2', '1', '0', '0', '1', '0.0'],
      '2025-06-16': ['3', '2', '2', '0', '0', '100.0'],
      '2025-06-17': ['4', '4', '0', '1', '3', '25.0'],
      '2025-06-18': ['2', '1', '0', '1', '0', '100.0'],
    };
    for (const r of rows) expect(cols.map((c) => r[c]), r[0]).toEqual(expected[r[0]!] ?? ['0', '0', '0', '0', '0', '']);
  });

  /*
   * Ten days later (06-28 12:00, still June): D1…D3 leave the live state too (cut at 06-20) and are
   * read from the archive. The month is unchanged; today has no calls.
   *   Special tasks t02 and t05 stay (still open; kept up to 90 days): unchanged.
   *   Dispatches still open: t02, t04, t10, now all overdue: t02 due 06-08 10:00, t04 due 06-21 16:00,
   *   t10 due 06-23 08:40 (oldest first).
   *   Alerts: dispatch_overdue t02, t04 (since 06-21 16:00, UB), t10 (since 06-23 08:40, UC);
   *   special_task_stalled t02 (D3 14:00 + 3 d = 06-21 14:00), t05 (06-21 14:30, unit UA);
   *   ticket_returned_twice t04 (never acknowledged).
   */
  const DISPATCH_LATER = {
    open: 3,
    byUnit: DISPATCH_NOW.byUnit,
    overdue: [
      { ticketId: 't02', unit: UB, category: 'municipal', dispatchedAt: e2('10:00') },
      { ticketId: 't04', unit: UB, category: 'city_order', dispatchedAt: d1('16:00') },
      { ticketId: 't10', unit: UC, category: 'municipal', dispatchedAt: d3('08:40') },
    ],
  };
  const ALERTS_LATER = [
    OVERDUE_T02,
    { rule: 'dispatch_overdue', severity: 'warning', subject: 't04', since: d1('16:00') + 5 * DAY, params: { ticketId: 't04', unit: UB, days: 5 }, acknowledgedBy: null },
    { rule: 'dispatch_overdue', severity: 'warning', subject: 't10', since: d3('08:40') + 5 * DAY, params: { ticketId: 't10', unit: UC, days: 5 }, acknowledgedBy: null },
    { rule: 'special_task_stalled', severity: 'warning', subject: 't02', since: d3('14:00') + 3 * DAY, params: { ticketId: 't02', unit: UB, days: 3 }, acknowledgedBy: null },
    { rule: 'special_task_stalled', severity: 'warning', subject: 't05', since: d3('14:30') + 3 * DAY, params: { ticketId: 't05', unit: UA, days: 3 }, acknowledgedBy: null },
    TWICE_T04,
  ];
  const FOLLOWUP_LATER: FollowupView = { today: F_ZERO, month: F_MONTH, dissatisfiedBy: DISSATISFIED_BY, specialTasks: SPECIAL_TASKS, dispatch: DISPATCH_LATER };
  let later: Snapshot;

  it('ten days later: D1…D3 are archived; special tasks, dispatches and ticket alerts as worked out', async () => {
    // an event of the day moves the state on (pruning); the snapshot writes the finished days' records
    await ingestAt(LATER, [e('ticket.created', LATER - 60_000, { ticketId: 't11', category: 'other', kind: 'consultation' })]);
    await app.replica.saveSnapshot();
    await app.keeper.writeClosedDays();
    const held = await ports.archive!.dates();
    for (const d of ['2025-06-02', '2025-06-03', '2025-06-16', '2025-06-17', '2025-06-18']) expect(held, `archive holds ${d}`).toContain(d);
    later = await snapshot();
    expect(later.followup.today).toEqual(F_ZERO);
    expect(later.followup.specialTasks).toEqual(SPECIAL_TASKS);
    expect(later.followup.dispatch).toEqual(DISPATCH_LATER);
    expect(ticketAlerts(later)).toEqual(ALERTS_LATER);
  });

  // the same for D1…D3 leaving the state
  it('ten days later, without a restart: the month is unchanged', () => {
    expect({ month: later.followup.month, dissatisfiedBy: later.followup.dissatisfiedBy }).toEqual({ month: F_MONTH, dissatisfiedBy: DISSATISFIED_BY });
  });

  it('ten days later, after a restart: every field of followup; the month unchanged', async () => {
    await restart();
    clock.t = LATER;
    const s = await snapshot();
    expect(s.followup).toEqual(FOLLOWUP_LATER);
    expect(ticketAlerts(s)).toEqual(ALERTS_LATER);
  });

  it('ten days later: each day\'s followup in /reports/days from the archive, unchanged (06-18 no longer partial)', async () => {
    clock.t = LATER;
    const r = await http('/api/v1/reports/days?from=2025-06-01&to=2025-06-18', { token: await login('lead-fs') });
    expect(r.status).toBe(200);
    const days = r.body.days as DayRow[];
    expect(days.map((d) => d.date)).toEqual(JUNE_TO_D3);
    for (const d of days) expect(d.followup, d.date).toEqual(ROWS[d.date] ?? F_ZERO);
    expect(days.some((d) => d.partial)).toBe(false);
  });

  it('the lead acknowledges the double return (POST /alerts/:id/ack): it is cleared, the rest stays', async () => {
    clock.t = LATER;
    const s = await snapshot();
    const twice = s.alerts.find((a) => a.rule === 'ticket_returned_twice' && a.subject === 't04')!;
    const r = await http(`/api/v1/alerts/${encodeURIComponent(twice.id)}/ack`, { token: await login('lead-fs'), body: {} });
    expect(r.status).toBe(202);
    expect(ticketAlerts(await snapshot())).toEqual(ALERTS_LATER.filter((a) => a.rule !== 'ticket_returned_twice'));
  });
});
