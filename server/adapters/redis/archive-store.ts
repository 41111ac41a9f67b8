/**
 * The daily archive on Redis: the hash `<prefix>archive:days` (field YYYY-MM-DD → the record's JSON)
 * and beside it `<prefix>archive:asof` (field YYYY-MM-DD → the stream ID the record was computed at).
 * A put is one script, so comparing and writing cannot interleave with another node's put.
 */

import type { ArchiveStore } from '../../ports';
import { parseArchiveRecord, type DayArchive } from '../../core/archive';
import type { RedisClient } from './connect';

/**
 * KEYS: days, asof; ARGV: date, asOf, record. Writes unless the stored asOf is later. Stream IDs
 * compare as (ms, seq): both parts are integers well inside a double's exact range.
 */
const PUT_SCRIPT = `
local cur = redis.call('HGET', KEYS[2], ARGV[1])
if cur then
  local cm, cs = string.match(cur, '^(%d+)-(%d+)$')
  local nm, ns = string.match(ARGV[2], '^(%d+)-(%d+)$')
  cm, cs, nm, ns = tonumber(cm), tonumber(cs), tonumber(nm), tonumber(ns)
  if cm > nm or (cm == nm and cs > ns) then return 0 end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class RedisArchiveStore implements ArchiveStore {
  readonly daysKey: string;
  readonly asOfKey: string;

  constructor(
    private readonly main: RedisClient,
    prefix: string,
  ) {
    this.daysKey = `${prefix}archive:days`;
    this.asOfKey = `${prefix}archive:asof`;
  }

  async put(day: DayArchive, asOf: string): Promise<void> {
    if (!DATE.test(day.date) || !/^\d+-\d+$/.test(asOf)) throw new Error(`archive: bad date or position (${day.date}, ${asOf})`);
    await this.main.eval(PUT_SCRIPT, { keys: [this.daysKey, this.asOfKey], arguments: [day.date, asOf, JSON.stringify(day)] });
  }

  async get(dates: readonly string[]): Promise<Map<string, DayArchive>> {
    const out = new Map<string, DayArchive>();
    if (dates.length === 0) return out;
    const texts = await this.main.hmGet(this.daysKey, [...dates]);
    texts.forEach((text, i) => {
      if (typeof text !== 'string') return;
      const day = parseArchiveRecord(text);
      if (day) out.set(dates[i]!, day);
    });
    return out;
  }

  async dates(): Promise<string[]> {
    return (await this.main.hKeys(this.daysKey)).filter((d) => DATE.test(d)).sort();
  }

  async deleteBefore(date: string): Promise<number> {
    const old = (await this.dates()).filter((d) => d < date);
    if (old.length === 0) return 0;
    await this.main.multi().hDel(this.daysKey, old).hDel(this.asOfKey, old).exec();
    return old.length;
  }
}
