/**
 * The audit log on the stream `<prefix>audit`, one field `record` with the JSON of an AuditRecord.
 * Entries get Redis-generated IDs; a query widens the ID range by a margin and filters on `at`, so a
 * node clock a little off Redis' clock loses nothing.
 */
import type { AuditLog, AuditRecord } from '../../ports';
import type { RedisClient } from './connect';

/** How far a record's `at` may stray from Redis' clock at XADD time and still be found. */
const CLOCK_MARGIN_MS = 10 * 60_000;

/** AuditLog on Redis. */
export class RedisAuditLog implements AuditLog {
  readonly key: string;

  constructor(
    private readonly main: RedisClient,
    prefix: string,
  ) {
    this.key = `${prefix}audit`;
  }

  async append(record: AuditRecord): Promise<void> {
    await this.main.xAdd(this.key, '*', { record: JSON.stringify(record) });
  }

  async trim(beforeMs: number): Promise<number> {
    return Number(await this.main.sendCommand(['XTRIM', this.key, 'MINID', `${Math.max(0, Math.floor(beforeMs))}-0`]));
  }

  async list(from: number, to: number): Promise<AuditRecord[]> {
    if (!(to > from)) return [];
    const start = String(Math.max(0, Math.floor(from - CLOCK_MARGIN_MS)));
    const end = String(Math.ceil(to + CLOCK_MARGIN_MS));
    const entries = (await this.main.xRange(this.key, start, end)) ?? [];
    const records: AuditRecord[] = [];
    for (const entry of entries) {
      const json = (entry.message as Record<string, string | undefined>)['record'];
      if (json === undefined) continue;
      const record = JSON.parse(json) as AuditRecord;
      if (record.at >= from && record.at < to) records.push(record);
    }
    // Stable sort: records written in the same millisecond keep their stream order.
    return records.sort((a, b) => a.at - b.at);
  }
}
