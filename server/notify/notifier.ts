/**
 * Notifications (OPERATIONS.md, "Notifications"; docs/notifications.md): watches what this node's
 * LiveView publishes, finds the episodes that are new (episodes.ts), and delivers each one to every
 * channel listening to its trigger, exactly once across all nodes:
 *
 * 1. **Seen**: the view calls back in its publish step; the notifier only notes that something may
 *    have changed and looks at `latest()` on the next turn of the event loop, so neither the reader
 *    nor the screens ever wait for it. An episode this node has not seen yet gets a delivery per
 *    channel; at start, every episode already shown is "not seen yet".
 * 2. **Claimed**: before the first attempt, the claim `<prefix>notify:<channel>:<trigger>:<episode>`
 *    (SET NX PX, 14 days). The node that takes it sends; the others, and a node started later that
 *    finds the episode still there, let it be. An episode that became due while every node was
 *    down is new to the claims, so the first node up sends it.
 * 3. **Sent**, one at a time per channel, retried with exponential backoff (5 s, 10 s, 20 s, … up to
 *    2 min apart) for up to 10 minutes after this node saw the episode begin; every success is
 *    `notify.sent` in the audit log, every final failure `notify.failed` (detail: channel, trigger,
 *    attempts, status), each failed attempt a debug line.
 *
 * A node stopping gives back the claims of deliveries it has not made (after letting attempts in
 * flight finish), so the next node to start sends them if the episode is still on.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { CenterConfig, NotifyChannel, NotifyKind, NotifyTrigger } from '../../shared/config';
import type { PatchOp } from '../../shared/patch';
import type { Snapshot } from '../../shared/snapshot';
import type { AuditLog, Clock, NotifyClaims } from '../ports';
import { channelTakes, EPISODE_SOURCES, episodesIn } from './episodes';
import { emailFrom, emailOf, httpRequestFor } from './formats';
import { messageFor, testMessage, type MessageContext, type NotifyMessage } from './message';
import { postJson, smtpMailer, type Mailer, type SendResult } from './transport';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;

/** Timings; production uses the defaults, tests shorten them. */
export interface NotifyTuning {
  /** the first retry's delay; each next one doubles (default 5 s) */
  retryFirstMs?: number;
  /** the longest delay between attempts (default 2 min) */
  retryMaxMs?: number;
  /** how long after an episode was seen deliveries are tried (default 10 min) */
  windowMs?: number;
  /** one HTTP request or SMTP stage (default 10 s) */
  timeoutMs?: number;
  /** how long a claim is kept (default 14 days) */
  claimTtlMs?: number;
  /** elapsed time for the retry window (default performance.now: the wallboard's clock may be simulated or stand still) */
  elapsed?: () => number;
  /** this machine's real time for the robots' signatures, which their servers check against their own clock (default Date.now) */
  wallNow?: () => number;
  /** sends e-mail (default nodemailer on SMTP_URL) */
  mailer?: Mailer | null;
}

export interface NotifierDeps {
  /** the node's view: what it last published */
  view: { subscribe(fn: (p: { ops: PatchOp[] }) => void): () => void; latest(): Snapshot };
  claims: NotifyClaims;
  audit: AuditLog;
  clock: Clock;
  logger: Pick<Logger, 'debug' | 'info' | 'warn' | 'error'>;
  config: CenterConfig;
  /** PUBLIC_URL (no trailing slash), for the links; null: messages carry no link */
  publicUrl: string | null;
  /** SMTP_URL, for e-mail channels; null: they cannot send */
  smtpUrl: string | null;
}

/** A channel as /admin lists it: never its secret or full URL. */
export interface ChannelInfo {
  name: string;
  kind: NotifyKind;
  /** the robot's or webhook's host, the SMTP server's host for e-mail (null without SMTP_URL) */
  host: string | null;
  hasSecret: boolean;
  on: NotifyTrigger[];
  /** e-mail recipients */
  to: string[] | null;
  /** why it cannot send, or null: `no_smtp` (an e-mail channel without SMTP_URL) */
  problem: 'no_smtp' | null;
}

