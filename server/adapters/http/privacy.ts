/**
 * The only way a full caller number leaves the server (audited), and the audit query.
 */
import { Router } from 'express';
import type { AuditLog, Clock } from '../../ports';
import type { TokenService } from '../../auth';
import type { Replica } from '../../replica';
import { zonedEpoch } from '../../../shared/time';
import { sendError } from './errors';
import { requireRole } from './guard';

export function privacyRouter(d: { replica: Replica; tokens: TokenService; audit: AuditLog; clock: Clock; timeZone: string }): Router {
  const r = Router();
  r.post('/api/v1/missed-calls/:callId/reveal', requireRole(d.tokens, 'lead', 'director'), async (req, res) => {
    const callId = String(req.params.callId);
    const m = d.replica.state.missed.get(callId);
    if (!m) return sendError(res, 404, 'unknown_missed_call', 'no such missed call');
    const p = req.principal!;
    // the audit record is written before the number is given: no record, no number
    await d.audit.append({ at: d.clock.now(), actor: p.name, role: p.role, action: 'caller.revealed', subject: callId });
    res.set('Cache-Control', 'no-store').json({ caller: m.caller });
  });

  r.get('/api/v1/audit', requireRole(d.tokens, 'director', 'admin'), async (req, res) => {
    const date = String(req.query.date ?? '');
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
    const [y, mo, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
    const valid = m && mo >= 1 && mo <= 12 && day >= 1 && day <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
    if (!valid) return sendError(res, 400, 'invalid_date', 'date must be YYYY-MM-DD');
    const from = zonedEpoch(y, mo, day, 0, d.timeZone);
    const to = zonedEpoch(y, mo, day + 1, 0, d.timeZone);
    const records = await d.audit.list(from, to);
    res.set('Cache-Control', 'no-store').json({ date, timeZone: d.timeZone, records });
  });
  return r;
}
