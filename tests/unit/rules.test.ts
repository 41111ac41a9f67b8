/**
 * Every alert rule, table-driven with a fake clock: exactly-at-threshold edges, severities,
 * stable ids and the clearing behaviour of acknowledgements.
 */
import { describe, expect, it } from 'vitest';
import { buildConfig, defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import type { AlertView } from '../../shared/snapshot';
import { derive } from '../../server/core/derive';
import { Reducer } from '../../server/core/reduce';
import { ev, sh } from '../helpers/events';

const config = defaultConfig();
const T = sh(2026, 11, 29, 10, 0); // 10:00, mid 早班
const S = 1000;
const M = 60_000;

function alertsAt(events: HotlineEvent[], now: number, cfg = config): AlertView[] {
  const r = new Reducer(cfg);
  for (const e of events) r.apply(e);
  return derive(r.state, now, cfg, '1-0').alerts;
}
const brief = (alerts: AlertView[]) => alerts.map((a) => `${a.rule}:${a.subject}:${a.severity}`);

interface Case {
  name: string;
  events: HotlineEvent[];
  now: number;
  expected: string[];
}

const busyAgent = [ev('agent.signin', T - 3600 * S, { agentId: 'x' }), ev('agent.busy', T - 60 * S, { agentId: 'x' })];

/** A call that rings at `agentId`, is not answered (rona at `ts`), and is then abandoned. */
function rona(callId: string, agentId: string, ts: number): HotlineEvent[] {
  return [
    ev('call.queued', ts - 10 * S, { callId }),
    ev('call.ringing', ts - 8 * S, { callId, agentId }),
    ev('call.rona', ts, { callId, agentId }),
    ev('call.abandoned', ts + 1, { callId }),
  ];
}

const table: Case[] = [
  // call_waiting: ≥ 15 s warning, ≥ 60 s critical
  { name: 'call waits 14.999 s: nothing', events: [...busyAgent, ev('call.queued', T, { callId: 'c' })], now: T + 14_999, expected: ['no_agent_available:general:critical'] },
  { name: 'call waits exactly 15 s: warning', events: [...busyAgent, ev('call.queued', T, { callId: 'c' })], now: T + 15 * S, expected: ['no_agent_available:general:critical', 'call_waiting:c:warning'] },
  { name: 'call waits exactly 60 s: critical', events: [...busyAgent, ev('call.queued', T, { callId: 'c' })], now: T + 60 * S, expected: ['call_waiting:c:critical', 'no_agent_available:general:critical'] },
  {
    name: 'answered in time (by event time) clears call_waiting however late it arrives',
    events: [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' }), ev('call.answered', T + 10 * S, { callId: 'c', agentId: 'a' })],
    now: T + 90 * S,
    expected: [],
  },
  // no_agent_available
  { name: 'waiting with an agent available: no no_agent alert', events: [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' })], now: T + S, expected: [] },
  {
    name: 'specialist queue waiting with nobody available',
    events: [ev('agent.signin', T, { agentId: 'a' }), ev('agent.busy', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c', queue: 'specialist' })],
    now: T + S,
    expected: ['no_agent_available:specialist:critical'],
  },
  // missed_call_overdue: not returned within 30 min
  { name: 'missed call at exactly 30 min: not yet overdue', events: [ev('call.queued', T, { callId: 'c', caller: '13812345678' }), ev('call.abandoned', T, { callId: 'c' })], now: T + 30 * M, expected: [] },
  { name: 'missed call 1 ms later: overdue', events: [ev('call.queued', T, { callId: 'c', caller: '13812345678' }), ev('call.abandoned', T, { callId: 'c' })], now: T + 30 * M + 1, expected: ['missed_call_overdue:c:critical'] },
  {
    name: 'returned (even late) clears it',
    events: [ev('call.queued', T, { callId: 'c', caller: '13812345678' }), ev('call.abandoned', T, { callId: 'c' }), ev('callback.completed', T + 40 * M, { callId: 'c', agentId: 'a' })],
    now: T + 41 * M,
    expected: [],
  },
  { name: 'missed call without caller: no callback due', events: [ev('call.queued', T, { callId: 'c' }), ev('call.abandoned', T, { callId: 'c' })], now: T + 31 * M, expected: [] },
  // rona
  {
    name: 'one rona: warning',
    events: [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' }), ev('call.ringing', T, { callId: 'c', agentId: 'a' }), ev('call.rona', T + 8 * S, { callId: 'c', agentId: 'a' })],
    now: T + 9 * S,
    expected: ['rona:a:warning'],
  },
  {
    name: 'two ronas within 10 min: critical',
    events: [...rona('c', 'a', T), ...rona('d', 'a', T + 9 * M)],
    now: T + 9 * M + S,
    expected: ['rona:a:critical'],
  },
  { name: 'rona exactly 10 min ago: still listed', events: rona('c', 'a', T), now: T + 10 * M, expected: ['rona:a:warning'] },
  { name: 'rona more than 10 min ago: gone', events: rona('c', 'a', T), now: T + 10 * M + 1, expected: [] },
  {
    name: 'the second rona 11 min after the first: a warning again (only one in the window)',
    events: [...rona('c', 'a', T), ...rona('d', 'a', T + 11 * M)],
    now: T + 11 * M + S,
    expected: ['rona:a:warning'],
  },
  // not_signed_in: logged_in ≥ 5 min
  { name: 'logged in 4:59: nothing', events: [ev('agent.login', T, { agentId: 'a' })], now: T + 5 * M - 1, expected: [] },
  { name: 'logged in exactly 5 min: warning', events: [ev('agent.login', T, { agentId: 'a' })], now: T + 5 * M, expected: ['not_signed_in:a:warning'] },
  { name: 'signed in since: cleared', events: [ev('agent.login', T, { agentId: 'a' }), ev('agent.signin', T + 6 * M, { agentId: 'a' })], now: T + 7 * M, expected: [] },
  // busy_too_long: busy ≥ 15 min
  { name: 'busy 14:59: nothing', events: [ev('agent.signin', T, { agentId: 'a' }), ev('agent.busy', T, { agentId: 'a', reason: 'break' })], now: T + 15 * M - 1, expected: [] },
  { name: 'busy exactly 15 min: warning', events: [ev('agent.signin', T, { agentId: 'a' }), ev('agent.busy', T, { agentId: 'a', reason: 'break' })], now: T + 15 * M, expected: ['busy_too_long:a:warning'] },
  // restricted_window: busy/signout in the first or last 30 min of a shift
  { name: 'busy at 08:29:59 (first 30 min of 早班)', events: [ev('agent.signin', sh(2026, 11, 29, 8, 0), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 8, 29, 59), { agentId: 'a' })], now: sh(2026, 11, 29, 8, 31), expected: ['restricted_window:a:warning'] },
  { name: 'busy at 08:30:00: allowed', events: [ev('agent.signin', sh(2026, 11, 29, 8, 0), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 8, 30), { agentId: 'a' })], now: sh(2026, 11, 29, 8, 31), expected: [] },
  { name: 'busy at 15:30:00 (last 30 min)', events: [ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 15, 30), { agentId: 'a' })], now: sh(2026, 11, 29, 15, 31), expected: ['restricted_window:a:warning'] },
  { name: 'busy at 15:29:59: allowed', events: [ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 15, 29, 59), { agentId: 'a' })], now: sh(2026, 11, 29, 15, 31), expected: [] },
  { name: 'the alert ends with the shift', events: [ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 15, 40), { agentId: 'a' }), ev('agent.ready', sh(2026, 11, 29, 15, 41), { agentId: 'a' })], now: sh(2026, 11, 29, 16, 0), expected: [] },
  {
    name: 'a sign-out at 15:50 that nobody takes over: restricted window + (after 30 s) handover gap',
    events: [ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a', seat: 'A01' }), ev('agent.signout', sh(2026, 11, 29, 15, 50), { agentId: 'a' })],
    now: sh(2026, 11, 29, 15, 50, 30),
    expected: ['handover_gap:A01:critical', 'restricted_window:a:warning'],
  },
  {
    name: 'a handover at the boundary (next operator signs in within 30 s): no alert',
    events: [
      ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a', seat: 'A01' }),
      ev('agent.signout', sh(2026, 11, 29, 15, 59, 50), { agentId: 'a' }),
      ev('agent.login', sh(2026, 11, 29, 15, 55), { agentId: 'b' }),
      ev('agent.signin', sh(2026, 11, 29, 16, 0, 10), { agentId: 'b', seat: 'A01' }),
      ev('agent.logout', sh(2026, 11, 29, 16, 0, 20), { agentId: 'a' }),
    ],
    now: sh(2026, 11, 29, 16, 1),
    expected: [],
  },
  {
    name: 'the successor signs in first and the outgoing operator signs out after: a handover, no alert',
    events: [
      ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a', seat: 'A01' }),
      ev('agent.signin', sh(2026, 11, 29, 15, 59, 40), { agentId: 'b', seat: 'A01' }),
      ev('agent.signout', sh(2026, 11, 29, 16, 0, 5), { agentId: 'a' }),
    ],
    now: sh(2026, 11, 29, 16, 1),
    expected: [],
  },
  {
    name: 'a late successor (3 min): the gap is flagged while it lasts, the sign-out is a handover once they arrive',
    events: [ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a', seat: 'A01' }), ev('agent.signout', sh(2026, 11, 29, 16, 0, 3), { agentId: 'a' })],
    now: sh(2026, 11, 29, 16, 2),
    expected: ['handover_gap:A01:critical', 'restricted_window:a:warning'],
  },
  {
    name: '… and after the late successor signs in, both clear',
    events: [
      ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a', seat: 'A01' }),
      ev('agent.signout', sh(2026, 11, 29, 16, 0, 3), { agentId: 'a' }),
      ev('agent.signin', sh(2026, 11, 29, 16, 3, 2), { agentId: 'b', seat: 'A01' }),
    ],
    now: sh(2026, 11, 29, 16, 4),
    expected: [],
  },
  // handover_gap: ≥ 30 s
  {
    name: 'seat empty 29.999 s after a sign-out near a boundary: nothing yet',
    events: [ev('agent.signin', sh(2026, 11, 29, 15, 0), { agentId: 'a', seat: 'A01' }), ev('agent.logout', sh(2026, 11, 29, 16, 0), { agentId: 'a' })],
    now: sh(2026, 11, 29, 16, 0) + 29_999,
    expected: [],
  },
  {
    name: 'seat empty exactly 30 s: critical',
    events: [ev('agent.signin', sh(2026, 11, 29, 15, 0), { agentId: 'a', seat: 'A01' }), ev('agent.logout', sh(2026, 11, 29, 16, 0), { agentId: 'a' })],
    now: sh(2026, 11, 29, 16, 0, 30),
    expected: ['handover_gap:A01:critical'],
  },
  {
    name: 'a late sign-in at the seat clears the gap',
    events: [ev('agent.signin', sh(2026, 11, 29, 15, 0), { agentId: 'a', seat: 'A01' }), ev('agent.logout', sh(2026, 11, 29, 16, 0), { agentId: 'a' }), ev('agent.signin', sh(2026, 11, 29, 16, 2), { agentId: 'b', seat: 'A01' })],
    now: sh(2026, 11, 29, 16, 3),
    expected: [],
  },
  {
    name: 'a seat the incoming shift\'s roster does not staff is not a gap (fewer seats at night)',
    events: [
      ev('roster.published', sh(2026, 11, 28, 18, 0), { date: '2026-11-29', by: 'zhang', entries: [{ agentId: 'b', shift: '中班', seat: 'A02' }] }),
      ev('agent.signin', sh(2026, 11, 29, 15, 0), { agentId: 'a', seat: 'A01' }),
      ev('agent.logout', sh(2026, 11, 29, 16, 0), { agentId: 'a' }),
    ],
    now: sh(2026, 11, 29, 16, 1),
    expected: ['handover_not_submitted:1795939200000:warning', 'late_signin:b:warning'],
  },
  {
    name: '… but a seat it does staff is one',
    events: [
      ev('roster.published', sh(2026, 11, 28, 18, 0), { date: '2026-11-29', by: 'zhang', entries: [{ agentId: 'b', shift: '中班', seat: 'A01' }] }),
      ev('agent.signin', sh(2026, 11, 29, 15, 0), { agentId: 'a', seat: 'A01' }),
      ev('agent.logout', sh(2026, 11, 29, 16, 0), { agentId: 'a' }),
    ],
    now: sh(2026, 11, 29, 16, 1),
    expected: ['handover_gap:A01:critical', 'handover_not_submitted:1795939200000:warning', 'late_signin:b:warning'],
  },
  {
    name: 'a seat left mid-shift is not a handover gap',
    events: [ev('agent.signin', sh(2026, 11, 29, 9, 0), { agentId: 'a', seat: 'A01' }), ev('agent.logout', sh(2026, 11, 29, 12, 0), { agentId: 'a' })],
    now: sh(2026, 11, 29, 12, 5),
    expected: [],
  },
  // incidents
  { name: 'urgent incident 119.999 s without lead ack: nothing', events: [ev('incident.raised', T, { incidentId: 'i', title: '污水外溢', severity: 'urgent' })], now: T + 119_999, expected: [] },
  { name: 'urgent incident at 120 s without lead ack: critical', events: [ev('incident.raised', T, { incidentId: 'i', title: '污水外溢', severity: 'urgent' })], now: T + 120 * S, expected: ['incident_unacknowledged:i:critical'] },
  {
    name: 'lead ack clears unacknowledged',
    events: [ev('incident.raised', T, { incidentId: 'i', title: '污水外溢', severity: 'urgent' }), ev('incident.acknowledged', T + 200 * S, { incidentId: 'i', by: '张', role: 'lead' })],
    now: T + 300 * S,
    expected: [],
  },
  {
    name: 'major: director pending at 600 s',
    events: [ev('incident.raised', T, { incidentId: 'i', title: '燃气泄漏', severity: 'major' }), ev('incident.acknowledged', T + 60 * S, { incidentId: 'i', by: '张', role: 'lead' })],
    now: T + 600 * S,
    expected: ['incident_director_pending:i:critical'],
  },
  {
    name: 'major: report overdue at 60 min',
    events: [
      ev('incident.raised', T, { incidentId: 'i', title: '燃气泄漏', severity: 'major' }),
      ev('incident.acknowledged', T + 60 * S, { incidentId: 'i', by: '张', role: 'lead' }),
      ev('incident.acknowledged', T + 300 * S, { incidentId: 'i', by: '刘', role: 'director' }),
    ],
    now: T + 60 * M,
    expected: ['incident_report_overdue:i:critical'],
  },
  {
    name: 'major: reported in time and acknowledged twice: nothing',
    events: [
      ev('incident.raised', T, { incidentId: 'i', title: '燃气泄漏', severity: 'major' }),
      ev('incident.acknowledged', T + 60 * S, { incidentId: 'i', by: '张', role: 'lead' }),
      ev('incident.acknowledged', T + 300 * S, { incidentId: 'i', by: '刘', role: 'director' }),
      ev('incident.reported', T + 40 * M, { incidentId: 'i', by: '张', nature: 'n', harm: 'h', measures: 'm', progress: 'p' }),
    ],
    now: T + 61 * M,
    expected: [],
  },
  {
    name: 'resolved: no alerts any more',
    events: [ev('incident.raised', T, { incidentId: 'i', title: '燃气泄漏', severity: 'major' }), ev('incident.resolved', T + 5 * M, { incidentId: 'i', by: '张' })],
    now: T + 61 * M,
    expected: [],
  },
];

describe('alert rules (table)', () => {
  it.each(table)('$name', ({ events, now, expected }) => {
    expect(brief(alertsAt(events, now)).sort()).toEqual([...expected].sort());
  });
});

describe('service_level_low', () => {
  const calls = (n: number, inSL: number): HotlineEvent[] =>
    Array.from({ length: n }, (_, i) => {
      const t0 = T + i * 60 * S;
      return [ev('call.queued', t0, { callId: `c${i}` }), ev('call.answered', t0 + (i < inSL ? 5 : 30) * S, { callId: `c${i}`, agentId: 'a' }), ev('call.ended', t0 + 50 * S, { callId: `c${i}` })];
    }).flat();
  it('needs at least 20 calls in the divisor', () => {
    expect(brief(alertsAt(calls(19, 0), T + 30 * M))).not.toContain('service_level_low:shift:warning');
    expect(brief(alertsAt(calls(20, 0), T + 30 * M))).toContain('service_level_low:shift:warning');
  });
  it('fires below the target only', () => {
    expect(brief(alertsAt(calls(20, 16), T + 30 * M))).not.toContain('service_level_low:shift:warning'); // 0.8
    expect(brief(alertsAt(calls(20, 15), T + 30 * M))).toContain('service_level_low:shift:warning'); // 0.75
  });
  it('resets at the shift boundary', () => {
    const evening = calls(20, 0).map((e) => ({ ...e, ts: e.ts + 5 * 3600 * S })); // 15:00–15:20
    expect(brief(alertsAt(evening, sh(2026, 11, 29, 15, 59)))).toContain('service_level_low:shift:warning');
    expect(brief(alertsAt(evening, sh(2026, 11, 29, 16, 0)))).not.toContain('service_level_low:shift:warning');
  });
});

describe('acknowledgements', () => {
  const waiting = [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' })];
  it('alert ids are stable while the condition lasts, and the severity may change', () => {
    const a = alertsAt(waiting, T + 20 * S).find((x) => x.rule === 'call_waiting')!;
    const b = alertsAt(waiting, T + 70 * S).find((x) => x.rule === 'call_waiting')!;
    expect(a.id).toBe(b.id);
    expect([a.severity, b.severity]).toEqual(['warning', 'critical']);
  });
  it('acknowledging records who and when but does not remove a call_waiting alert', () => {
    const id = alertsAt(waiting, T + 20 * S)[0]!.id;
    const alerts = alertsAt([...waiting, ev('alert.acknowledged', T + 25 * S, { alertId: id, by: '张值班长' })], T + 30 * S);
    expect(alerts).toEqual([expect.objectContaining({ id, acknowledgedBy: '张值班长', acknowledgedAt: T + 25 * S })]);
  });
  it.each([
    ['rona', rona('c', 'a', T), T + S],
    ['not_signed_in', [ev('agent.login', T, { agentId: 'a' })], T + 6 * M],
    ['restricted_window', [ev('agent.signin', sh(2026, 11, 29, 8, 0), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 8, 10), { agentId: 'a' })], sh(2026, 11, 29, 8, 11)],
  ] as const)('acknowledging %s clears it', (rule, events, now) => {
    const alert = alertsAt([...events], now).find((a) => a.rule === rule)!;
    expect(alert).toBeDefined();
    expect(alertsAt([...events, ev('alert.acknowledged', now, { alertId: alert.id, by: '张' })], now + S).filter((a) => a.rule === rule)).toEqual([]);
  });
  it('after an acknowledged rona, a new rona starts a new alert', () => {
    const first = rona('c', 'a', T);
    const id = alertsAt(first, T + S)[0]!.id;
    const after = alertsAt([...first, ev('alert.acknowledged', T + 2 * S, { alertId: id, by: '张' }), ...rona('d', 'a', T + 60 * S)], T + 61 * S);
    expect(after).toHaveLength(1);
    expect(after[0]!.id).not.toBe(id);
    expect(after[0]!.severity).toBe('warning');
  });
  it('an approved restricted-window sign-out stays approved; a later busy in the same window is a new alert', () => {
    const base = [ev('agent.signin', sh(2026, 11, 29, 8, 0), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 8, 5), { agentId: 'a' })];
    const id = alertsAt(base, sh(2026, 11, 29, 8, 6))[0]!.id;
    const approved = [...base, ev('alert.acknowledged', sh(2026, 11, 29, 8, 7), { alertId: id, by: '张' })];
    expect(alertsAt(approved, sh(2026, 11, 29, 8, 8))).toEqual([]);
    const again = alertsAt([...approved, ev('agent.ready', sh(2026, 11, 29, 8, 9), { agentId: 'a' }), ev('agent.busy', sh(2026, 11, 29, 8, 20), { agentId: 'a' })], sh(2026, 11, 29, 8, 21));
    expect(brief(again)).toEqual(['restricted_window:a:warning']);
  });
});

