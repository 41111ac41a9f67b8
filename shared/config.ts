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

/** Where a notification can go (docs/notifications.md). */
export const NOTIFY_KINDS = ['wecom', 'dingtalk', 'feishu', 'webhook', 'email'] as const;
export type NotifyKind = (typeof NOTIFY_KINDS)[number];
/** What a channel can be told about: a new incident, the escalation alerts, any critical alert, a feed down. */
export const NOTIFY_TRIGGERS = [
  'incident.raised',
  'incident_unacknowledged',
  'incident_director_pending',
  'incident_report_overdue',
  'alert.critical',
  'feed.down',
] as const;
export type NotifyTrigger = (typeof NOTIFY_TRIGGERS)[number];
/** the kinds that POST to a URL */
const URL_KINDS: ReadonlySet<NotifyKind> = new Set(['wecom', 'dingtalk', 'feishu', 'webhook']);
/** the kinds whose robots sign with a secret (加签 / 签名校验) */
const SECRET_KINDS: ReadonlySet<NotifyKind> = new Set(['dingtalk', 'feishu']);

function isHttpUrl(v: string): boolean {
  if (!/^https?:\/\/[^\s]+$/i.test(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export const notifyChannelSchema = z
  .object({
    /** names the channel in /admin, the audit log and the claim keys: letters, digits, _ . - */
    name: z.string().regex(/^[\p{L}\p{N}_.-]{1,32}$/u, 'use 1–32 letters, digits, _ . - (no spaces or colons)'),
    kind: z.enum(NOTIFY_KINDS, { error: `must be one of ${NOTIFY_KINDS.join(', ')}` }),
    url: z.string().max(2048).refine(isHttpUrl, 'must be an https:// or http:// URL').optional(),
    secret: z.string().min(1).max(256).optional(),
    to: z.array(z.email({ error: 'must be an e-mail address' })).min(1, 'list at least one address').max(50).optional(),
    on: z
      .array(z.enum(NOTIFY_TRIGGERS, { error: `must be one of ${NOTIFY_TRIGGERS.join(', ')}` }))
      .min(1, `list at least one trigger (${NOTIFY_TRIGGERS.join(', ')})`)
      .refine((on) => new Set(on).size === on.length, 'lists a trigger twice'),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (URL_KINDS.has(c.kind)) {
      if (c.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: `required for a ${c.kind} channel (https:// or http://)` });
      if (c.to !== undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: `only an email channel has recipients; a ${c.kind} channel posts to its url` });
    } else {
      if (c.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'required for an email channel: a list of addresses' });
      if (c.url !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'an email channel sends through SMTP_URL; remove url' });
    }
    if (c.secret !== undefined && !SECRET_KINDS.has(c.kind)) {
      ctx.addIssue({ code: 'custom', path: ['secret'], message: `only dingtalk and feishu robots sign with a secret; remove it from this ${c.kind} channel` });
    }
  });

export type NotifyChannel = z.output<typeof notifyChannelSchema>;

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
    /** where notifications go (docs/notifications.md); none by default */
    notify: z
      .array(notifyChannelSchema)
      .max(32)
      .default([])
      .superRefine((channels, ctx) => {
        const seen = new Set<string>();
        channels.forEach((c, i) => {
          if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `two channels are named "${c.name}"` });
          seen.add(c.name);
        });
      }),
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
  /** notification channels (docs/notifications.md); read by server/notify only, never by the core */
  notify: NotifyChannel[];
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
    notify: c.notify.map((n) => ({ ...n, on: [...n.on], ...(n.to ? { to: [...n.to] } : {}) })),
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
