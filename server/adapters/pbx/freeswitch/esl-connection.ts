/**
 * One inbound event-socket connection to FreeSWITCH over node:net: the `auth` handshake, commands
 * answered in order (`command/reply`, `api/response`), events handed to a callback, and a watchdog
 * that declares the peer dead after a stretch of silence (FreeSWITCH sends a HEARTBEAT every 20 s
 * to a listener subscribed to it). No library: the framing is small and the npm clients handle
 * disconnects badly (docs/telephony.md).
 */
import { connect, type Socket } from 'node:net';
import { EslParser, parseEventPlain, type EslEvent, type EslMessage } from './esl';

export interface EslConnectionOptions {
  host: string;
  port: number;
  /** give up a TCP connect or the server's greeting after this long */
  connectTimeoutMs?: number;
  /** silence after which the peer is declared dead (ADAPTERS.md: within 60 s) */
  deadAfterMs?: number;
  /** longest wait for the answer to one command */
  commandTimeoutMs?: number;
  /** where an event the handler could not take is reported (default: stderr) */
  logger?: { error(o: object, msg: string): void };
}

/** The answer to a command: `command/reply` (Reply-Text) or `api/response` (body). */
export interface EslReply {
  type: string;
  replyText: string | null;
  body: string;
}

export class EslConnection {
  private readonly parser = new EslParser();
  private readonly waiting: { resolve(m: EslMessage): void; reject(e: Error): void }[] = [];
  private greeting: { resolve(): void; reject(e: Error): void } | null = null;
  private greeted = false;
  private failure: Error | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private closedBy: ((err: Error | null) => void) | null = null;
  /** resolves when the socket is closed: with the error that closed it, or null for a plain close */
  readonly ended: Promise<Error | null>;
  /** the peer said goodbye (`text/disconnect-notice`) */
  disconnectNotice = false;

  private constructor(
    private readonly socket: Socket,
    private readonly o: EslConnectionOptions,
    private readonly onEvent: (e: EslEvent) => void,
  ) {
    this.ended = new Promise((r) => (this.closedBy = r));
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.data(chunk));
    socket.on('error', (err) => this.fail(err));
    socket.on('close', () => this.closed());
    this.feedWatchdog();
  }

  /** Connects and waits for FreeSWITCH's `auth/request`. */
  static async open(o: EslConnectionOptions, onEvent: (e: EslEvent) => void): Promise<EslConnection> {
    const socket = connect({ host: o.host, port: o.port });
    const c = new EslConnection(socket, o, onEvent);
    const timeout = o.connectTimeoutMs ?? 10_000;
    const timer = setTimeout(() => c.fail(new Error(`no answer from ${o.host}:${o.port} within ${Math.round(timeout / 1000)} s`)), timeout);
    try {
      await new Promise<void>((resolve, reject) => {
        if (c.greeted) return resolve();
        if (c.failure) return reject(c.failure);
        c.greeting = { resolve, reject };
      });
    } catch (err) {
      c.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return c;
  }

  /** Sends one command (`auth …`, `event plain …`, `api …`) and resolves with its answer. */
  command(text: string): Promise<EslReply> {
    if (this.failure) return Promise.reject(this.failure);
    if (/[\r\n]/.test(text)) return Promise.reject(new Error('an ESL command cannot contain a line end'));
    return new Promise<EslReply>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`FreeSWITCH did not answer "${text.split(' ').slice(0, 3).join(' ').replace(/^auth .*/, 'auth')}" within ${Math.round((this.o.commandTimeoutMs ?? 30_000) / 1000)} s`)), this.o.commandTimeoutMs ?? 30_000);
      this.waiting.push({
        resolve: (m) => {
          clearTimeout(timer);
          resolve({ type: m.headers.get('Content-Type') ?? '', replyText: m.headers.get('Reply-Text') ?? null, body: m.body ? m.body.toString('utf8') : '' });
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(`${text}\n\n`);
    });
  }

  /** `api <command>`: the body of its `api/response`. */
  async api(command: string): Promise<string> {
    return (await this.command(`api ${command}`)).body;
  }

  /** Closes the connection (idempotent); `ended` resolves once the socket is gone. */
  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private data(chunk: Buffer): void {
    this.feedWatchdog();
    let messages: EslMessage[];
    try {
      messages = this.parser.push(chunk);
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    for (const m of messages) {
      if (this.failure) return;
      const type = (m.headers.get('Content-Type') ?? '').trim();
      switch (type) {
        case 'auth/request':
          this.greeted = true;
          this.greeting?.resolve();
          this.greeting = null;
          break;
        case 'command/reply':
        case 'api/response':
          this.waiting.shift()?.resolve(m);
          break;
        case 'text/event-plain':
          if (m.body) {
            try {
              this.onEvent(parseEventPlain(m.body));
            } catch (err) {
              // an event the mapper cannot take is logged, never fatal (it runs in the socket's handler)
              const o = { err: err instanceof Error ? err.message : String(err) };
              const msg = 'freeswitch: could not map an ESL event; skipped';
              if (this.o.logger) this.o.logger.error(o, msg);
              else console.error(msg, o);
            }
          }
          break;
        case 'text/disconnect-notice':
          this.disconnectNotice = true;
          break;
        case 'text/rude-rejection':
          this.fail(new Error(`FreeSWITCH refused the connection (event_socket.conf apply-inbound-acl): ${(m.body?.toString('utf8') ?? '').trim().slice(0, 200)}`));
          break;
        default:
          break; // text/event-json, log/data and the like: not asked for
      }
    }
  }

  private feedWatchdog(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const ms = this.o.deadAfterMs ?? 60_000;
    this.watchdog = setTimeout(() => this.fail(new Error(`nothing from FreeSWITCH for ${Math.round(ms / 1000)} s (no HEARTBEAT): the connection is dead`)), ms);
    this.watchdog.unref?.();
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.close();
    this.settle(err);
  }

  private closed(): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    const err = this.failure ?? (this.greeted ? null : new Error('the connection closed before FreeSWITCH asked for the password'));
    if (!this.failure && this.waiting.length > 0) this.failure = new Error(this.disconnectNotice ? 'FreeSWITCH said goodbye (disconnect-notice)' : 'FreeSWITCH closed the connection');
    this.settle(err);
  }

  private settle(err: Error | null): void {
    const pendingError = this.failure ?? new Error('FreeSWITCH closed the connection');
    for (const w of this.waiting.splice(0)) w.reject(pendingError);
    if (this.greeting) {
      this.greeting.reject(err ?? pendingError);
      this.greeting = null;
    }
    if (this.socket.destroyed) {
      if (this.watchdog) clearTimeout(this.watchdog);
      this.closedBy?.(err);
      this.closedBy = null;
    }
  }
}
