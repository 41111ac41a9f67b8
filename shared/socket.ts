/**
 * Socket.IO event maps, declared once and used by both sides:
 * `Server<ClientToServerEvents, ServerToClientEvents>` and `Socket<ServerToClientEvents, ClientToServerEvents>`.
 */
import type { Patch } from './patch';
import type { Snapshot } from './snapshot';

export interface ServerToClientEvents {
  /** the full state: on connect and after `resync` */
  snapshot: (snapshot: Snapshot) => void;
  /**
   * the changes since the previous patch, the same message for every screen of a role (broadcast
   * to its room). `seq` is node-wide: it increases by one per patch this node publishes, so the
   * first patch after a snapshot may have any `seq`; from then on a jump means a patch was missed.
   */
  patch: (patch: Patch) => void;
  /**
   * every 2 s (volatile: one may be dropped when the connection is backed up): the server is there
   * and how fresh its data is. `logConnected` false means this node has lost the event log (Redis),
   * so the figures may be behind even though the socket is up.
   */
  heartbeat: (h: { serverTime: number; cursor: string; logConnected: boolean }) => void;
  /** the server is closing this connection for a reason the client should show (e.g. device revoked) */
  closing: (reason: { code: string }) => void;
}

export interface ClientToServerEvents {
  /** ask for a fresh snapshot (after a gap in `seq`); at most one a second is sent per connection */
  resync: () => void;
}

/** Socket.IO connect_error message when the handshake token is missing or bad. */
export const UNAUTHORIZED = 'unauthorized';
