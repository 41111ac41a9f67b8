/**
 * The shift over HTTP (SHIFTS.md): the roster a lead publishes (JSON, or the CSV kept in a
 * spreadsheet), the handover the outgoing lead submits and the incoming one accepts (第三十条–第三十三条),
 * the day's handover records, and the staffing plan of a day (第四十条, JSON or CSV).
 *
 * Like the actions, a roster or a handover is checked against the replica's state, appended to the
 * stream as an event carrying the principal's name, audited, and takes effect when the reader
 * applies it; the answer waits (bounded) for that, so it shows the record as every node has it.
 */
import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { CenterConfig } from '../../../shared/config';
import { hotlineEvent, rosterEntry, type HotlineEvent } from '../../../shared/events';
import type { StaffingInterval } from '../../../shared/snapshot';
import { localDate } from '../../../shared/time';
import { handoverBoundary, hhmm } from '../../core/shift';
import type { HandoverRec, RosterRec, State } from '../../core/state';
import { MAX_ENTRY_BYTES } from '../../replica';
import { dayStartOf, type ReportsService } from '../../reports-service';
import type { StaffingService } from '../../staffing-service';
import { applied, type ActionDeps } from './actions';
import { num, parseCsv, responseFormat, sendCsv } from './csv';
import { HttpError, sendError } from './errors';
import { requireRole } from './guard';
import { MAX_BODY } from './ingest';
import { charsetOf, jsonBody } from './json-body';
import { parseBody } from './people';

/** The CSV roster's header, exactly (a lead's spreadsheet: work number, name, shift, seat). */
export const ROSTER_HEADER = ['工号', '姓名', '班次', '座席'] as const;
/** Lines of one roster, at most (the event's limit). */
export const MAX_ROSTER_LINES = 5000;
/** Problems listed in one 400 answer, at most. */
const MAX_DETAILS = 100;
/** Open items of one kind attached to a handover, at most (the event's limit). */
const MAX_OPEN_ITEMS = 10_000;

const STAFFING_HEADERS = ['时段', '预测来电', '预测处理时长(秒)', '需求人数', '排班人数', '在岗人数'];

const submitBody = z.object({ notes: z.string().trim().max(4000).default('') });
const acceptBody = z.object({ notes: z.string().trim().max(4000).optional() });

/** What the actions need (log, replica, view, tokens, audit, clock), and the configuration and services. */
export interface ShiftsDeps extends ActionDeps {
  config: CenterConfig;
  reports: ReportsService;
  staffing: StaffingService;
}

/** One problem of a roster: the data line (CSV: 1-based after the header, 0 the header; JSON: the entry's index), the field. */
export interface RosterIssue {
  line: number | null;
  field: string;
  /** what is wrong, for a screen to say in its language: not_utf8, csv_syntax, bad_header, too_many_cells, bad_body, bad_entry, required, invalid, unknown_shift, duplicate_agent, invalid_date, too_many_lines */
  code: string;
  message: string;
}

type RosterLine = RosterRec['entries'][number];
/** A line as it came: JSON values or CSV cells, not checked yet. */
type RawLine = { line: number; agentId: unknown; name: unknown; shift: unknown; seat: unknown };

/** The lines of a CSV roster, or the problems that stop it being read. */
function csvLines(text: string, issues: RosterIssue[]): RawLine[] {
  // body-parser decodes bytes that are not UTF-8 (a GBK "CSV (逗号分隔)" file) to U+FFFD
  if (text.includes('\ufffd')) {
    issues.push({ line: null, field: 'file', code: 'not_utf8', message: 'the file is not UTF-8: save it as "CSV UTF-8 (逗号分隔)"' });
    return [];
  }
  const csv = parseCsv(text);
  if (!csv.ok) {
    issues.push({ line: csv.row, field: 'file', code: 'csv_syntax', message: csv.message });
    return [];
  }
  const [header, ...rows] = csv.rows;
  const cells = (header ?? []).map((c) => c.trim());
  while (cells.length > ROSTER_HEADER.length && cells.at(-1) === '') cells.pop();
  if (cells.join(',') !== ROSTER_HEADER.join(',')) {
    issues.push({ line: 0, field: 'header', code: 'bad_header', message: `the first line must be ${ROSTER_HEADER.join(',')}` });
    return [];
  }
  const out: RawLine[] = [];
  rows.forEach((row, i) => {
    const line = i + 1;
    // a blank row (Excel writes ",,," for one) is skipped; it still counts in the numbering
    if (row.every((c) => c.trim() === '')) return;
    if (row.slice(ROSTER_HEADER.length).some((c) => c.trim() !== '')) {
      issues.push({ line, field: 'line', code: 'too_many_cells', message: `more than ${ROSTER_HEADER.length} cells` });
      return;
    }
    out.push({ line, agentId: row[0] ?? '', name: row[1] ?? '', shift: row[2] ?? '', seat: row[3] ?? '' });
  });
  return out;
}

