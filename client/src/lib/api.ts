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
]);
import { clearSession, personToken } from './token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
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
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** skip the redirect to /login on 401 (sign-out) */
  allow401?: boolean;
}

export async function api<T = unknown>(path: string, opts: ApiOptions = {}): Promise<T> {
  const token = personToken();
  if (!token && !opts.allow401) {
    goToLogin();
    throw new ApiError(401, 'unauthorized', t('sessionExpired'));
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method: opts.method ?? (opts.body !== undefined ? 'POST' : 'GET'),
      headers,
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'network', t('networkError'));
  }
  if (res.status === 204) return undefined as T;
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (res.ok) return data as T;
  const err = (data !== null && typeof data === 'object' ? data : {}) as { error?: unknown; message?: unknown };
  const errCode = typeof err.error === 'string' ? err.error : null;
  const errText = typeof err.message === 'string' && err.message ? err.message : null;
  if (res.status === 401 && !opts.allow401) {
    goToLogin();
    throw new ApiError(401, errCode ?? 'unauthorized', t('sessionExpired'));
  }
  if (res.status === 403) throw new ApiError(403, errCode ?? 'forbidden', errText ? `${t('forbidden')}: ${errText}` : t('forbidden'));
  const code = errCode ?? `http_${res.status}`;
  const serverText = errText ?? `${t('failed')} (HTTP ${res.status})`;
  const known = CODE_TEXT.get(code);
  throw new ApiError(res.status, code, known && lang !== 'en' ? `${t(known)}（${serverText}）` : serverText);
}

/** The text to show for a failed call: the server's message, or ours for network trouble. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return e instanceof Error && e.message ? e.message : t('failed');
}
