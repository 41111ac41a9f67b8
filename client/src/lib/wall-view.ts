/** Pure helpers that turn a snapshot into what the wall shows. No runes, no DOM. */
import type { Thresholds } from '../../../shared/config';
import type { AgentView, AlertView, IncidentView, IntervalBucket, Snapshot } from '../../../shared/snapshot';

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

/** The worst alert severity per agent id (agent-subject rules), for badges on the seat tiles. */
export function agentAlertSeverity(alerts: readonly AlertView[]): Map<string, 'warning' | 'critical'> {
  const agentRules = new Set(['rona', 'not_signed_in', 'busy_too_long', 'restricted_window']);
  const out = new Map<string, 'warning' | 'critical'>();
  for (const a of alerts) {
    if (!agentRules.has(a.rule)) continue;
    if (out.get(a.subject) !== 'critical') out.set(a.subject, a.severity);
  }
  return out;
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

export const DEFAULT_LADDER_LIMITS: LadderLimits = { leadAckSec: 120, directorAckSec: 600, reportDueMin: 60 };

/** The ladder's deadlines from the thresholds in force. */
export function ladderLimits(th: Pick<Thresholds, 'incidentLeadAckSec' | 'incidentDirectorAckSec' | 'incidentReportDueMin'>): LadderLimits {
  return { leadAckSec: th.incidentLeadAckSec, directorAckSec: th.incidentDirectorAckSec, reportDueMin: th.incidentReportDueMin };
}

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

/** A seat tile's size in em of its font: two lines of 1.15 plus padding, and width for 工号 + name + seat. */
export const TILE_EM = { w: 7.25, h: 2.55, gap: 0.3 };

export interface SeatLayout {
  fontPx: number;
  cols: number;
  rows: number;
  perPage: number;
}

/**
 * Picks the largest tile font that fits `count` tiles into a w×h box, between `maxPx` and `minPx`;
 * below the minimum it pages instead (perPage < count). Tile = TILE_EM (measured: 工号 2.4em + name 2em + seat 1.75em + gaps and padding).
 */
export function seatLayout(w: number, h: number, count: number, minPx: number, maxPx: number): SeatLayout {
  const fit = (f: number) => {
    const g = 0.3 * f;
    const cols = Math.max(1, Math.floor((w + g) / (TILE_EM.w * f + g)));
    const rows = Math.max(1, Math.floor((h + g) / (TILE_EM.h * f + g)));
    return { cols, rows };
  };
  const step = Math.max(0.5, (maxPx - minPx) / 40);
  for (let f = maxPx; f >= minPx; f -= step) {
    const { cols, rows } = fit(f);
    if (cols * rows >= count) return { fontPx: f, cols, rows, perPage: cols * rows };
  }
  const { cols, rows } = fit(minPx);
  return { fontPx: minPx, cols, rows, perPage: cols * rows };
}
