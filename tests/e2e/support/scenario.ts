/**
 * A scripted stretch of a shift, all within the 20 minutes before `now`, with figures worked out by
 * hand (docs/metrics.md):
 *
 * agents   3001 王芳 A01 available · 3002 李强 A02 talking · 3003 赵敏 A03 busy (meal)
 *          3004 孙丽 A04 wrap-up · 3005 周杰 logged in, not signed in (no seat)
 *          3007 吴霞 A07 available · 3006 郑伟 logged out → offline (no tile)
 * calls    answered with waits 5, 10, 14, 30 and 8 s (4 within 15 s); abandoned after 40 s (caller
 *          known → a missed call), 3 s (short) and 20 s; three still waiting (40, 25 and 5 s)
 *
 *   offered 11 · answered 5 · abandoned 3, of which short 1
 *   15秒接通率 = 4 / (5 + 3 − 1) = 57.1 %   接通率 = 5 / 7 = 71.4 %
 *
 * and an open major incident raised 3 minutes ago, nobody acknowledged yet (the lead is overdue).
 */
import type { HotlineEvent } from '../../../shared/events';
import { ev } from '../../helpers/events';

/** Every caller number in the scenario: none of them, raw or masked, may appear on the wall. */
export const CALLERS = {
  missed: '13905301234',
  waiting1: '15805306789',
  waiting2: '0530-5627788',
  waiting3: '5621199',
} as const;

export const EXPECTED = {
  waiting: 3,
  serviceLevelPct: '57.1%',
  answerRatePct: '71.4%',
  abandoned: 3,
  shortAbandoned: 1,
  missed: 1,
  /** agents with a tile on the seat map: everyone not offline */
  seatAgents: ['3001', '3002', '3003', '3004', '3005', '3007'],
  offlineAgent: '3006',
  incident: { id: 'inc-e2e-1', title: '室外燃气泄漏', location: '中华路与人民路交叉口' },
} as const;

let run = 0;

export function wallScenario(now: number): HotlineEvent[] {
  const p = `s${++run}-${now.toString(36)}-`;
  const at = (secAgo: number) => now - secAgo * 1000;
  const id = (s: string) => p + s;
  const e: HotlineEvent[] = [];
  const staff: [string, string, string | null][] = [
    ['3001', '王芳', 'A01'],
    ['3002', '李强', 'A02'],
    ['3003', '赵敏', 'A03'],
    ['3004', '孙丽', 'A04'],
    ['3006', '郑伟', 'A06'],
    ['3007', '吴霞', 'A07'],
  ];
  staff.forEach(([agentId, name, seat], i) => {
    e.push(ev('agent.login', at(1200 - i), { agentId, name }));
    e.push(ev('agent.signin', at(1190 - i), { agentId, ...(seat ? { seat } : {}) }));
  });
  // answered within 15 s: 5, 10, 14 s
  e.push(ev('call.queued', at(900), { callId: id('a1'), caller: '13800001111' }));
  e.push(ev('call.ringing', at(897), { callId: id('a1'), agentId: '3001' }));
  e.push(ev('call.answered', at(895), { callId: id('a1'), agentId: '3001' }));
  e.push(ev('call.queued', at(850), { callId: id('a2') }));
  e.push(ev('call.answered', at(840), { callId: id('a2'), agentId: '3002' }));
  e.push(ev('call.queued', at(800), { callId: id('a3'), caller: '13800002222' }));
  e.push(ev('call.answered', at(786), { callId: id('a3'), agentId: '3004' }));
  e.push(ev('call.ended', at(800 - 10), { callId: id('a1') }));
  e.push(ev('ticket.created', at(780), { ticketId: id('t1'), category: 'sanitation', kind: 'complaint', callId: id('a1'), agentId: '3001' }));
  e.push(ev('agent.ready', at(770), { agentId: '3001' }));
  e.push(ev('call.ended', at(700), { callId: id('a2') }));
  e.push(ev('agent.ready', at(690), { agentId: '3002' }));
  e.push(ev('call.ended', at(650), { callId: id('a3') }));
  e.push(ev('ticket.created', at(645), { ticketId: id('t2'), category: 'city_order', kind: 'consultation', callId: id('a3'), agentId: '3004' }));
  e.push(ev('agent.ready', at(640), { agentId: '3004' }));
  // answered after 30 s: outside the service level; 3004 is still wrapping it up
  e.push(ev('call.queued', at(600), { callId: id('a4'), caller: '13800003333' }));
  e.push(ev('call.answered', at(570), { callId: id('a4'), agentId: '3004' }));
  // abandoned: 40 s with a caller (a missed call to return), 3 s (short), 20 s without a caller
  e.push(ev('call.queued', at(500), { callId: id('m1'), caller: CALLERS.missed }));
  e.push(ev('call.abandoned', at(460), { callId: id('m1') }));
  e.push(ev('call.queued', at(450), { callId: id('s1') }));
  e.push(ev('call.abandoned', at(447), { callId: id('s1') }));
  e.push(ev('call.queued', at(400), { callId: id('b1') }));
  e.push(ev('call.abandoned', at(380), { callId: id('b1') }));
  // agent states now
  e.push(ev('agent.busy', at(300), { agentId: '3003', reason: 'meal' }));
  e.push(ev('agent.signout', at(260), { agentId: '3006' }));
  e.push(ev('agent.logout', at(250), { agentId: '3006' }));
  e.push(ev('incident.raised', at(180), { incidentId: EXPECTED.incident.id, title: EXPECTED.incident.title, severity: 'major', location: EXPECTED.incident.location, agentId: '3002' }));
  e.push(ev('agent.login', at(100), { agentId: '3005', name: '周杰' }));
  e.push(ev('call.queued', at(70), { callId: id('a5') }));
  e.push(ev('call.answered', at(62), { callId: id('a5'), agentId: '3002' }));
  e.push(ev('call.ended', at(20), { callId: id('a4') }));
  // still waiting
  e.push(ev('call.queued', at(40), { callId: id('w1'), caller: CALLERS.waiting1 }));
  e.push(ev('call.queued', at(25), { callId: id('w2'), queue: 'specialist', caller: CALLERS.waiting2 }));
  e.push(ev('call.queued', at(5), { callId: id('w3'), caller: CALLERS.waiting3 }));
  return e.sort((a, b) => a.ts - b.ts);
}
