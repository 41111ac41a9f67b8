/**
 * Small helpers for the benchmark's figures: a latency histogram, stream-ID order, number formats
 * and the compact tables every case prints.
 */

/** Milliseconds on a monotonic clock shared by everything in this process. */
export const now = (): number => performance.now();

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Orders Redis stream IDs (`<ms>-<seq>`): negative when `a` comes first. */
export function compareIds(a: string, b: string): number {
  const i = a.indexOf('-');
  const j = b.indexOf('-');
  const ms = Number(a.slice(0, i)) - Number(b.slice(0, j));
  return ms || Number(a.slice(i + 1)) - Number(b.slice(j + 1));
}

/** Latencies in 0.1 ms buckets up to a minute (beyond that: the last bucket), plus the exact max. */
export class Histogram {
  private readonly buckets = new Uint32Array(600_000);
  count = 0;
  max = 0;

  add(ms: number): void {
    const b = Math.min(this.buckets.length - 1, Math.max(0, Math.round(ms * 10)));
    this.buckets[b]!++;
    this.count++;
    if (ms > this.max) this.max = ms;
  }

  /** The p-th percentile (0–100) in ms; NaN when empty. */
  percentile(p: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil((this.count * p) / 100));
    let seen = 0;
    for (let b = 0; b < this.buckets.length; b++) {
      seen += this.buckets[b]!;
      if (seen >= rank) return b / 10;
    }
    return this.max;
  }
}

/** Percentile of a plain list (small samples). */
export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]!;
}

export const fmt = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');
export const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
export const kib = (bytes: number, digits = 1): string => (bytes / 1024).toFixed(digits);
/** 100000 → "100k", 1000000 → "1M" */
export const count = (n: number): string => (n >= 1e6 ? `${+(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : String(n));
/** a ratio a/b: "35×", "1.4×", "0.023×", or "–" */
export function times(a: number, b: number): string {
  const r = a / b;
  if (!(a > 0 && b > 0 && Number.isFinite(r))) return '–';
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toPrecision(2)}×`;
}

/** Prints a title and an aligned table (first column left-aligned, the others right-aligned). */
export function table(title: string, head: string[], rows: string[][]): void {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log(`\n${title}`);
  console.log(`  ${line(head)}`);
  for (const r of rows) console.log(`  ${line(r)}`);
}
