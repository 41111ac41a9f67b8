/**
 * The small interfaces the app needs from the outside world. Redis implements them for production
 * (server/adapters/redis), the in-process memory adapters implement them for the demo without Redis.
 */
import type { HotlineEvent } from '../shared/events';
import type { DayArchive } from './core/archive';

/** One entry of the event stream as stored: its stream ID and the raw `event` field (null if absent). */
export interface LogEntry {
  id: string;
  /** the JSON text of the `event` field, or null when the entry has no such field */
  raw: string | null;
  /** every field name of the entry, to reject entries with extra or missing fields */
  fields: string[];
}

export interface EventLog {
  /**
   * Appends the events in order, atomically (all or none), and returns their stream IDs.
   * Used by HTTP ingest, user actions and the simulator: the one write path.
   */
  append(events: readonly HotlineEvent[]): Promise<string[]>;
  /**
   * Entries strictly after `cursor` ("0-0" for the start), at most `count`, waiting up to
   * `blockMs` for new ones when there are none. Returns [] on timeout.
   */
  read(cursor: string, count: number, blockMs: number): Promise<LogEntry[]>;
  /** Copies an entry that failed validation, with the reason, to the rejected stream. */
  reject(entry: LogEntry, reason: string): Promise<void>;
  /** Stream ID of the newest entry ("0-0" when empty): readiness compares the reader's cursor to it. */
  lastId(): Promise<string>;
  /**
   * Who the log is: `generation`, an id created with the log (created by the first call), which a
   * log lost and begun anew (a Redis restarted without persistence) does not have; and the highest
   * stream ID it ever issued, which trimming keeps and an older backup lacks. A snapshot from another
   * generation, or with a cursor beyond that ID, is not this log's.
   */
  identity(): Promise<LogIdentity>;
  /**
   * Whether the log still holds the entry `id` (a cursor a node reached): true when it does, or when
   * `id` is older than every entry (trimmed away, or the log is empty); false when the log lost it yet
   * goes on past it, which `identity` cannot tell: a Sentinel failover to a replica that never
   * received the last entries, after new ones were appended there. Optional: a log that cannot lose
   * single entries need not say.
   */
  holds?(id: string): Promise<boolean>;
  /**
   * Retention (REPORTS.md): removes the entries whose stream time is before `beforeMs` and records
   * `wholeFrom` (≥ beforeMs), the instant from which the log still holds every event: a node that
   * replays the trimmed log takes the days before it from the archive. Returns how many went.
   */
  trim(beforeMs: number, wholeFrom: number): Promise<number>;
  /** The `wholeFrom` of the last trim (0: never trimmed). */
  trimmedBefore(): Promise<number>;
  /** Closes connections (a blocked read returns []). */
  close(): Promise<void>;
}

/**
 * The daily archive (REPORTS.md): one record per day, a pure function of the stream. Each record is
 * stored with `asOf`, the stream position it was computed at; a write computed at an earlier
 * position than the stored one is ignored, so two nodes at different points never go backwards.
 */
export interface ArchiveStore {
  put(day: DayArchive, asOf: string): Promise<void>;
  /** the records of those dates that exist */
  get(dates: readonly string[]): Promise<Map<string, DayArchive>>;
  /** every date held, sorted */
  dates(): Promise<string[]>;
  /** removes the records of dates before `date` (YYYY-MM-DD); returns how many */
  deleteBefore(date: string): Promise<number>;
}

export interface LogIdentity {
  generation: string;
  /** "0-0" for a log that never had an entry */
  lastGeneratedId: string;
}

export interface StoredSnapshot {
  cursor: string;
  /** JSON text of the core state */
  state: string;
  /** the log generation the cursor belongs to */
  generation: string;
}

export interface SnapshotStore {
  load(): Promise<StoredSnapshot | null>;
  save(snapshot: StoredSnapshot): Promise<void>;
}

export type Role = 'admin' | 'lead' | 'director' | 'wall';
export type PersonRole = Exclude<Role, 'wall'>;

export interface UserRecord {
  username: string;
  role: PersonRole;
  /** "scrypt$N$r$p$salt$hash" (base64 parts) */
  passwordHash: string;
  disabled: boolean;
  createdAt: number;
  /** tokens issued before this instant are void (password change, logout-all, disable) */
  tokensValidAfter: number;
}

export interface DeviceRecord {
  id: string;
  name: string;
  /** sha256 of the device token; the token itself is shown once and never stored */
  tokenHash: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface Accounts {
  getUser(username: string): Promise<UserRecord | null>;
  /** false when the name is taken */
  createUser(user: UserRecord): Promise<boolean>;
  updateUser(user: UserRecord): Promise<void>;
  listUsers(): Promise<UserRecord[]>;
  hasAdmin(): Promise<boolean>;
  createDevice(device: DeviceRecord): Promise<void>;
  getDeviceByTokenHash(tokenHash: string): Promise<DeviceRecord | null>;
  getDevice(id: string): Promise<DeviceRecord | null>;
  updateDevice(device: DeviceRecord): Promise<void>;
  listDevices(): Promise<DeviceRecord[]>;
  /** a secret shared by every node, created once: signs session tokens */
  tokenSecret(): Promise<Buffer>;
  /** revoked session token ids (logout), kept until they would expire anyway */
  revokeToken(tokenId: string, expiresAt: number): Promise<void>;
  isTokenRevoked(tokenId: string): Promise<boolean>;
}

export interface AuditRecord {
  at: number;
  actor: string;
  role: Role | 'system';
  action: string;
  subject: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditLog {
  append(record: AuditRecord): Promise<void>;
  /** records with `at` in [from, to) */
  list(from: number, to: number): Promise<AuditRecord[]>;
  /** drops records appended before `beforeMs` (the audit keeps `historyDays`); returns how many */
  trim(beforeMs: number): Promise<number>;
}

/**
 * A telephony feed's health as its adapter last wrote it (the key `<prefix>feeds:<name>`). The name
 * is the key's; `pbx` is the PBX's own name and version, null while the adapter does not know it.
 */
export interface FeedRecord {
  name: string;
  connected: boolean;
  since: number;
  lastEventAt: number | null;
  pbx: string | null;
}

export interface FeedStore {
  /**
   * Every feed key that has not expired, in no particular order. A key whose name or value is not
   * a valid feed report is left out.
   */
  list(): Promise<FeedRecord[]>;
  /** Writes (replaces) one feed's key, expiring `ttlMs` from now. */
  put(record: FeedRecord, ttlMs: number): Promise<void>;
}

/**
 * Who sends a notification (docs/notifications.md): one claim per channel, trigger and episode,
 * taken by the first node that asks (Redis: `SET <prefix>notify:<channel>:<trigger>:<episode> <owner> NX PX ttl`).
 * The node holding it sends; every other node, and this one again, is told no.
 */
export interface NotifyClaims {
  /** true when this call took the claim; false when anyone (this owner included) holds it */
  claim(channel: string, trigger: string, episode: string, owner: string, ttlMs: number): Promise<boolean>;
  /** gives the claim back, only if `owner` holds it (a node stopping before it could deliver); true if it did */
  release(channel: string, trigger: string, episode: string, owner: string): Promise<boolean>;
}

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
