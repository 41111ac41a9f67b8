/**
 * AMI framing on bytes: the banner, CRLF and LF line ends (and Asterisk's own `\r\n\n`), values with
 * colons, empty values, repeated keys, and UTF-8 split anywhere across TCP chunks. Plus the small
 * pure helpers of the mapper: agent ids from interfaces, caller numbers.
 */
import { describe, expect, it } from 'vitest';
import { AmiMessage, AmiParser, AmiProtocolError } from '../../server/adapters/pbx/asterisk/ami-parser';
import { agentIdOf, AsteriskMapper, callerOf, clip } from '../../server/adapters/pbx/asterisk/mapper';
import { amiSession } from '../../server/adapters/pbx/asterisk/session';
import { Feed } from '../../server/adapters/pbx/common/feed';
import { createServer, type Server } from 'node:net';

const BANNER = 'Asterisk Call Manager/9.0.0\r\n';

function parseAll(chunks: (string | Buffer)[]): { parser: AmiParser; messages: AmiMessage[] } {
  const parser = new AmiParser();
  const messages: AmiMessage[] = [];
  for (const c of chunks) messages.push(...parser.push(typeof c === 'string' ? Buffer.from(c, 'utf8') : c));
  return { parser, messages };
}

describe('AMI parser', () => {
  it('reads the banner (not a message), then Key: Value messages ended by an empty line', () => {
    const { parser, messages } = parseAll([BANNER, 'Response: Success\r\nActionID: 1\r\nMessage: Authentication accepted\r\n\r\n', 'Event: FullyBooted\r\nPrivilege: system,all\r\nStatus: Fully Booted\r\n\r\n']);
    expect(parser.banner).toBe('Asterisk Call Manager/9.0.0');
    expect(messages.map((m) => m.response ?? m.event)).toEqual(['Success', 'FullyBooted']);
    expect(messages[0]!.get('actionid')).toBe('1');
    expect(messages[1]!.fields).toEqual([
      ['Event', 'FullyBooted'],
      ['Privilege', 'system,all'],
      ['Status', 'Fully Booted'],
    ]);
  });

  it('accepts LF-only line ends and the \\r\\n\\n terminator Asterisk has sent, and skips stray empty lines', () => {
    const { messages } = parseAll(['Asterisk Call Manager/7.0.3\n', 'Event: A\nX: 1\n\n', '\n\r\n', 'Event: B\r\nY: 2\r\n\n', 'Event: C\r\n\r\n']);
    expect(messages.map((m) => m.event)).toEqual(['A', 'B', 'C']);
    expect(messages[1]!.get('Y')).toBe('2');
  });

  it('splits on the first colon only; empty values and repeated keys are kept', () => {
    const { messages } = parseAll([BANNER, 'Event: Test\r\nTimestamp: 1716170455.123456\r\nPausedReason: \r\nAccountCode:\r\nContact: sip:2001@10.0.0.5:5060\r\nChanVariable: a=1\r\nChanVariable: b=2\r\n\r\n']);
    const m = messages[0]!;
    expect(m.get('Timestamp')).toBe('1716170455.123456');
    expect(m.get('PausedReason')).toBe('');
    expect(m.get('AccountCode')).toBe('');
    expect(m.get('Contact')).toBe('sip:2001@10.0.0.5:5060');
    expect(m.all('ChanVariable')).toEqual(['a=1', 'b=2']);
    expect(m.get('Missing')).toBeUndefined();
  });

  it('decodes UTF-8 split mid-character across chunks, whatever the split point', () => {
    const wire = Buffer.from(BANNER + 'Event: QueueMemberPause\r\nMemberName: 王芳\r\nPausedReason: 午休（食堂）\r\n\r\n', 'utf8');
    for (let cut = 1; cut < wire.length; cut++) {
      const { messages } = parseAll([wire.subarray(0, cut), wire.subarray(cut)]);
      expect(messages.map((m) => [m.get('MemberName'), m.get('PausedReason')])).toEqual([['王芳', '午休（食堂）']]);
    }
    // and byte by byte
    const { messages } = parseAll([...wire].map((b) => Buffer.from([b])));
    expect(messages[0]!.get('PausedReason')).toBe('午休（食堂）');
  });

  it('refuses a peer that is not an Asterisk manager, and a message without end', () => {
    expect(() => parseAll(['HTTP/1.1 400 Bad Request\r\n'])).toThrow(AmiProtocolError);
    const parser = new AmiParser({ maxMessageBytes: 100 });
    parser.push(Buffer.from(BANNER));
    expect(() => parser.push(Buffer.from('Event: X\r\n' + 'A: b\r\n'.repeat(30)))).toThrow(/longer than 100 bytes/);
  });

  it('encodes messages for the wire (CRLF by default)', () => {
    expect(AmiMessage.encode({ Action: 'Ping', ActionID: 'p1' })).toBe('Action: Ping\r\nActionID: p1\r\n\r\n');
    expect(AmiMessage.encode([['Event', 'X']], '\n')).toBe('Event: X\n\n');
  });
});