export interface TestResult {
  channel: string;
  ok: boolean;
  status: number | string;
  error: string | null;
  at: number;
}

interface Delivery {
  channel: NotifyChannel;
  trigger: NotifyTrigger;
  episode: string;
  message: NotifyMessage;
  claimed: boolean;
  attempts: number;
  /** failed tries to take the claim (the store unreachable) */
  claimTries: number;
  /** `elapsed()` after which no further attempt starts */
  deadline: number;
  last: SendResult | null;
  timer: NodeJS.Timeout | null;
}

/** The host of a URL, without credentials or path. */
function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}

export class Notifier {
  /** this node, as the owner of its claims */
  readonly owner = randomUUID();
  readonly #d: NotifierDeps;
  readonly #channels: readonly NotifyChannel[];
  readonly #ctx: MessageContext;
  readonly #t: Required<Omit<NotifyTuning, 'mailer'>>;
  readonly #mailer: Mailer | null;
  readonly #from: string;
  /** `trigger \0 id` of the episodes shown at the last look */
  #seen = new Set<string>();
  /** deliveries waiting for their channel, by channel name */
  readonly #queues = new Map<string, Delivery[]>();
  /** the attempt in flight, by channel name */
  readonly #busy = new Map<string, Promise<void>>();
  /** deliveries waiting for a retry */
  readonly #waiting = new Set<Delivery>();
  /** claimed, not delivered, and left when the node stopped */
  readonly #left: Delivery[] = [];
  #scan: NodeJS.Immediate | null = null;
  #unsubscribe: (() => void) | null = null;
  #stopped = false;

