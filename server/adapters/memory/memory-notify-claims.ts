/** Notification claims in process memory (the demo without Redis, tests): one process is one node. */
import { systemClock, type Clock, type NotifyClaims } from '../../ports';

/** NotifyClaims in memory, expiring by the injected clock. Keys come from outside: a Map. */
export class MemoryNotifyClaims implements NotifyClaims {
  readonly #claims = new Map<string, { owner: string; expiresAt: number }>();
  /** claims taken since expired ones were last swept out */
  #sinceSweep = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  async claim(channel: string, trigger: string, episode: string, owner: string, ttlMs: number): Promise<boolean> {
    const key = JSON.stringify([channel, trigger, episode]);
    const now = this.clock.now();
    const held = this.#claims.get(key);
    if (held && held.expiresAt > now) return false;
    this.#claims.set(key, { owner, expiresAt: now + Math.max(1, Math.round(ttlMs)) });
    if (++this.#sinceSweep >= 1000) {
      this.#sinceSweep = 0;
      for (const [k, c] of this.#claims) if (c.expiresAt <= now) this.#claims.delete(k);
    }
    return true;
  }

  async release(channel: string, trigger: string, episode: string, owner: string): Promise<boolean> {
    const key = JSON.stringify([channel, trigger, episode]);
    const held = this.#claims.get(key);
    if (!held || held.owner !== owner || held.expiresAt <= this.clock.now()) return false;
    this.#claims.delete(key);
    return true;
  }
}
