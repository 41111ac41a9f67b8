/**
 * The FreeSWITCH event-socket framing on Buffers: Content-Length in bytes read across any TCP
 * chunking (mid-character included), URL-encoded event values decoded tolerantly, LF or CRLF, and
 * the `callcenter_config` `|` tables (zero rows, `|` and raw UTF-8 inside values, NULL printed
 * either way, `-ERR`).
 */
import { describe, expect, it, vi } from 'vitest';
import { cell, EslParser, parseCcTable, parseEventPlain, urlDecode, type EslMessage } from '../../server/adapters/pbx/freeswitch/esl';
import { agentIdOf, CallcenterMapper, callerOf } from '../../server/adapters/pbx/freeswitch/callcenter';
import { Feed } from '../../server/adapters/pbx/common/feed';
import type { HotlineEvent } from '../../shared/events';
import { apiFrame, eventFrame, FakeFreeswitch, replyFrame, switchUrlEncode } from '../helpers/fake-freeswitch';
import { freeswitchSession } from '../../server/adapters/pbx/freeswitch/session';
import { EslConnection } from '../../server/adapters/pbx/freeswitch/esl-connection';
import { runAdapter } from '../../server/adapters/pbx/common/runner';
import { Backoff } from '../../server/adapters/pbx/common/backoff';

const MEMBERS = 'queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|rejoined_epoch|bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|serving_system|state|score';

/** A stream of every kind of message, with Chinese in a byte-counted api body and in an event. */
function stream(): Buffer {
  const table = `${MEMBERS}\n热线@default|single_box|m1|s1|13812345678|王芳|1|1764374400|0|0|0|0|0|||Waiting|0\n+OK\n`;
  return Buffer.concat([
    Buffer.from('Content-Type: auth/request\n\n'),
    replyFrame('+OK accepted'),
    apiFrame(table),
    eventFrame(
      [
        ['Event-Name', 'CUSTOM'],
        ['Event-Date-Timestamp', '1764374400123456'],
        ['Event-Subclass', 'callcenter::info'],
        ['CC-Queue', '热线@default'],
        ['CC-Agent-Status', 'On Break'],
        ['CC-Member-CID-Name', '王芳 | 100% "ok"'],
        ['Empty', ''],
      ],
      'inner body 内容',
    ),
    Buffer.from('Content-Type: text/disconnect-notice\nContent-Length: 23\n\nDisconnected, goodbye.\n'),
  ]);
}

const summary = (ms: EslMessage[]) => ms.map((m) => ({ type: m.headers.get('Content-Type'), reply: m.headers.get('Reply-Text') ?? null, body: m.body?.toString('utf8') ?? null }));

describe('ESL parser', () => {
  const whole = new EslParser().push(stream());

  it('reads every message of a stream, bodies by their byte length', () => {
    expect(summary(whole).map((m) => m.type)).toEqual(['auth/request', 'command/reply', 'api/response', 'text/event-plain', 'text/disconnect-notice']);
    expect(whole[1]!.headers.get('Reply-Text')).toBe('+OK accepted');
    expect(whole[2]!.body!.toString('utf8')).toContain('|王芳|');
    expect(whole[4]!.body!.toString('utf8')).toBe('Disconnected, goodbye.\n');
  });

  it('gives the same messages whatever the chunking: split at every byte offset (mid-character too) and byte by byte', () => {
    const bytes = stream();
    const expected = summary(whole);
    for (let i = 1; i < bytes.length; i++) {
      const p = new EslParser();
      const got = [...p.push(bytes.subarray(0, i)), ...p.push(bytes.subarray(i))];
      expect(summary(got), `split at ${i}`).toEqual(expected);
    }
    const p = new EslParser();
    const got: EslMessage[] = [];
    for (const b of bytes) got.push(...p.push(Buffer.from([b])));
    expect(summary(got)).toEqual(expected);
  });

  it('accepts CRLF line ends and stray blank lines between messages', () => {
    const text = '\r\nContent-Type: command/reply\r\nReply-Text: +OK\r\n\r\n\nContent-Type: api/response\r\nContent-Length: 3\r\n\r\n+OK';
    const got = new EslParser().push(Buffer.from(text));
    expect(summary(got)).toEqual([
      { type: 'command/reply', reply: '+OK', body: null },
      { type: 'api/response', reply: null, body: '+OK' },
    ]);
  });

  it('decodes a plain event: URL-encoded values (Chinese as UTF-8 bytes), _undef_ kept as sent, its own body', () => {
    const e = parseEventPlain(whole[3]!.body!);
    expect(e.headers.get('CC-Queue')).toBe('热线@default');
    expect(e.headers.get('CC-Agent-Status')).toBe('On Break');
    expect(e.headers.get('Event-Subclass')).toBe('callcenter::info');
    expect(e.headers.get('CC-Member-CID-Name')).toBe('王芳 | 100% "ok"');
    expect(e.headers.get('Empty')).toBe('_undef_');
    expect(e.body).toBe('inner body 内容');
  });

  it('percent-decodes tolerantly: bad or cut escapes stay, + stays, invalid UTF-8 becomes U+FFFD', () => {
    expect(urlDecode('On%20Break')).toBe('On Break');
    expect(urlDecode('general%40default')).toBe('general@default');
    expect(urlDecode('%E7%8E%8B%E8%8A%B3')).toBe('王芳');
    expect(urlDecode(switchUrlEncode('坐席 1001@热线'))).toBe('坐席 1001@热线');
    expect(urlDecode('100%')).toBe('100%');
    expect(urlDecode('%zz%4')).toBe('%zz%4');
    expect(urlDecode('a+b')).toBe('a+b');
    expect(urlDecode('%E7%8E')).toBe('\ufffd');
  });
});

