/**
 * The FreeSWITCH event socket (ESL) wire format, on Buffers. A message is a block of `Name: value`
 * lines ended by an empty line; a `Content-Length` header (in BYTES) says how many bytes of body
 * follow. Bodies are read by bytes across TCP chunks and decoded as UTF-8 only when whole, so a
 * Chinese character split between two chunks arrives intact. `text/event-plain` bodies are header
 * blocks of their own with URL-encoded values (and maybe a body); `callcenter_config … list`
 * answers are `|` tables. Lines may end with LF (FreeSWITCH) or CRLF.
 */

/** One ESL message: its outer headers (as sent) and its body, if it has one. */
export interface EslMessage {
  headers: Map<string, string>;
  body: Buffer | null;
}

/** One event of a `text/event-plain` body: decoded headers and its own body, if any. */
export interface EslEvent {
  headers: Map<string, string>;
  body: string | null;
}

const LF = 0x0a;
const CR = 0x0d;

/** Where the header block that starts at `from` ends: [index of its empty line's end, the block's end]. */
function findBlankLine(buf: Buffer, from: number): [number, number] | null {
  let i = buf.indexOf(LF, from);
  while (i >= 0) {
    // the line after this LF is empty when the next byte is LF, or CR LF
    if (buf[i + 1] === LF) return [i, i + 2];
    if (buf[i + 1] === CR && buf[i + 2] === LF) return [i, i + 3];
    if (i + 1 >= buf.length || (buf[i + 1] === CR && i + 2 >= buf.length)) return null;
    i = buf.indexOf(LF, i + 1);
  }
  return null;
}

/** Splits a header block into `[name, value bytes]`, dropping CRs; lines without `:` are skipped. */
function headerLines(block: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  let start = 0;
  while (start < block.length) {
    let end = block.indexOf(LF, start);
    if (end < 0) end = block.length;
    let lineEnd = end;
    if (lineEnd > start && block[lineEnd - 1] === CR) lineEnd--;
    const colon = block.indexOf(0x3a, start);
    if (colon >= start && colon < lineEnd) {
      let v = colon + 1;
      if (block[v] === 0x20) v++;
      out.push([block.subarray(start, colon).toString('latin1').trim(), block.subarray(v, lineEnd)]);
    }
    start = end + 1;
  }
  return out;
}

const hex = (b: number | undefined): number => {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
};

/**
 * Undoes FreeSWITCH's `switch_url_encode` on bytes, then reads UTF-8. Tolerant: a `%` not followed
 * by two hex digits stays a `%` (FreeSWITCH does not double-encode an existing `%XX`, and
 * `decodeURIComponent` would throw), `+` stays `+`, and invalid UTF-8 becomes U+FFFD.
 */
export function urlDecode(value: Buffer | string): string {
  const bytes = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  if (!bytes.includes(0x25)) return bytes.toString('utf8');
  const out = Buffer.allocUnsafe(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x25) {
      const h = hex(bytes[i + 1]);
      const l = hex(bytes[i + 2]);
      if (h >= 0 && l >= 0) {
        out[n++] = h * 16 + l;
        i += 2;
        continue;
      }
    }
    out[n++] = b;
  }
  return out.subarray(0, n).toString('utf8');
}

export interface EslParserOptions {
  /** a header block longer than this (no empty line yet) is a protocol error (default 1 MiB) */
  maxHeaderBytes?: number;
  /** a Content-Length above this is a protocol error (default 16 MiB) */
  maxBodyBytes?: number;
}

/**
 * Reads ESL messages from a byte stream, whatever the chunking. Bytes are kept in one buffer that
 * grows by doubling (each byte copied a bounded number of times, however small the chunks); a
 * header block or a body over the limits throws, and the connection is dropped.
 */
export class EslParser {
  /** unread bytes are store[start, end); bytes before `start` may still be viewed by a returned body */
  private store: Buffer = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  /** headers of a message whose body is still arriving */
  private pending: { headers: Map<string, string>; length: number } | null = null;
  /** where to resume looking for the end of the header block (from `start`) */
  private scanFrom = 0;
  private readonly maxHeader: number;
  private readonly maxBody: number;

  constructor(o: EslParserOptions = {}) {
    this.maxHeader = o.maxHeaderBytes ?? 1024 * 1024;
    this.maxBody = o.maxBodyBytes ?? 16 * 1024 * 1024;
  }

