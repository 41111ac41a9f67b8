/**
 * The event log on a Redis stream (`<prefix>events`, one field `event` holding the JSON text).
 * Appends go through the shared connection; XREAD BLOCK uses the dedicated reader connection.
 */
import type { HotlineEvent } from '../../../shared/events';
import { randomUUID } from 'node:crypto';
import type { EventLog, LogEntry, LogIdentity } from '../../ports';
import type { RedisClient } from './connect';
import { compareStreamIds } from '../../core/stream-id';

// Raw RESP2 replies keep every field name, duplicates included, which the validator needs to reject
// malformed entries; node-redis' typed stream commands fold fields into an object.

/** One stream entry with its fields in stored order. */
interface RawStreamEntry {
  id: string;
  fields: Array<[string, string]>;
}

function fail(what: string): never {
  throw new Error(`redis: unexpected stream reply (${what})`);
}

/** `[id, [field, value, ...]]` */
function parseEntry(reply: unknown): RawStreamEntry {
  if (!Array.isArray(reply) || typeof reply[0] !== 'string' || !Array.isArray(reply[1])) fail('entry');
  const flat = reply[1] as unknown[];
  const fields: Array<[string, string]> = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const name = flat[i];
    const value = flat[i + 1];
    if (typeof name !== 'string' || typeof value !== 'string') fail('field');
    fields.push([name, value]);
  }
  return { id: reply[0], fields };
}

/** XRANGE / XREVRANGE: an array of entries. */
function parseEntries(reply: unknown): RawStreamEntry[] {
  if (!Array.isArray(reply)) fail('range');
  return reply.map(parseEntry);
}

/** XREAD on a single key: null on timeout, else `[[key, entries]]`. */
function parseXRead(reply: unknown): RawStreamEntry[] {
  if (reply === null || reply === undefined) return [];
  if (!Array.isArray(reply)) fail('xread');
  const first = reply[0] as unknown;
  if (first === undefined) return [];
  if (!Array.isArray(first)) fail('xread stream');
  return parseEntries(first[1]);
}

/** Sets KEYS[1] to ARGV[1] unless it holds a larger number already. */
const RAISE_SCRIPT = "local v = tonumber(redis.call('GET', KEYS[1]) or '0') if tonumber(ARGV[1]) > v then redis.call('SET', KEYS[1], ARGV[1]) end return 1";

/** About how many refused entries `<prefix>events:rejected` keeps; older ones are trimmed. */
export const REJECTED_MAX = 10_000;

/** The only field an entry of the event stream must carry (EVENTS.md). */
export const EVENT_FIELD = 'event';

function toLogEntry(entry: RawStreamEntry): LogEntry {
  const event = entry.fields.find(([name]) => name === EVENT_FIELD);
  return { id: entry.id, raw: event ? event[1] : null, fields: entry.fields.map(([name]) => name) };
}

/**
 * EventLog on Redis. `main` is shared with the other adapters and stays open on `close()`;
 * `reader` belongs to this log and is destroyed by `close()`, which ends a blocked read with [].
 */
export class RedisEventLog implements EventLog {
  readonly key: string;
  readonly rejectedKey: string;
  readonly generationKey: string;
  /** the instant from which the trimmed stream still holds every event (REPORTS.md retention) */
  readonly trimmedKey: string;
  #closed = false;

  constructor(
    private readonly main: RedisClient,
    private readonly reader: RedisClient,
    prefix: string,
    /** about how many refused entries the rejected stream keeps (REPORTS.md: capped, ~10,000) */
    private readonly rejectedMax = REJECTED_MAX,
  ) {
    this.key = `${prefix}events`;
    this.rejectedKey = `${prefix}events:rejected`;
    this.generationKey = `${prefix}events:generation`;
    this.trimmedKey = `${prefix}events:trimmed`;
  }

  async append(events: readonly HotlineEvent[]): Promise<string[]> {
    // Serialise everything first: a value JSON cannot encode must fail the batch before any write.
    const texts = events.map((e) => JSON.stringify(e));
    if (texts.length === 0) return [];
    const multi = this.main.multi();
    for (const text of texts) multi.addCommand(['XADD', this.key, '*', EVENT_FIELD, text]);
    const replies: unknown[] = await multi.exec();
    return replies.map((id) => {
      if (typeof id !== 'string') throw new Error('redis: XADD returned no stream ID');
      return id;
    });
  }

