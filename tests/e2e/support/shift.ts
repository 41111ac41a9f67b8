/**
 * An early shift (早班 08:00–16:00) seen at 15:40, twenty minutes before the handover to the
 * evening shift: who signed in when, and what is open for the handover. The roster itself is not
 * here: the browser tests publish it through the lead's upload (SHIFT_ROSTER_CSV).
 *
 *   5001 王芳 A01  in at 07:50                      → present
 *   5002 李强 A02  in at 07:55                      → present
 *   5003 赵敏 A03  in at 08:25                      → late (present)
 *   5004 孙丽 A04  never                            → absent
 *   5005 周杰 A05  in at 07:58, out at 14:00        → left early
 *   5009 吴昊 A09  in at 09:00, not on the roster   → unscheduled
 *   evening shift: 5006, 5007, 5008; night shift: 5010, 5011 (rostered, not in yet)
 *
 * Open at 15:40: a major incident, a missed call to return (caller known), calls waiting, and the
 * attendance alerts (absent, left early) nobody acknowledged.
 */
import type { HotlineEvent } from '../../../shared/events';
import { localParts, zonedEpoch } from '../../../shared/time';
import { ev } from '../../helpers/events';

export const SHIFT_TZ = 'Asia/Shanghai';

/** 15:40 of the real today in the center's zone: close enough to the real clock for the browser's session checks. */
export function shiftBase(realNow = Date.now()): number {
  const p = localParts(realNow, SHIFT_TZ);
  return zonedEpoch(p.year, p.month, p.day, 15 * 60 + 40, SHIFT_TZ);
}

/** `YYYY-MM-DD` of the day of `ms` in the center's zone. */
export function dayOf(ms: number): string {
  const p = localParts(ms, SHIFT_TZ);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

export const SHIFT_INCIDENT = { id: 'inc-shift-1', title: '主干道路面塌陷', location: '牡丹区中华路' } as const;
export const SHIFT_MISSED_CALLER = '13905309876';

/** The roster of the day as a lead keeps it: the header, then one line per operator and shift. */
export const SHIFT_ROSTER_CSV = [
  '工号,姓名,班次,座席',
  '5010,钱进,夜班,A01',
  '5011,冯雪,夜班,A02',
  '5001,王芳,早班,A01',
  '5002,李强,早班,A02',
  '5003,赵敏,早班,A03',
  '5004,孙丽,早班,A04',
  '5005,周杰,早班,A05',
  '5006,陈晨,中班,A01',
  '5007,褚明,中班,A02',
  '5008,卫东,中班,A03',
].join('\r\n');

/**
 * The same roster with two mistakes a spreadsheet makes: a shift that is not configured (data line
 * 3, 晚班) and a line without its 工号 (data line 5).
 */
export const SHIFT_ROSTER_BAD_CSV = ['工号,姓名,班次,座席', '5001,王芳,早班,A01', '5002,李强,早班,A02', '5003,赵敏,晚班,A03', '5004,孙丽,早班,A04', ',周杰,早班,A05'].join('\n');

export function shiftDay(now: number): HotlineEvent[] {
  const p = localParts(now, SHIFT_TZ);
  const at = (h: number, m = 0, s = 0) => zonedEpoch(p.year, p.month, p.day, h * 60 + m, SHIFT_TZ) + s * 1000;
  const tag = `sd-${now.toString(36)}`;
  const e: HotlineEvent[] = [];
  const signIn = (t: number, agentId: string, name: string, seat: string) => {
    e.push(ev('agent.login', t, { agentId, name }));
    e.push(ev('agent.signin', t + 20_000, { agentId, seat }));
  };
  signIn(at(7, 50), '5001', '王芳', 'A01');
  signIn(at(7, 55), '5002', '李强', 'A02');
  signIn(at(7, 58), '5005', '周杰', 'A05');
  signIn(at(8, 25), '5003', '赵敏', 'A03');
  signIn(at(9, 0), '5009', '吴昊', 'A09');
  e.push(ev('agent.signout', at(14, 0), { agentId: '5005' }));
  e.push(ev('agent.logout', at(14, 0, 10), { agentId: '5005' }));
  // calls through the afternoon, answered by the three at work
  const agents = ['5001', '5002', '5003'];
  for (let k = 0; k < 24; k++) {
    const t0 = at(9, 0) + k * 15 * 60_000;
    const callId = `${tag}-c${k}`;
    const agentId = agents[k % 3]!;
    e.push(ev('call.queued', t0, { callId }));
    e.push(ev('call.ringing', t0 + 4_000, { callId, agentId }));
    e.push(ev('call.answered', t0 + 6_000, { callId, agentId }));
    e.push(ev('call.ended', t0 + 186_000, { callId }));
    e.push(ev('agent.ready', t0 + 216_000, { agentId }));
  }
  // a missed call to return, and an open incident
  e.push(ev('call.queued', at(15, 20), { callId: `${tag}-m1`, caller: SHIFT_MISSED_CALLER }));
  e.push(ev('call.abandoned', at(15, 20, 45), { callId: `${tag}-m1` }));
  e.push(ev('incident.raised', at(15, 25), { incidentId: SHIFT_INCIDENT.id, title: SHIFT_INCIDENT.title, severity: 'major', location: SHIFT_INCIDENT.location, agentId: '5001' }));
  return e.sort((a, b) => a.ts - b.ts);
}
