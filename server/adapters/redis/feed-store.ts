/**
 * Feed health keys on Redis: `<prefix>feeds:<name>` = JSON `{"name","connected","since","lastEventAt","pbx"}`,
 * written with an expiry (PX). Adapters with Redis access write them themselves; the server writes
 * them for adapters that report over HTTP. A key's value comes from outside: it is read with the
 * feed report schema, and a key that does not hold one is left out.
 */
import { feedNameSchema, feedReportSchema } from '../../../shared/feeds';
import { parseJson } from '../../../shared/json';
import type { FeedRecord, FeedStore } from '../../ports';
import type { RedisClient } from './connect';

/** A feed report is a few hundred bytes: a longer value is not one. */
const MAX_VALUE = 4096;
/** keys per SCAN step and per MGET */
const BATCH = 200;

/** `text` as a literal inside a SCAN MATCH pattern: the glob characters escaped. */
export function globLiteral(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** The record a key's value holds, or null when it holds none. */
export function readFeedValue(name: string, value: string | null | undefined): FeedRecord | null {
  if (typeof value !== 'string' || value.length > MAX_VALUE) return null;
  if (!feedNameSchema.safeParse(name).success) return null;
  const json = parseJson(value, 4);
  if (!json.ok) return null;
  const report = feedReportSchema.safeParse(json.value);
  if (!report.success) return null;
  return { name, connected: report.data.connected, since: report.data.since, lastEventAt: report.data.lastEventAt, pbx: report.data.pbx };
}

/** FeedStore on Redis. */
export class RedisFeedStore implements FeedStore {
  readonly keyPrefix: string;

  constructor(
    private readonly main: RedisClient,
    prefix: string,
  ) {
    this.keyPrefix = `${prefix}feeds:`;
  }

  async list(): Promise<FeedRecord[]> {
    const keys = new Set<string>();
    // SCAN may return a key more than once: the set keeps one of each
    for await (const batch of this.main.scanIterator({ MATCH: `${globLiteral(this.keyPrefix)}*`, COUNT: BATCH })) {
      for (const k of batch) keys.add(k);
    }
    const all = [...keys];
    const out: FeedRecord[] = [];
    for (let i = 0; i < all.length; i += BATCH) {
      const chunk = all.slice(i, i + BATCH);
      // a key that expired since the SCAN, or holds another type, reads as null
      const values = await this.main.mGet(chunk);
      chunk.forEach((key, j) => {
        const record = readFeedValue(key.slice(this.keyPrefix.length), values[j]);
        if (record) out.push(record);
      });
    }
    return out;
  }

  async put(record: FeedRecord, ttlMs: number): Promise<void> {
    const value = { name: record.name, connected: record.connected, since: record.since, lastEventAt: record.lastEventAt, pbx: record.pbx };
    await this.main.set(this.keyPrefix + record.name, JSON.stringify(value), { PX: Math.max(1, Math.round(ttlMs)) });
  }
}
