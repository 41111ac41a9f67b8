/** Pure helpers that turn a snapshot into what the wall shows. No runes, no DOM. */
import { alertText, type TextLang } from '../../../shared/alert-text';
import type { Thresholds } from '../../../shared/config';
import type { AgentView, AlertView, IncidentView, IntervalBucket, Snapshot } from '../../../shared/snapshot';
import { hhmm, redactPhones } from './format';
import { DEFAULT_THRESHOLDS } from './targets';

const collator = new Intl.Collator('zh-CN', { numeric: true });

/** Agents on the seat map: everyone not offline, in seat order (then 工号). */
export function seatMapAgents(agents: readonly AgentView[]): AgentView[] {
  return agents
    .filter((a) => a.state !== 'offline')
    .sort((a, b) => {
      if (a.seat && b.seat) return collator.compare(a.seat, b.seat) || collator.compare(a.id, b.id);
      if (a.seat) return -1;
      if (b.seat) return 1;
      return collator.compare(a.id, b.id);
    });
}

/** Criticals first; within a severity, unacknowledged first, then newest first. */
export function sortAlerts(alerts: readonly AlertView[]): AlertView[] {
  const sev = (a: AlertView) => (a.severity === 'critical' ? 0 : 1);
  const ack = (a: AlertView) => (a.acknowledgedBy ? 1 : 0);
  return [...alerts].sort((a, b) => sev(a) - sev(b) || ack(a) - ack(b) || b.since - a.since);
}

/** The rules whose alerts are about one agent (the subject is a 工号). */
export const AGENT_RULES: ReadonlySet<string> = new Set(['rona', 'not_signed_in', 'busy_too_long', 'restricted_window']);

/**
 * The rules about one ticket (FOLLOWUP.md): days-long work for the lead's list. The public wall
 * shows none of them: they name the ticket, its unit and who registered it, and a center with many
 * overdue dispatches would push the call floor's own alerts off the strip.
 */
export const TICKET_RULES: ReadonlySet<string> = new Set(['ticket_returned_twice', 'dispatch_overdue', 'special_task_stalled']);

/** The alerts the wall shows: all but the ticket rules'. */
export function wallAlerts(alerts: readonly AlertView[]): AlertView[] {
  return alerts.filter((a) => !TICKET_RULES.has(a.rule));
}

/** The worst alert severity per agent id (agent-subject rules), for badges on the seat tiles. */
export function agentAlertSeverity(alerts: readonly AlertView[]): Map<string, 'warning' | 'critical'> {
  const out = new Map<string, 'warning' | 'critical'>();
  for (const a of alerts) {
    if (!AGENT_RULES.has(a.rule)) continue;
    if (out.get(a.subject) !== 'critical') out.set(a.subject, a.severity);
  }
  return out;
}

/**
 * An alert as a sentence in the page's language, from its rule and figures (shared/alert-text.ts).
 * The snapshot's `message` is the Chinese text for scripts: a Chinese screen falls back to it only
 * when the alert carries no figures (a server from before `params`); an English one then says
 * nothing beyond the rule's name, which the screen shows anyway.
 */
export function alertMessage(a: Pick<AlertView, 'rule' | 'params' | 'message'>, lang: TextLang): string {
  if (a.params !== null && typeof a.params === 'object') return alertText(a, lang);
  return lang === 'zh-CN' && typeof a.message === 'string' ? a.message : '';
}

/** An alert's sentence for the public wall: as `alertMessage`, with anything phone-like blanked out. */
export function wallAlertMessage(a: Pick<AlertView, 'rule' | 'params' | 'message'>, lang: TextLang): string {
  return redactPhones(alertMessage(a, lang));
}

/** An alert's severity as a level: its icon, and its colour on a tag. */
export function severityLevel(severity: AlertView['severity']): 'bad' | 'warn' {
  return severity === 'critical' ? 'bad' : 'warn';
}

/** Who acknowledged an alert and when (HH:MM in the center's zone), for "acknowledged/approved by". */
export function acknowledgement(a: AlertView, timeZone: string): { by: string; time: string } {
  return { by: a.acknowledgedBy ?? '', time: a.acknowledgedAt ? hhmm(a.acknowledgedAt, timeZone) : '' };
}

/** Open incidents (not resolved), oldest first: those get the red band. */
export function openIncidents(incidents: readonly IncidentView[]): IncidentView[] {
  return incidents.filter((i) => i.status !== 'resolved').sort((a, b) => a.raisedAt - b.raisedAt);
}

