/**
 * Issue 11, "done when": a hand-computed multi-day scenario (events on several past days, some of them
 * late) matches every field of the reports routes. Written from the specification (docs/reports.md,
 * docs/metrics.md, docs/rules.md, docs/events.md, docs/api.md, shared/reports.ts and the contract
 * REPORTS.md), NOT from the code: every expected number below is a literal computed by hand, with the
 * arithmetic in the comments. An assertion where the server disagreed with a figure the specification
 * states clearly would be marked `// BUG?`; there are none at the time of writing.
 *
 * Defaults: TZ Asia/Shanghai (UTC+8), shifts 夜班 00:00 / 早班 08:00 / 中班 16:00, slThresholdSec 15,
 * shortAbandonSec 5, callbackDueMin 30, ronaWindowMin 10, notSignedInMin 5, busyTooLongMin 15,
 * restrictedWindowMin 30, incidentLeadAckSec 120.
 *
 * The node runs on the memory adapters (event log, accounts, archive…) driven by a fake clock, started
 * here with startApp (tests/helpers/app.ts's startTestApp uses the Redis log, whose stream IDs carry
 * Redis' real clock, so fixed past dates would be refused by the reader): the memory log stamps each
 * entry with the fake clock's time and the ingest refuses a ts more than 7 days behind it or 10 min
 * ahead, so each day's events are posted (HTTP ingest) with the clock set on that day, the clock
 * walking through the scenario; the queries are made with the clock at "now" = D4 12:00:00. Fixed
 * dates make the figures independent of when the suite runs.
 *
 * Days: D0 2025-03-09 (no activity), D1 2025-03-10, D2 2025-03-11, D3 2025-03-12, D4 2025-03-13 = today.
 * Restricted windows (first/last 30 min of each shift): 00:00–00:30, 07:30–08:00, 08:00–08:30,
 * 15:30–16:00, 16:00–16:30, 23:30–24:00. Every busy and sign-out below is outside them except the two
 * sign-outs that test the rule (D1 15:40, D2 15:45).
 *
 * ───────────────────────────── The scenario ─────────────────────────────
 * Agents: 1001 张三, 1002 李四, 1003 王五, 1004 赵六.
 *
 * D1 2025-03-10 (clock 16:01 while ingesting)
 *   08:40:00 1002 login;  08:47:00 1002 signin A02            → logged_in 7 min ≥ 5 → not_signed_in (1002, D1)
 *   09:00:00 1001 login;  09:02:00 1001 signin A01            → logged_in 2 min: no violation
 *   c1  queued 09:10:00 (caller), ringing 1001 09:10:02, answered 1001 09:10:06 (wait 6, in SL),
 *       ticket sanitation 09:12:00, ended 09:15:06 (talk 300), 1001 ready 09:16:06 (wrap-up 60)
 *   c2  queued 09:20:00 (caller), abandoned 09:20:03 (wait 3 < 5: short abandon, still a missed call)
 *       callback by 1001 09:40:00 (19 min 57 s ≤ 30 min: in time); a second callback by 1002 09:50:00
 *       (not counted anywhere: the first return counts)
 *   c3  queued 10:00:00 (caller), abandoned 10:00:40 (wait 40); callback by 1001 10:45:00 (44 min 20 s: late)
 *   c4  queued 10:30:00 (no caller), ringing 1002 10:30:05, answered 1002 10:30:10 (wait 10, in SL),
 *       transferred by 1002 to specialist 10:33:10 (1002 talk 180), answered 1001 10:33:40 (second wait
 *       does not count), 1002 ready 10:34:10 (1002 wrap-up 60), ticket gas_heating 10:35:00,
 *       ended 10:38:40 (1001 talk 300), 1001 ready 10:39:40 (1001 wrap-up 60)
 *   11:00:00 1001 busy "meal"; 11:20:00 1001 ready            → busy 1200 s ≥ 900 → busy_too_long (1001, D1)
 *   12:00:00 1002 busy (no reason); 12:16:40 1002 ready       → busy 1000 s ≥ 900 → busy_too_long (1002, D1)
 *   13:00:00 1001 signout; 13:01:00 1001 logout               → not in a restricted window; logged_in 60 s
 *   15:40:00 1002 signout (seat A02); 15:41:00 1002 logout    → last 30 min of 早班, nobody takes A02
 *                                                               → restricted_window (1002, D1)
 *   LATE (ingested on D4): ticket illegal_construction ts D1 16:00:00
 *
 * D2 2025-03-11 (clock 23:59:30)
 *   10:00:00 1004 login; 10:01:00 1004 signin A03
 *   c6  queued 11:00:00 (caller), ringing 1004 11:00:02, RONA 1004 11:00:22, ringing 1004 11:00:30,
 *       RONA 1004 11:00:50 (28 s after the first: same episode → 1 rona violation, 2 ronas),
 *       abandoned 11:01:00 (wait 60), never returned
 *   c14 queued 12:00:00, ringing 1004 12:00:03, answered 1004 12:00:05 (wait 5, in SL), ticket city_order
 *       12:05:00, ended 12:10:05 (talk 600), 1004 ready 12:12:05 (wrap-up 120)
 *   14:00:00 incident inc1 urgent raised; 14:00:30 ticket municipal; 14:01:30 lead acknowledges (90 s: in time)
 *   15:45:00 1004 signout (seat A03, last 30 min of 早班); 15:46:00 1004 logout
 *   15:55:00 1003 login; 15:58:00 1003 signin A03 (13 min after 1004 left A03: a handover, no violation)
 *   c7  queued 23:39:30 (caller), abandoned 23:40:00 (wait 30); returned by 1003 at D3 00:10:00 =
 *       exactly 30:00 later: in time (rules.md: "at exactly 30:00 it is still in time")
 *   c5  queued 23:58:00 (caller), ringing 1003 23:58:05, answered 1003 23:58:12 (wait 12, in SL),
 *       ticket city_order 23:59:00, ended D3 00:03:12 (talk 300, across midnight), 1003 ready D3 00:04:12
 *   LATE (ingested on D4): c10 queued 20:00:00 (caller), abandoned 20:00:50 (wait 50), returned by 1004
 *       at 20:20:00 (19 min 10 s: in time, judged on event times although it reached the node days later)
 *
 * D3 2025-03-12 (clock walks 10:00:30 → 10:02:00 → 23:59:30)
 *   00:03:12 c5 ended; 00:04:12 1003 ready; 00:10:00 1003 returns c7; 02:00:00 1003 signout; 02:01:00 logout
 *   09:00:00 incident inc2 major raised; 09:01:00 director acknowledges; 09:03:00 lead acknowledges
 *       (180 s > 120: late; the director's acknowledgement does not satisfy the lead deadline)
 *   09:30:00 1001 login; 09:31:00 1001 signin A01
 *   c13 queued 10:00:00, ringing 1001 10:00:02, RONA 1001 10:00:22 (episode 1); 10:02:00 the lead
 *       acknowledges that rona alert; ringing 1001 10:05:00, RONA 1001 10:05:20 (within 10 min of the
 *       first, but the open episode was acknowledged before it: episode 2); ringing 1001 10:06:00,
 *       answered 1001 10:06:05 (wait 365, not in SL), ended 10:10:05 (talk 240), 1001 ready 10:11:05
 *       (wrap-up 60); ticket other 10:12:00
 *   10:20:00 1001 busy "training"; 10:30:00 1001 busy "meal"; 10:40:00 1001 ready
 *       → two spells of 600 s (a change of reason starts a new spell): no busy_too_long
 *   11:00:00 1001 signout; 11:00:30 1001 logout
 *   c8  queued 15:00:00 (no caller), abandoned 15:00:20 (wait 20): not a missed call
 *   20:00:00 incident inc4 urgent raised, never acknowledged: its deadline 20:02:00 passed before the
 *       day's end → late
 *
 * D4 2025-03-13 = today, now 12:00:00 (clock 12:00:00)
 *   08:50:00 1001 login; 08:52:00 1001 signin A01
 *   c11 queued 09:00:00 (caller), ringing 1001 09:00:01, answered 1001 09:00:04 (wait 4, in SL), ticket
 *       landscaping 09:05:00, ended 09:06:04 (talk 360), 1001 ready 09:07:04 (wrap-up 60)
 *   c12 queued 11:30:00, answered 1001 11:30:30 (wait 30, not in SL), still talking at 12:00:00
 *   11:59:00 incident inc3 urgent raised, not acknowledged: deadline 12:01:00 is still ahead → not late
 *   then the LATE batch above (D1 ticket, D2 c10 and its callback)
 */
