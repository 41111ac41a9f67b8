/**
 * Who is signed in on a person's page: GET /api/v1/me once, and sign-out (POST /api/v1/logout).
 */
import { api, goToLogin } from './api';
import { personToken } from './token';

export interface Me {
  name: string;
  role: string;
  kind: string;
  expiresAt: number | null;
}

class SessionState {
  me = $state<Me | null>(null);
  /** the role the stored session claims, until /me answers */
  checked = $state(false);
}

export const session = new SessionState();

/** Loads /me (a 401 sends the page to /login). Returns false when there is no session at all. */
export async function loadMe(): Promise<boolean> {
  if (!personToken()) {
    goToLogin();
    return false;
  }
  try {
    session.me = await api<Me>('/api/v1/me');
  } catch {
    // network trouble: keep the page; the live status says what is wrong
  }
  session.checked = true;
  return true;
}

export async function signOut(): Promise<void> {
  try {
    await api('/api/v1/logout', { method: 'POST', allow401: true });
  } catch {
    // the token is dropped here whatever the server says
  }
  goToLogin();
}
