/**
 * What a notification is about: the episodes a snapshot shows. An episode has a trigger and an id
 * that stays the same while it lasts and is never reused for another one, so "new" means an id not
 * seen before, and the claim `<channel>:<trigger>:<id>` names exactly one delivery.
 *
 * - `incident.raised`: an open (unresolved) incident; the id is the incident's.
 * - `incident_unacknowledged`, `incident_director_pending`, `incident_report_overdue`: an alert of
 *   that rule; the id is the alert's (`<rule>:<incidentId>`).
 * - `alert.critical`: any critical alert; the id is the alert's, which carries the episode's start
 *   where a rule can fire again for the same subject (`call_waiting:<call>:<since>`). An alert that
 *   becomes critical later (a call waiting past `waitCriticalSec`) is new to this trigger then.
 * - `feed.down`: a telephony feed with `connected: false`; the id is `<name>:<since>`.
 */
import type { NotifyTrigger } from '../../shared/config';
import type { AlertView, FeedView, IncidentView, Snapshot } from '../../shared/snapshot';

export type IncidentRuleTrigger = Extract<NotifyTrigger, 'incident_unacknowledged' | 'incident_director_pending' | 'incident_report_overdue'>;

export const INCIDENT_RULE_TRIGGERS: ReadonlySet<string> = new Set<IncidentRuleTrigger>(['incident_unacknowledged', 'incident_director_pending', 'incident_report_overdue']);

export type Episode =
  | { trigger: 'incident.raised'; id: string; since: number; incident: IncidentView }
  | { trigger: IncidentRuleTrigger | 'alert.critical'; id: string; since: number; alert: AlertView; incident: IncidentView | null }
  | { trigger: 'feed.down'; id: string; since: number; feed: FeedView };

/** The paths of the snapshot episodes come from: a patch touching none of them changes no episode. */
export const EPISODE_SOURCES: ReadonlySet<string> = new Set(['incidents', 'alerts', 'feeds']);

/** Every episode the snapshot shows now. */
export function episodesIn(s: Snapshot): Episode[] {
  const out: Episode[] = [];
  const incidents = new Map<string, IncidentView>();
  for (const i of s.incidents) {
    incidents.set(i.incidentId, i);
    if (i.status !== 'resolved') out.push({ trigger: 'incident.raised', id: i.incidentId, since: i.raisedAt, incident: i });
  }
  for (const a of s.alerts) {
    const ref = a.params['incidentId'];
    const incident = typeof ref === 'string' ? (incidents.get(ref) ?? null) : null;
    if (INCIDENT_RULE_TRIGGERS.has(a.rule)) out.push({ trigger: a.rule as IncidentRuleTrigger, id: a.id, since: a.since, alert: a, incident });
    if (a.severity === 'critical') out.push({ trigger: 'alert.critical', id: a.id, since: a.since, alert: a, incident });
  }
  for (const f of s.feeds) {
    if (!f.connected) out.push({ trigger: 'feed.down', id: `${f.name}:${f.since}`, since: f.since, feed: f });
  }
  return out;
}

/**
 * Whether a channel takes this episode. A channel listening to an incident rule and to
 * `alert.critical` gets that rule's alert once, under the rule's own trigger.
 */
export function channelTakes(on: readonly NotifyTrigger[], e: Episode): boolean {
  if (!on.includes(e.trigger)) return false;
  if (e.trigger === 'alert.critical' && INCIDENT_RULE_TRIGGERS.has(e.alert.rule) && on.includes(e.alert.rule as NotifyTrigger)) return false;
  return true;
}
