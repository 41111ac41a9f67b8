/**
 * The shift's routes the screens use (SHIFTS.md): the roster of a day (GET, PUT as CSV) and the
 * handover record (submit, accept). Errors are ApiErrors (api.ts); a refused roster carries the
 * server's problems in `details`.
 */
import { api, ApiError } from './api';

export interface RosterLine {
  agentId: string;
  name?: string | null;
  shift: string;
  seat?: string | null;
}

export interface Roster {
  date: string;
  entries: RosterLine[];
  /** who published it and when (GET only) */
  by?: string;
  at?: number;
}

const rosterPath = (date: string) => `/api/v1/roster/${encodeURIComponent(date)}`;

/** The roster published for `date`, or null when there is none (404). */
export async function fetchRoster(date: string): Promise<Roster | null> {
  try {
    return await api<Roster>(rosterPath(date));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** Publishes `date`'s roster from CSV text (header 工号,姓名,班次,座席); the last one for a date wins. */
export const putRosterCsv = (date: string, csv: string) => api<Roster>(rosterPath(date), { method: 'PUT', text: { body: csv, type: 'text/csv; charset=utf-8' } });

/** The outgoing lead's handover at the boundary now open (the server attaches the open items). */
export const submitHandover = (notes: string) => api('/api/v1/handovers', { method: 'POST', body: { notes } });

/** The incoming lead's signature on a submitted handover, with notes if any (409 same_person for its author). */
export const acceptHandover = (handoverId: string, notes: string) =>
  api(`/api/v1/handovers/${encodeURIComponent(handoverId)}/accept`, { method: 'POST', body: notes ? { notes } : {} });

/**
 * A CSV file's text: UTF-8 (a byte-order mark dropped), or GB18030 when it is not valid UTF-8 (a
 * roster saved from a Chinese Excel is often "ANSI", i.e. GBK).
 */
export function decodeCsv(bytes: ArrayBuffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}