describe('incident escalation ladder', () => {
  const raised = ev('incident.raised', T, { incidentId: 'i', title: '室外燃气泄漏', severity: 'major', location: '中华路与人民路交叉口', agentId: '1001' });
  const view = (events: HotlineEvent[], now: number) => {
    const r = new Reducer(config);
    for (const e of events) r.apply(e);
    return derive(r.state, now, config, '1-0').incidents[0]!;
  };
  it('escalates to the director automatically when the lead has not acknowledged in 120 s', () => {
    expect(view([raised], T + 119 * S).escalatedTo).toBeNull();
    expect(view([raised], T + 120 * S).escalatedTo).toBe('director');
  });
  it('an acknowledgement whose ts is inside the limit counts even if it arrives later', () => {
    const ack = ev('incident.acknowledged', T + 100 * S, { incidentId: 'i', by: '张', role: 'lead' });
    expect(view([raised, ack], T + 300 * S).escalatedTo).toBeNull();
  });
  it('a late lead acknowledgement leaves the escalation in place', () => {
    const ack = ev('incident.acknowledged', T + 200 * S, { incidentId: 'i', by: '张', role: 'lead' });
    expect(view([raised, ack], T + 300 * S)).toMatchObject({ escalatedTo: 'director', status: 'acknowledged', acknowledgements: [{ by: '张', role: 'lead', at: T + 200 * S }] });
  });
  it('a manual escalation to external wins', () => {
    const esc = ev('incident.escalated', T + 10 * S, { incidentId: 'i', by: '张', to: 'external' });
    expect(view([raised, esc], T + 20 * S).escalatedTo).toBe('external');
  });
  it('the whole ladder: raised → acknowledged → reported → resolved, kept for the day', () => {
    const v = view(
      [
        raised,
        ev('incident.acknowledged', T + 30 * S, { incidentId: 'i', by: '张', role: 'lead' }),
        ev('incident.acknowledged', T + 200 * S, { incidentId: 'i', by: '刘主任', role: 'director' }),
        ev('incident.reported', T + 30 * M, { incidentId: 'i', by: '张', nature: '燃气泄漏', harm: '无人员伤亡', measures: '已通知燃气公司', progress: '已处置' }),
        ev('incident.resolved', T + 50 * M, { incidentId: 'i', by: '张', note: '关闭' }),
      ],
      T + 120 * M,
    );
    expect(v).toMatchObject({ status: 'resolved', raisedBy: '1001', reportedAt: T + 30 * M, resolvedAt: T + 50 * M, escalatedTo: null, location: '中华路与人民路交叉口' });
    expect(v.acknowledgements.map((a) => a.role)).toEqual(['lead', 'director']);
  });
});