import { request, type RequestOptions } from '../helpers/app';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../server/app';
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
import type { AgentRow, DayRow } from '../../shared/reports';
import type { Snapshot, WindowStats } from '../../shared/snapshot';
import { sh } from '../helpers/events';

const INGEST = 'ingest-token-reports-scenario';
const ADMIN_PASSWORD = 'admin-password-reports-scenario';
const PASSWORD = 'user-password-reports-scenario';

// ───────────── times ─────────────
const D0 = '2025-03-09';
const D1 = '2025-03-10';
const D2 = '2025-03-11';
const D3 = '2025-03-12';
const D4 = '2025-03-13';
const hms = (s: string): [number, number, number] => s.split(':').map(Number) as [number, number, number];
const d1 = (t: string) => sh(2025, 3, 10, ...hms(t));
const d2 = (t: string) => sh(2025, 3, 11, ...hms(t));
const d3 = (t: string) => sh(2025, 3, 12, ...hms(t));
const d4 = (t: string) => sh(2025, 3, 13, ...hms(t));
const NOW = d4('12:00:00');

let seq = 0;
function e(type: HotlineEvent['type'], ts: number, fields: Record<string, unknown> = {}): HotlineEvent {
  return { v: 1, id: `rs-${++seq}`, type, ts, ...fields } as HotlineEvent;
}

// ───────────── the node ─────────────
const clock = { t: d1('08:00:00'), now: () => clock.t };
let app: RunningApp;
let url: string;
let lead: string;
let director: string;
let admin: string;
let wall: string;
const archive = new MemoryArchiveStore();

/** A request to the node under test (tests/helpers/app.ts `request`). */
const http = (path: string, o: RequestOptions = {}) => request(url, path, o);

async function login(username: string, password: string): Promise<string> {
  const r = await http('/api/v1/login', { body: { username, password } });
  if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.token;
}

