/**
 * Notification claims on Redis (docs/notifications.md): the key
 * `<prefix>notify:<channel>:<trigger>:<episode id>` holds the id of the node that claimed the
 * delivery, written with `SET … NX PX <ttl>`, so exactly one node (the first to ask) sends each
 * episode to each channel. The claim outlives the episode (14 days by default): a node started later
 * finds it and does not send again.
 */
import type { NotifyClaims } from '../../ports';
import type { RedisClient } from './connect';

/** Deletes the key only while it still holds this owner's id (a claim that expired and was taken again is not ours). */
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** NotifyClaims on Redis. */
export class RedisNotifyClaims implements NotifyClaims {
  readonly keyPrefix: string;

  constructor(
    private readonly main: RedisClient,
    prefix: string,
  ) {
    this.keyPrefix = `${prefix}notify:`;
  }

  /** The claim's key: `<prefix>notify:<channel>:<trigger>:<episode id>`. */
  key(channel: string, trigger: string, episode: string): string {
    return `${this.keyPrefix}${channel}:${trigger}:${episode}`;
  }

  async claim(channel: string, trigger: string, episode: string, owner: string, ttlMs: number): Promise<boolean> {
    const r = await this.main.set(this.key(channel, trigger, episode), owner, { NX: true, PX: Math.max(1, Math.round(ttlMs)) });
    return r === 'OK';
  }

  async release(channel: string, trigger: string, episode: string, owner: string): Promise<boolean> {
    const n = await this.main.sendCommand<number>(['EVAL', RELEASE, '1', this.key(channel, trigger, episode), owner]);
    return Number(n) === 1;
  }
}
