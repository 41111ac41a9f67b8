/**
 * Ingest contract, version 1: one zod schema per event type. The schemas are the validation;
 * the TypeScript types are inferred from them so the two can never drift apart.
 * Unknown extra fields are accepted and stripped (forward compatibility).
 */
import { z } from 'zod';

export const CATEGORIES = [
  'city_order',
  'sanitation',
  'landscaping',
  'municipal',
  'illegal_construction',
  'gas_heating',
  'other',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const TICKET_KINDS = ['complaint', 'consultation', 'suggestion', 'praise', 'out_of_scope', 'harassment'] as const;
export type TicketKind = (typeof TICKET_KINDS)[number];

export const SEVERITIES = ['urgent', 'major'] as const;
export type IncidentSeverity = (typeof SEVERITIES)[number];

const id = z.string().min(1).max(128);
const name = z.string().min(1).max(128);
const text = z.string().min(1).max(4000);

const envelope = {
  v: z.literal(1),
  id,
  ts: z.number().int().nonnegative().max(8.64e15),
};

function event<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ ...envelope, type: z.literal(type), ...shape });
}

export const agentLogin = event('agent.login', { agentId: id, name: name.optional() });
export const agentSignin = event('agent.signin', { agentId: id, seat: z.string().min(1).max(32).optional() });
export const agentBusy = event('agent.busy', { agentId: id, reason: z.string().min(1).max(64).optional() });
export const agentReady = event('agent.ready', { agentId: id });
export const agentSignout = event('agent.signout', { agentId: id });
export const agentLogout = event('agent.logout', { agentId: id });

export const callQueued = event('call.queued', {
  callId: id,
  queue: z.string().min(1).max(64).optional(),
  caller: z.string().min(1).max(32).optional(),
});
export const callRinging = event('call.ringing', { callId: id, agentId: id });
export const callAnswered = event('call.answered', { callId: id, agentId: id });
export const callRona = event('call.rona', { callId: id, agentId: id });
export const callAbandoned = event('call.abandoned', { callId: id });
export const callTransferred = event('call.transferred', { callId: id, agentId: id, queue: z.string().min(1).max(64) });
export const callEnded = event('call.ended', { callId: id });
export const callbackCompleted = event('callback.completed', { callId: id, agentId: id, reached: z.boolean().optional() });

export const ticketCreated = event('ticket.created', {
  ticketId: id,
  category: z.enum(CATEGORIES),
  kind: z.enum(TICKET_KINDS),
  callId: id.optional(),
  agentId: id.optional(),
});
export const incidentRaised = event('incident.raised', {
  incidentId: id,
  title: z.string().min(1).max(200),
  severity: z.enum(SEVERITIES),
  location: z.string().min(1).max(200).optional(),
  callId: id.optional(),
  agentId: id.optional(),
});
export const incidentAcknowledged = event('incident.acknowledged', {
  incidentId: id,
  by: name,
  role: z.enum(['lead', 'director']),
});
export const incidentEscalated = event('incident.escalated', {
  incidentId: id,
  by: name,
  to: z.enum(['director', 'external']),
});
export const incidentReported = event('incident.reported', {
  incidentId: id,
  by: name,
  nature: text,
  harm: text,
  measures: text,
  progress: text,
});
export const incidentResolved = event('incident.resolved', { incidentId: id, by: name, note: text.optional() });
export const alertAcknowledged = event('alert.acknowledged', { alertId: z.string().min(1).max(300), by: name, note: text.optional() });

/** Every v1 event, discriminated by `type`. */
export const hotlineEvent = z.discriminatedUnion('type', [
  agentLogin,
  agentSignin,
  agentBusy,
  agentReady,
  agentSignout,
  agentLogout,
  callQueued,
  callRinging,
  callAnswered,
  callRona,
  callAbandoned,
  callTransferred,
  callEnded,
  callbackCompleted,
  ticketCreated,
  incidentRaised,
  incidentAcknowledged,
  incidentEscalated,
  incidentReported,
  incidentResolved,
  alertAcknowledged,
]);

export type HotlineEvent = z.infer<typeof hotlineEvent>;
export type EventType = HotlineEvent['type'];
export type EventOf<T extends EventType> = Extract<HotlineEvent, { type: T }>;
export const EVENT_TYPES = hotlineEvent.options.map((o) => o.shape.type.value) as EventType[];

/** One problem found in an event, as the HTTP ingest route reports it. */
export interface EventIssue {
  index: number;
  path: string;
  message: string;
}

/** Validates one parsed JSON value. Returns the event, or the issues (with `index` as given). */
export function parseEvent(value: unknown, index = 0): { ok: true; event: HotlineEvent } | { ok: false; issues: EventIssue[] } {
  const r = hotlineEvent.safeParse(value);
  if (r.success) return { ok: true, event: r.data };
  return {
    ok: false,
    issues: r.error.issues.map((i) => ({ index, path: i.path.map(String).join('.'), message: i.message })),
  };
}
