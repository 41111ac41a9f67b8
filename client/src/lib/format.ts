/** Display formatting. Figures are rounded here only; the API keeps them unrounded. */
import { localParts } from '../../../shared/time';

export const DASH = '—';

/** 0.8642 → "86.4%"; null → "—" */
export function pct(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return DASH;
  return `${(v * 100).toFixed(1)}%`;
}

/** 0.8642 → { int: "86", frac: ".4", unit: "%" } so a tile can draw the decimals smaller. */
export function pctParts(v: number | null | undefined): { int: string; frac: string; unit: string } {
  if (v === null || v === undefined || !Number.isFinite(v)) return { int: DASH, frac: '', unit: '' };
  const [i, f] = (v * 100).toFixed(1).split('.');
  return { int: i ?? '0', frac: `.${f ?? '0'}`, unit: '%' };
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Seconds → "m:ss", or "h:mm:ss" from one hour. Negative (clock skew) shows as 0. */
export function duration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return DASH;
  const s = Math.max(0, Math.floor(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${pad2(m)}:${pad2(r)}` : `${m}:${pad2(r)}`;
}

/**
 * Seconds → at most 5 characters, for one-line seat tiles: "m:ss" up to 99:59, then "1h40", and
 * "12h" from ten hours. Negative shows as 0.
 */
export function compactDuration(sec: number | null | undefined): string {
  if (sec === null || sec === undefined || !Number.isFinite(sec)) return DASH;
  const s = Math.max(0, Math.floor(sec));
  if (s < 6000) return `${Math.floor(s / 60)}:${pad2(s % 60)}`;
  const h = Math.floor(s / 3600);
  return h < 10 ? `${h}h${pad2(Math.floor((s % 3600) / 60))}` : `${h}h`;
}

/** Elapsed seconds between an epoch ms and now. */
export function elapsedSec(since: number, now: number): number {
  return Math.max(0, (now - since) / 1000);
}

/** "14:03:27" in the center's zone */
export function clock(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${pad2(p.hour)}:${pad2(p.minute)}:${pad2(p.second)}`;
}

/** "14:03" in the center's zone */
export function hhmm(ms: number, tz: string): string {
  const p = localParts(ms, tz);
  return `${pad2(p.hour)}:${pad2(p.minute)}`;
}

/** "2026-11-29" in the center's zone, and the weekday (0 = Sunday) */
export function isoDate(ms: number, tz: string): { date: string; weekday: number } {
  const p = localParts(ms, tz);
  return { date: `${p.year}-${pad2(p.month)}-${pad2(p.day)}`, weekday: p.weekday };
}

/**
 * The wall must never show a caller's number, not even masked. Server messages may quote one, so
 * anything that looks like a phone number (7+ digits or masking stars) is blanked out.
 */
export function redactPhones(text: string): string {
  return text.replace(/\+?[\d*]{7,}/g, '•••');
}
