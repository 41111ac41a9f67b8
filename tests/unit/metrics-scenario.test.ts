/**
 * A hand-computed scenario: every window field of today and shift, the intervals and the
 * right-now figures, checked against numbers worked out by hand (comments show the sums).
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { derive } from '../../server/core/derive';
import { Reducer } from '../../server/core/reduce';
import { ev, sh } from '../helpers/events';

const config = defaultConfig('Asia/Shanghai');
const T0 = sh(2026, 11, 29, 9, 0, 0); // 09:00, 早班 (08:00–16:00)
const s = (sec: number) => T0 + sec * 1000;
const N = (h: number, m: number, sec = 0) => sh(2026, 11, 29, h, m, sec);

const events = [
  // yesterday 23:59:50: not today
  ev('call.queued', sh(2026, 11, 28, 23, 59, 50), { callId: 'c7' }),
  ev('call.abandoned', N(0, 0, 30), { callId: 'c7' }),
  // night shift: 1003 answers c6 (wait 10 s, talk 60 s, wrap 30 s)
  ev('agent.login', N(7, 30), { agentId: '1003', name: '李娜' }),
  ev('agent.signin', N(7, 40), { agentId: '1003', seat: 'A03' }),
  ev('call.queued', N(7, 50, 0), { callId: 'c6', caller: '13900001111' }),
  ev('call.ringing', N(7, 50, 5), { callId: 'c6', agentId: '1003' }),
  ev('call.answered', N(7, 50, 10), { callId: 'c6', agentId: '1003' }),
  ev('call.ended', N(7, 51, 10), { callId: 'c6' }),
  ev('agent.signout', N(7, 51, 40), { agentId: '1003' }),
  // early shift
  ev('agent.login', s(-60), { agentId: '1001', name: '王芳' }),
  ev('agent.signin', s(-50), { agentId: '1001', seat: 'A01' }),
  ev('agent.login', s(-60), { agentId: '1002' }),
  ev('agent.signin', s(-50), { agentId: '1002', seat: 'A02' }),
  // c1: wait 5 (in SL), talk 60, wrap 20
  ev('call.queued', s(0), { callId: 'c1' }),
  ev('call.ringing', s(2), { callId: 'c1', agentId: '1001' }),
  ev('call.answered', s(5), { callId: 'c1', agentId: '1001' }),
  // c2: wait 20 (not in SL), leg 1 talk 50 + wrap 20, transferred, leg 2 talk 80, wrap unfinished
  ev('call.queued', s(10), { callId: 'c2' }),
  ev('call.ringing', s(12), { callId: 'c2', agentId: '1002' }),
  // c3: short abandon (3 s) with a caller
  ev('call.queued', s(20), { callId: 'c3', caller: '13812345678' }),
  ev('call.abandoned', s(23), { callId: 'c3' }),
  ev('call.answered', s(30), { callId: 'c2', agentId: '1002' }),
  // c4: abandon after 60 s, landline caller
  ev('call.queued', s(40), { callId: 'c4', caller: '5624108' }),
  ev('call.ended', s(65), { callId: 'c1' }),
  ev('call.transferred', s(80), { callId: 'c2', agentId: '1002', queue: 'specialist' }),
  ev('agent.ready', s(85), { agentId: '1001' }),
  ev('agent.ready', s(100), { agentId: '1002' }),
  ev('call.abandoned', s(100), { callId: 'c4' }),
  ev('call.ringing', s(110), { callId: 'c2', agentId: '1001' }),
  ev('call.answered', s(120), { callId: 'c2', agentId: '1001' }),
  ev('call.ended', s(200), { callId: 'c2' }),
  // c5: still waiting at now
  ev('call.queued', s(200), { callId: 'c5', caller: '13700002222' }),
  ev('ticket.created', s(70), { ticketId: 'k1', category: 'sanitation', kind: 'complaint', callId: 'c1' }),
  ev('ticket.created', s(210), { ticketId: 'k2', category: 'sanitation', kind: 'consultation' }),
  ev('ticket.created', s(211), { ticketId: 'k3', category: 'gas_heating', kind: 'complaint' }),
];

describe('hand-computed scenario at 09:05', () => {
  const r = new Reducer(config);
  for (const e of events) r.apply(e);
  const snap = derive(r.state, s(300), config, '1-0');

  it('today: every window field', () => {
    // offered c6 c1 c2 c3 c4 c5; answered c6 c1 c2; abandoned c3 c4 (c3 short); in SL c6 (10 s) c1 (5 s)
    expect(snap.today).toEqual({
      offered: 6,
      answered: 3,
      abandoned: 2,
      shortAbandoned: 1,
      answeredInSL: 2,
      serviceLevel: 2 / 4, // 2 / (3 + 2 − 1)
      answerRate: 3 / 4,
      timelyRate: 2 / 3,
      asaSec: (10 + 5 + 20) / 3,
      maxWaitSec: 60,
      avgTalkSec: (60 + 60 + 50 + 80) / 4,
      avgHandleSec: (90 + 80 + 70) / 3, // c6 60+30, c1 60+20, c2 leg 1 50+20; c2 leg 2 still in wrap-up
    });
  });

  it('shift: every window field, from 08:00 only', () => {
    expect(snap.shift).toEqual({
      name: '早班',
      start: N(8, 0),
      end: N(16, 0),
      offered: 5,
      answered: 2,
      abandoned: 2,
      shortAbandoned: 1,
      answeredInSL: 1,
      serviceLevel: 1 / 3,
      answerRate: 2 / 3,
      timelyRate: 1 / 2,
      asaSec: (5 + 20) / 2,
      maxWaitSec: 60,
      avgTalkSec: (60 + 50 + 80) / 3,
      avgHandleSec: (80 + 70) / 2,
    });
  });

  it('intervals: 30-minute buckets from midnight to now', () => {
    expect(snap.intervals).toHaveLength(19); // 00:00 … 09:00
    expect(snap.intervals[0]!.start).toBe(N(0, 0));
    expect(snap.intervals[15]).toEqual({ start: N(7, 30), offered: 1, answered: 1, abandoned: 0, shortAbandoned: 0, answeredInSL: 1 });
    expect(snap.intervals[18]).toEqual({ start: N(9, 0), offered: 5, answered: 2, abandoned: 2, shortAbandoned: 1, answeredInSL: 1 });
    const total = snap.intervals.reduce((a, b) => a + b.offered, 0);
    expect(total).toBe(snap.today.offered);
  });

  it('right now: queue, agents, missed calls, categories', () => {
    expect(snap.queue.waiting).toBe(1);
    expect(snap.queue.longestWaitSec).toBe(100);
    expect(snap.queue.byQueue).toEqual({ general: { waiting: 1, longestWaitSec: 100 }, specialist: { waiting: 0, longestWaitSec: null } });
    expect(snap.queue.calls).toEqual([{ callId: 'c5', queue: 'general', since: s(200), caller: '137****2222', agentId: null }]);
    expect(snap.agents).toEqual([
      { id: '1001', name: '王芳', seat: 'A01', state: 'wrapup', since: s(200), reason: null, callId: 'c2' },
      { id: '1002', name: null, seat: 'A02', state: 'available', since: s(100), reason: null, callId: null },
      { id: '1003', name: '李娜', seat: 'A03', state: 'logged_in', since: N(7, 51, 40), reason: null, callId: null },
    ]);
    expect(snap.agentCounts).toEqual({ offline: 0, logged_in: 1, available: 1, ringing: 0, talking: 0, wrapup: 1, busy: 0 });
    expect(snap.missedCalls).toEqual([
      { callId: 'c3', caller: '138****5678', abandonedAt: s(23), due: s(23) + 1_800_000, overdue: false },
      { callId: 'c4', caller: '*****08', abandonedAt: s(100), due: s(100) + 1_800_000, overdue: false },
    ]);
    expect(snap.categories).toEqual({ city_order: 0, sanitation: 2, landscaping: 0, municipal: 0, illegal_construction: 0, gas_heating: 1, other: 0 });
    expect(snap.ingest).toEqual({ rejected: 0, duplicates: 0, anomalies: 0 });
  });

  it('waiting calls at each minute of the last hour', () => {
    expect(snap.waitingHistory).toHaveLength(61);
    expect(snap.waitingHistory[0]!.t).toBe(N(8, 5));
    // 09:00 c1 starts waiting (then answered at 5 s); 09:01 c4 waits; 09:02 c2's second wait ended exactly then; 09:04 c5
    expect(snap.waitingHistory.slice(-6)).toEqual([
      { t: N(9, 0), waiting: 1 },
      { t: N(9, 1), waiting: 1 },
      { t: N(9, 2), waiting: 0 },
      { t: N(9, 3), waiting: 0 },
      { t: N(9, 4), waiting: 1 },
      { t: N(9, 5), waiting: 1 },
    ]);
    expect(snap.waitingHistory.slice(0, -6).every((h) => h.waiting === 0)).toBe(true);
  });

  it('the center carries its thresholds and shifts', () => {
    expect(snap.center).toEqual({ name: '菏泽市12319城市管理服务热线', timeZone: 'Asia/Shanghai', thresholds: config.thresholds, shifts: [{ name: '夜班', start: '00:00' }, { name: '早班', start: '08:00' }, { name: '中班', start: '16:00' }] });
  });

  it('alerts: the waiting call and the operator logged in without signing in', () => {
    expect(snap.alerts.map((a) => [a.rule, a.severity, a.subject, a.since])).toEqual([
      ['call_waiting', 'critical', 'c5', s(215)],
      ['not_signed_in', 'warning', '1003', N(7, 56, 40)],
    ]);
  });

  it('no caller number leaves derive unmasked', () => {
    const json = JSON.stringify(snap);
    for (const raw of ['13812345678', '5624108', '13700002222', '13900001111']) expect(json).not.toContain(raw);
  });
});
