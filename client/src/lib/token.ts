/**
 * Where the page's credentials live (localStorage):
 * - `hotline.deviceToken`: a wall display's device token, taken once from `/wall?token=…`.
 * - `hotline.token`, `hotline.role`, `hotline.expiresAt`: a person's session, set by /login.
 */
import type { Role } from '../../../shared/vocabulary';

export const DEVICE_TOKEN_KEY = 'hotline.deviceToken';
export const TOKEN_KEY = 'hotline.token';
export const ROLE_KEY = 'hotline.role';
export const EXPIRES_KEY = 'hotline.expiresAt';

/** Who a session or device is (shared/vocabulary.ts). */
export type { Role };

export interface Session {
  token: string;
  role: Role | string;
  expiresAt: number | string | null;
}

function storage(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null; // storage disabled (privacy mode): the page still works for this visit
  }
}

/** expiresAt may be epoch ms or an ISO string; unknown formats never expire on the client. */
export function expiresAtMs(value: number | string | null | undefined): number | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'number') return value;
  const n = Number(value);
  if (Number.isFinite(n)) return n;
  const d = Date.parse(value);
  return Number.isFinite(d) ? d : null;
}

/**
 * Moves `?token=` from the address bar into storage (so it is not left in the history, bookmarks or
 * a screenshot of the screen). Returns true when one was taken.
 */
export function captureDeviceToken(loc: Location = location, hist: History = history): boolean {
  const url = new URL(loc.href);
  const token = url.searchParams.get('token');
  if (!token) return false;
  storage()?.setItem(DEVICE_TOKEN_KEY, token);
  url.searchParams.delete('token');
  hist.replaceState(hist.state, '', url.pathname + url.search + url.hash);
  return true;
}

export function deviceToken(): string | null {
  return storage()?.getItem(DEVICE_TOKEN_KEY) || null;
}

export function saveSession(s: Session): void {
  const st = storage();
  if (!st) return;
  st.setItem(TOKEN_KEY, s.token);
  st.setItem(ROLE_KEY, String(s.role));
  if (s.expiresAt === null) st.removeItem(EXPIRES_KEY);
  else st.setItem(EXPIRES_KEY, String(s.expiresAt));
}

export function clearSession(): void {
  const st = storage();
  st?.removeItem(TOKEN_KEY);
  st?.removeItem(ROLE_KEY);
  st?.removeItem(EXPIRES_KEY);
}

/** A person's session, or null when there is none or it has expired. */
export function session(nowMs: number = Date.now()): Session | null {
  const st = storage();
  const token = st?.getItem(TOKEN_KEY);
  if (!st || !token) return null;
  const raw = st.getItem(EXPIRES_KEY);
  const exp = expiresAtMs(raw);
  if (exp !== null && exp <= nowMs) {
    clearSession();
    return null;
  }
  return { token, role: st.getItem(ROLE_KEY) ?? '', expiresAt: raw };
}

/** The wall uses its device token; a person's session also works (a lead opening /wall). */
export function wallToken(): string | null {
  return deviceToken() ?? session()?.token ?? null;
}

export function personToken(): string | null {
  return session()?.token ?? null;
}

/** Where a role lands after sign-in. */
export function homeOf(role: string): string {
  return role === 'lead' || role === 'director' || role === 'admin' ? `/${role}` : '/wall';
}