export type StepStatus = 'done' | 'pending' | 'overdue';
export interface LadderStep {
  role: 'operator' | 'lead' | 'director' | 'report';
  status: StepStatus;
  /** who did it (工号 or user), when done */
  by: string | null;
  at: number | null;
  /** the deadline, while not done */
  dueAt?: number;
}

export interface LadderLimits {
  leadAckSec: number;
  directorAckSec: number;
  reportDueMin: number;
}

/** The ladder's deadlines from the thresholds in force. */
export function ladderLimits(th: Pick<Thresholds, 'incidentLeadAckSec' | 'incidentDirectorAckSec' | 'incidentReportDueMin'>): LadderLimits {
  return { leadAckSec: th.incidentLeadAckSec, directorAckSec: th.incidentDirectorAckSec, reportDueMin: th.incidentReportDueMin };
}

/** The ladder's deadlines before the first snapshot: the regulation's defaults. */
export const DEFAULT_LADDER_LIMITS: LadderLimits = ladderLimits(DEFAULT_THRESHOLDS);

/**
 * The escalation ladder (RULES.md): operator raised → lead acknowledges within 2 min → director
 * (major, or escalated to the director) within 10 min of raising → written report (major) in 60 min.
 */
export function incidentLadder(i: IncidentView, now: number, limits: LadderLimits = DEFAULT_LADDER_LIMITS): LadderStep[] {
  const ackBy = (role: 'lead' | 'director') => i.acknowledgements.find((a) => a.role === role) ?? null;
  const step = (
    role: LadderStep['role'],
    done: { by: string | null; at: number } | null,
    dueAt: number,
  ): LadderStep =>
    done
      ? { role, status: 'done', by: done.by, at: done.at }
      : { role, status: now > dueAt ? 'overdue' : 'pending', by: null, at: null, dueAt };

  const steps: LadderStep[] = [{ role: 'operator', status: 'done', by: i.raisedBy, at: i.raisedAt }];
  steps.push(step('lead', ackBy('lead'), i.raisedAt + limits.leadAckSec * 1000));
  const needsDirector = i.severity === 'major' || i.escalatedTo === 'director' || ackBy('director') !== null;
  // only a major incident has a director deadline (第五十一条); an urgent one escalated to the
  // director waits for them without one
  const directorDue = i.severity === 'major' ? i.raisedAt + limits.directorAckSec * 1000 : Infinity;
  if (needsDirector) steps.push(step('director', ackBy('director'), directorDue));
  if (i.severity === 'major') {
    const rep = i.reportedAt !== null ? { by: i.report?.by ?? null, at: i.reportedAt } : null;
    steps.push(step('report', rep, i.raisedAt + limits.reportDueMin * 60_000));
  }
  return steps;
}

/** Service level of one interval bucket (METRICS.md), null when its divisor is 0. */
export function bucketServiceLevel(b: IntervalBucket): number | null {
  const d = b.answered + b.abandoned - b.shortAbandoned;
  return d > 0 ? b.answeredInSL / d : null;
}

/** Seconds the oldest waiting call has waited at `now`; 0 when nobody waits. */
export function longestWaitSec(queue: Snapshot['queue'], now: number): number {
  let oldest = Infinity;
  for (const c of queue.calls) oldest = Math.min(oldest, c.since);
  if (oldest === Infinity) {
    // the list may be trimmed by the server; fall back to its own figure
    return queue.waiting > 0 && queue.longestWaitSec !== null ? queue.longestWaitSec : 0;
  }
  return Math.max(0, (now - oldest) / 1000);
}

/** Missed calls past their due time now: the server's count, else counted from the list. */
export function overdueCallbacks(s: Snapshot): number {
  return s.callbacks?.overdueNow ?? s.missedCalls.filter((m) => m.overdue).length;
}

/** A two-line seat tile's size in em of its font: two lines of 1.15 plus padding, and width for 工号 + name + seat. */
export const TILE_EM = { w: 7.25, h: 2.55, gap: 0.3 };

/**
 * A one-line ("dense") tile: 工号 · state · m:ss · badge slot, in em of its font. The width is the
 * sum of its parts (see denseTileEm); the height is one line of 1.15 plus padding.
 */
