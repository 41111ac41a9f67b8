/**
 * `diff`: the patch operations that turn one snapshot into the next (format in shared/patch.ts).
 * Keyed lists are diffed by item key and send whole changed items; objects are walked key by key;
 * anything else that differs is set whole. Pure.
 */
import { KEYED_LISTS, type PatchOp } from '../../shared/patch';
import type { Snapshot } from '../../shared/snapshot';

type Obj = Record<string, unknown>;

/** Fields that only move with the clock; a patch is not sent for these alone. */
const CLOCK_PATHS: ReadonlySet<string> = new Set(['queue.longestWaitSec']);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return Number.isNaN(a) && Number.isNaN(b);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], bb[i])) return false;
    return true;
  }
  const ka = Object.keys(a as Obj);
  const kb = Object.keys(b as Obj);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!hasOwn(b as Obj, k)) return false;
    if (!deepEqual((a as Obj)[k], (b as Obj)[k])) return false;
  }
  return true;
}

/** Operations turning `prev` into `next`. `cursor` and `serverTime` travel in the patch itself. */
export function diff(prev: Snapshot, next: Snapshot): PatchOp[] {
  const ops: PatchOp[] = [];
  const p = prev as unknown as Obj;
  const n = next as unknown as Obj;
  for (const k of Object.keys(n)) {
    if (k === 'cursor' || k === 'serverTime') continue;
    walk(p[k], n[k], [k], ops);
  }
  for (const k of Object.keys(p)) if (!hasOwn(n, k)) ops.push({ op: 'del', path: [k] });
  return ops;
}

/** True when the operations only move clock-driven figures (nothing a person would see change by itself). */
export function onlyClock(ops: readonly PatchOp[]): boolean {
  return ops.every((o) => o.op === 'set' && (CLOCK_PATHS.has(o.path.join('.')) || isQueueClock(o.path)));
}

function isQueueClock(path: string[]): boolean {
  return path.length === 4 && path[0] === 'queue' && path[1] === 'byQueue' && path[3] === 'longestWaitSec';
}

function walk(a: unknown, b: unknown, path: string[], ops: PatchOp[]): void {
  if (a === b) return;
  const key = KEYED_LISTS[path.join('.')];
  if (key && Array.isArray(a) && Array.isArray(b)) return listDiff(a as Obj[], b as Obj[], key, path, ops);
  if (isPlain(a) && isPlain(b)) {
    // own properties only: keys such as queue names come from outside ("__proto__", "constructor")
    for (const k of Object.keys(b)) walk(hasOwn(a, k) ? a[k] : undefined, b[k], [...path, k], ops);
    for (const k of Object.keys(a)) if (!hasOwn(b, k)) ops.push({ op: 'del', path: [...path, k] });
    return;
  }
  if (!deepEqual(a, b)) ops.push({ op: 'set', path, value: b });
}

function hasOwn(o: Obj, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

function isPlain(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function listDiff(a: Obj[], b: Obj[], key: string, path: string[], ops: PatchOp[]): void {
  const before = new Map(a.map((i) => [String(i[key]), i]));
  const after = new Set(b.map((i) => String(i[key])));
  const remove = [...before.keys()].filter((k) => !after.has(k));
  const upsert: Obj[] = [];
  for (const item of b) {
    const old = before.get(String(item[key]));
    if (!old || !deepEqual(old, item)) upsert.push(item);
  }
  if (remove.length === 0 && upsert.length === 0 && a.length === b.length && a.every((x, i) => x[key] === b[i]![key])) return;
  // the order applyPatch would produce without an explicit order: survivors in place, new ones appended
  const removed = new Set(remove);
  const implied = [...before.keys()].filter((k) => !removed.has(k));
  for (const item of b) if (!before.has(String(item[key]))) implied.push(String(item[key]));
  const target = b.map((i) => String(i[key]));
  const op: PatchOp = { op: 'list', path, key, upsert, remove };
  if (implied.length !== target.length || implied.some((k, i) => k !== target[i])) op.order = target;
  ops.push(op);
}
