/**
 * Who works when. The center runs its configured shifts (three 8-hour ones by default); each shift
 * has its own pool of operators, of whom most come in on a given day (rest days rotate). A few in
 * every pool are 专业席.
 */
import { localParts, shiftAt as sharedShiftAt, type ShiftWindow } from '../../shared/time';
import type { ShiftDef } from '../../shared/config';
import { agentNames, loadAt } from './catalog';
import { hashSeed, type Random } from './prng';

/** The regulation's default shifts, which the simulated center keeps unless it is given others. */
export const SIM_SHIFTS: readonly ShiftDef[] = [
  { name: '夜班', startMin: 0 },
  { name: '早班', startMin: 8 * 60 },
  { name: '中班', startMin: 16 * 60 },
];

/** Share of all operators in each default shift's pool: nights are quiet, so its pool is small. */
const POOL_SHARE = [0.2, 0.4, 0.4] as const;

export interface StaffMember {
  /** 工号 */
  id: string;
  name: string;
  specialist: boolean;
  /** index into the shifts */
  shift: number;
}

export interface Staff {
  members: StaffMember[];
  pools: StaffMember[][];
  /** how many of each pool are on duty on a day */
  onDuty: number[];
  /** the shift is a quiet (night) one: half its pool on duty, no meal break first */
  night: boolean[];
}

const isDefault = (shifts: readonly ShiftDef[]) => shifts.length === 3 && shifts.every((s, i) => s.startMin === SIM_SHIFTS[i]!.startMin);

/** Each shift's length in hours and mean relative load (1 = the day's average). */
function shiftLoads(shifts: readonly ShiftDef[]): { hours: number; load: number }[] {
  return shifts.map((s, i) => {
    const end = i + 1 < shifts.length ? shifts[i + 1]!.startMin : shifts[0]!.startMin + 24 * 60;
    const hours = (end - s.startMin) / 60;
    let sum = 0;
    const steps = Math.max(1, Math.round(hours * 4));
    for (let k = 0; k < steps; k++) sum += loadAt((s.startMin / 60 + ((k + 0.5) * hours) / steps) % 24);
    return { hours, load: sum / steps };
  });
}

/** The center's operators, 工号 1001 upwards, with stable names for a seed, in one pool per shift. */
export function buildStaff(count: number, seed: number, shifts: readonly ShiftDef[] = SIM_SHIFTS): Staff {
  if (!Number.isInteger(count) || count < 6 || count > 999) throw new Error('agents must be an integer from 6 to 999');
  if (shifts.length === 0 || count < 2 * shifts.length) throw new Error('agents must be at least two per shift');
  const loads = shiftLoads(shifts);
  const night = loads.map((l) => l.load < 0.5);
  let sizes: number[];
  if (isDefault(shifts)) {
    const n = Math.max(2, Math.round(count * POOL_SHARE[0]));
    const early = Math.round((count - n) / 2);
    sizes = [n, early, count - n - early];
  } else {
    // a pool in proportion to the shift's hours and (at least half the average) load, two at least
    const weights = loads.map((l) => l.hours * Math.max(l.load, 0.5));
    const total = weights.reduce((s, w) => s + w, 0);
    sizes = weights.map((w) => Math.max(2, Math.floor((count * w) / total)));
    for (let i = 0; sizes.reduce((s, x) => s + x, 0) < count; i = (i + 1) % sizes.length) sizes[i]!++;
    for (let i = 0; sizes.reduce((s, x) => s + x, 0) > count; i = (i + 1) % sizes.length) if (sizes[i]! > 2) sizes[i]!--;
  }
  const names = agentNames(count, hashSeed(seed, 'names'));
  const members: StaffMember[] = [];
  const pools: StaffMember[][] = [];
  let n = 0;
  sizes.forEach((size, shift) => {
    const specialists = Math.max(1, Math.round(size * 0.2));
    const pool: StaffMember[] = [];
    for (let i = 0; i < size; i++) {
      const m = { id: String(1001 + n), name: names[n]!, specialist: i < specialists, shift };
      n++;
      pool.push(m);
      members.push(m);
    }
    pools.push(pool);
  });
  // nights: half the pool; days: all but about one in eight (rest days)
  const onDuty = sizes.map((size, shift) => (night[shift] ? Math.max(1, Math.ceil(size / 2)) : Math.max(1, size - Math.max(1, Math.round(size / 8)))));
  return { members, pools, onDuty, night };
}

/** One operator's place in a shift. */
export interface RosterEntry {
  member: StaffMember;
  seat: string;
}

export function seatLabel(i: number): string {
  return 'A' + String(i + 1).padStart(2, '0');
}

/**
 * A day's crew of one shift. Specialists take the lowest seats so that, at a handover, a 专业席 seat
 * passes to a specialist of the next shift whenever both shifts have one there.
 */
export function drawRoster(staff: Staff, shift: number, rng: Random): RosterEntry[] {
  const pool = staff.pools[shift]!;
  const on = staff.onDuty[shift]!;
  const specialists = rng.shuffle(pool.filter((m) => m.specialist));
  const others = rng.shuffle(pool.filter((m) => !m.specialist));
  const nSpec = Math.min(specialists.length, Math.max(1, Math.round(on * 0.2)));
  const crew = [...specialists.slice(0, nSpec), ...others.slice(0, on - nSpec)];
  // a tiny pool may lack generalists: fill with the remaining specialists
  for (const m of specialists.slice(nSpec)) if (crew.length < on) crew.push(m);
  return crew.map((member, i) => ({ member, seat: seatLabel(i) }));
}

/** The shift in force at `t` and its index into `shifts` (sorted by start, as the configuration has them). */
export function shiftAt(t: number, shifts: readonly ShiftDef[], timeZone: string): ShiftWindow & { index: number } {
  const w = sharedShiftAt(t, { shifts: shifts as ShiftDef[], timeZone });
  const p = localParts(w.start, timeZone);
  let index = shifts.findIndex((s) => s.startMin === p.hour * 60 + p.minute);
  // a start that a daylight-saving change moved: known by its name
  if (index < 0) index = Math.max(0, shifts.findIndex((s) => s.name === w.name));
  return { ...w, index };
}
