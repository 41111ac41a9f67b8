/**
 * What a lead or director does: acknowledge an alert; acknowledge, escalate, report or resolve an
 * incident; supervise (督办) a ticket. Each action is checked against the current view, then written to the stream as an
 * event with the actor's name and role. It takes effect when the reader applies it (so every node
 * and every screen agree); the response waits briefly for that, for immediate feedback.
 */
import { Router, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { HotlineEvent } from '../../../shared/events';
import type { AuditLog, Clock, EventLog } from '../../ports';
import type { TokenService } from '../../auth';
import type { Replica } from '../../replica';
import { compareStreamIds } from '../../core/stream-id';
import type { LiveView } from '../../live-view';
import { sendError } from './errors';
import { requireRole } from './guard';
import { jsonBody } from './json-body';
import { parseBody } from './people';

const text = z.string().trim().min(1, 'required').max(4000);
const noteBody = z.object({ note: z.string().trim().max(4000).optional() });
const escalateBody = z.object({ to: z.enum(['director', 'external']).default('director'), note: z.string().max(4000).optional() });
const reportBody = z.object({ nature: text, harm: text, measures: text, progress: text });

export interface ActionDeps {
  log: EventLog;
  replica: Replica;
  view: LiveView;
  tokens: TokenService;
  audit: AuditLog;
  clock: Clock;
}

/** Waits until the reader has applied `cursor` (bounded), so the answer reflects the action. */
export async function applied(replica: Replica, cursor: string, timeoutMs = 2000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (compareStreamIds(replica.cursor, cursor) < 0) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 10));
  }
  return true;
}

export function actionsRouter(d: ActionDeps): Router {
  const r = Router();
  const json = jsonBody({ limit: '64kb' });
  const actor = requireRole(d.tokens, 'lead', 'director');

  async function write(req: Request, res: Response, event: Record<string, unknown>, action: string, subject: string, detail?: Record<string, unknown>) {
    const p = req.principal!;
    const at = d.clock.now();
    const full = { v: 1, id: `ui-${randomUUID()}`, ts: at, ...event } as HotlineEvent;
    const [cursor] = await d.log.append([full]);
    await d.audit.append({ at, actor: p.name, role: p.role, action, subject, ...(detail ? { detail } : {}) });
    const done = await applied(d.replica, cursor!);
    res.status(202).json({ accepted: true, applied: done, cursor, eventId: full.id });
  }

  r.post('/api/v1/alerts/:id/ack', json, actor, async (req, res) => {
    const body = parseBody(noteBody, req.body);
    const id = String(req.params.id);
    const alert = d.view.current().alerts.find((a) => a.id === id);
    if (!alert) return sendError(res, 404, 'unknown_alert', 'no such alert is active');
    if (alert.acknowledgedBy) return sendError(res, 409, 'already_acknowledged', `already acknowledged by ${alert.acknowledgedBy}`);
    await write(req, res, { type: 'alert.acknowledged', alertId: id, by: req.principal!.name, ...(body.note ? { note: body.note } : {}) }, 'alert.acknowledged', id, { rule: alert.rule });
  });

  // 督办 (FOLLOWUP.md): a lead or the director presses a unit on a ticket; written as ticket.supervised
  r.post('/api/v1/tickets/:id/supervise', json, actor, async (req, res) => {
    const body = parseBody(noteBody, req.body);
    const id = String(req.params.id);
    const t = d.replica.state.tickets.get(id);
    if (!t) return sendError(res, 404, 'unknown_ticket', 'no such ticket');
    if (t.closedAt !== null && t.dissatisfiedAt === null && t.dispatchedAt === null) return sendError(res, 409, 'ticket_closed', 'the ticket is closed');
    await write(req, res, { type: 'ticket.supervised', ticketId: id, by: req.principal!.name, ...(body.note ? { note: body.note } : {}) }, 'ticket.supervised', id);
  });

  function incident(req: Request, res: Response) {
    const id = String(req.params.id);
    const i = d.replica.state.incidents.get(id);
    if (!i) {
      sendError(res, 404, 'unknown_incident', 'no such incident');
      return null;
    }
    if (i.resolvedAt !== null) {
      sendError(res, 409, 'incident_resolved', 'the incident is already resolved');
      return null;
    }
    return i;
  }

  r.post('/api/v1/incidents/:id/ack', json, actor, async (req, res) => {
    const i = incident(req, res);
    if (!i) return;
    const p = req.principal!;
    const role = p.role as 'lead' | 'director';
    if (i.acknowledgements.some((a) => a.role === role)) return sendError(res, 409, 'already_acknowledged', `already acknowledged at the ${role} level`);
    await write(req, res, { type: 'incident.acknowledged', incidentId: i.incidentId, by: p.name, role }, 'incident.acknowledged', i.incidentId, { role });
  });

  r.post('/api/v1/incidents/:id/escalate', json, actor, async (req, res) => {
    const body = parseBody(escalateBody, req.body);
    const i = incident(req, res);
    if (!i) return;
    if (i.escalations.some((e) => e.to === body.to)) return sendError(res, 409, 'already_escalated', `already escalated to ${body.to}`);
    await write(req, res, { type: 'incident.escalated', incidentId: i.incidentId, by: req.principal!.name, to: body.to }, 'incident.escalated', i.incidentId, { to: body.to });
  });

  r.post('/api/v1/incidents/:id/report', json, actor, async (req, res) => {
    const body = parseBody(reportBody, req.body, 'invalid_report');
    const i = incident(req, res);
    if (!i) return;
    await write(req, res, { type: 'incident.reported', incidentId: i.incidentId, by: req.principal!.name, ...body }, 'incident.reported', i.incidentId);
  });

  r.post('/api/v1/incidents/:id/resolve', json, actor, async (req, res) => {
    const body = parseBody(noteBody, req.body);
    const i = incident(req, res);
    if (!i) return;
    await write(req, res, { type: 'incident.resolved', incidentId: i.incidentId, by: req.principal!.name, ...(body.note ? { note: body.note } : {}) }, 'incident.resolved', i.incidentId);
  });

  return r;
}
