/**
 * Ingest contract, version 1: one zod schema per event type. The schemas are the validation;
 * the TypeScript types are inferred from them so the two can never drift apart.
 * Unknown extra fields are accepted and stripped (forward compatibility).
 */
import { z } from 'zod';
import { CATEGORIES, SEVERITIES, TICKET_KINDS } from './vocabulary';

// The plain lists live in shared/vocabulary.ts (no zod: the browser imports them from there).
export { CATEGORIES, SEVERITIES, TICKET_KINDS };
export type { Category, IncidentSeverity, TicketKind } from './vocabulary';

/**
 * Characters that are invisible or reorder text: C0/C1 controls, format characters (zero-width
 * space and joiners, bidi embeddings, overrides and isolates, the BOM, soft hyphen) and the Unicode
 * line/paragraph separators. In an id they make `1001\u200b` look like `1001` on a wall; in a
 * displayed text they can reorder what a reader sees.
 */
export const INVISIBLE_CHARS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;
const INVISIBLE_CHARS_ALL = new RegExp(INVISIBLE_CHARS.source, 'gu');

/** `text` without invisible and reordering characters (for names and other displayed texts). */
export function stripInvisible(text: string): string {
  return text.replace(INVISIBLE_CHARS_ALL, '');
}

const visible = { message: 'must not contain control, zero-width or bidirectional-override characters' };
/** An identifier or code from outside: refused when it holds an invisible character. */
const code = (max: number) => z.string().min(1).max(max).refine((v) => !INVISIBLE_CHARS.test(v), visible);
/** A displayed text: invisible characters are removed, and what is left must not be empty. */
const shown = (max: number) => z.string().min(1).max(max).transform(stripInvisible).pipe(z.string().min(1, 'has no visible character'));

const id = code(128);
const name = shown(128);
const text = shown(4000);

const envelope = {
  v: z.literal(1),
  id,
  ts: z.number().int().nonnegative().max(8.64e15),
};

function event<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.object({ ...envelope, type: z.literal(type), ...shape });
}

export const agentLogin = event('agent.login', { agentId: id, name: name.optional() });
export const agentSignin = event('agent.signin', { agentId: id, seat: code(32).optional() });
export const agentBusy = event('agent.busy', { agentId: id, reason: code(64).optional() });
export const agentReady = event('agent.ready', { agentId: id });
export const agentSignout = event('agent.signout', { agentId: id });
export const agentLogout = event('agent.logout', { agentId: id });

export const callQueued = event('call.queued', {
  callId: id,
  queue: code(64).optional(),
  caller: code(32).optional(),
});
export const callRinging = event('call.ringing', { callId: id, agentId: id });
export const callAnswered = event('call.answered', { callId: id, agentId: id });
export const callRona = event('call.rona', { callId: id, agentId: id });
export const callAbandoned = event('call.abandoned', { callId: id });
export const callTransferred = event('call.transferred', { callId: id, agentId: id, queue: code(64) });
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
  title: shown(200),
  severity: z.enum(SEVERITIES),
  location: shown(200).optional(),
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
export const alertAcknowledged = event('alert.acknowledged', { alertId: code(300), by: name, note: text.optional() });

/** A responsible unit (责任单位), as its name is shown. */
const unit = shown(100);
export const FOLLOWUP_RESULTS = ['satisfied', 'basically_satisfied', 'dissatisfied', 'unreachable'] as const;
export type FollowupResult = (typeof FOLLOWUP_RESULTS)[number];
/** 转办: the ticket is sent to the responsible unit. */
export const ticketDispatched = event('ticket.dispatched', { ticketId: id, unit });
/** 退回: the unit sent it back (wrong information, or not theirs). */
export const ticketReturned = event('ticket.returned', { ticketId: id, unit: unit.optional(), reason: text.optional() });
/** The unit reported its result. */
export const ticketReplied = event('ticket.replied', { ticketId: id, unit });
/** 回访: the follow-up call's result. */
export const ticketFollowup = event('ticket.followup', { ticketId: id, result: z.enum(FOLLOWUP_RESULTS), agentId: id.optional() });
/** 督办: supervised by a lead or the director. */
export const ticketSupervised = event('ticket.supervised', { ticketId: id, by: name, note: text.optional() });
/** 办结. */
export const ticketClosed = event('ticket.closed', { ticketId: id });

/** `YYYY-MM-DD`: a day of the center's time zone. */
export const dateSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a date YYYY-MM-DD')
  .refine((d) => {
    const [y, m, day] = d.split('-').map(Number) as [number, number, number];
    return day <= new Date(Date.UTC(y, m, 0)).getUTCDate();
  }, 'is not a day of the calendar');
/** Notes may be empty (nothing to add); invisible characters are removed. */
const notes = z.string().max(4000).transform(stripInvisible);

/** One line of a roster (排班表): who works which shift (a shift name of the configuration), at which seat. */
export const rosterEntry = z.object({ agentId: id, name: name.optional(), shift: shown(32), seat: code(32).optional() });
/** A day's roster, published by a lead (SHIFTS.md); the last one for a date wins. */
export const rosterPublished = event('roster.published', { date: dateSchema, entries: z.array(rosterEntry).max(5000), by: name });
/** The outgoing lead's handover (交接班) for the shift boundary `shiftStart`, with the open items at that moment. */
export const handoverSubmitted = event('handover.submitted', {
  handoverId: id,
  shiftStart: z.number().int().nonnegative().max(8.64e15),
  by: name,
  notes,
  openItems: z
    .object({ missedCalls: z.array(id).max(10_000), incidents: z.array(id).max(10_000), alerts: z.array(code(300)).max(10_000) })
    .strict(),
});
/** The incoming lead's acceptance (签收) of a handover. */
export const handoverAccepted = event('handover.accepted', { handoverId: id, by: name, notes: notes.optional() });

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
  ticketDispatched,
  ticketReturned,
  ticketReplied,
  ticketFollowup,
  ticketSupervised,
  ticketClosed,
  incidentRaised,
  incidentAcknowledged,
  incidentEscalated,
  incidentReported,
  incidentResolved,
  alertAcknowledged,
  rosterPublished,
  handoverSubmitted,
  handoverAccepted,
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

/** Limits on an event's `ts` relative to a reference time (when it was appended, or now). */
export interface EventTimeLimits {
  /** how far ahead of the reference a `ts` may be (minutes) */
  maxClockSkewMin: number;
  /** how far behind it (days): older events are outside the log's retention */
  retentionDays: number;
}

/**
 * Why `ts` is impossible at `refMs`, or null when it is fine. The reader judges a stream entry
 * against the time in its stream ID (Redis' clock at append), so every replica and every replay
 * decide the same; HTTP ingest judges against its clock.
 */
export function eventTimeProblem(ts: number, refMs: number, limits: EventTimeLimits): string | null {
  const ahead = limits.maxClockSkewMin * 60_000;
  const behind = limits.retentionDays * 86_400_000;
  if (ts > refMs + ahead) return `ts is more than ${limits.maxClockSkewMin} min in the future (maxClockSkewMin)`;
  if (ts < refMs - behind) return `ts is more than ${limits.retentionDays} days in the past (retentionDays)`;
  return null;
}
