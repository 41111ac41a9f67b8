/**
 * AMI framing on bytes: the banner, CRLF and LF line ends (and Asterisk's own `\r\n\n`), values with
 * colons, empty values, repeated keys, and UTF-8 split anywhere across TCP chunks. Plus the small
 * pure helpers of the mapper: agent ids from interfaces, caller numbers.
 */
import { describe, expect, it } from 'vitest';
import { AmiMessage, AmiParser, AmiProtocolError } from '../../server/adapters/pbx/asterisk/ami-parser';
import { agentIdOf, callerOf, clip } from '../../server/adapters/pbx/asterisk/mapper';

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
