/**
 * The people's pages' HTTP calls: the person's token from localStorage (`hotline.token`) as a bearer
 * token, JSON in and out, and the API's errors (`{error, message}`) as an ApiError. A 401 means the
 * session is over: the token is dropped and the page goes to /login.
 */
import { lang, t, type MessageKey } from './i18n';

/**
 * API error codes (docs/api.md) with a Chinese explanation shown before the server's own message.
 * A Map: the code comes from the server's answer, and must not find `constructor` & co.
 */
const CODE_TEXT: ReadonlyMap<string, MessageKey> = new Map<string, MessageKey>([
  ['already_acknowledged', 'err_already_acknowledged'],
  ['already_escalated', 'err_already_escalated'],
  ['incident_resolved', 'err_incident_resolved'],
  ['unknown_alert', 'err_unknown_alert'],
  ['unknown_incident', 'err_unknown_incident'],
  ['unknown_missed_call', 'err_unknown_missed_call'],
  ['invalid_report', 'err_invalid_report'],
  ['username_taken', 'err_username_taken'],
  ['last_admin', 'err_last_admin'],
  ['unknown_user', 'err_unknown_user'],
  ['unknown_device', 'err_unknown_device'],
  ['invalid_date', 'err_invalid_date'],
  ['reversed_range', 'err_reversed_range'],
  ['range_too_long', 'err_range_too_long'],
  ['same_person', 'err_same_person'],
  ['already_accepted', 'err_already_accepted'],
  ['unknown_handover', 'err_unknown_handover'],
  ['handover_accepted', 'err_handover_accepted'],
  ['invalid_roster', 'err_invalid_roster'],
  ['unknown_ticket', 'err_unknown_ticket'],
  ['ticket_closed', 'err_ticket_closed'],
]);
import { clearSession, personToken } from './token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** a 400's `details` as the server sent them (the problems, one by one), else null */
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

/** Leaves for the sign-in page (the session is gone or was never there). */
export function goToLogin(): void {
  clearSession();
  if (location.pathname !== '/login') location.assign('/login');
}

export interface ApiOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** sent as JSON */
  body?: unknown;
  /** sent as it is, with its media type (a CSV upload), instead of a JSON body */
  text?: { body: string; type: string };
  /** skip the redirect to /login on 401 (sign-out) */
  allow401?: boolean;
}

/** A call with the person's bearer token; network trouble is an ApiError with status 0. */
async function authorizedFetch(path: string, opts: ApiOptions, accept: string): Promise<Response> {
  const token = personToken();
  if (!token && !opts.allow401) {
    goToLogin();
    throw new ApiError(401, 'unauthorized', t('sessionExpired'));
  }
  const headers: Record<string, string> = { Accept: accept };
  if (token) headers.Authorization = `Bearer ${token}`;
  const body = opts.text ? opts.text.body : opts.body !== undefined ? JSON.stringify(opts.body) : undefined;
  if (body !== undefined) headers['Content-Type'] = opts.text ? opts.text.type : 'application/json';
  try {
    return await fetch(path, {
      method: opts.method ?? (body !== undefined ? 'POST' : 'GET'),
      headers,
      body,
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', t('networkError'));
  }
}

/**
 * The error of a refused call, from its JSON body: `{error: "<code>", message}` (docs/api.md), or
 * `{error: {code, message}}`. A 401 ends the session.
 */
async function failure(res: Response, opts: ApiOptions): Promise<ApiError> {
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  const body = (data !== null && typeof data === 'object' ? data : {}) as { error?: unknown; message?: unknown; details?: unknown };
  const nested = body.error !== null && typeof body.error === 'object' ? (body.error as { code?: unknown; message?: unknown }) : null;
  const rawCode = nested ? nested.code : body.error;
  const rawText = nested ? nested.message : body.message;
  const errCode = typeof rawCode === 'string' ? rawCode : null;
  const errText = typeof rawText === 'string' && rawText ? rawText : null;
  if (res.status === 401 && !opts.allow401) {
    goToLogin();
    return new ApiError(401, errCode ?? 'unauthorized', t('sessionExpired'));
  }
  if (res.status === 403) return new ApiError(403, errCode ?? 'forbidden', errText ? `${t('forbidden')}: ${errText}` : t('forbidden'));
  const code = errCode ?? `http_${res.status}`;
  const serverText = errText ?? `${t('failed')} (HTTP ${res.status})`;
  const known = CODE_TEXT.get(code);
  return new ApiError(res.status, code, known && lang !== 'en' ? `${t(known)}（${serverText}）` : serverText, body.details ?? null);
}

export async function api<T = unknown>(path: string, opts: ApiOptions = {}): Promise<T> {
  const res = await authorizedFetch(path, opts, 'application/json');
  if (res.status === 204) return undefined as T;
  if (!res.ok) throw await failure(res, opts);
  try {
    return (await res.json()) as T;
  } catch {
    return null as T;
  }
}

/** A file the API answers (a CSV export): its bytes, and the name the server gave it, if any. */
export interface ApiFile {
  blob: Blob;
  /** from Content-Disposition; null when the server named none */
  filename: string | null;
}

/** GET a file with the bearer token (a plain link would carry none). */
export async function apiFile(path: string, accept = '*/*'): Promise<ApiFile> {
  const res = await authorizedFetch(path, {}, accept);
  if (!res.ok) throw await failure(res, {});
  let blob: Blob;
  try {
    blob = await res.blob();
  } catch {
    throw new ApiError(0, 'network', t('networkError'));
  }
  return { blob, filename: dispositionFilename(res.headers.get('Content-Disposition')) };
}

/**
 * The file name in a Content-Disposition header: `filename*=UTF-8''…` (RFC 6266, percent-encoded)
 * first, then `filename="…"`; null when there is none. Path parts are dropped.
 */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  let name: string | null = null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      name = decodeURIComponent(star[1]!.trim().replace(/^"|"$/g, ''));
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
    if (plain) name = plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : (plain[2] ?? null);
  }
  const base = name?.split(/[\\/]/).pop()?.trim() ?? '';
  return base && base !== '.' && base !== '..' ? base : null;
}

/** The text to show for a failed call: the server's message, or ours for network trouble. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error && e.message ? e.message : t('failed');
}
