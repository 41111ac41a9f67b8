/**
 * The incident escalation ladder (第四十九条–第五十二条), judged on event times:
 * an acknowledgement whose `ts` falls inside its limit counts as in time however late it arrives.
 */
import type { Thresholds } from '../../shared/config';
import type { IncidentRec } from './state';

/** Lead acknowledgement deadline (epoch ms). */
export const leadAckDeadline = (i: IncidentRec, t: Thresholds) => i.raisedAt + t.incidentLeadAckSec * 1000;

/**
 * Whom the incident has been escalated to at `now`: a manual escalation (the latest one wins,
 * `external` stays external), else `director` automatically once the lead's deadline has passed
 * without a lead acknowledgement inside it. A resolved incident keeps what it had when resolved.
 */
export function incidentEscalation(i: IncidentRec, now: number, t: Thresholds): 'director' | 'external' | null {
  const at = i.resolvedAt !== null ? Math.min(now, i.resolvedAt) : now;
  const manual = i.escalations.filter((e) => e.at <= at);
  if (manual.some((e) => e.to === 'external')) return 'external';
  if (manual.length > 0) return 'director';
  const deadline = leadAckDeadline(i, t);
  if (at < deadline) return null;
  const inTime = i.acknowledgements.some((a) => a.role === 'lead' && a.at <= deadline);
  return inTime ? null : 'director';
}

export function hasAck(i: IncidentRec, role: 'lead' | 'director', now: number): boolean {
  return i.acknowledgements.some((a) => a.role === role && a.at <= now);
}