describe('callcenter_config tables', () => {
  it('zero rows: only +OK, no header row', () => {
    expect(parseCcTable('+OK\n')).toEqual([]);
  });

  it('a value holding | or a line end belongs to the free column; raw UTF-8 is kept', () => {
    const text = `${MEMBERS}\nhotline@default|single_box|m1|s1|13812345678|王|芳|1|1764374400|0|0|0|0|0|1001@default|single_box|Trying|0\nhotline@default|single_box|m2|s2|0530|line\nbreak|1|1764374401|0|0|0|0|0|||Waiting|0\n+OK\n`;
    const rows = parseCcTable(text, 'cid_name');
    expect(rows.map((r) => [cell(r, 'uuid'), cell(r, 'cid_name'), cell(r, 'joined_epoch'), cell(r, 'serving_agent'), cell(r, 'state')])).toEqual([
      ['m1', '王|芳', '1764374400', '1001@default', 'Trying'],
      ['m2', 'line\nbreak', '1764374401', null, 'Waiting'],
    ]);
  });

  it('NULL columns read as null whether printed empty or "(null)"', () => {
    const rows = parseCcTable('queue|agent|state\nq|(null)|\n+OK\n');
    expect([cell(rows[0]!, 'agent'), cell(rows[0]!, 'state'), cell(rows[0]!, 'queue')]).toEqual([null, null, 'q']);
  });

  it('an error answer throws its first line; CRLF tables parse', () => {
    expect(() => parseCcTable('-ERR Unknown command\n')).toThrow(/-ERR Unknown command/);
    expect(parseCcTable('name|status\r\n1001@default|Available\r\n+OK\r\n').map((r) => cell(r, 'status'))).toEqual(['Available']);
  });
});

describe('ESL parser limits', () => {
  it('a header block that never ends is a protocol error past 1 MiB, not a buffer growing for ever', () => {
    const p = new EslParser();
    const line = Buffer.from(`X-Junk: ${'a'.repeat(1000)}\n`);
    let thrown: unknown = null;
    try {
      for (let i = 0; i < 1100; i++) p.push(line);
    } catch (err) {
      thrown = err;
    }
    expect(String(thrown)).toMatch(/header block longer than 1048576 bytes/);
  });

  it('a Content-Length over 16 MiB is a protocol error at once', () => {
    expect(() => new EslParser().push(Buffer.from('Content-Type: api/response\nContent-Length: 999999999\n\n'))).toThrow(/over the 16777216-byte limit/);
    expect(() => new EslParser({ maxBodyBytes: 10 }).push(Buffer.from('Content-Type: api/response\nContent-Length: 11\n\n'))).toThrow(/Content-Length/);
  });

  it('a large body in small chunks is read whole without gluing the buffer again for every chunk', () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const bytes = Buffer.concat([Buffer.from(`Content-Type: api/response\nContent-Length: ${body.length}\n\n`), body, Buffer.from('Content-Type: command/reply\nReply-Text: +OK\n\n')]);
    const p = new EslParser();
    const concat = vi.spyOn(Buffer, 'concat');
    const got: EslMessage[] = [];
    try {
      for (let i = 0; i < bytes.length; i += 1024) got.push(...p.push(bytes.subarray(i, i + 1024)));
      expect(concat.mock.calls.length).toBeLessThan(50);
    } finally {
      concat.mockRestore();
    }
    expect(got).toHaveLength(2);
    expect(got[0]!.body!.equals(body)).toBe(true);
    expect(got[1]!.headers.get('Reply-Text')).toBe('+OK');
  });
});

describe('identity', () => {
  it('agent id is CC-Agent up to @; caller numbers are 1–32 visible characters', () => {
    expect(agentIdOf('2001@default')).toBe('2001');
    expect(agentIdOf('2001')).toBe('2001');
    expect(callerOf('_undef_')).toBeNull();
    expect(callerOf('(null)')).toBeNull();
    expect(callerOf('138\u200b1234')).toBe('1381234');
    expect(callerOf('1'.repeat(40))).toHaveLength(32);
  });
});

