/**
 * The center's configuration (CONFIG_FILE): center name, shifts, thresholds. Every key is optional;
 * the defaults below are the regulation's. Parsed once at start, then frozen.
 */
import { z } from 'zod';
import type { EventTimeLimits } from './events';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (00:00–23:59)');

const posInt = z.number().int().positive();
const posNum = z.number().positive();

export const thresholdsSchema = z
  .object({
    slThresholdSec: posNum.default(15),
    shortAbandonSec: z.number().nonnegative().default(5),
    callbackDueMin: posNum.default(30),
    waitWarnSec: posNum.default(15),
    waitCriticalSec: posNum.default(60),
    ronaWindowMin: posNum.default(10),
    notSignedInMin: posNum.default(5),
    busyTooLongMin: posNum.default(15),
    restrictedWindowMin: posNum.default(30),
    handoverGapSec: posNum.default(30),
    incidentLeadAckSec: posNum.default(120),
    incidentDirectorAckSec: posNum.default(600),
    incidentReportDueMin: posNum.default(60),
    serviceLevelTarget: z.number().min(0).max(1).default(0.8),
    /** a rostered operator not signed in this long after the shift's start is absent (SHIFTS.md) */
    absentAfterMin: posNum.default(30),
    /** how long before a shift boundary the outgoing lead may submit the handover */
    handoverOpenMin: posNum.default(30),
    /** how long after the submission (or the boundary, if later) the incoming lead has to accept it */
    handoverAcceptMin: posNum.default(15),
    /** a dispatched ticket without the unit's reply this long is overdue (转办时间长, FOLLOWUP.md) */
    replyDueDays: posNum.default(5),
    /** a special task (a dissatisfied case) without any event this long has stalled */
    supervisionDueDays: posNum.default(3),
  })
  .strict()
  .refine((t) => t.waitCriticalSec >= t.waitWarnSec, {
    message: 'waitCriticalSec must be ≥ waitWarnSec',
    path: ['waitCriticalSec'],
  });

export const shiftSchema = z.object({ name: z.string().min(1).max(32), start: hhmm }).strict();

export const configFileSchema = z
  .object({
    center: z.object({ name: z.string().min(1).max(100).default('菏泽市12319城市管理服务热线') }).strict().default({ name: '菏泽市12319城市管理服务热线' }),
    shifts: z
      .array(shiftSchema)
      .min(1)
      .max(12)
      .default([
        { name: '夜班', start: '00:00' },
        { name: '早班', start: '08:00' },
        { name: '中班', start: '16:00' },
      ])
      .refine((s) => new Set(s.map((x) => x.start)).size === s.length, { message: 'two shifts start at the same time' }),
    thresholds: thresholdsSchema.default(() => thresholdsSchema.parse({})),
    /** days of events the stream keeps; an event older than this is refused at ingest */
    retentionDays: z.number().int().min(1).max(3650).default(7),
    /** days the daily archive (and the audit stream) keeps: at least a year of reports by default */
    historyDays: z.number().int().min(1).max(3660).default(400),
    /** how far ahead of the log's clock an event's `ts` may be before it is refused */
    maxClockSkewMin: z.number().positive().max(1440).default(10),
  })
  .strict()
  .refine((c) => c.historyDays > c.retentionDays, { message: 'historyDays must be longer than retentionDays', path: ['historyDays'] });

export type Thresholds = z.infer<typeof thresholdsSchema>;
export interface ShiftDef {
  name: string;
  /** minutes after local midnight */
  startMin: number;
}

/** What the pure core needs: the parsed file plus the time zone. */
export interface CenterConfig {
  centerName: string;
  timeZone: string;
  /** sorted by start */
  shifts: ShiftDef[];
  thresholds: Thresholds;
  /** limits on event times at ingest (see `eventTimeProblem`) */
  eventTime: EventTimeLimits;
  /** days the archive and the audit keep (REPORTS.md) */
  historyDays: number;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds a frozen CenterConfig from an already-parsed JSON value. Throws an Error whose message is
 * one line naming the offending key.
 */
export function buildConfig(file: unknown, timeZone: string): CenterConfig {
  if (!isValidTimeZone(timeZone)) throw new Error(`TZ: "${timeZone}" is not an IANA time zone`);
  const r = configFileSchema.safeParse(file ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    const key = i.path.length ? i.path.map(String).join('.') : '(root)';
    throw new Error(`config ${key}: ${i.message}`);
  }
  const c = r.data;
  const shifts = c.shifts
    .map((s) => ({ name: s.name, startMin: Number(s.start.slice(0, 2)) * 60 + Number(s.start.slice(3)) }))
    .sort((a, b) => a.startMin - b.startMin);
  return deepFreeze({
    centerName: c.center.name,
    timeZone,
    shifts,
    thresholds: { ...c.thresholds },
    eventTime: { maxClockSkewMin: c.maxClockSkewMin, retentionDays: c.retentionDays },
    historyDays: c.historyDays,
  });
}

export const defaultConfig = (timeZone = 'Asia/Shanghai'): CenterConfig => buildConfig({}, timeZone);

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
