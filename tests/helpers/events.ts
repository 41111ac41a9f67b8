/** Builders for test events: ids are generated, times are given. */
import type { HotlineEvent } from '../../shared/events';

let n = 0;

/** One event of `type` at `ts` with the given fields (an id is generated unless given). */
export function ev<T extends HotlineEvent['type']>(type: T, ts: number, fields: Omit<Extract<HotlineEvent, { type: T }>, 'v' | 'id' | 'type' | 'ts'> & { id?: string }): HotlineEvent {
  return { v: 1, id: fields.id ?? `t-${++n}`, type, ts, ...fields } as unknown as HotlineEvent;
}

/** Epoch ms of a wall-clock time in Asia/Shanghai (UTC+8, no DST). */
export function sh(y: number, mo: number, d: number, h: number, mi = 0, s = 0): number {
  return Date.UTC(y, mo - 1, d, h - 8, mi, s);
}