describe('FreeSWITCH clock', () => {
  const setup = () => {
    const now = 1_790_000_000_000;
    const appended: HotlineEvent[] = [];
    const warns: string[] = [];
    const logger = { info: () => {}, warn: (_o: object, msg: string) => void warns.push(msg), error: () => {} };
    const feed = new Feed({ name: 'fs', sink: { append: async (e) => void appended.push(...e) }, now: () => now, logger });
    const mapper = new CallcenterMapper(feed, null, logger, () => now);
    const status = (agent: string, atMs: number) =>
      mapper.handle(new Map([['Event-Name', 'CUSTOM'], ['Event-Subclass', 'callcenter::info'], ['CC-Action', 'agent-status-change'], ['CC-Agent', `${agent}@default`], ['CC-Agent-Status', 'Available'], ['Event-Date-Timestamp', String(atMs * 1000)]]));
    return { now, appended, warns, feed, status };
  };

  it('an Event-Date-Timestamp more than 5 min off the adapter clock is replaced by the time received (said once); a close one is kept', async () => {
    const { now, appended, warns, feed, status } = setup();
    status('2001', now - 2000);
    status('2002', now + 20 * 60_000);
    status('2003', now + 30 * 60_000);
    await feed.drain();
    const at = (agentId: string) => appended.filter((e) => 'agentId' in e && e.agentId === agentId).map((e) => e.ts);
    expect(at('2001')[0]).toBe(now - 2000);
    expect(at('2002').every((t) => t === now)).toBe(true);
    expect(at('2003').every((t) => t === now)).toBe(true);
    expect(at('2002').length).toBeGreaterThan(0);
    expect(warns.filter((m) => m.includes('clock'))).toHaveLength(1);
  });
});

describe('reconnect attempts hold nothing on the stopping promise', () => {
  const quietLog = { info: () => {}, warn: () => {}, error: () => {} };

  it('FreeSWITCH sessions: one listener on stopping for all attempts (a wrong password retried for days)', async () => {
    const fs = new FakeFreeswitch();
    await fs.start();
    try {
      const feed = new Feed({ name: 'fs', sink: { append: async () => {} }, now: () => 1, logger: quietLog });
      const mapper = new CallcenterMapper(feed, null, quietLog, () => 1);
      const session = freeswitchSession({ settings: { name: 'fs', host: '127.0.0.1', port: fs.port, secret: 'wrong' }, mapper, logger: quietLog });
      let stop!: () => void;
      const stopping = new Promise<void>((r) => (stop = r));
      const then = vi.spyOn(stopping, 'then');
      for (let i = 0; i < 5; i++) await expect(session(feed, { connected: () => {}, stopping })).rejects.toThrow(/refused the password/);
      expect(then.mock.calls.length).toBeLessThanOrEqual(1);
      stop();
      await stopping;
      // after stop, an attempt does not connect
      const before = fs.accepted;
      await session(feed, { connected: () => {}, stopping });
      expect(fs.accepted).toBe(before);
    } finally {
      await fs.stop();
    }
  });

  it('the runner: the wait between attempts adds no listener on stopping', async () => {
    let attempts = 0;
    let then: ReturnType<typeof vi.spyOn> | null = null;
    let enough!: () => void;
    const tenth = new Promise<void>((r) => (enough = r));
    const feed = new Feed({ name: 'x', sink: { append: async () => {} }, now: () => 1, logger: quietLog });
    const running = runAdapter({
      name: 'x',
      feed,
      health: { report: async () => {} },
      logger: quietLog,
      backoff: new Backoff(() => 0, 1, 1),
      session: async (_f, hooks) => {
        then ??= vi.spyOn(hooks.stopping, 'then');
        if (++attempts === 10) enough();
        throw new Error('ECONNREFUSED');
      },
    });
    await tenth;
    await running.stop();
    expect(then!.mock.calls.length).toBe(0);
  });
});

describe('ESL connection', () => {
  it('an event the handler throws on is logged and skipped; the connection goes on', async () => {
    const fs = new FakeFreeswitch();
    await fs.start();
    const errors: string[] = [];
    let conn: EslConnection | null = null;
    try {
      const names: string[] = [];
      let second!: () => void;
      const got = new Promise<void>((r) => (second = r));
      conn = await EslConnection.open({ host: '127.0.0.1', port: fs.port, logger: { error: (_o, msg) => void errors.push(msg) } }, (e) => {
        names.push(e.headers.get('Event-Name') ?? '');
        if (names.length === 1) throw new Error('mapper bug');
        second();
      });
      expect((await conn.command(`auth ${fs.password}`)).replyText).toMatch(/^\+OK/);
      expect((await conn.command('event plain HEARTBEAT CUSTOM callcenter::info')).replyText).toMatch(/^\+OK/);
      fs.other('FIRST');
      fs.other('SECOND');
      await got;
      expect(names).toEqual(['FIRST', 'SECOND']);
      expect(errors).toEqual(['freeswitch: could not map an ESL event; skipped']);
    } finally {
      conn?.close();
      await fs.stop();
    }
  });
});
