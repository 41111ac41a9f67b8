/**
 * Past days of a small center for the reports: on each of the `days` days before today (center's
 * zone), four agents sign in at 09:00, take calls through the day and log out at 17:00. Figures
 * differ from day to day (a seeded pattern), so sorting and the trend have something to show, and
 * every day has a missed call returned, a ring without answer and a busy spell. The server's config
 * must keep that many days of events (`retentionDays`).
 *
 * Per day k (1 = yesterday): agent i (0–3) answers `answeredOn(k, i)` calls; abandoned calls: 1 + k % 3.
 */
import type { HotlineEvent } from '../../../shared/events';
import { localParts, zonedEpoch } from '../../../shared/time';
import { ev } from '../../helpers/events';

export const HISTORY_AGENTS: readonly [string, string][] = [
  ['3001', '王芳'],
  ['3002', '李强'],
  ['3003', '赵敏'],
  ['3004', '孙丽'],
];

/** Calls agent `i` answers on the day `k` days ago. */
export const answeredOn = (k: number, i: number): number => 2 + ((k * 3 + i * 5) % 7);
/** Calls abandoned (with a caller: missed calls) on the day `k` days ago. */
export const abandonedOn = (k: number): number => 1 + (k % 3);

let run = 0;

export function historyEvents(now: number, days: number, tz: string): HotlineEvent[] {
  const p = localParts(now, tz);
  const tag = `h${++run}-${now.toString(36)}`;
  const out: HotlineEvent[] = [];
  for (let k = days; k >= 1; k--) {
    const day = (hour: number, min = 0, sec = 0) => zonedEpoch(p.year, p.month, p.day - k, hour * 60 + min, tz) + sec * 1000;
    const id = (s: string) => `${tag}-${k}-${s}`;
    HISTORY_AGENTS.forEach(([agentId, name], i) => {
      out.push(ev('agent.login', day(9, 0, i), { agentId, name }));
      out.push(ev('agent.signin', day(9, 1, i), { agentId, seat: `A0${i + 1}` }));
      for (let c = 0; c < answeredOn(k, i); c++) {
        // one call every 20 min per agent from 09:30, waits 4–24 s, talks 2–5 min, wraps up 30 s
        const t0 = day(9, 30 + c * 20, i * 7);
        const wait = 4 + ((c * 7 + i * 3 + k) % 21);
        const talk = 120 + ((c * 37 + i * 11 + k * 5) % 180);
        const callId = id(`${agentId}-${c}`);
        out.push(ev('call.queued', t0, { callId }));
        out.push(ev('call.ringing', t0 + (wait - 2) * 1000, { callId, agentId }));
        out.push(ev('call.answered', t0 + wait * 1000, { callId, agentId }));
        out.push(ev('call.ended', t0 + (wait + talk) * 1000, { callId }));
        out.push(ev('agent.ready', t0 + (wait + talk + 30) * 1000, { agentId }));
      }
      out.push(ev('agent.logout', day(17, 0, i), { agentId }));
    });
    // a ring without answer at 3001 (the call is then answered by 3002 above or abandoned below)
    const ronaCall = id('rona');
    out.push(ev('call.queued', day(12, 10), { callId: ronaCall }));
    out.push(ev('call.ringing', day(12, 10, 1), { callId: ronaCall, agentId: '3001' }));
    out.push(ev('call.rona', day(12, 10, 16), { callId: ronaCall, agentId: '3001' }));
    out.push(ev('call.abandoned', day(12, 10, 30), { callId: ronaCall }));
    // missed calls with a caller, the first returned by 3003 within 30 minutes
    for (let a = 0; a < abandonedOn(k); a++) {
      const callId = id(`miss-${a}`);
      out.push(ev('call.queued', day(13, a * 10), { callId, caller: `1380000${String(k).padStart(2, '0')}${String(a).padStart(2, '0')}` }));
      out.push(ev('call.abandoned', day(13, a * 10, 40), { callId }));
      if (a === 0) out.push(ev('callback.completed', day(13, 20), { callId, agentId: '3003', reached: true }));
    }
    // 3004 is busy (meal) for 25 minutes
    out.push(ev('agent.busy', day(14, 0, 3), { agentId: '3004', reason: 'meal' }));
    out.push(ev('agent.ready', day(14, 25, 3), { agentId: '3004' }));
  }
  return out.sort((a, b) => a.ts - b.ts);
}