  async read(cursor: string, count: number, blockMs: number): Promise<LogEntry[]> {
    if (this.#closed) return [];
    const args = ['XREAD', 'COUNT', String(Math.max(1, Math.floor(count)))];
    // BLOCK 0 means "forever" to Redis; the port means "do not wait".
    if (blockMs > 0) args.push('BLOCK', String(Math.ceil(blockMs)));
    args.push('STREAMS', this.key, cursor);
    try {
      return parseXRead(await this.reader.sendCommand(args)).map(toLogEntry);
    } catch (err) {
      if (this.#closed) return [];
      throw err;
    }
  }

  async reject(entry: LogEntry, reason: string): Promise<void> {
    // Every node reads the whole stream and meets the same bad entry, and so does a replay after a
    // restart. The copy takes the original entry's ID, so only the first copy is written: Redis
    // refuses an ID that is not above the stream's last one, and that refusal is the dedupe.
    try {
      // MAXLEN ~ trims whole nodes only, cheaply: the stream holds about rejectedMax, never unbounded
      await this.main.sendCommand(['XADD', this.rejectedKey, 'MAXLEN', '~', String(this.rejectedMax), entry.id, 'id', entry.id, 'raw', entry.raw ?? '', 'reason', reason]);
    } catch (err) {
      if (!/equal or smaller than the target stream top item/i.test(String(err))) throw err;
    }
  }

  async lastId(): Promise<string> {
    // XREVRANGE rather than XINFO's last-generated-id: after an XDEL of the newest entry the latter
    // names an ID no reader can ever reach, and readiness would wait for it forever.
    const newest = parseEntries(await this.main.sendCommand(['XREVRANGE', this.key, '+', '-', 'COUNT', '1']));
    return newest[0]?.id ?? '0-0';
  }

  async identity(): Promise<LogIdentity> {
    // SET NX: the first caller names the generation; it lives as long as the Redis data does
    await this.main.sendCommand(['SET', this.generationKey, randomUUID(), 'NX']);
    const generation = await this.main.sendCommand(['GET', this.generationKey]);
    if (typeof generation !== 'string') throw new Error('redis: the log generation could not be read');
    let lastGeneratedId = '0-0';
    try {
      const info = await this.main.sendCommand(['XINFO', 'STREAM', this.key]);
      if (!Array.isArray(info)) fail('xinfo');
      const at = info.indexOf('last-generated-id');
      if (at < 0 || typeof info[at + 1] !== 'string') fail('xinfo last-generated-id');
      lastGeneratedId = info[at + 1] as string;
    } catch (err) {
      if (!/no such key/i.test(String(err))) throw err;
    }
    return { generation, lastGeneratedId };
  }

  async holds(id: string): Promise<boolean> {
    if (id === '0-0') return true;
    if (parseEntries(await this.main.sendCommand(['XRANGE', this.key, id, id])).length > 0) return true;
    // not there: trimmed away (older than the oldest entry, or nothing left), or lost
    const oldest = parseEntries(await this.main.sendCommand(['XRANGE', this.key, '-', '+', 'COUNT', '1']))[0];
    return oldest === undefined || compareStreamIds(id, oldest.id) < 0;
  }

  async trim(beforeMs: number, wholeFrom: number): Promise<number> {
    // the mark first: a node replaying meanwhile must not take the days being cut for whole ones
    await this.main.eval(RAISE_SCRIPT, { keys: [this.trimmedKey], arguments: [String(Math.floor(wholeFrom))] });
    return Number(await this.main.sendCommand(['XTRIM', this.key, 'MINID', `${Math.max(0, Math.floor(beforeMs))}-0`]));
  }

  async trimmedBefore(): Promise<number> {
    const v = await this.main.get(this.trimmedKey);
    return v === null ? 0 : Number(v);
  }

  async close(): Promise<void> {
    this.#closed = true;
    // destroy, not close: a graceful close would wait out the blocked XREAD.
    if (this.reader.isOpen) this.reader.destroy();
  }
}