export const DENSE_EM = {
  /** left border + padding left and right */
  frame: 0.18 + 0.14 + 0.2,
  /** the space between 工号 and state, and state and time (at least) */
  space: 0.22,
  /** "99:59" in tabular figures (compactDuration never writes more than 5 characters) */
  time: 2.5,
  /** the violation badge's slot (always kept, so columns line up) */
  badge: 0.06 + 1,
  /** the state glyph */
  glyph: 1,
  h: 1.35,
  gap: 0.22,
};

/** What a seat tile shows: two lines (工号 name seat / state m:ss), or one line with the state as a word or a glyph. */
export type TileKind = 'normal' | 'word' | 'glyph';

/** The width of a one-line tile, in em, for a 工号 `idEm` wide and a state `stateEm` wide. */
export function denseTileEm(idEm: number, stateEm: number): number {
  return DENSE_EM.frame + idEm + DENSE_EM.space + stateEm + DENSE_EM.space + DENSE_EM.time + DENSE_EM.badge;
}

/**
 * A cautious estimate of a short text's width in em of its (bold, tabular-figure) font: CJK and
 * full-width characters 1, figures 0.59, capitals 0.72, other letters 0.6, the rest 0.4. The seat
 * map sizes one-line tiles from it (for a 工号 longer than usual, or the English state words).
 */
export function textEm(s: string): number {
  let em = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c >= 0x2e80) em += 1;
    else if (c >= 0x30 && c <= 0x39) em += 0.59;
    else if (c >= 0x41 && c <= 0x5a) em += 0.72;
    else if (c >= 0x61 && c <= 0x7a) em += 0.6;
    else em += 0.4;
  }
  return em;
}

export interface SeatLayout {
  kind: TileKind;
  fontPx: number;
  cols: number;
  rows: number;
  perPage: number;
  /** tile height and gap between tiles, in em of fontPx */
  hEm: number;
  gapEm: number;
}

export interface SeatLayoutOptions {
  /** two-line tiles: font size range (px) */
  minPx: number;
  maxPx: number;
  /** one-line tiles: smallest font (px); they may grow up to maxPx */
  denseMinPx: number;
  /** width (em) of the widest 工号 on the map */
  idEm: number;
  /** width (em) of the widest short state word */
  wordEm: number;
}

/**
 * Lays out `count` seat tiles in a w×h box, in the first way that fits everyone: two-line tiles at
 * the largest font between maxPx and minPx; else one-line tiles with the state as a word, then as a
 * glyph, at the largest font between maxPx and denseMinPx. When nothing fits everyone, the layout
 * that holds the most tiles per page (at its smallest font), and the map pages (perPage < count).
 */
export function seatLayout(w: number, h: number, count: number, o: SeatLayoutOptions): SeatLayout {
  const kinds: { kind: TileKind; w: number; h: number; gap: number; minPx: number }[] = [
    { kind: 'normal', w: TILE_EM.w, h: TILE_EM.h, gap: TILE_EM.gap, minPx: o.minPx },
    { kind: 'word', w: denseTileEm(o.idEm, o.wordEm), h: DENSE_EM.h, gap: DENSE_EM.gap, minPx: o.denseMinPx },
    { kind: 'glyph', w: denseTileEm(o.idEm, DENSE_EM.glyph), h: DENSE_EM.h, gap: DENSE_EM.gap, minPx: o.denseMinPx },
  ];
  const at = (k: (typeof kinds)[number], f: number): SeatLayout => {
    const g = k.gap * f;
    const cols = Math.max(1, Math.floor((w + g) / (k.w * f + g)));
    const rows = Math.max(1, Math.floor((h + g) / (k.h * f + g)));
    return { kind: k.kind, fontPx: f, cols, rows, perPage: cols * rows, hEm: k.h, gapEm: k.gap };
  };
  for (const k of kinds) {
    const maxPx = Math.max(o.maxPx, k.minPx);
    const step = Math.max(0.5, (maxPx - k.minPx) / 40);
    for (let f = maxPx; ; f -= step) {
      const l = at(k, Math.max(f, k.minPx));
      if (l.perPage >= count) return l;
      if (f <= k.minPx) break;
    }
  }
  // nobody fits on one page: the layout with the most tiles per page, the more readable one on a tie
  let best = at(kinds[0]!, kinds[0]!.minPx);
  for (const k of kinds.slice(1)) {
    const l = at(k, k.minPx);
    if (l.perPage > best.perPage) best = l;
  }
  return best;
}
