/**
 * Urgent situations in the city (第四十八条–第五十二条): a gas leak or a burst main happens, callers
 * start ringing about it, the operator who takes the first such call raises the incident, and, when
 * `autoRespond` is on, a simulated shift lead and director walk it up the whole ladder.
 */
import { DIRECTOR, heZeLocation, INCIDENT_TEMPLATES, severityZh } from './catalog';
import type { CallCenter, Episode } from './call-center';
import { HOUR, MIN, SEC, type SimContext } from './context';
import { startOfDay, zonedEpoch } from '../../shared/time';

export interface IncidentDeskOptions {
  /** average incidents a day; 0 = none */
  perDay: number;
  /** a simulated 值班长 (and 中心主任 for major ones) acknowledge, report and resolve */
  autoRespond: boolean;
  /** the 值班长 on duty at an instant: that lead acts on the incident */
  leadAt: (t: number) => string;
}

/** An incident as the leads know it, for the handover notes and open items. */
export interface IncidentNote {
  incidentId: string;
  title: string;
  handler: string;
  raisedAt: number;
  resolvedAt: number | null;
}

export class IncidentDesk {
  /** the incidents raised lately (the last 50), oldest first */
  readonly log: IncidentNote[] = [];

  constructor(
    private readonly ctx: SimContext,
    private readonly center: () => CallCenter,
    private readonly options: IncidentDeskOptions,
  ) {}

  start(): void {
    this.planDay(this.ctx.now);
  }

  /** Places the rest of the local day's incidents, mostly in the daytime, and plans the next day. */
  private planDay(from: number): void {
    const { ctx } = this;
    const rng = ctx.rng;
    const dayStart = startOfDay(from, ctx.timeZone);
    const p = ctx.local(dayStart);
    const dayEnd = zonedEpoch(p.year, p.month, p.day + 1, 0, ctx.timeZone);
    const share = (dayEnd - from) / (dayEnd - dayStart);
    const perDay = this.options.perDay;
    let count = perDay > 0 ? Math.round(perDay * share * rng.uniform(0.5, 1.5)) : 0;
    // a whole simulated day always has at least one, so a demo day shows the ladder
    if (perDay > 0 && share === 1) count = Math.max(1, count);
    for (let i = 0; i < count; i++) {
      const lo = Math.max(from, dayStart + 7 * HOUR);
      const hi = dayStart + 22 * HOUR;
      const at = rng.chance(0.75) && lo < hi ? rng.uniform(lo, hi) : rng.uniform(from, dayEnd);
      ctx.at(at, () => this.startEpisode());
    }
    ctx.at(dayEnd, () => this.planDay(dayEnd));
  }

  /** The incident happens: a burst of calls about it follows, thinning out over half an hour or so. */
  private startEpisode(): void {
    const { ctx } = this;
    const rng = ctx.rng;
    const template = rng.pick(INCIDENT_TEMPLATES);
    const ep: Episode = {
      incidentId: ctx.nextId('i'),
      template,
      severity: rng.chance(template.majorShare) ? 'major' : 'urgent',
      location: heZeLocation(rng),
      raised: false,
      raising: false,
    };
    const calls = ep.severity === 'major' ? rng.int(12, 35) : rng.int(4, 14);
    this.center().addCall(ep);
    for (let i = 1; i < calls; i++) {
      ctx.after(Math.min(rng.exponential(6 * MIN), 45 * MIN), () => this.center().addCall(ep));
    }
  }

  /** Called by the hall when an operator raises the incident during a call about it. */
  raise(ep: Episode, callId: string, agentId: string): void {
    const { ctx } = this;
    this.log.push({ incidentId: ep.incidentId, title: ep.template.title, handler: ep.template.handler, raisedAt: ctx.now, resolvedAt: null });
    if (this.log.length > 50) this.log.shift();
    ctx.emit('incident.raised', {
      incidentId: ep.incidentId,
      title: ep.template.title,
      severity: ep.severity,
      location: ep.location,
      callId,
      agentId,
    });
    if (this.options.autoRespond) this.respond(ep);
  }

  /**
   * The lead acknowledges within 30–150 s (so now and then past the 2-minute limit), a major one is
   * also taken by the director within 3–14 min (now and then past the 10-minute limit), the written
   * report follows (for a major one, now and then past its hour), and the incident is closed after.
   */
  private respond(ep: Episode): void {
    const { ctx } = this;
    const rng = ctx.rng;
    const id = ep.incidentId;
    const t = ep.template;
    const lead = () => this.options.leadAt(ctx.now);
    ctx.after(rng.uniform(30, 150) * SEC, () => ctx.emit('incident.acknowledged', { incidentId: id, by: lead(), role: 'lead' }));
    if (ep.severity === 'major') {
      ctx.after(rng.uniform(3, 14) * MIN, () => ctx.emit('incident.acknowledged', { incidentId: id, by: DIRECTOR, role: 'director' }));
    }
    const reportIn = (ep.severity === 'major' && rng.chance(0.3) ? rng.uniform(61, 75) : rng.uniform(8, 30)) * MIN;
    ctx.after(reportIn, () =>
      ctx.emit('incident.reported', {
        incidentId: id,
        by: lead(),
        nature: `${ep.location}发生${t.title}，属${severityZh(ep.severity)}事件`,
        harm: rng.pick(t.harm),
        measures: rng.pick(t.measures),
        progress: rng.pick(t.progress),
      }),
    );
    const resolveIn = Math.max(rng.uniform(20, 50) * MIN, reportIn + rng.uniform(2, 8) * MIN);
    ctx.after(resolveIn, () => {
      const note = this.log.find((n) => n.incidentId === id);
      if (note) note.resolvedAt = ctx.now;
      ctx.emit('incident.resolved', { incidentId: id, by: lead(), note: t.note });
    });
  }
}