describe('configuration', () => {
  it('thresholds come from the config', () => {
    const cfg = buildConfig({ thresholds: { waitWarnSec: 5, waitCriticalSec: 10 } }, 'Asia/Shanghai');
    const events = [ev('agent.signin', T, { agentId: 'a' }), ev('call.queued', T, { callId: 'c' })];
    expect(brief(alertsAt(events, T + 5 * S, cfg))).toEqual(['call_waiting:c:warning']);
    expect(brief(alertsAt(events, T + 10 * S, cfg))).toEqual(['call_waiting:c:critical']);
  });
  it('a bad config names the key', () => {
    expect(() => buildConfig({ thresholds: { waitWarnSec: -1 } }, 'Asia/Shanghai')).toThrow(/thresholds\.waitWarnSec/);
    expect(() => buildConfig({ shifts: [{ name: 'x', start: '25:00' }] }, 'Asia/Shanghai')).toThrow(/shifts\.0\.start/);
    expect(() => buildConfig({ thresholdz: {} }, 'Asia/Shanghai')).toThrow(/config/);
    expect(() => buildConfig({}, 'Mars/Olympus')).toThrow(/TZ/);
  });
});

describe('alerts carry data, not sentences', () => {
  it('each alert has its figures in params, and message is the Chinese text made from them', () => {
    const events = [
      ev('agent.login', T - 10 * M, { agentId: '1001', name: '张三' }),
      ev('agent.signin', T - 10 * M, { agentId: '1001', seat: 'A01' }),
      ev('agent.busy', T - 9 * M, { agentId: '1001', reason: 'break' }),
      ev('call.queued', T, { callId: 'c', queue: 'specialist' }),
      ev('incident.raised', T, { incidentId: 'i1', title: '燃气泄漏', severity: 'major' }),
    ];
    const alerts = alertsAt(events, T + 61 * S);
    const byRule = new Map(alerts.map((a) => [a.rule, a]));
    expect(byRule.get('call_waiting')).toMatchObject({ params: { queue: 'specialist', waitSec: 60 }, message: '专业席来电等待已超过 60 秒' });
    expect(byRule.get('no_agent_available')).toMatchObject({ params: { queue: 'specialist' } });
    expect(alertsAt(events, T + 6 * M).find((a) => a.rule === 'busy_too_long')).toMatchObject({
      params: { agentId: '1001', name: '张三', minutes: 15 },
      message: '1001号 张三 示忙超过 15 分钟',
    });
    expect(alertsAt(events, T + 3 * M).find((a) => a.rule === 'incident_unacknowledged')).toMatchObject({
      params: { incidentId: 'i1', title: '燃气泄漏', severity: 'major', ackSec: 120 },
    });
  });
});