describe('Asterisk identities', () => {
  it('takes the agent id from the member interface, falling back to the state interface', () => {
    expect(agentIdOf('SIP/2001')).toBe('2001');
    expect(agentIdOf('PJSIP/2001')).toBe('2001');
    expect(agentIdOf('Local/2001@agents/n')).toBe('2001');
    expect(agentIdOf('Local/2001@agents')).toBe('2001');
    expect(agentIdOf('IAX2/2001')).toBe('2001');
    expect(agentIdOf('Agent/1001')).toBe('1001');
    expect(agentIdOf('PJSIP/20\u200b01')).toBe('2001');
    expect(agentIdOf('Local/@agents', 'PJSIP/2002')).toBe('2002');
    expect(agentIdOf(undefined)).toBeNull();
  });

  it('takes caller numbers as given, unknown ones as none (<unknown> in events, unknown in QueueStatus)', () => {
    expect(callerOf('13812345678')).toBe('13812345678');
    expect(callerOf('<unknown>')).toBeNull();
    expect(callerOf('unknown')).toBeNull();
    expect(callerOf('')).toBeNull();
    expect(callerOf('1'.repeat(40))).toHaveLength(32);
  });

  it('clips without cutting a surrogate pair', () => {
    expect(clip('ab😀', 3)).toBe('ab');
    expect(clip('abc', 3)).toBe('abc');
  });
});

describe('AMI session bounds', () => {
  const quiet = { info: () => {}, warn: () => {}, error: () => {} };

  /** A PBX that accepts the login and QueueStatus, then sends `items` list items and never completes the list. */
  async function endlessList(items: (statusId: string) => string[]): Promise<{ server: Server; port: number }> {
    const server = createServer((sock) => {
      sock.write(BANNER);
      let text = '';
      sock.on('data', (b) => {
        text += b.toString('utf8');
        for (;;) {
          const end = text.indexOf('\r\n\r\n');
          if (end < 0) break;
          const block = text.slice(0, end);
          text = text.slice(end + 4);
          const id = /ActionID: (.*)/.exec(block)?.[1]?.trim() ?? '';
          if (/Action: Login/.test(block)) sock.write(`Response: Success\r\nActionID: ${id}\r\nMessage: Authentication accepted\r\n\r\n`);
          if (/Action: QueueStatus/.test(block)) {
            sock.write(`Response: Success\r\nActionID: ${id}\r\nEventList: start\r\n\r\n`);
            sock.write(items(id).join(''));
          }
        }
      });
      sock.on('error', () => {});
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { server, port: (server.address() as { port: number }).port };
  }

  async function run(items: (statusId: string) => string[]): Promise<unknown> {
    const { server, port } = await endlessList(items);
    try {
      const feed = new Feed({ name: 'a', sink: { append: async () => {} }, now: () => 1, logger: quiet });
      const mapper = new AsteriskMapper({ feed, queues: null, logger: quiet, now: () => 1 });
      const session = amiSession({ host: '127.0.0.1', port, username: 'u', secret: 's', mapper, logger: quiet, now: () => 1, maxStatusItems: 10 });
      return await session(feed, { connected: () => {}, stopping: new Promise(() => {}) }).then(
        () => null,
        (err: unknown) => err,
      );
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  }

  it('a QueueStatus list that never completes is an error past the cap, not a list growing for ever', async () => {
    const err = await run((id) => Array.from({ length: 11 }, (_, i) => `Event: QueueEntry\r\nQueue: q\r\nUniqueid: u${i}\r\nActionID: ${id}\r\n\r\n`));
    expect(String(err)).toMatch(/QueueStatus list did not end \(more than 10 items/);
  });

  it('live events held behind a list that never completes: the same', async () => {
    const err = await run(() => Array.from({ length: 11 }, (_, i) => `Event: Newchannel\r\nUniqueid: n${i}\r\n\r\n`));
    expect(String(err)).toMatch(/more than 10 live events held/);
  });

  it('the kinds of ignored events remembered for the log are capped', () => {
    const feed = new Feed({ name: 'a', sink: { append: async () => {} }, now: () => 1, logger: quiet });
    const mapper = new AsteriskMapper({ feed, queues: null, logger: quiet, now: () => 1 });
    for (let i = 0; i < 1500; i++) mapper.onEvent(new AmiMessage([['Event', `Made-Up-${i}`]]), 1);
    expect((mapper as unknown as { loggedKinds: Set<string> }).loggedKinds.size).toBeLessThanOrEqual(1000);
  });
});