  constructor(deps: NotifierDeps, tuning: NotifyTuning = {}) {
    this.#d = deps;
    this.#channels = deps.config.notify;
    this.#ctx = { config: deps.config, publicUrl: deps.publicUrl };
    this.#t = {
      retryFirstMs: tuning.retryFirstMs ?? 5_000,
      retryMaxMs: tuning.retryMaxMs ?? 2 * MIN,
      windowMs: tuning.windowMs ?? 10 * MIN,
      timeoutMs: tuning.timeoutMs ?? 10_000,
      claimTtlMs: tuning.claimTtlMs ?? 14 * DAY,
      elapsed: tuning.elapsed ?? (() => performance.now()),
      wallNow: tuning.wallNow ?? (() => Date.now()),
    };
    const needsMail = this.#channels.some((c) => c.kind === 'email');
    this.#mailer = tuning.mailer !== undefined ? tuning.mailer : needsMail && deps.smtpUrl ? smtpMailer(deps.smtpUrl, this.#t.timeoutMs) : null;
    this.#from = emailFrom(deps.publicUrl);
  }

  /** Starts watching the view (nothing to do without channels); the episodes shown now are looked at at once. */
  start(): void {
    if (this.#channels.length === 0 || this.#unsubscribe) return;
    for (const c of this.#channels) {
      if (c.kind === 'email' && !this.#mailer) this.#d.logger.error({ channel: c.name }, 'e-mail notification channel without SMTP_URL: its messages cannot be sent');
    }
    this.#unsubscribe = this.#d.view.subscribe((p) => {
      if (p.ops.some((op) => op.path.length === 0 || EPISODE_SOURCES.has(op.path[0]!))) this.#scheduleScan();
    });
    this.#scheduleScan();
  }

  /**
   * Stops watching, lets attempts in flight finish (each is bounded by the timeout), and gives back
   * the claims of the deliveries not made, so a node that starts later sends them.
   */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#scan) clearImmediate(this.#scan);
    for (const d of this.#waiting) if (d.timer) clearTimeout(d.timer);
    await Promise.allSettled([...this.#busy.values()]);
    const undelivered = [...this.#waiting, ...[...this.#queues.values()].flat(), ...this.#left].filter((d) => d.claimed);
    this.#waiting.clear();
    this.#queues.clear();
    for (const d of undelivered) {
      try {
        await this.#d.claims.release(d.channel.name, d.trigger, d.episode, this.owner);
      } catch {
        /* the store is away: the claim expires by itself */
      }
      this.#d.logger.warn({ channel: d.channel.name, trigger: d.trigger, episode: d.episode, attempts: d.attempts }, 'notification not delivered before the node stopped; claim given back');
    }
    this.#mailer?.close();
  }

  /** The configured channels, as /admin may show them. */
  channels(): ChannelInfo[] {
    return this.#channels.map((c) => ({
      name: c.name,
      kind: c.kind,
      host: c.kind === 'email' ? hostOf(this.#d.smtpUrl) : hostOf(c.url ?? null),
      hasSecret: c.secret !== undefined,
      on: [...c.on],
      to: c.to ? [...c.to] : null,
      problem: c.kind === 'email' && !this.#mailer ? 'no_smtp' : null,
    }));
  }

  /** Sends a test message to a channel now (no claim, one attempt) and audits it as `notify.test`; null for an unknown channel. */
  async test(name: string, by: string): Promise<TestResult | null> {
    const channel = this.#channels.find((c) => c.name === name);
    if (!channel) return null;
    const at = this.#d.clock.now();
    const r = await this.#send(channel, testMessage(channel, by, at, this.#ctx));
    await this.#audit({ at, actor: by, role: 'admin', action: 'notify.test', subject: channel.name, detail: { channel: channel.name, kind: channel.kind, ok: r.ok, status: r.status, ...(r.error ? { error: r.error } : {}) } });
    return { channel: channel.name, ok: r.ok, status: r.status, error: r.error, at };
  }

  /** Deliveries not finished yet (queued, in flight or waiting for a retry): for tests and shutdown. */
  pending(): number {
    let n = this.#waiting.size + this.#busy.size;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  #scheduleScan(): void {
    if (this.#scan || this.#stopped) return;
    this.#scan = setImmediate(() => {
      this.#scan = null;
      try {
        this.#look(this.#d.view.latest());
      } catch (err) {
        this.#d.logger.error({ err: err instanceof Error ? err.stack : String(err) }, 'notifications: could not read the view');
      }
    });
  }

  /** Compares the episodes shown with those seen at the last look; each new one goes to its channels. */
  #look(snapshot: Snapshot): void {
    const now = new Set<string>();
    for (const e of episodesIn(snapshot)) {
      const key = `${e.trigger}\u0000${e.id}`;
      if (now.has(key)) continue;
      now.add(key);
      if (this.#seen.has(key)) continue;
      const channels = this.#channels.filter((c) => channelTakes(c.on, e));
      if (channels.length === 0) continue;
      const message = messageFor(e, this.#ctx);
      const deadline = this.#t.elapsed() + this.#t.windowMs;
      for (const channel of channels) {
        this.#enqueue({ channel, trigger: e.trigger, episode: e.id, message, claimed: false, attempts: 0, claimTries: 0, deadline, last: null, timer: null });
      }
    }
    // an episode gone and back (a feed flapping with the same `since`) is looked at again: its claim decides
    this.#seen = now;
  }

  #enqueue(d: Delivery): void {
    const name = d.channel.name;
    let q = this.#queues.get(name);
    if (!q) this.#queues.set(name, (q = []));
    q.push(d);
    this.#kick(name);
  }

  /** Runs the channel's next delivery unless one is in flight: one at a time per channel, in order. */
  #kick(name: string): void {
    if (this.#stopped || this.#busy.has(name)) return;
    const d = this.#queues.get(name)?.shift();
    if (!d) return;
    const run = this.#attempt(d)
      .catch((err: unknown) => this.#d.logger.error({ err: err instanceof Error ? err.stack : String(err), channel: name }, 'notification attempt failed unexpectedly'))
      .finally(() => {
        this.#busy.delete(name);
        this.#kick(name);
      });
    this.#busy.set(name, run);
  }

  async #attempt(d: Delivery): Promise<void> {
    const log = { channel: d.channel.name, trigger: d.trigger, episode: d.episode };
    if (!d.claimed) {
      try {
        d.claimed = await this.#d.claims.claim(d.channel.name, d.trigger, d.episode, this.owner, this.#t.claimTtlMs);
      } catch (err) {
        d.claimTries += 1;
        d.last = { ok: false, status: 'claim', error: `could not claim: ${err instanceof Error ? err.message : String(err)}` };
        this.#d.logger.debug({ ...log, err: String(err) }, 'notification claim failed; will retry');
        return this.#later(d);
      }
      if (!d.claimed) {
        this.#d.logger.debug(log, 'notification already claimed (sent by another node, or before)');
        return;
      }
    }
    d.attempts += 1;
    const r = await this.#send(d.channel, d.message);
    d.last = r;
    if (r.ok) {
      this.#d.logger.info({ ...log, attempts: d.attempts, status: r.status }, 'notification sent');
      await this.#record('notify.sent', d);
      return;
    }
    this.#d.logger.debug({ ...log, attempt: d.attempts, status: r.status, error: r.error }, 'notification attempt failed');
    return this.#later(d);
  }

  /** Schedules the next try, or gives up when it would start after the window. */
  async #later(d: Delivery): Promise<void> {
    if (this.#stopped) {
      this.#left.push(d);
      return;
    }
    const n = d.attempts + d.claimTries;
    const delay = Math.min(this.#t.retryMaxMs, this.#t.retryFirstMs * 2 ** Math.max(0, n - 1));
    if (this.#t.elapsed() + delay > d.deadline) return this.#giveUp(d);
    d.timer = setTimeout(() => {
      d.timer = null;
      this.#waiting.delete(d);
      this.#enqueue(d);
    }, delay);
    this.#waiting.add(d);
  }

  async #giveUp(d: Delivery): Promise<void> {
    const log = { channel: d.channel.name, trigger: d.trigger, episode: d.episode, attempts: d.attempts, status: d.last?.status, error: d.last?.error };
    if (!d.claimed) {
      // the claim store stayed unreachable: nobody may have sent it, and there is no audit to write to either
      this.#d.logger.error(log, 'notification not sent: the claim could not be taken within the retry window');
      return;
    }
    this.#d.logger.warn(log, 'notification failed for good');
    await this.#record('notify.failed', d);
  }

  #record(action: 'notify.sent' | 'notify.failed', d: Delivery): Promise<void> {
    const r = d.last;
    return this.#audit({
      at: this.#d.clock.now(),
      actor: 'system',
      role: 'system',
      action,
      subject: d.episode,
      detail: { channel: d.channel.name, trigger: d.trigger, attempts: d.attempts, status: r?.status ?? null, ...(r?.error ? { error: r.error } : {}) },
    });
  }

  async #audit(record: Parameters<AuditLog['append']>[0]): Promise<void> {
    try {
      await this.#d.audit.append(record);
    } catch (err) {
      this.#d.logger.error({ err: String(err), action: record.action, subject: record.subject }, 'could not write the audit record');
    }
  }

  #send(channel: NotifyChannel, message: NotifyMessage): Promise<SendResult> {
    if (channel.kind === 'email') {
      if (!this.#mailer) return Promise.resolve({ ok: false, status: 'no_smtp', error: 'SMTP_URL is not set' });
      return this.#mailer.send(emailOf(message, channel.to ?? [], this.#from));
    }
    return postJson(httpRequestFor(channel, message, this.#t.wallNow()), this.#t.timeoutMs);
  }
}
