/**
 * KPI colours by METRICS.md's targets, read from the thresholds the server sends in
 * `snapshot.center.thresholds` (the center may configure them; the defaults below are only used
 * before the first snapshot). Each level also has a word and an icon on screen, so nothing depends
 * on colour alone.
 */
import type { Thresholds } from '../../../shared/config';
import type { AgentState } from '../../../shared/snapshot';

export type Level = 'ok' | 'warn' | 'bad' | 'none';

/** The regulation's defaults (docs/configuration.md), as the server would send them. */
export const DEFAULT_THRESHOLDS: Thresholds = {
  slThresholdSec: 15,
  shortAbandonSec: 5,
  callbackDueMin: 30,
  waitWarnSec: 15,
  waitCriticalSec: 60,
  ronaWindowMin: 10,
  notSignedInMin: 5,
  busyTooLongMin: 15,
  restrictedWindowMin: 30,
  handoverGapSec: 30,
  incidentLeadAckSec: 120,
  incidentDirectorAckSec: 600,
  incidentReportDueMin: 60,
  serviceLevelTarget: 0.8,
  absentAfterMin: 30,
  handoverOpenMin: 30,
  handoverAcceptMin: 15,
  replyDueDays: 5,
  supervisionDueDays: 3,
};

/** Answer rate is not configurable (METRICS.md): green ≥ 95 %, amber ≥ 90 %. */
export const ANSWER_RATE_BOUNDS = { ok: 0.95, warn: 0.9 } as const;

/** The thresholds in force: the snapshot's, completed by the defaults. */
export function thresholdsOf(s: { center?: { thresholds?: Partial<Thresholds> } } | null | undefined): Thresholds {
  return { ...DEFAULT_THRESHOLDS, ...(s?.center?.thresholds ?? {}) };
}

/** Service level: green from the target, amber within 20 points below it (80 % / 60 % by default). */
export function slBounds(th: Pick<Thresholds, 'serviceLevelTarget'>): { ok: number; warn: number } {
  const ok = th.serviceLevelTarget;
  return { ok, warn: Math.max(0, ok - 0.2) };
}

/** A rate against its green (≥ ok) and amber (≥ warn) bounds; null has no colour. */
export function rateLevel(v: number | null | undefined, bounds: { ok: number; warn: number }): Level {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'none';
  if (v >= bounds.ok) return 'ok';
  if (v >= bounds.warn) return 'warn';
  return 'bad';
}

/** A wait now: green below waitWarnSec, amber up to waitCriticalSec, red from there. */
export function waitLevel(sec: number, th: Pick<Thresholds, 'waitWarnSec' | 'waitCriticalSec'> = DEFAULT_THRESHOLDS): Level {
  if (sec >= th.waitCriticalSec) return 'bad';
  if (sec >= th.waitWarnSec) return 'warn';
  return 'ok';
}

/** Missed calls overdue: green at 0, red from 1. */
export function overdueLevel(n: number): Level {
  return n > 0 ? 'bad' : 'ok';
}

/** "80%" (no needless decimals) */
export function pctShort(v: number): string {
  const p = Math.round(v * 1000) / 10;
  return `${Number.isInteger(p) ? p.toFixed(0) : p.toFixed(1)}%`;
}

/**
 * How "deep" an agent tile's colour is (0–3), from time in state: VICIdial's idea of tiles that
 * darken as a state drags on. Bounds in seconds, around the regulation's limits (busy
 * `busyTooLongMin`, not signed in `notSignedInMin`, ringing `slThresholdSec`), so the deepest
 * colour is reached when the matching alert fires.
 */
export function heatLevel(state: AgentState, secondsInState: number, th: Thresholds = DEFAULT_THRESHOLDS): 0 | 1 | 2 | 3 {
  const busy = th.busyTooLongMin * 60;
  const login = th.notSignedInMin * 60;
  const ring = th.slThresholdSec;
  const bounds: Record<AgentState, [number, number, number]> = {
    offline: [Infinity, Infinity, Infinity],
    logged_in: [login / 5, (login * 3) / 5, login],
    available: [300, 900, 1800],
    ringing: [ring / 3, (ring * 2) / 3, ring],
    talking: [300, 600, 900],
    wrapup: [60, 120, 300],
    busy: [busy / 3, (busy * 2) / 3, busy],
  };
  const [a, b, c] = bounds[state];
  if (secondsInState >= c) return 3;
  if (secondsInState >= b) return 2;
  if (secondsInState >= a) return 1;
  return 0;
}
