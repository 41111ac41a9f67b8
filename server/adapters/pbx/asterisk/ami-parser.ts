/**
 * Asterisk Manager Interface framing, on bytes. The server first sends one banner line
 * (`Asterisk Call Manager/9.0.0`, no blank line after it); then every message is `Key: Value` lines
 * closed by an empty line. Lines end in CRLF, but a bare LF is accepted too (Asterisk's own reader
 * does, and Asterisk has emitted `\r\n\n` itself). Bytes are gathered until a message is complete
 * and only then decoded as UTF-8, so a Chinese pause reason split across TCP chunks decodes whole.
 */

/** One AMI message: its fields in order (keys may repeat), looked up case-insensitively like Asterisk does. */
export class AmiMessage {
  private readonly index = new Map<string, string>();

  constructor(readonly fields: readonly (readonly [string, string])[]) {
    for (const [k, v] of fields) {
      const key = k.toLowerCase();
      if (!this.index.has(key)) this.index.set(key, v);
    }
  }

  /** The first value of `key`, or undefined. */
  get(key: string): string | undefined {
    return this.index.get(key.toLowerCase());
  }

  /** Every value of `key` (e.g. repeated `ChanVariable` lines). */
  all(key: string): string[] {
    const k = key.toLowerCase();
    return this.fields.filter(([f]) => f.toLowerCase() === k).map(([, v]) => v);
  }

  /** `Event: …` of an event, or undefined for a response. */
  get event(): string | undefined {
    return this.get('Event');
  }

  /** `Response: …` of a response, or undefined for an event. */
  get response(): string | undefined {
    return this.get('Response');
  }

  /** The message in wire form (CRLF), for tests and the scripted peer. */
  static encode(fields: Record<string, string | number> | readonly (readonly [string, string | number])[], lineEnd = '\r\n'): string {
    const list = Array.isArray(fields) ? fields : Object.entries(fields);
    return list.map(([k, v]) => `${k}: ${v}${lineEnd}`).join('') + lineEnd;
  }
}

export class AmiProtocolError extends Error {}

const LF = 0x0a;
const CR = 0x0d;

/** Banners start with this; the version after the slash varies (Asterisk 18: 7.0.3, 20: 9.0.0, …). */
export const BANNER_PREFIX = 'Asterisk Call Manager/';

export interface AmiParserOptions {
  /** a message larger than this is a protocol error (default 1 MiB) */
  maxMessageBytes?: number;
  /** false for the server side: a client sends no banner (default true) */
  banner?: boolean;
}

export class AmiParser {
  private buf: Buffer = Buffer.alloc(0);
  /** where the scan for the next LF resumes (bytes before it hold no LF of the current message) */
  private scanFrom = 0;
  /** start of the current message in `buf` */
  private messageStart = 0;
  /** line byte ranges [start, end) of the current message */
  private lines: [number, number][] = [];
  private bannerLine: string | null = null;
  private readonly max: number;

  constructor(o: AmiParserOptions = {}) {
    this.max = o.maxMessageBytes ?? 1024 * 1024;
    if (o.banner === false) this.bannerLine = '';
  }

  /** The banner (`Asterisk Call Manager/x.y.z`) once it has arrived. */
  get banner(): string | null {
    return this.bannerLine || null;
  }

  /**
   * Adds bytes; returns the messages they complete, in order. The banner is not a message: it is
   * checked (a peer that is not an Asterisk manager is a protocol error) and kept in `banner`.
   */
  push(chunk: Buffer): AmiMessage[] {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const out: AmiMessage[] = [];
    for (;;) {
      const nl = this.buf.indexOf(LF, this.scanFrom);
      if (nl < 0) break;
      let end = nl;
      if (end > this.scanFrom && this.buf[end - 1] === CR) end--;
      const start = this.scanFrom;
      this.scanFrom = nl + 1;
      if (this.bannerLine === null) {
        const line = this.buf.toString('utf8', start, end);
        if (!line.startsWith(BANNER_PREFIX)) throw new AmiProtocolError(`not an Asterisk manager interface: the first line is "${line.slice(0, 80)}"`);
        this.bannerLine = line;
        this.messageStart = this.scanFrom;
        continue;
      }
      if (end === start) {
        // an empty line closes the message; empty lines between messages are skipped
        if (this.lines.length > 0) out.push(this.decode());
        this.lines = [];
        this.messageStart = this.scanFrom;
        continue;
      }
      this.lines.push([start, end]);
    }
    // keep only the unfinished message
    if (this.messageStart > 0) {
      const shift = this.messageStart;
      this.buf = this.buf.subarray(shift);
      this.scanFrom -= shift;
      this.lines = this.lines.map(([s, e]) => [s - shift, e - shift]);
      this.messageStart = 0;
    }
    if (this.buf.length > this.max) throw new AmiProtocolError(`a message longer than ${this.max} bytes`);
    return out;
  }

  private decode(): AmiMessage {
    const fields: [string, string][] = [];
    for (const [s, e] of this.lines) {
      const line = this.buf.toString('utf8', s, e);
      // split on the first colon only: values may hold colons (`Timestamp`, SIP URIs, times)
      const colon = line.indexOf(':');
      if (colon < 0) {
        fields.push([line.trim(), '']);
        continue;
      }
      const value = line.slice(colon + 1);
      fields.push([line.slice(0, colon).trim(), value.startsWith(' ') ? value.slice(1) : value]);
    }
    return new AmiMessage(fields);
  }
}
