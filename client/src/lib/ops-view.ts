/** Pure helpers for the lead's and director's working lists. No runes, no DOM. */
import { AGENT_STATES, type AgentState, type AgentView, type AlertView, type IncidentView, type Snapshot } from '../../../shared/snapshot';
import { queueName } from './i18n';

const collator = new Intl.Collator('zh-CN', { numeric: true });

export type AgentSort = 'time' | 'id';
export type AgentFilter = 'online' | AgentState;

/** Agents for the lead's list: by state (`online` = everyone not offline), longest in state first or by 工号. */
export function agentList(agents: readonly AgentView[], filter: AgentFilter, sort: AgentSort): AgentView[] {
  const shown = agents.filter((a) => (filter === 'online' ? a.state !== 'offline' : a.state === filter));
  return shown.sort((a, b) => (sort === 'time' ? a.since - b.since || collator.compare(a.id, b.id) : collator.compare(a.id, b.id)));
}

/**
 * How many agents are in each state, and online (not offline), for the filter chips. Counted from
 * the list itself; a state this build does not know counts as online only (never as a key of its own).
 */
export function agentStateCounts(agents: readonly AgentView[]): { online: number; byState: Record<AgentState, number> } {
  const byState = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;
  let online = 0;
  for (const a of agents) {
    if (Object.hasOwn(byState, a.state)) byState[a.state]++;
    if (a.state !== 'offline') online++;
  }
  return { online, byState };
}

/** Seconds until `due` (positive) or past it (negative). */
export function secondsLeft(due: number, now: number): number {
  return (due - now) / 1000;
}

/** Open incidents (not resolved), oldest first. */
export function openOnes(incidents: readonly IncidentView[]): IncidentView[] {
  return incidents.filter((i) => i.status !== 'resolved').sort((a, b) => a.raisedAt - b.raisedAt);
}

/** Today's resolved incidents, latest resolved first. */
export function resolvedOnes(incidents: readonly IncidentView[]): IncidentView[] {
  return incidents.filter((i) => i.status === 'resolved').sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
}

/** An incident waits for the director: escalated to them (or major) without their acknowledgement. */
export function awaitsDirector(i: IncidentView): boolean {
  if (i.status === 'resolved') return false;
  if (i.acknowledgements.some((a) => a.role === 'director')) return false;
  return i.escalatedTo === 'director' || i.escalatedTo === 'external' || i.severity === 'major';
}

export function hasAck(i: IncidentView, role: 'lead' | 'director'): boolean {
  return i.acknowledgements.some((a) => a.role === role);
}

/** What an alert is about, for people allowed to see it (the lead's tablet, not the public wall). */
export function alertSubject(a: AlertView, s: Pick<Snapshot, 'agents' | 'incidents' | 'missedCalls' | 'queue'>): string {
  switch (a.rule) {
    case 'rona':
    case 'not_signed_in':
    case 'busy_too_long':
    case 'restricted_window': {
      const agent = s.agents.find((x) => x.id === a.subject);
      return [a.subject, agent?.name, agent?.seat].filter(Boolean).join(' ');
    }
    case 'no_agent_available':
      return queueName(a.subject);
    case 'handover_gap':
      return a.subject;
    case 'incident_unacknowledged':
    case 'incident_director_pending':
    case 'incident_report_overdue':
      return s.incidents.find((i) => i.incidentId === a.subject)?.title ?? a.subject;
    case 'missed_call_overdue':
      return s.missedCalls.find((m) => m.callId === a.subject)?.caller ?? '';
    case 'call_waiting': {
      const call = s.queue.calls.find((c) => c.callId === a.subject);
      return call ? queueName(call.queue) : '';
    }
    default:
      return '';
  }
}
