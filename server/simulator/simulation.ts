/**
 * A seeded, deterministic 12319 call-center day that never ends: a pure generator (no I/O, no wall
 * clock, no Math.random). The same options always give the same events, however the caller slices
 * time with nextUntil.
 */
import type { HotlineEvent } from '../../shared/events';
import { isValidTimeZone, type ShiftDef } from '../../shared/config';
import { Arrivals } from './arrivals';
import { CallCenter } from './call-center';
import { SimContext } from './context';
import { IncidentDesk } from './incidents';
import { hashSeed } from './prng';
import { HandoverDesk, type HandoverLookup } from './handovers';
import { buildStaff, SIM_SHIFTS } from './roster';
import { ShiftPlanner } from './shifts';
import { rosterWorld, TicketDesk } from './tickets';

export interface SimulationOptions {
  /** any integer; the whole run follows from it */
  seed: number;
  /** epoch ms at which the simulated center opens (empty: the current shift's crew comes in first) */
  start: number;
  /** IANA zone of the center's wall clock; default Asia/Shanghai */
  timeZone?: string;
  /** operators on the books, 工号 1001 upwards; default 40 (about 4 on duty at night, 14 by day) */
  agents?: number;
  /** average ordinary calls on a weekday; default 1100 (incident bursts come on top) */
  callsPerDay?: number;
  /** average incidents a day; default 2 (a whole day has 1–3); raise it to see more of the ladder */
  incidentsPerDay?: number;
  /** a simulated shift lead (and director) acknowledge, report and resolve incidents; default true */
  autoRespond?: boolean;
  /** prefix of every event, call, ticket and incident id; default `sim-<seed>-<start in base 36>` */
  idPrefix?: string;
  /** the center's shifts (CONFIG_FILE), sorted by start; default 夜班 00:00, 早班 08:00, 中班 16:00 */
  shifts?: readonly ShiftDef[];
  /**
   * The live demo's start (epoch ms): the shift in force then has a late sign-in behind it, and the
   * first boundary after it has a late operator and a handover submitted and accepted after it.
   */
  showcaseAt?: number;
  /**
   * What the wallboard already holds for a boundary's handover: a simulated lead does not submit a
   * second one, and accepts the one there (a person's) instead of its own. Default: none (pure).
   */
  existingHandover?: HandoverLookup;
  /**
   * Sees each dispatched ticket's creation and whole planned life (tickets.ts) when it is filed,
   * events not yet due included: history.ts hands the recent ones to the live demo.
   */
  onTicketLife?: (events: HotlineEvent[]) => void;
}

export interface Simulation {
  /** the epoch ms the simulation started at */
  readonly start: number;
  /** simulated time up to which events have been produced */
  readonly time: number;
  /** Every event with start ≤ ts ≤ t not handed out before, in time order. A t in the past returns []. */
  nextUntil(t: number): HotlineEvent[];
}

/** Builds a simulation; nothing happens until nextUntil is called. */
export function createSimulation(options: SimulationOptions): Simulation {
  const { seed, start } = options;
  if (!Number.isFinite(seed)) throw new Error('seed must be a finite number');
  if (!Number.isInteger(start) || start < 0) throw new Error('start must be epoch milliseconds');
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  if (!isValidTimeZone(timeZone)) throw new Error(`timeZone "${timeZone}" is not an IANA time zone`);
  const callsPerDay = options.callsPerDay ?? 1100;
  const incidentsPerDay = options.incidentsPerDay ?? 2;
  if (!(callsPerDay >= 0) || !(incidentsPerDay >= 0)) throw new Error('callsPerDay and incidentsPerDay must be ≥ 0');

  const idPrefix = options.idPrefix ?? `sim-${seed}-${start.toString(36)}`;
  const ctx = new SimContext(idPrefix, hashSeed(seed, 'run'), start, timeZone);
  const shifts = options.shifts ?? SIM_SHIFTS;
  if (shifts.length === 0 || shifts.some((s, i) => i > 0 && s.startMin <= shifts[i - 1]!.startMin)) throw new Error('shifts must be sorted by start, without duplicates');
  const staff = buildStaff(options.agents ?? 40, seed, shifts);

  const desk = new IncidentDesk(ctx, () => center, { perDay: incidentsPerDay, autoRespond: options.autoRespond ?? true, leadAt: (t) => planner.leadAt(t) });
  const tickets = new TicketDesk(ctx, seed, rosterWorld({ seed, staff, shifts, timeZone }), options.onTicketLife ?? null);
  const center: CallCenter = new CallCenter(ctx, staff.members, {
    raise: (ep, callId, agentId) => desk.raise(ep, callId, agentId),
    signedIn: (agent) => planner.planBreaks(agent),
    filed: (ticket) => tickets.filed(ticket),
  });
  const planner: ShiftPlanner = new ShiftPlanner(ctx, center, staff, shifts, seed, () => handovers, options.showcaseAt);
  const handovers = new HandoverDesk(ctx, seed, () => center, desk, (b) => planner.shiftBefore(b), options.existingHandover ?? null);
  const arrivals = new Arrivals(ctx, center, callsPerDay, seed);

  // the order of these three fixes the order of the first draws, hence the whole run
  ctx.at(start, () => {
    planner.start();
    desk.start();
    arrivals.start();
  });

  return {
    start,
    get time() {
      return ctx.now;
    },
    nextUntil: (t) => ctx.runUntil(t),
  };
}