/** Sets the clock, posts the events over HTTP ingest and waits until the node applied them. */
async function ingestAt(clockAt: number, events: HotlineEvent[]): Promise<void> {
  clock.t = clockAt;
  const r = await http('/api/v1/events', { token: INGEST, body: events });
  if (r.status !== 202) throw new Error(`ingest: ${r.status} ${JSON.stringify(r.body)}`);
  const cursor = r.body.cursor as string;
  const until = Date.now() + 5_000;
  while (compareStreamIds(app.replica.cursor, cursor) < 0) {
    if (Date.now() > until) throw new Error(`the reader did not apply ${cursor}`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

// ───────────── the events ─────────────
const D1_EVENTS = (): HotlineEvent[] => [
  e('agent.login', d1('08:40:00'), { agentId: '1002', name: '李四' }),
  e('agent.signin', d1('08:47:00'), { agentId: '1002', seat: 'A02' }),
  e('agent.login', d1('09:00:00'), { agentId: '1001', name: '张三' }),
  e('agent.signin', d1('09:02:00'), { agentId: '1001', seat: 'A01' }),
  e('call.queued', d1('09:10:00'), { callId: 'c1', caller: '13800000001' }),
  e('call.ringing', d1('09:10:02'), { callId: 'c1', agentId: '1001' }),
  e('call.answered', d1('09:10:06'), { callId: 'c1', agentId: '1001' }),
  e('ticket.created', d1('09:12:00'), { ticketId: 'tk1', category: 'sanitation', kind: 'complaint', callId: 'c1', agentId: '1001' }),
  e('call.ended', d1('09:15:06'), { callId: 'c1' }),
  e('agent.ready', d1('09:16:06'), { agentId: '1001' }),
  e('call.queued', d1('09:20:00'), { callId: 'c2', caller: '13800000002' }),
  e('call.abandoned', d1('09:20:03'), { callId: 'c2' }),
  e('callback.completed', d1('09:40:00'), { callId: 'c2', agentId: '1001', reached: true }),
  e('callback.completed', d1('09:50:00'), { callId: 'c2', agentId: '1002', reached: true }),
  e('call.queued', d1('10:00:00'), { callId: 'c3', caller: '13800000003' }),
  e('call.abandoned', d1('10:00:40'), { callId: 'c3' }),
  e('call.queued', d1('10:30:00'), { callId: 'c4' }),
  e('call.ringing', d1('10:30:05'), { callId: 'c4', agentId: '1002' }),
  e('call.answered', d1('10:30:10'), { callId: 'c4', agentId: '1002' }),
  e('call.transferred', d1('10:33:10'), { callId: 'c4', agentId: '1002', queue: 'specialist' }),
  e('call.answered', d1('10:33:40'), { callId: 'c4', agentId: '1001' }),
  e('agent.ready', d1('10:34:10'), { agentId: '1002' }),
  e('ticket.created', d1('10:35:00'), { ticketId: 'tk2', category: 'gas_heating', kind: 'consultation', callId: 'c4', agentId: '1001' }),
  e('call.ended', d1('10:38:40'), { callId: 'c4' }),
  e('agent.ready', d1('10:39:40'), { agentId: '1001' }),
  e('callback.completed', d1('10:45:00'), { callId: 'c3', agentId: '1001', reached: false }),
  e('agent.busy', d1('11:00:00'), { agentId: '1001', reason: 'meal' }),
  e('agent.ready', d1('11:20:00'), { agentId: '1001' }),
  e('agent.busy', d1('12:00:00'), { agentId: '1002' }),
  e('agent.ready', d1('12:16:40'), { agentId: '1002' }),
  e('agent.signout', d1('13:00:00'), { agentId: '1001' }),
  e('agent.logout', d1('13:01:00'), { agentId: '1001' }),
  e('agent.signout', d1('15:40:00'), { agentId: '1002' }),
  e('agent.logout', d1('15:41:00'), { agentId: '1002' }),
];

const D2_EVENTS = (): HotlineEvent[] => [
  e('agent.login', d2('10:00:00'), { agentId: '1004', name: '赵六' }),
  e('agent.signin', d2('10:01:00'), { agentId: '1004', seat: 'A03' }),
  e('call.queued', d2('11:00:00'), { callId: 'c6', caller: '13800000006' }),
  e('call.ringing', d2('11:00:02'), { callId: 'c6', agentId: '1004' }),
  e('call.rona', d2('11:00:22'), { callId: 'c6', agentId: '1004' }),
  e('call.ringing', d2('11:00:30'), { callId: 'c6', agentId: '1004' }),
  e('call.rona', d2('11:00:50'), { callId: 'c6', agentId: '1004' }),
  e('call.abandoned', d2('11:01:00'), { callId: 'c6' }),
  e('call.queued', d2('12:00:00'), { callId: 'c14' }),
  e('call.ringing', d2('12:00:03'), { callId: 'c14', agentId: '1004' }),
  e('call.answered', d2('12:00:05'), { callId: 'c14', agentId: '1004' }),
  e('ticket.created', d2('12:05:00'), { ticketId: 'tk3', category: 'city_order', kind: 'complaint', callId: 'c14', agentId: '1004' }),
  e('call.ended', d2('12:10:05'), { callId: 'c14' }),
  e('agent.ready', d2('12:12:05'), { agentId: '1004' }),
  e('incident.raised', d2('14:00:00'), { incidentId: 'inc1', title: '路灯倒伏', severity: 'urgent', agentId: '1004' }),
  e('ticket.created', d2('14:00:30'), { ticketId: 'tk4', category: 'municipal', kind: 'complaint' }),
  e('incident.acknowledged', d2('14:01:30'), { incidentId: 'inc1', by: '值班长甲', role: 'lead' }),
  e('agent.signout', d2('15:45:00'), { agentId: '1004' }),
  e('agent.logout', d2('15:46:00'), { agentId: '1004' }),
  e('agent.login', d2('15:55:00'), { agentId: '1003', name: '王五' }),
  e('agent.signin', d2('15:58:00'), { agentId: '1003', seat: 'A03' }),
  e('call.queued', d2('23:39:30'), { callId: 'c7', caller: '13800000007' }),
  e('call.abandoned', d2('23:40:00'), { callId: 'c7' }),
  e('call.queued', d2('23:58:00'), { callId: 'c5', caller: '13800000005' }),
  e('call.ringing', d2('23:58:05'), { callId: 'c5', agentId: '1003' }),
  e('call.answered', d2('23:58:12'), { callId: 'c5', agentId: '1003' }),
  e('ticket.created', d2('23:59:00'), { ticketId: 'tk5', category: 'city_order', kind: 'consultation', callId: 'c5', agentId: '1003' }),
];

const D3_BEFORE_ACK = (): HotlineEvent[] => [
  e('call.ended', d3('00:03:12'), { callId: 'c5' }),
  e('agent.ready', d3('00:04:12'), { agentId: '1003' }),
  e('callback.completed', d3('00:10:00'), { callId: 'c7', agentId: '1003', reached: true }),
  e('agent.signout', d3('02:00:00'), { agentId: '1003' }),
  e('agent.logout', d3('02:01:00'), { agentId: '1003' }),
  e('incident.raised', d3('09:00:00'), { incidentId: 'inc2', title: '燃气管道破裂', severity: 'major', location: '牡丹区' }),
  e('incident.acknowledged', d3('09:01:00'), { incidentId: 'inc2', by: '主任', role: 'director' }),
  e('incident.acknowledged', d3('09:03:00'), { incidentId: 'inc2', by: '值班长乙', role: 'lead' }),
  e('agent.login', d3('09:30:00'), { agentId: '1001', name: '张三' }),
  e('agent.signin', d3('09:31:00'), { agentId: '1001', seat: 'A01' }),
  e('call.queued', d3('10:00:00'), { callId: 'c13' }),
  e('call.ringing', d3('10:00:02'), { callId: 'c13', agentId: '1001' }),
  e('call.rona', d3('10:00:22'), { callId: 'c13', agentId: '1001' }),
];

const D3_AFTER_ACK = (): HotlineEvent[] => [
  e('call.ringing', d3('10:05:00'), { callId: 'c13', agentId: '1001' }),
  e('call.rona', d3('10:05:20'), { callId: 'c13', agentId: '1001' }),
  e('call.ringing', d3('10:06:00'), { callId: 'c13', agentId: '1001' }),
  e('call.answered', d3('10:06:05'), { callId: 'c13', agentId: '1001' }),
  e('call.ended', d3('10:10:05'), { callId: 'c13' }),
  e('agent.ready', d3('10:11:05'), { agentId: '1001' }),
  e('ticket.created', d3('10:12:00'), { ticketId: 'tk6', category: 'other', kind: 'consultation', callId: 'c13', agentId: '1001' }),
  e('agent.busy', d3('10:20:00'), { agentId: '1001', reason: 'training' }),
  e('agent.busy', d3('10:30:00'), { agentId: '1001', reason: 'meal' }),
  e('agent.ready', d3('10:40:00'), { agentId: '1001' }),
  e('agent.signout', d3('11:00:00'), { agentId: '1001' }),
  e('agent.logout', d3('11:00:30'), { agentId: '1001' }),
  e('call.queued', d3('15:00:00'), { callId: 'c8' }),
  e('call.abandoned', d3('15:00:20'), { callId: 'c8' }),
  e('incident.raised', d3('20:00:00'), { incidentId: 'inc4', title: '广告牌松动', severity: 'urgent' }),
];

const D4_EVENTS = (): HotlineEvent[] => [
  e('agent.login', d4('08:50:00'), { agentId: '1001', name: '张三' }),
  e('agent.signin', d4('08:52:00'), { agentId: '1001', seat: 'A01' }),
  e('call.queued', d4('09:00:00'), { callId: 'c11', caller: '13800000011' }),
  e('call.ringing', d4('09:00:01'), { callId: 'c11', agentId: '1001' }),
  e('call.answered', d4('09:00:04'), { callId: 'c11', agentId: '1001' }),
  e('ticket.created', d4('09:05:00'), { ticketId: 'tk7', category: 'landscaping', kind: 'complaint', callId: 'c11', agentId: '1001' }),
  e('call.ended', d4('09:06:04'), { callId: 'c11' }),
  e('agent.ready', d4('09:07:04'), { agentId: '1001' }),
  e('call.queued', d4('11:30:00'), { callId: 'c12' }),
  e('call.answered', d4('11:30:30'), { callId: 'c12', agentId: '1001' }),
  e('incident.raised', d4('11:59:00'), { incidentId: 'inc3', title: '树木倒伏', severity: 'urgent' }),
];

/** Events for earlier days that reach the node on D4, after D2's, D3's and D4's. */
const LATE_EVENTS = (): HotlineEvent[] => [
  e('ticket.created', d1('16:00:00'), { ticketId: 'tk8', category: 'illegal_construction', kind: 'complaint' }),
  e('call.queued', d2('20:00:00'), { callId: 'c10', caller: '13800000010' }),
  e('call.abandoned', d2('20:00:50'), { callId: 'c10' }),
  e('callback.completed', d2('20:20:00'), { callId: 'c10', agentId: '1004', reached: true }),
];

beforeAll(async () => {
  app = await startApp(
    {
      log: new MemoryEventLog(clock),
      snapshots: new MemorySnapshotStore(),
      accounts: new MemoryAccounts(clock),
      audit: new MemoryAuditLog(clock),
      feeds: new MemoryFeedStore(clock),
      archive,
      clock,
      logger: createLogger('silent'),
    },
    { config: defaultConfig(), port: 0, host: '127.0.0.1', ingestToken: INGEST, adminPassword: ADMIN_PASSWORD, clientDir: null, snapshotEveryMs: 3_600_000 },
  );
  url = app.url;

  await ingestAt(d1('16:01:00'), D1_EVENTS());
  await ingestAt(d2('23:59:30'), D2_EVENTS());
  await ingestAt(d3('10:00:30'), D3_BEFORE_ACK());
  // the lead acknowledges 1001's open rona alert at 10:02:00 (its id read from the live snapshot)
  clock.t = d3('10:02:00');
  const snap = (await http('/api/v1/snapshot', { token: await login('admin', ADMIN_PASSWORD) })).body as Snapshot;
  const rona = snap.alerts.find((a) => a.rule === 'rona' && a.subject === '1001');
  if (!rona) throw new Error(`no rona alert for 1001 at D3 10:02: ${JSON.stringify(snap.alerts)}`);
  await ingestAt(d3('10:02:00'), [e('alert.acknowledged', d3('10:02:00'), { alertId: rona.id, by: '值班长乙' })]);
  await ingestAt(d3('23:59:30'), D3_AFTER_ACK());
  await ingestAt(NOW, D4_EVENTS());
  await ingestAt(NOW, LATE_EVENTS());

  // people and a wall device, signed in at "now" (tokens are valid 12 h by the clock)
  admin = await login('admin', ADMIN_PASSWORD);
  for (const [role, name] of [['lead', 'lead-rs'], ['director', 'director-rs']] as const) {
    const r = await http('/api/v1/users', { token: admin, body: { username: name, password: PASSWORD, role } });
    if (r.status !== 201) throw new Error(`create ${role}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  lead = await login('lead-rs', PASSWORD);
  director = await login('director-rs', PASSWORD);
  const dev = await http('/api/v1/devices', { token: admin, body: { name: '大厅大屏' } });
  if (dev.status !== 201) throw new Error(`create device: ${dev.status} ${JSON.stringify(dev.body)}`);
  wall = dev.body.token;
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

// ───────────── comparison helpers ─────────────
/** Numbers that are not integers compared to 9 decimals (the server may sum in ms, then divide). */
function norm(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Math.round(v * 1e9) / 1e9;
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, norm(x)]));
  return v;
}
const isNonZero = (b: DayRow['intervals'][number]) => b.offered + b.answered + b.abandoned + b.shortAbandoned + b.answeredInSL > 0;
const CATS0 = { city_order: 0, sanitation: 0, landscaping: 0, municipal: 0, illegal_construction: 0, gas_heating: 0, other: 0 };
const V0 = { rona: 0, not_signed_in: 0, busy_too_long: 0, restricted_window: 0 };
const bucket = (start: number, offered: number, answered: number, abandoned: number, shortAbandoned: number, answeredInSL: number) => ({
  start,
  offered,
  answered,
  abandoned,
  shortAbandoned,
  answeredInSL,
});

// ═════════════════════════ expected figures, by hand ═════════════════════════

/*
 * ── Windows (METRICS.md), per day of first queueing ──
 * D0: nothing → offered 0 …, every ratio/mean null.
 *
 * D1: c1 answered wait 6 (in SL), c2 abandoned wait 3 (short), c3 abandoned wait 40, c4 answered wait 10 (in SL)
 *   offered 4, answered 2, abandoned 2, shortAbandoned 1, answeredInSL 2
 *   serviceLevel = 2 / (2 + 2 − 1) = 2/3; answerRate = 2 / 3 = 2/3; timelyRate = 2 / 2 = 1
 *   asaSec = (6 + 10) / 2 = 8; maxWaitSec = max(6, 3, 40, 10) = 40
 *   legs: c1@1001 talk 300 wrap 60, c4@1002 talk 180 wrap 60, c4@1001 talk 300 wrap 60
 *   avgTalkSec = (300 + 180 + 300) / 3 = 780/3 = 260; avgHandleSec = (360 + 240 + 360) / 3 = 960/3 = 320
 *   intervals: 09:00 {c1, c2} offered 2, answered 1, abandoned 1, short 1, inSL 1
 *              10:00 {c3}     offered 1, abandoned 1
 *              10:30 {c4}     offered 1, answered 1, inSL 1
 */
const W_D1: WindowStats = {
  offered: 4,
  answered: 2,
  abandoned: 2,
  shortAbandoned: 1,
  answeredInSL: 2,
  serviceLevel: 2 / 3,
  answerRate: 2 / 3,
  timelyRate: 1,
  asaSec: 8,
  maxWaitSec: 40,
  avgTalkSec: 260,
  avgHandleSec: 320,
};
/*
 * D2: c6 abandoned wait 60; c14 answered wait 5 (in SL); c10 (late) abandoned wait 50; c7 abandoned wait 30;
 *     c5 answered wait 12 (in SL; it crosses midnight but belongs to D2, the day it was queued)
 *   offered 5, answered 2, abandoned 3, shortAbandoned 0, answeredInSL 2
 *   serviceLevel = 2 / (2 + 3 − 0) = 0.4; answerRate = 2 / 5 = 0.4; timelyRate = 2 / 2 = 1
 *   asaSec = (5 + 12) / 2 = 8.5; maxWaitSec = max(60, 5, 50, 30, 12) = 60
 *   legs: c14@1004 talk 600 wrap 120; c5@1003 talk 300 (23:58:12 → 00:03:12) wrap 60
 *   avgTalkSec = (600 + 300) / 2 = 450; avgHandleSec = (720 + 360) / 2 = 540
 *   intervals: 11:00 {c6} offered 1, abandoned 1; 12:00 {c14} offered 1, answered 1, inSL 1;
 *              20:00 {c10} offered 1, abandoned 1; 23:30 {c7, c5} offered 2, answered 1, abandoned 1, inSL 1
 */
const W_D2: WindowStats = {
  offered: 5,
  answered: 2,
  abandoned: 3,
  shortAbandoned: 0,
  answeredInSL: 2,
  serviceLevel: 0.4,
  answerRate: 0.4,
  timelyRate: 1,
  asaSec: 8.5,
  maxWaitSec: 60,
  avgTalkSec: 450,
  avgHandleSec: 540,
};
/*
 * D3: c13 answered wait 10:06:05 − 10:00:00 = 365 (not in SL); c8 abandoned wait 20 (not short)
 *   offered 2, answered 1, abandoned 1, shortAbandoned 0, answeredInSL 0
 *   serviceLevel = 0 / (1 + 1 − 0) = 0; answerRate = 1 / 2 = 0.5; timelyRate = 0 / 1 = 0
 *   asaSec = 365; maxWaitSec = max(365, 20) = 365; avgTalkSec = 240; avgHandleSec = 240 + 60 = 300
 *   intervals: 10:00 {c13} offered 1, answered 1; 15:00 {c8} offered 1, abandoned 1
 */
const W_D3: WindowStats = {
  offered: 2,
  answered: 1,
  abandoned: 1,
  shortAbandoned: 0,
  answeredInSL: 0,
  serviceLevel: 0,
  answerRate: 0.5,
  timelyRate: 0,
  asaSec: 365,
  maxWaitSec: 365,
  avgTalkSec: 240,
  avgHandleSec: 300,
};
/*
 * D4 (today, now 12:00): c11 answered wait 4 (in SL); c12 answered wait 30 (not in SL), still talking
 *   offered 2, answered 2, abandoned 0, shortAbandoned 0, answeredInSL 1
 *   serviceLevel = 1 / (2 + 0 − 0) = 0.5; answerRate = 2 / 2 = 1; timelyRate = 1 / 2 = 0.5
 *   asaSec = (4 + 30) / 2 = 17; maxWaitSec = 30
 *   finished legs: only c11@1001 (talk 360, wrap 60): avgTalkSec = 360; avgHandleSec = 420
 *   intervals: 09:00 {c11} offered 1, answered 1, inSL 1; 11:30 {c12} offered 1, answered 1
 */
const W_D4: WindowStats = {
  offered: 2,
  answered: 2,
  abandoned: 0,
  shortAbandoned: 0,
  answeredInSL: 1,
  serviceLevel: 0.5,
  answerRate: 1,
  timelyRate: 0.5,
  asaSec: 17,
  maxWaitSec: 30,
  avgTalkSec: 360,
  avgHandleSec: 420,
};
const W_ZERO: WindowStats = {
  offered: 0,
  answered: 0,
  abandoned: 0,
  shortAbandoned: 0,
  answeredInSL: 0,
  serviceLevel: null,
  answerRate: null,
  timelyRate: null,
  asaSec: null,
  maxWaitSec: null,
  avgTalkSec: null,
  avgHandleSec: null,
};
/*
 * Range D0…D4, from the summed sums (not an average of the days' ratios):
 *   offered 0+4+5+2+2 = 13; answered 0+2+2+1+2 = 7; abandoned 0+2+3+1+0 = 6; short 1; inSL 2+2+0+1 = 5
 *   serviceLevel = 5 / (7 + 6 − 1) = 5/12; answerRate = 7/12; timelyRate = 5/7
 *   asaSec = (16 + 17 + 365 + 34) / 7 = 432/7 (waits 6, 10, 5, 12, 365, 4, 30)
 *   maxWaitSec = max(40, 60, 365, 30) = 365
 *   avgTalkSec = (780 + 900 + 240 + 360) / (3 + 2 + 1 + 1) = 2280/7
 *   avgHandleSec = (960 + 1080 + 300 + 420) / 7 = 2760/7
 */
const W_TOTAL: WindowStats = {
  offered: 13,
  answered: 7,
  abandoned: 6,
  shortAbandoned: 1,
  answeredInSL: 5,
  serviceLevel: 5 / 12,
  answerRate: 7 / 12,
  timelyRate: 5 / 7,
  asaSec: 432 / 7,
  maxWaitSec: 365,
  avgTalkSec: 2280 / 7,
  avgHandleSec: 2760 / 7,
};

/*
 * ── Day rows beyond the window ──
 * categories (ticket.created by the day of its ts):
 *   D1 sanitation 1 (tk1), gas_heating 1 (tk2), illegal_construction 1 (tk8, late);
 *   D2 city_order 2 (tk3, tk5 at 23:59), municipal 1 (tk4); D3 other 1 (tk6); D4 landscaping 1 (tk7)
 * callbacks (missed calls abandoned that day, with a caller; short abandons included):
 *   D1 missed {c2, c3} = 2; returned 2 (c2 after 19:57, c3 after 44:20); returnedLate 1 (c3 > 30 min)
 *   D2 missed {c6, c10, c7} = 3; returned 2 (c10 after 19:10, c7 after exactly 30:00 on D3); late 0
 *   D3 missed 0 (c8 has no caller); D4 missed 0 (both calls answered)
 * incidents (raised that day):
 *   D2 inc1 urgent, lead ack after 90 s → raised 1, major 0, late 0
 *   D3 inc2 major, lead ack after 180 s (director's at 60 s does not count) → late;
 *      inc4 urgent, never acknowledged, deadline 20:02 < day's end → late  ⇒ raised 2, major 1, late 2
 *   D4 inc3 urgent raised 11:59:00, deadline 12:01:00 not yet passed at 12:00:00 → raised 1, major 0, late 0
 */
/** no follow-up calls in this scenario (FOLLOWUP.md figures stay at zero) */
const F0 = { followups: 0, reached: 0, satisfied: 0, basicallySatisfied: 0, dissatisfied: 0, satisfactionRate: null };
const ROW_D0: DayRow = { date: D0, ...W_ZERO, intervals: [], categories: CATS0, callbacks: { missed: 0, returned: 0, returnedLate: 0 }, incidents: { raised: 0, major: 0, lateAcknowledgements: 0 }, handovers: [], followup: F0 };
const ROW_D1: DayRow = {
  date: D1,
  ...W_D1,
  intervals: [bucket(d1('09:00:00'), 2, 1, 1, 1, 1), bucket(d1('10:00:00'), 1, 0, 1, 0, 0), bucket(d1('10:30:00'), 1, 1, 0, 0, 1)],
  categories: { ...CATS0, sanitation: 1, gas_heating: 1, illegal_construction: 1 },
  callbacks: { missed: 2, returned: 2, returnedLate: 1 },
  incidents: { raised: 0, major: 0, lateAcknowledgements: 0 },
  handovers: [],
  followup: F0,
};
const ROW_D2: DayRow = {
  date: D2,
  ...W_D2,
  intervals: [bucket(d2('11:00:00'), 1, 0, 1, 0, 0), bucket(d2('12:00:00'), 1, 1, 0, 0, 1), bucket(d2('20:00:00'), 1, 0, 1, 0, 0), bucket(d2('23:30:00'), 2, 1, 1, 0, 1)],
  categories: { ...CATS0, city_order: 2, municipal: 1 },
  callbacks: { missed: 3, returned: 2, returnedLate: 0 },
  incidents: { raised: 1, major: 0, lateAcknowledgements: 0 },
  handovers: [],
  followup: F0,
};
const ROW_D3: DayRow = {
  date: D3,
  ...W_D3,
  intervals: [bucket(d3('10:00:00'), 1, 1, 0, 0, 0), bucket(d3('15:00:00'), 1, 0, 1, 0, 0)],
  categories: { ...CATS0, other: 1 },
  callbacks: { missed: 0, returned: 0, returnedLate: 0 },
  incidents: { raised: 2, major: 1, lateAcknowledgements: 2 },
  handovers: [],
  followup: F0,
};
const ROW_D4: DayRow = {
  date: D4,
  partial: true,
  ...W_D4,
  intervals: [bucket(d4('09:00:00'), 1, 1, 0, 0, 1), bucket(d4('11:30:00'), 1, 1, 0, 0, 0)],
  categories: { ...CATS0, landscaping: 1 },
  callbacks: { missed: 0, returned: 0, returnedLate: 0 },
  incidents: { raised: 1, major: 0, lateAcknowledgements: 0 },
  handovers: [],
  followup: F0,
};

/*
 * ── Agents (durations in s, by event times; signed-in time split at midnight; a leg's talk and
 *    wrap-up count on the day the leg started, once ended) ──
 *
 * 1001 张三, D1 (signed in 09:02:00 → 13:00:00 = 3 h 58 min = 14280)
 *   available 09:02:00→09:10:02 482 + 09:16:06→10:33:40 4654 + 10:39:40→11:00:00 1220 + 11:20:00→13:00:00 6000 = 12356
 *   ringing 4; talking 300 + 300 = 600; wrapup 60 + 60 = 120; busy (meal) 1200
 *   check: 12356 + 4 + 600 + 120 + 1200 = 14280 ✓
 *   answered 2 (c1, c4 after the transfer); legs ended 2: avgTalk 600/2 = 300, avgHandle (600+120)/2 = 360
 *   occupancy = (600 + 120) / (14280 − 1200) = 720/13080
 *   callbacks 2 (c2 first return, c3); violations: busy_too_long 1 (meal 1200 ≥ 900);
 *   not_signed_in 0 (logged_in spells 120 s and 60 s); rona 0; restricted_window 0 (busy 11:00, signout 13:00)
 */
const A1001_D1: AgentRow = {
  agentId: '1001',
  name: '张三',
  answered: 2,
  ronas: 0,
  talkSec: 600,
  wrapupSec: 120,
  avgTalkSec: 300,
  avgHandleSec: 360,
  signedInSec: 14280,
  availableSec: 12356,
  busySec: 1200,
  busyByReason: { meal: 1200 },
  occupancy: 720 / 13080,
  callbacks: 2,
  violations: { ...V0, busy_too_long: 1 },
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
/*
 * 1001, D3 (signed in 09:31:00 → 11:00:00 = 1 h 29 min = 5340)
 *   available 09:31:00→10:00:02 1742 + 10:00:22→10:05:00 278 + 10:05:20→10:06:00 40 + 10:11:05→10:20:00 535
 *             + 10:40:00→11:00:00 1200 = 3795
 *   ringing 20 + 20 + 5 = 45; talking 240; wrapup 60; busy training 600 + meal 600 = 1200
 *   check: 3795 + 45 + 240 + 60 + 1200 = 5340 ✓
 *   answered 1; ronas 2; avgTalk 240; avgHandle 300; occupancy = 300 / (5340 − 1200) = 300/4140
 *   violations: rona 2 (10:00:22 opens one; it was acknowledged at 10:02:00, so 10:05:20 opens another);
 *   busy_too_long 0 (a change of reason starts a new spell: 600 + 600); not_signed_in 0 (60 s, 30 s)
 */
const A1001_D3: AgentRow = {
  agentId: '1001',
  name: '张三',
  answered: 1,
  ronas: 2,
  talkSec: 240,
  wrapupSec: 60,
  avgTalkSec: 240,
  avgHandleSec: 300,
  signedInSec: 5340,
  availableSec: 3795,
  busySec: 1200,
  busyByReason: { training: 600, meal: 600 },
  occupancy: 300 / 4140,
  callbacks: 0,
  violations: { ...V0, rona: 2 },
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
/*
 * 1001, D4 (today; signed in 08:52:00 → now 12:00:00 = 3 h 08 min = 11280, the spell it is in counts up to now)
 *   available 08:52:00→09:00:01 481 + 09:07:04→11:30:30 8606 = 9087
 *   ringing 3; talking 360 + (11:30:30→12:00:00) 1770; wrapup 60
 *   check: 9087 + 3 + 360 + 1770 + 60 = 11280 ✓
 *   answered 2 (c11, c12); talkSec 360 (c12's leg has not ended: its talk does not count yet); wrapupSec 60
 *   avgTalk 360/1 = 360; avgHandle (360+60)/1 = 420; occupancy = 420 / (11280 − 0) = 420/11280
 */
const A1001_D4: AgentRow & { partial: true } = {
  agentId: '1001',
  name: '张三',
  partial: true,
  answered: 2,
  ronas: 0,
  talkSec: 360,
  wrapupSec: 60,
  avgTalkSec: 360,
  avgHandleSec: 420,
  signedInSec: 11280,
  availableSec: 9087,
  busySec: 0,
  busyByReason: {},
  occupancy: 420 / 11280,
  callbacks: 0,
  violations: V0,
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
/*
 * 1001 over D0…D4: answered 2+1+2 = 5; ronas 2; talk 600+240+360 = 1200; wrap-up 120+60+60 = 240;
 *   legs ended 2+1+1 = 4: avgTalk 1200/4 = 300, avgHandle 1440/4 = 360
 *   signedIn 14280+5340+11280 = 30900; available 12356+3795+9087 = 25238; busy 1200+1200 = 2400
 *   busyByReason meal 1200+600 = 1800, training 600; occupancy 1440 / (30900 − 2400) = 1440/28500
 *   callbacks 2; violations rona 2, busy_too_long 1
 */
const A1001: AgentRow = {
  agentId: '1001',
  name: '张三',
  answered: 5,
  ronas: 2,
  talkSec: 1200,
  wrapupSec: 240,
  avgTalkSec: 300,
  avgHandleSec: 360,
  signedInSec: 30900,
  availableSec: 25238,
  busySec: 2400,
  busyByReason: { meal: 1800, training: 600 },
  occupancy: 1440 / 28500,
  callbacks: 2,
  violations: { ...V0, rona: 2, busy_too_long: 1 },
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
/*
 * 1002 李四, D1 only (signed in 08:47:00 → 15:40:00 = 6 h 53 min = 24780)
 *   available 08:47:00→10:30:05 6185 + 10:34:10→12:00:00 5150 + 12:16:40→15:40:00 12200 = 23535
 *   ringing 5; talking 180 (c4 until its transfer); wrapup 60 (→ ready 10:34:10); busy (no reason) 1000
 *   check: 23535 + 5 + 180 + 60 + 1000 = 24780 ✓
 *   answered 1; avgTalk 180; avgHandle 240; occupancy = 240 / (24780 − 1000) = 240/23780
 *   callbacks 0 (its return of c2 was the second one: not counted)
 *   violations: not_signed_in 1 (08:40→08:47, 420 s ≥ 300), busy_too_long 1 (1000 ≥ 900, under ""),
 *   restricted_window 1 (sign-out 15:40 in 早班's last 30 min, nobody took A02), rona 0
 */
const A1002: AgentRow = {
  agentId: '1002',
  name: '李四',
  answered: 1,
  ronas: 0,
  talkSec: 180,
  wrapupSec: 60,
  avgTalkSec: 180,
  avgHandleSec: 240,
  signedInSec: 24780,
  availableSec: 23535,
  busySec: 1000,
  busyByReason: { '': 1000 },
  occupancy: 240 / 23780,
  callbacks: 0,
  violations: { rona: 0, not_signed_in: 1, busy_too_long: 1, restricted_window: 1 },
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
/*
 * 1003 王五, signed in across midnight, D2 15:58:00 → D3 02:00:00
 *   D2: available 15:58:00→23:58:05 28805; ringing 7; talking 23:58:12→24:00:00 108; signedIn 8 h 02 min = 28920
 *       (28805 + 7 + 108 = 28920 ✓). The c5 leg started on D2 and stays whole there: talk 300, wrap-up 60.
 *       answered 1; avgTalk 300; avgHandle 360; occupancy = 360 / 28920; callbacks 0; violations 0
 *       (logged_in 15:55→15:58 = 180 s)
 *   D3: talking 00:00→00:03:12 192; wrapup 60; available 00:04:12→02:00:00 6948; signedIn 2 h = 7200
 *       (192 + 60 + 6948 = 7200 ✓). No leg started on D3: talk 0, wrap-up 0, avgs null; occupancy 0/7200 = 0.
 *       callbacks 1 (c7 returned at D3 00:10:00: counted on the day of the callback.completed, like
 *       `answered` on the day of the answer). violations 0 (sign-out 02:00 is outside 00:00–00:30)
 *   range: signedIn 28920 + 7200 = 36120; available 28805 + 6948 = 35753; occupancy 360/36120
 */
const A1003_D2: AgentRow = {
  agentId: '1003',
  name: '王五',
  answered: 1,
  ronas: 0,
  talkSec: 300,
  wrapupSec: 60,
  avgTalkSec: 300,
  avgHandleSec: 360,
  signedInSec: 28920,
  availableSec: 28805,
  busySec: 0,
  busyByReason: {},
  occupancy: 360 / 28920,
  callbacks: 0,
  violations: V0,
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
const A1003_D3: AgentRow = {
  agentId: '1003',
  name: '王五',
  answered: 0,
  ronas: 0,
  talkSec: 0,
  wrapupSec: 0,
  avgTalkSec: null,
  avgHandleSec: null,
  signedInSec: 7200,
  availableSec: 6948,
  busySec: 0,
  busyByReason: {},
  occupancy: 0,
  callbacks: 1,
  violations: V0,
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
const A1003: AgentRow = {
  agentId: '1003',
  name: '王五',
  answered: 1,
  ronas: 0,
  talkSec: 300,
  wrapupSec: 60,
  avgTalkSec: 300,
  avgHandleSec: 360,
  signedInSec: 36120,
  availableSec: 35753,
  busySec: 0,
  busyByReason: {},
  occupancy: 360 / 36120,
  callbacks: 1,
  violations: V0,
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};
/*
 * 1004 赵六, D2 only (signed in 10:01:00 → 15:45:00 = 5 h 44 min = 20640)
 *   available 10:01:00→11:00:02 3542 + 11:00:22→11:00:30 8 + 11:00:50→12:00:03 3553 + 12:12:05→15:45:00 12775 = 19878
 *   ringing 20 + 20 + 2 = 42; talking 600; wrapup 120
 *   check: 19878 + 42 + 600 + 120 = 20640 ✓
 *   answered 1; ronas 2; avgTalk 600; avgHandle 720; occupancy = 720 / 20640
 *   callbacks 1 (c10, the late event, ts D2 20:20)
 *   violations: rona 1 (two RONAs 28 s apart, not acknowledged: one episode); restricted_window 0 (its
 *   sign-out at 15:45 was a handover: 1003 signed in at A03 at 15:58, 13 min later); not_signed_in 0
 */
const A1004: AgentRow = {
  agentId: '1004',
  name: '赵六',
  answered: 1,
  ronas: 2,
  talkSec: 600,
  wrapupSec: 120,
  avgTalkSec: 600,
  avgHandleSec: 720,
  signedInSec: 20640,
  availableSec: 19878,
  busySec: 0,
  busyByReason: {},
  occupancy: 720 / 20640,
  callbacks: 1,
  violations: { ...V0, rona: 1 },
  attendance: { late: 0, absent: 0, leftEarly: 0 },
};

// ═════════════════════════ the assertions ═════════════════════════

/** Checks a DayRow field by field: the window, then intervals (non-zero buckets), categories, callbacks, incidents. */
function expectDay(actual: DayRow, expected: DayRow, label: string, bucketCount?: number) {
  const { intervals: ai, ...aRest } = actual;
  const { intervals: ei, ...eRest } = expected;
  expect(norm(aRest), `${label}: row`).toEqual(norm(eRest));
  expect(ai.filter(isNonZero), `${label}: non-zero intervals`).toEqual(ei);
  // "the day's 30-minute buckets as in the snapshot; today's only up to now": a past day has 48,
  // today (now 12:00) 00:00 … 12:00 = 25
  if (bucketCount !== undefined) expect(ai.length, `${label}: number of buckets`).toBe(bucketCount);
  // whatever zero buckets are listed lie in the day, on a 30-minute boundary, in order, none after now
  const dayStart = sh(Number(expected.date.slice(0, 4)), Number(expected.date.slice(5, 7)), Number(expected.date.slice(8, 10)), 0);
  const starts = ai.map((b) => b.start);
  expect(starts, `${label}: interval starts`).toEqual([...starts].sort((a, b) => a - b));
  expect(new Set(starts).size).toBe(starts.length);
  for (const s of starts) {
    expect(s >= dayStart && s < dayStart + 86_400_000 && (s - dayStart) % 1_800_000 === 0, `${label}: bucket ${s}`).toBe(true);
    expect(s <= clock.t, `${label}: bucket ${s} after now`).toBe(true);
  }
}

const byId = (rows: AgentRow[]) => [...rows].sort((a, b) => a.agentId.localeCompare(b.agentId));

describe('reports over a hand-computed multi-day scenario (issue 11)', () => {
  it(`GET /reports/days ${D0}…${D4}: every DayRow and the total`, async () => {
    const r = await http(`/api/v1/reports/days?from=${D0}&to=${D4}`, { token: lead });
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(D0);
    expect(r.body.to).toBe(D4);
    expect(r.body.timeZone).toBe('Asia/Shanghai');
    const days = r.body.days as DayRow[];
    expect(days.map((d) => d.date)).toEqual([D0, D1, D2, D3, D4]);
    expectDay(days[0]!, ROW_D0, D0, 48);
    expectDay(days[1]!, ROW_D1, D1, 48);
    expectDay(days[2]!, ROW_D2, D2, 48);
    expectDay(days[3]!, ROW_D3, D3, 48);
    expectDay(days[4]!, ROW_D4, D4, 25);
    expect(norm(r.body.total)).toEqual(norm(W_TOTAL));
  });

  it('a range ending in the future ends today; a one-day range has that day as its total', async () => {
    const r = await http(`/api/v1/reports/days?from=${D3}&to=2025-03-15`, { token: lead });
    expect(r.status).toBe(200);
    expect((r.body.days as DayRow[]).map((d) => d.date)).toEqual([D3, D4]);
    const one = await http(`/api/v1/reports/days?from=${D2}&to=${D2}`, { token: lead });
    expect(one.status).toBe(200);
    expectDay(one.body.days[0], ROW_D2, `${D2} alone`);
    expect(norm(one.body.total)).toEqual(norm(W_D2));
  });

  it(`GET /reports/agents ${D0}…${D4}: every AgentRow`, async () => {
    const r = await http(`/api/v1/reports/agents?from=${D0}&to=${D4}`, { token: lead });
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(D0);
    expect(r.body.to).toBe(D4);
    expect(r.body.timeZone).toBe('Asia/Shanghai');
    const rows = byId(r.body.agents);
    expect(rows.map((a) => a.agentId)).toEqual(['1001', '1002', '1003', '1004']);
    expect(norm(rows[0]), '1001').toEqual(norm(A1001));
    expect(norm(rows[1]), '1002').toEqual(norm(A1002));
    expect(norm(rows[2]), '1003').toEqual(norm(A1003));
    expect(norm(rows[3]), '1004').toEqual(norm(A1004));
  });

  it(`GET /reports/agents ${D3} alone: figures clipped to that day (the night spell split at midnight)`, async () => {
    const r = await http(`/api/v1/reports/agents?from=${D3}&to=${D3}`, { token: lead });
    expect(r.status).toBe(200);
    const rows = byId(r.body.agents);
    // 1002 and 1004 have nothing on D3
    expect(rows.map((a) => a.agentId)).toEqual(['1001', '1003']);
    expect(norm(rows[0]), '1001 on D3').toEqual(norm(A1001_D3));
    expect(norm(rows[1]), '1003 on D3').toEqual(norm(A1003_D3));
  });

  it('GET /reports/agents/1001: its days D1, D3 and today (partial)', async () => {
    const r = await http(`/api/v1/reports/agents/1001?from=${D0}&to=${D4}`, { token: lead });
    expect(r.status).toBe(200);
    expect(r.body.from).toBe(D0);
    expect(r.body.to).toBe(D4);
    expect(r.body.timeZone).toBe('Asia/Shanghai');
    expect(r.body.agentId).toBe('1001');
    expect(r.body.name).toBe('张三');
    const days = r.body.days as (AgentRow & { date: string; partial?: true })[];
    expect(days.map((d) => d.date)).toEqual([D1, D3, D4]);
    expect(norm(days[0]), `1001 ${D1}`).toEqual(norm({ date: D1, ...A1001_D1 }));
    expect(norm(days[1]), `1001 ${D3}`).toEqual(norm({ date: D3, ...A1001_D3 }));
    expect(norm(days[2]), `1001 ${D4}`).toEqual(norm({ date: D4, ...A1001_D4 }));
  });

  it('GET /reports/agents/1003: the agent signed in across midnight, D2 and D3', async () => {
    const r = await http(`/api/v1/reports/agents/1003?from=${D0}&to=${D4}`, { token: lead });
    expect(r.status).toBe(200);
    expect(r.body.agentId).toBe('1003');
    expect(r.body.name).toBe('王五');
    const days = r.body.days as (AgentRow & { date: string })[];
    expect(days.map((d) => d.date)).toEqual([D2, D3]);
    expect(norm(days[0]), `1003 ${D2}`).toEqual(norm({ date: D2, ...A1003_D2 }));
    expect(norm(days[1]), `1003 ${D3}`).toEqual(norm({ date: D3, ...A1003_D3 }));
  });

  it('format=csv: BOM, Chinese headers, an attachment, the same values', async () => {
    const res = await fetch(`${url}/api/v1/reports/agents?from=${D0}&to=${D4}&format=csv`, { headers: { authorization: `Bearer ${lead}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)], 'UTF-8 BOM').toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const lines = text.split(/\r?\n/).filter((l) => l !== '');
    const headers = lines[0]!.split(',');
    // every column header is Chinese (the layout itself is the implementation's: REPORTS.md names no columns)
    for (const h of headers) expect(h, `header ${h}`).toMatch(/[\u4e00-\u9fff]/);
    expect(headers).toEqual([
      '工号', '姓名', '接听', '振铃未接', '通话时长(秒)', '话后时长(秒)', '平均通话(秒)', '平均处理(秒)', '签入时长(秒)',
      '空闲时长(秒)', '示忙时长(秒)', '示忙原因(秒)', '占用率(%)', '回拨',
      '违规-振铃未接', '违规-登录未签入', '违规-示忙过长', '违规-交接班时段签出/示忙',
    ]);
    // the hand-computed rows above, as the CSV writes them (seconds with one decimal, occupancy in %):
    //   1001 occupancy 1440/28500 = 5.05 % → 5.1; 1002 240/23780 = 1.009 % → 1.0;
    //   1003 360/36120 = 0.997 % → 1.0;        1004 720/20640 = 3.488 % → 3.5
    //   busyByReason as reason:seconds (the "" reason written as 未注明)
    expect(lines.slice(1)).toEqual([
      '1001,张三,5,2,1200.0,240.0,300.0,360.0,30900.0,25238.0,2400.0,meal:1800; training:600,5.1,2,2,0,1,0',
      '1002,李四,1,0,180.0,60.0,180.0,240.0,24780.0,23535.0,1000.0,未注明:1000,1.0,0,0,1,1,1',
      '1003,王五,1,0,300.0,60.0,300.0,360.0,36120.0,35753.0,0.0,,1.0,1,0,0,0,0',
      '1004,赵六,1,2,600.0,120.0,600.0,720.0,20640.0,19878.0,0.0,,3.5,1,1,0,0,0',
    ]);
  });

  it('format=csv of the days: one line per day with the same figures', async () => {
    const res = await fetch(`${url}/api/v1/reports/days?from=${D0}&to=${D4}&format=csv`, { headers: { authorization: `Bearer ${lead}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    const text = await res.text();
    const lines = text.replace(/^\ufeff/, '').split(/\r?\n/).filter((l) => l !== '');
    for (const h of lines[0]!.split(',')) expect(h, `header ${h}`).toMatch(/[\u4e00-\u9fff]/);
    // per day: offered, answered, abandoned, short, inSL, SL %, answer rate %, timely %, ASA, max wait,
    // avg talk, avg handle, missed, returned, returned late, incidents, major, late acks, 7 categories,
    // then the follow-ups (none here: 0,0,0,0,0 and no rate)
    // (SL D1 2/3 = 66.7 %, D2 40 %, D3 0 %, D4 50 %; answer rate D1 66.7, D2 40, D3 50, D4 100)
    expect(lines.slice(1)).toEqual([
      `${D0},,0,0,0,0,0,,,,,,,,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,`,
      `${D1},,4,2,2,1,2,66.7,66.7,100.0,8.0,40.0,260.0,320.0,2,2,1,0,0,0,0,1,0,0,1,1,0,0,0,0,0,0,`,
      `${D2},,5,2,3,0,2,40.0,40.0,100.0,8.5,60.0,450.0,540.0,3,2,0,1,0,0,2,0,0,1,0,0,0,0,0,0,0,0,`,
      `${D3},,2,1,1,0,0,0.0,50.0,0.0,365.0,365.0,240.0,300.0,0,0,0,2,1,2,0,0,0,0,0,0,1,0,0,0,0,0,`,
      `${D4},是,2,2,0,0,1,50.0,100.0,50.0,17.0,30.0,360.0,420.0,0,0,0,1,0,0,0,0,1,0,0,0,0,0,0,0,0,0,`,
    ]);
  });

  it('400 for a bad date, a reversed range, a range over 366 days (366 is fine)', async () => {
    for (const route of ['days', 'agents', 'agents/1001']) {
      const bad = await http(`/api/v1/reports/${route}?from=2025-02-30&to=${D4}`, { token: lead });
      expect(bad.status, `${route} bad date`).toBe(400);
      expect(bad.body.error).toBe('invalid_date');
      const word = await http(`/api/v1/reports/${route}?from=yesterday&to=${D4}`, { token: lead });
      expect(word.status).toBe(400);
      expect(word.body.error).toBe('invalid_date');
      const missing = await http(`/api/v1/reports/${route}?to=${D4}`, { token: lead });
      expect(missing.status).toBe(400);
      const reversed = await http(`/api/v1/reports/${route}?from=${D4}&to=${D3}`, { token: lead });
      expect(reversed.status, `${route} reversed`).toBe(400);
      expect(reversed.body.error).toBe('reversed_range');
      // 2024-03-12 … 2025-03-13: 2024-03-12→2025-03-12 is 365 days (29 Feb 2024 lies before), +1 → 366
      // days apart, both ends included → 367 days
      const long = await http(`/api/v1/reports/${route}?from=2024-03-12&to=${D4}`, { token: lead });
      expect(long.status, `${route} 367 days`).toBe(400);
      expect(long.body.error).toBe('range_too_long');
      // 2024-03-13 … 2025-03-13: 366 days both included
      const max = await http(`/api/v1/reports/${route}?from=2024-03-13&to=${D4}`, { token: lead });
      expect(max.status, `${route} 366 days`).toBe(200);
    }
    const max = await http(`/api/v1/reports/days?from=2024-03-13&to=${D4}`, { token: lead });
    expect(max.body.days).toHaveLength(366);
  });

  it('roles: lead, director and admin read; a wall device 403; no or a bad token 401', async () => {
    for (const route of ['days', 'agents', 'agents/1001']) {
      for (const csv of ['', '&format=csv']) {
        const path = `/api/v1/reports/${route}?from=${D1}&to=${D4}${csv}`;
        expect((await http(path, { token: lead })).status, `lead ${path}`).toBe(200);
        expect((await http(path, { token: director })).status, `director ${path}`).toBe(200);
        expect((await http(path, { token: admin })).status, `admin ${path}`).toBe(200);
        expect((await http(path, { token: wall })).status, `wall ${path}`).toBe(403);
        expect((await http(path)).status, `no token ${path}`).toBe(401);
        expect((await http(path, { token: 'not-a-token' })).status, `bad token ${path}`).toBe(401);
      }
    }
  });
  /*
   * Ten days later the four scenario days have left the live state (it keeps retentionDays + 1 = 8
   * days whole) and are read from the archive: the same figures (REPORTS.md: "reports are unchanged
   * by a restart, a trim, or a replay"). D4 is now a finished day:
   *   - its window is unchanged (c12's leg never ended: still avgTalk 360, avgHandle 420), 48 buckets;
   *   - inc3 (raised 11:59:00) was never acknowledged and its deadline 12:01:00 passed before the
   *     day's end → lateAcknowledgements 1.
   * 1001 over D0…D3 only (D1 + D3): answered 2+1 = 3; ronas 2; talk 600+240 = 840; wrap-up 120+60 = 180;
   *   legs ended 3: avgTalk 840/3 = 280, avgHandle 1020/3 = 340; signedIn 14280+5340 = 19620;
   *   available 12356+3795 = 16151; busy 2400 (meal 1800, training 600);
   *   occupancy 1020 / (19620 − 2400) = 1020/17220; callbacks 2; violations rona 2, busy_too_long 1.
   */
  it('ten days later, from the archive: the same rows, and today became a finished day', async () => {
    clock.t = sh(2025, 3, 23, 12, 0, 0);
    await ingestAt(clock.t, [e('ticket.created', clock.t - 60_000, { ticketId: 'tk-later', category: 'other', kind: 'consultation' })]);
    await app.replica.saveSnapshot();
    await app.keeper.writeClosedDays();
    const held = await archive.dates();
    for (const d of [D1, D2, D3, D4]) expect(held, `archive holds ${d}`).toContain(d);
    const lead2 = await login('lead-rs', PASSWORD);

    const r = await http(`/api/v1/reports/days?from=${D0}&to=${D4}`, { token: lead2 });
    expect(r.status).toBe(200);
    const days = r.body.days as DayRow[];
    expect(days.map((d) => d.date)).toEqual([D0, D1, D2, D3, D4]);
    // an archived day stores only the buckets that had calls; the route still answers 48 of them
    expectDay(days[0]!, ROW_D0, `${D0} archived`, 48);
    expectDay(days[1]!, ROW_D1, `${D1} archived`, 48);
    expectDay(days[2]!, ROW_D2, `${D2} archived`, 48);
    expectDay(days[3]!, ROW_D3, `${D3} archived`, 48);
    const { partial: _p, ...d4 } = ROW_D4;
    expectDay(days[4]!, { ...d4, incidents: { raised: 1, major: 0, lateAcknowledgements: 1 } }, `${D4} finished`, 48);
    expect(norm(r.body.total)).toEqual(norm(W_TOTAL));

    const a = await http(`/api/v1/reports/agents?from=${D0}&to=${D3}`, { token: lead2 });
    expect(a.status).toBe(200);
    const rows = byId(a.body.agents);
    expect(rows.map((x) => x.agentId)).toEqual(['1001', '1002', '1003', '1004']);
    expect(norm(rows[0]), '1001 D0…D3 archived').toEqual(
      norm({
        agentId: '1001',
        name: '张三',
        answered: 3,
        ronas: 2,
        talkSec: 840,
        wrapupSec: 180,
        avgTalkSec: 280,
        avgHandleSec: 340,
        signedInSec: 19620,
        availableSec: 16151,
        busySec: 2400,
        busyByReason: { meal: 1800, training: 600 },
        occupancy: 1020 / 17220,
        callbacks: 2,
        violations: { ...V0, rona: 2, busy_too_long: 1 },
        attendance: { late: 0, absent: 0, leftEarly: 0 },
      }),
    );
    expect(norm(rows[1]), '1002 archived').toEqual(norm(A1002));
    expect(norm(rows[2]), '1003 archived').toEqual(norm(A1003));
    expect(norm(rows[3]), '1004 archived').toEqual(norm(A1004));

    const one = await http(`/api/v1/reports/agents/1003?from=${D0}&to=${D3}`, { token: lead2 });
    expect(one.status).toBe(200);
    expect((one.body.days as { date: string }[]).map((d) => d.date)).toEqual([D2, D3]);
    expect(norm(one.body.days[0]), `1003 ${D2} archived`).toEqual(norm({ date: D2, ...A1003_D2 }));
    expect(norm(one.body.days[1]), `1003 ${D3} archived`).toEqual(norm({ date: D3, ...A1003_D3 }));
  });
});
