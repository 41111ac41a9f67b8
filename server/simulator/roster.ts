/**
 * Who works when. The center runs three 8-hour shifts; each shift has its own pool of operators,
 * of whom most come in on a given day (rest days rotate). A few in every pool are 专业席.
 */
import { shiftAt as sharedShiftAt, type ShiftWindow } from '../../shared/time';
import type { ShiftDef } from '../../shared/config';
import { agentNames } from './catalog';
import { hashSeed, type Random } from './prng';

/** The simulated center's shifts, as the regulation's default configuration has them. */
export const SIM_SHIFTS: readonly ShiftDef[] = [
  { name: '夜班', startMin: 0 },
  { name: '早班', startMin: 8 * 60 },
  { name: '中班', startMin: 16 * 60 },
];

/** Share of all operators in each shift's pool: nights are quiet, so its pool is small. */
const POOL_SHARE = [0.2, 0.4, 0.4] as const;

export interface StaffMember {
  /** 工号 */
  id: string;
  name: string;
  specialist: boolean;
  /** index into SIM_SHIFTS */
  shift: number;
}

export interface Staff {
  members: StaffMember[];
  pools: StaffMember[][];
  /** how many of each pool are on duty on a day */
  onDuty: number[];
}

/** The center's operators, 工号 1001 upwards, with stable names for a seed. */
export function buildStaff(count: number, seed: number): Staff {
  if (!Number.isInteger(count) || count < 6 || count > 999) throw new Error('agents must be an integer from 6 to 999');
  const night = Math.max(2, Math.round(count * POOL_SHARE[0]));
  const early = Math.round((count - night) / 2);
  const sizes = [night, early, count - night - early];
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
  const onDuty = sizes.map((size, shift) => (shift === 0 ? Math.max(1, Math.ceil(size / 2)) : Math.max(1, size - Math.max(1, Math.round(size / 8)))));
  return { members, pools, onDuty };
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
 * Today's crew of one shift. Specialists take the lowest seats so that, at a handover, a 专业席 seat
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

/** The shift in force at `t` and its index into SIM_SHIFTS. */
export function shiftAt(t: number, timeZone: string): ShiftWindow & { index: number } {
  const w = sharedShiftAt(t, { shifts: SIM_SHIFTS as ShiftDef[], timeZone });
  return { ...w, index: SIM_SHIFTS.findIndex((s) => s.name === w.name) };
}