  /** Adds bytes; returns the messages they complete, in order. Throws on a message over the limits. */
  push(chunk: Buffer): EslMessage[] {
    this.append(chunk);
    const out: EslMessage[] = [];
    for (;;) {
      const buf = this.store.subarray(this.start, this.end);
      if (this.pending) {
        if (buf.length < this.pending.length) break;
        out.push({ headers: this.pending.headers, body: buf.subarray(0, this.pending.length) });
        this.start += this.pending.length;
        this.pending = null;
        continue;
      }
      // stray line ends between messages
      let skip = 0;
      while (skip < buf.length && (buf[skip] === LF || (buf[skip] === CR && buf[skip + 1] === LF))) skip += buf[skip] === LF ? 1 : 2;
      if (skip > 0) {
        this.start += skip;
        this.scanFrom = 0;
        continue;
      }
      if (buf.length === 0) break;
      const blank = findBlankLine(buf, this.scanFrom);
      if (!blank) {
        if (buf.length > this.maxHeader) throw new Error(`ESL protocol error: a header block longer than ${this.maxHeader} bytes without its empty line`);
        this.scanFrom = Math.max(0, buf.length - 3);
        break;
      }
      const headers = new Map<string, string>();
      for (const [name, value] of headerLines(buf.subarray(0, blank[0]))) headers.set(name, value.toString('utf8'));
      this.start += blank[1];
      this.scanFrom = 0;
      const length = Number.parseInt(headers.get('Content-Length') ?? '', 10);
      if (Number.isFinite(length) && length > this.maxBody) throw new Error(`ESL protocol error: a body of ${length} bytes (Content-Length) is over the ${this.maxBody}-byte limit`);
      if (Number.isFinite(length) && length > 0) this.pending = { headers, length };
      else out.push({ headers, body: null });
    }
    // everything read: keep no reference to a large consumed buffer (and never write over a body returned)
    if (this.start === this.end) {
      this.store = Buffer.alloc(0);
      this.start = this.end = 0;
    }
    return out;
  }

  private append(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.start === this.end) {
      this.store = chunk;
      this.start = 0;
      this.end = chunk.length;
      return;
    }
    if (this.end + chunk.length <= this.store.length) {
      chunk.copy(this.store, this.end);
      this.end += chunk.length;
      return;
    }
    const live = this.end - this.start;
    const need = live + chunk.length;
    // a body of known length: room for all of it at once (within the limit checked at its headers)
    const size = Math.max(64 * 1024, 2 * need, this.pending ? Math.min(this.pending.length, this.maxBody) : 0);
    const next = Buffer.allocUnsafe(size);
    this.store.copy(next, 0, this.start, this.end);
    chunk.copy(next, live);
    this.store = next;
    this.start = 0;
    this.end = need;
  }
}

/** Parses a `text/event-plain` body: URL-encoded header lines, an empty line, maybe a body of its own. */
export function parseEventPlain(body: Buffer): EslEvent {
  const blank = findBlankLine(body, 0);
  const block = blank ? body.subarray(0, blank[0]) : body;
  const headers = new Map<string, string>();
  for (const [name, value] of headerLines(block)) headers.set(name, urlDecode(value));
  let inner: string | null = null;
  const length = Number.parseInt(headers.get('Content-Length') ?? '', 10);
  if (blank && Number.isFinite(length) && length > 0) inner = body.subarray(blank[1], blank[1] + length).toString('utf8');
  return { headers, body: inner };
}

/** A row of a `callcenter_config … list` table: column name → text as printed. */
export type CcRow = Map<string, string>;

/**
 * Parses the `|` table `callcenter_config … list` prints: a header row of column names, data rows,
 * then `+OK` (zero rows: only `+OK`, no header row). Values are raw text and may contain `|` or
 * line ends: a row with too few columns continues on the next line, and extra `|`s belong to
 * `freeColumn` (e.g. `cid_name`, `contact`), the columns left of it read from the left and those
 * right of it from the right. An answer that is not a table (`-ERR …`) throws its first line.
 */
export function parseCcTable(text: string, freeColumn?: string): CcRow[] {
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  if (lines.length === 0 || lines[lines.length - 1]!.trim() !== '+OK') {
    const first = lines.find((l) => l.trim() !== '') ?? '(empty answer)';
    throw new Error(`callcenter_config answered "${first.trim().slice(0, 200)}"`);
  }
  lines.pop();
  if (lines.length === 0) return [];
  const columns = lines[0]!.split('|');
  const n = columns.length;
  const free = freeColumn !== undefined && columns.includes(freeColumn) ? columns.indexOf(freeColumn) : n - 1;
  const rows: CcRow[] = [];
  const pipes = (s: string) => s.split('|').length - 1;
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!;
    while (pipes(line) < n - 1 && i + 1 < lines.length) line += '\n' + lines[++i]!;
    const fields = line.split('|');
    const right = n - free - 1;
    const values = fields.length <= n ? fields : [...fields.slice(0, free), fields.slice(free, fields.length - right).join('|'), ...fields.slice(fields.length - right)];
    const row: CcRow = new Map();
    columns.forEach((c, k) => row.set(c, values[k] ?? ''));
    rows.push(row);
  }
  return rows;
}

/** A table value, with FreeSWITCH's ways of printing nothing (empty, `(null)`, `_undef_`) as null. */
export function cell(row: CcRow, column: string): string | null {
  const v = row.get(column);
  if (v === undefined) return null;
  const t = v.trim();
  return t === '' || t === '(null)' || t === '_undef_' ? null : v;
}