/** The lines of a JSON roster `{ entries: [...] }`, or the problems that stop it being read. */
function jsonLines(body: unknown, issues: RosterIssue[]): RawLine[] {
  const entries = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { entries?: unknown }).entries : undefined;
  if (!Array.isArray(entries)) {
    issues.push({ line: null, field: 'entries', code: 'bad_body', message: 'the body must be {"entries": [...]}' });
    return [];
  }
  const out: RawLine[] = [];
  entries.forEach((e: unknown, line) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) {
      issues.push({ line, field: 'entry', code: 'bad_entry', message: 'must be an object {agentId, name?, shift, seat?}' });
      return;
    }
    // unknown fields are ignored, as in every other body
    const x = e as Record<string, unknown>;
    out.push({ line, agentId: x.agentId, name: x.name, shift: x.shift, seat: x.seat });
  });
  return out;
}

/**
 * The roster's entries, checked as the event schema checks them (texts trimmed; an empty or null
 * name or seat is none), each shift a shift of the configuration, no agent twice in one shift.
 */
function rosterEntries(lines: RawLine[], config: CenterConfig, issues: RosterIssue[]): RosterLine[] {
  const shifts = config.shifts.map((s) => s.name);
  const trim = (v: unknown) => (typeof v === 'string' ? v.trim() : v);
  const optional = (v: unknown) => (v === null || trim(v) === '' ? undefined : trim(v));
  const seen = new Map<string, number>();
  const out: RosterLine[] = [];
  for (const raw of lines) {
    const x = { agentId: trim(raw.agentId), name: optional(raw.name), shift: trim(raw.shift), seat: optional(raw.seat) };
    const missing = (['agentId', 'shift'] as const).filter((f) => x[f] === undefined || x[f] === '');
    for (const field of missing) issues.push({ line: raw.line, field, code: 'required', message: 'required' });
    if (missing.length) continue;
    const r = rosterEntry.safeParse(x);
    if (!r.success) {
      for (const i of r.error.issues) issues.push({ line: raw.line, field: i.path.map(String).join('.') || 'entry', code: 'invalid', message: i.message });
      continue;
    }
    const e = r.data;
    if (!shifts.includes(e.shift)) {
      issues.push({ line: raw.line, field: 'shift', code: 'unknown_shift', message: `unknown shift "${e.shift}": the shifts are ${shifts.join(', ')}` });
      continue;
    }
    const key = `${e.agentId}\u0000${e.shift}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.push({ line: raw.line, field: 'agentId', code: 'duplicate_agent', message: `${e.agentId} is already on ${e.shift} (line ${first})` });
      continue;
    }
    seen.set(key, raw.line);
    out.push({ agentId: e.agentId, name: e.name ?? null, shift: e.shift, seat: e.seat ?? null });
  }
  return out;
}

/** The handover record as the API gives it (HandoverView's fields, named as the event names them). */
function handoverJson(h: HandoverRec) {
  return {
    handoverId: h.handoverId,
    shiftStart: h.shiftStart,
    by: h.by,
    at: h.at,
    notes: h.notes,
    openItems: { missedCalls: [...h.openItems.missedCalls], incidents: [...h.openItems.incidents], alerts: [...h.openItems.alerts] },
    acceptedBy: h.acceptedBy,
    acceptedAt: h.acceptedAt,
    acceptNotes: h.acceptNotes,
  };
}

function handoverAt(state: State, boundary: number): HandoverRec | null {
  for (const h of state.handovers.values()) if (h.shiftStart === boundary) return h;
  return null;
}

export function shiftsRouter(d: ShiftsDeps): Router {
  const r = Router();
  const tz = d.config.timeZone;
  const small = jsonBody({ limit: '64kb' });
  const readers = requireRole(d.tokens, 'lead', 'director', 'admin');
  const publisher = requireRole(d.tokens, 'lead', 'admin');
  const lead = requireRole(d.tokens, 'lead');

  /**
   * Appends one event (checked against the event schema; an event the reader would refuse as too
   * large is 413), audits it, and waits until this node's reader has applied it.
   */
  async function publish(req: Request, at: number, fields: Record<string, unknown>, audit: { action: string; subject: string; detail: Record<string, unknown> }) {
    const p = req.principal!;
    const parsed = hotlineEvent.safeParse({ v: 1, id: `ui-${randomUUID()}`, ts: at, ...fields });
    // the routes check everything the schema does first: a failure here is a bug (500, logged)
    if (!parsed.success) throw new Error(`${String(fields.type)} event not valid: ${parsed.error.issues[0]?.message}`);
    const event: HotlineEvent = parsed.data;
    if (Buffer.byteLength(JSON.stringify(event)) > MAX_ENTRY_BYTES) {
      throw new HttpError(413, 'payload_too_large', `the ${event.type} event would be larger than ${MAX_ENTRY_BYTES} bytes`);
    }
    const [cursor] = await d.log.append([event]);
    await d.audit.append({ at, actor: p.name, role: p.role, ...audit });
    return { event, applied: await applied(d.replica, cursor!) };
  }

  /** A `date` (YYYY-MM-DD; absent: today) and its local midnight, or null after answering 400 invalid_date. */
  const dayOf = (value: unknown, res: Response): { date: string; start: number } | null => {
    const date = value === undefined ? localDate(d.clock.now(), tz) : value;
    const start = typeof date === 'string' ? dayStartOf(date, tz) : null;
    if (start === null) {
      sendError(res, 400, 'invalid_date', 'date must be YYYY-MM-DD');
      return null;
    }
    return { date: date as string, start };
  };

  // ---- roster -------------------------------------------------------------------------------

  const readJson = jsonBody({ limit: MAX_BODY });
  const readText = express.text({ type: 'text/csv', limit: MAX_BODY, defaultCharset: 'utf-8' });
  /** The roster's body: JSON or text/csv (UTF-8); anything else is 415. */
  const rosterBody = (req: Request, res: Response, next: NextFunction): void => {
    if (req.is('application/json')) return void readJson(req, res, next);
    if (req.is('text/csv')) {
      const charset = charsetOf(req);
      if (charset !== null && charset !== 'utf-8' && charset !== 'utf8') {
        return next(new HttpError(415, 'unsupported_media_type', `unsupported charset "${charset}"; send UTF-8`));
      }
      return void readText(req, res, next);
    }
    next(new HttpError(415, 'unsupported_media_type', 'send the roster as application/json or text/csv'));
  };

  r.put('/api/v1/roster/:date', publisher, rosterBody, async (req, res) => {
    const date = String(req.params.date);
    const issues: RosterIssue[] = [];
    if (dayStartOf(date, tz) === null) issues.push({ line: null, field: 'date', code: 'invalid_date', message: 'must be a date YYYY-MM-DD' });
    const csv = Boolean(req.is('text/csv'));
    const lines = csv ? csvLines(typeof req.body === 'string' ? req.body : '', issues) : jsonLines(req.body, issues);
    if (lines.length > MAX_ROSTER_LINES) {
      issues.push({ line: null, field: 'entries', code: 'too_many_lines', message: `a roster has at most ${MAX_ROSTER_LINES} lines (this one ${lines.length})` });
    }
    const entries = lines.length > MAX_ROSTER_LINES ? [] : rosterEntries(lines, d.config, issues);
    if (issues.length) {
      // by line (the problems of the whole request first), each line's in field order
      const details = issues.map((x, i) => ({ x, i })).sort((a, b) => (a.x.line ?? -1) - (b.x.line ?? -1) || a.i - b.i);
      return sendError(res, 400, 'invalid_roster', `${issues.length} problem(s) in the roster; nothing was published`, { details: details.slice(0, MAX_DETAILS).map((e) => e.x) });
    }
    const at = d.clock.now();
    const by = req.principal!.name;
    await publish(req, at, { type: 'roster.published', date, entries: entries.map((e) => ({ agentId: e.agentId, shift: e.shift, ...(e.name !== null ? { name: e.name } : {}), ...(e.seat !== null ? { seat: e.seat } : {}) })), by }, {
      action: 'roster.published',
      subject: date,
      detail: { entries: entries.length, format: csv ? 'csv' : 'json' },
    });
    res.json({ date, entries, by, at });
  });

  r.get('/api/v1/roster/:date', readers, (req, res) => {
    const date = String(req.params.date);
    if (dayStartOf(date, tz) === null) return sendError(res, 400, 'invalid_date', 'date must be YYYY-MM-DD');
    const roster = d.replica.state.rosters.get(date);
    if (!roster) return sendError(res, 404, 'no_roster', 'no roster has been published for that day');
    res.json({ date, entries: roster.entries, by: roster.by, at: roster.at });
  });

  // ---- handover -----------------------------------------------------------------------------

  /** What the outgoing lead leaves open now: pending missed calls, open incidents, unacknowledged alerts (ids). */
  const openItems = (boundary: number) => {
    const state = d.replica.state;
    const missedCalls = [...state.missed.values()].filter((m) => m.returnedAt === null).map((m) => m.callId);
    const incidents = [...state.incidents.values()].filter((i) => i.resolvedAt === null).map((i) => i.incidentId);
    // the reminders about this very handover are not items to hand over: submitting ends them
    const alerts = d.view
      .current()
      .alerts.filter((a) => a.acknowledgedBy === null && !((a.rule === 'handover_not_submitted' || a.rule === 'handover_unaccepted') && a.subject === String(boundary)))
      .map((a) => a.id);
    return { missedCalls: missedCalls.slice(0, MAX_OPEN_ITEMS), incidents: incidents.slice(0, MAX_OPEN_ITEMS), alerts: alerts.slice(0, MAX_OPEN_ITEMS) };
  };

  r.post('/api/v1/handovers', lead, small, async (req, res) => {
    const body = parseBody(submitBody, req.body);
    const at = d.clock.now();
    const boundary = handoverBoundary(at, d.config);
    const earlier = handoverAt(d.replica.state, boundary);
    if (earlier && earlier.acceptedAt !== null) {
      return sendError(res, 409, 'handover_accepted', `the handover of ${hhmm(boundary, tz)} is already accepted by ${earlier.acceptedBy}`);
    }
    const items = openItems(boundary);
    const handoverId = randomUUID();
    const by = req.principal!.name;
    const w = await publish(req, at, { type: 'handover.submitted', handoverId, shiftStart: boundary, by, notes: body.notes, openItems: items }, {
      action: 'handover.submitted',
      subject: handoverId,
      detail: {
        shiftStart: boundary,
        openItems: { missedCalls: items.missedCalls.length, incidents: items.incidents.length, alerts: items.alerts.length },
        ...(earlier ? { replaces: earlier.handoverId } : {}),
      },
    });
    const rec = d.replica.state.handovers.get(handoverId);
    const acceptedMeanwhile = handoverAt(d.replica.state, boundary)?.acceptedAt;
    if (!rec && w.applied && acceptedMeanwhile !== null && acceptedMeanwhile !== undefined) {
      // accepted meanwhile (by another request): the reader refused this submission
      return sendError(res, 409, 'handover_accepted', `the handover of ${hhmm(boundary, tz)} is already accepted`);
    }
    const submitted = w.event as Extract<HotlineEvent, { type: 'handover.submitted' }>;
    res.status(201).json(
      handoverJson(rec ?? { handoverId, shiftStart: boundary, by, at, notes: submitted.notes, openItems: items, acceptedBy: null, acceptedAt: null, acceptNotes: null }),
    );
  });

  r.post('/api/v1/handovers/:id/accept', lead, small, async (req, res) => {
    const body = parseBody(acceptBody, req.body);
    const id = String(req.params.id);
    const h = d.replica.state.handovers.get(id);
    if (!h) return sendError(res, 404, 'unknown_handover', 'no such handover (a newer submission may have replaced it)');
    const p = req.principal!;
    if (h.acceptedAt !== null) return sendError(res, 409, 'already_accepted', `already accepted by ${h.acceptedBy}`);
    if (h.by === p.name) return sendError(res, 409, 'same_person', 'the lead who submitted a handover cannot accept it: the incoming lead signs');
    const at = d.clock.now();
    const w = await publish(req, at, { type: 'handover.accepted', handoverId: id, by: p.name, ...(body.notes ? { notes: body.notes } : {}) }, {
      action: 'handover.accepted',
      subject: id,
      detail: { shiftStart: h.shiftStart, submittedBy: h.by },
    });
    const now = d.replica.state.handovers.get(id);
    if (w.applied && now && now.acceptedBy !== p.name) return sendError(res, 409, 'already_accepted', `already accepted by ${now.acceptedBy}`);
    res.json(handoverJson(now ?? { ...h, acceptedBy: p.name, acceptedAt: at, acceptNotes: body.notes || null }));
  });

  r.get('/api/v1/handovers', readers, async (req, res) => {
    const day = dayOf(req.query.date, res);
    if (!day) return;
    const [record] = await d.reports.dayRecords([day.start]);
    res.json({ date: day.date, timeZone: tz, handovers: record?.handovers ?? [] });
  });

  // ---- staffing plan ------------------------------------------------------------------------

  r.get('/api/v1/staffing/plan', readers, async (req, res) => {
    const f = responseFormat(req, res);
    const day = f && dayOf(req.query.date, res);
    if (!day) return;
    const intervals: StaffingInterval[] = await d.staffing.plan(day.start);
    if (f === 'json') return void res.json({ date: day.date, timeZone: tz, intervals });
    const rows = intervals.map((i) => [hhmm(i.start, tz), num(i.forecastOffered), num(i.forecastAhtSec), i.requiredAgents, i.rostered, num(i.signedIn)]);
    sendCsv(res, `hotline-staffing-${day.date}.csv`, [STAFFING_HEADERS, ...rows]);
  });

  return r;
}
