/**
 * KPI colours by METRICS.md's default targets. Each level also has a word and an icon on screen,
 * so nothing depends on colour alone.
 */
import type { AgentState } from '../../../shared/snapshot';

export type Level = 'ok' | 'warn' | 'bad' | 'none';

export const TARGETS = {
  serviceLevel: { ok: 0.8, warn: 0.6 },
  answerRate: { ok: 0.95, warn: 0.9 },
  waitSec: { warn: 15, bad: 60 },
} as const;

/** A rate against its green (≥ ok) and amber (≥ warn) bounds; null has no colour. */
export function rateLevel(v: number | null | undefined, bounds: { ok: number; warn: number }): Level {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'none';
  if (v >= bounds.ok) return 'ok';
  if (v >= bounds.warn) return 'warn';
  return 'bad';
}

/** Longest wait now: green < 15 s, amber 15–60 s, red ≥ 60 s. */
export function waitLevel(sec: number): Level {
  if (sec >= TARGETS.waitSec.bad) return 'bad';
  if (sec >= TARGETS.waitSec.warn) return 'warn';
  return 'ok';
}

/** Missed calls overdue: green at 0, red from 1. */
export function overdueLevel(n: number): Level {
  return n > 0 ? 'bad' : 'ok';
}

/**
 * How "deep" an agent tile's colour is (0–3), from time in state: VICIdial's idea of tiles that
 * darken as a state drags on. Bounds in seconds, chosen around the regulation's limits
 * (busy 15 min, not signed in 5 min, ringing 15 s).
 */
const HEAT: Record<AgentState, [number, number, number]> = {
  offline: [Infinity, Infinity, Infinity],
  logged_in: [60, 180, 300],
  available: [300, 900, 1800],
  ringing: [5, 10, 15],
  talking: [300, 600, 900],
  wrapup: [60, 120, 300],
  busy: [300, 600, 900],
};

export function heatLevel(state: AgentState, secondsInState: number): 0 | 1 | 2 | 3 {
  const [a, b, c] = HEAT[state];
  if (secondsInState >= c) return 3;
  if (secondsInState >= b) return 2;
  if (secondsInState >= a) return 1;
  return 0;
}
