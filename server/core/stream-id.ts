/**
 * Stream IDs (`<ms>-<seq>`, assigned by Redis on append): the log's positions, used as cursors.
 */

export interface StreamId {
  ms: number;
  seq: number;
}

const ID_PATTERN = /^(\d+)(?:-(\d+))?$/;

/** Parses "1764374400000-3" (or "1764374400000"); throws on anything else. */
export function parseStreamId(id: string): StreamId {
  const m = ID_PATTERN.exec(id);
  if (!m) throw new Error(`invalid stream ID: ${JSON.stringify(id)}`);
  return { ms: Number(m[1]), seq: m[2] === undefined ? 0 : Number(m[2]) };
}

/** Orders stream IDs: negative when `a` comes first. */
export function compareStreamIds(a: string, b: string): number {
  const x = parseStreamId(a);
  const y = parseStreamId(b);
  return x.ms - y.ms || x.seq - y.seq;
}

/** Milliseconds part of a stream ID (when Redis appended it); 0 when not parseable. */
export function streamIdMs(id: string): number {
  // parseInt stops at the '-': no split, no garbage (called for every event applied)
  const n = parseInt(id, 10);
  return Number.isFinite(n) ? n : 0;
}
