/**
 * Patch format (documented in docs/api.md). A patch is a list of operations on the previous
 * snapshot; applying every patch in order to the first snapshot gives the current snapshot.
 *
 * - `set`:  replace the value at `path` (object keys from the root).
 * - `del`:  remove the key at `path` (used for map-like objects such as `queue.byQueue`).
 * - `list`: a keyed array at `path`: remove items by key, replace or append `upsert` items (whole
 *           items, matched by `key`), then, only if given, reorder to `order` (the full key order).
 *
 * Operations only describe what changed, so a patch's size follows the change, not the state.
 */
import type { Snapshot } from './snapshot';

export type PatchOp =
  | { op: 'set'; path: string[]; value: unknown }
  | { op: 'del'; path: string[] }
  | { op: 'list'; path: string[]; key: string; upsert: Record<string, unknown>[]; remove: string[]; order?: string[] };

export interface Patch {
  /** stream ID of the last event applied */
  cursor: string;
  /**
   * node-wide: increases by one per patch published by the server node (the same for every screen).
   * The first patch after a snapshot may have any value; each later one must be the previous + 1.
   */
  seq: number;
  serverTime: number;
  ops: PatchOp[];
}

/** Keyed arrays of the snapshot and the field that identifies their items (no prototype: looked up by path). */
export const KEYED_LISTS: Readonly<Record<string, string>> = Object.assign(Object.create(null) as Record<string, string>, {
  agents: 'id',
  'queue.calls': 'callId',
  missedCalls: 'callId',
  returnedCalls: 'callId',
  incidents: 'incidentId',
  alerts: 'id',
  intervals: 'start',
  waitingHistory: 't',
  feeds: 'name',
});

type Obj = Record<string, unknown>;

// Paths carry keys from outside (a queue named "__proto__" is a key of `queue.byQueue`): only own
// properties are read, and such a key is written as an own property, never through the prototype.
const hasOwn = (o: Obj, k: string) => Object.prototype.hasOwnProperty.call(o, k);
const getOwn = (o: Obj, k: string): unknown => (hasOwn(o, k) ? o[k] : undefined);
function setOwn(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
  else o[k] = v;
}

function parentOf(root: Obj, path: string[]): Obj {
  let o: Obj = root;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    let next = getOwn(o, k);
    if (next === null || typeof next !== 'object') {
      next = {};
      setOwn(o, k, next);
    }
    o = next as Obj;
  }
  return o;
}

function keyOf(item: Obj, key: string): string {
  return String(getOwn(item, key));
}

/**
 * Applies one patch to a snapshot **in place** (so a reactive client state updates only what changed)
 * and returns it. The caller checks `seq` continuity before calling.
 */
export function applyPatch<T extends Snapshot>(snapshot: T, patch: Pick<Patch, 'cursor' | 'serverTime' | 'ops'>): T {
  const root = snapshot as unknown as Obj;
  for (const op of patch.ops) {
    const last = op.path[op.path.length - 1]!;
    const parent = parentOf(root, op.path);
    if (op.op === 'set') setOwn(parent, last, op.value);
    else if (op.op === 'del') {
      if (hasOwn(parent, last)) delete parent[last];
    } else {
      const list = getOwn(parent, last);
      const current = (Array.isArray(list) ? list : []) as Obj[];
      const removed = new Set(op.remove);
      const up = new Map(op.upsert.map((u) => [keyOf(u, op.key), u]));
      const next: Obj[] = [];
      for (const item of current) {
        const k = keyOf(item, op.key);
        if (removed.has(k)) continue;
        const u = up.get(k);
        if (u) {
          next.push(u);
          up.delete(k);
        } else next.push(item);
      }
      for (const u of up.values()) next.push(u);
      if (op.order) {
        const byKey = new Map(next.map((i) => [keyOf(i, op.key), i]));
        setOwn(parent, last, op.order.map((k) => byKey.get(k)).filter((i): i is Obj => i !== undefined));
      } else setOwn(parent, last, next);
    }
  }
  root.cursor = patch.cursor;
  root.serverTime = patch.serverTime;
  return snapshot;
}
