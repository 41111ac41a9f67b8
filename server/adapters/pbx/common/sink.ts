/**
 * Where an adapter's events go: straight into the stream (Redis, like the server), or through the
 * wallboard's HTTP ingest when the adapter runs on the PBX host without Redis access. Feed health
 * goes the same way: the `<prefix>feeds:<name>` key, or `PUT /api/v1/feeds/:name`.
 */
import type { HotlineEvent } from '../../../../shared/events';
import type { RedisClient } from '../../redis/connect';
import { RedisEventLog } from '../../redis/event-log';
import type { FeedSink } from './feed';

/** What an adapter reports about its connection every 10 s (ADAPTERS.md, feed health). */
export interface FeedHealth {
  name: string;
  connected: boolean;
  since: number;
  lastEventAt: number | null;
  pbx: string | null;
}

export interface HealthSink {
  report(health: FeedHealth): Promise<void>;
}

/** How long a health report lasts: a feed that stops reporting is down after this. */
export const HEALTH_TTL_MS = 30_000;

export function redisSinks(main: RedisClient, log: RedisEventLog, prefix: string): { events: FeedSink; health: HealthSink } {
  return {
    events: { append: async (events: HotlineEvent[]) => void (await log.append(events)) },
    health: {
      report: async (h) => {
        await main.sendCommand(['SET', `${prefix}feeds:${h.name}`, JSON.stringify(h), 'PX', String(HEALTH_TTL_MS)]);
      },
    },
  };
}

export function httpSinks(baseUrl: string, token: string, fetchImpl: typeof fetch = fetch): { events: FeedSink; health: HealthSink } {
  const base = baseUrl.replace(/\/+$/, '');
  const send = async (method: string, path: string, body: unknown) => {
    const res = await fetchImpl(base + path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) {
      const text = await res.text().catch(() => '');
      // a 400 is this adapter's bug or a PBX oddity: retrying would block the feed for ever
      const err = new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
      (err as Error & { permanent?: boolean }).permanent = res.status === 400;
      throw err;
    }
  };
  return {
    events: { append: (events) => send('POST', '/api/v1/events', events) },
    health: { report: (h) => send('PUT', `/api/v1/feeds/${encodeURIComponent(h.name)}`, { connected: h.connected, since: h.since, lastEventAt: h.lastEventAt, pbx: h.pbx }) },
  };
}
