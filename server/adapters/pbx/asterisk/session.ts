/**
 * One AMI connection, from TCP connect to close (the runner's `Session`): banner, `Action: Login`
 * with `Events: agent,system` (the queue events are all class `agent`; `system` brings
 * `FullyBooted`), then `Action: QueueStatus` with an ActionID, its list collected until
 * `QueueStatusComplete` and handed to the mapper as the resync, then the live events. `Ping` every
 * 20 s; a peer silent for 60 s is declared dead. A refused login is a clear error (the runner logs it
 * and retries after its backoff).
 */
import { connect, type Socket } from 'node:net';
import type { Session } from '../common/runner';
import { AmiMessage, AmiParser } from './ami-parser';
import type { AsteriskMapper, MapperLogger } from './mapper';

export interface AmiSessionOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  mapper: AsteriskMapper;
  logger: MapperLogger;
  /** the adapter's clock: when a message was received (events without a Timestamp) */
  now: () => number;
  /** keep-alive `Ping` interval (default 20 s) */
  pingEveryMs?: number;
  /** a peer that sends nothing for this long is dead (default 60 s) */
  deadAfterMs?: number;
  /** TCP connect plus banner (default 10 s) */
  connectTimeoutMs?: number;
  /**
   * QueueStatus list items, and live events held meanwhile, beyond which a list that never ends
   * (no QueueStatusComplete) is a protocol error (default 100,000 each)
   */
  maxStatusItems?: number;
}

/** The PBX refused the login: wrong AMI_USERNAME / AMI_SECRET, or a manager.conf permit/deny. */
export class AmiLoginError extends Error {}

let actionSeq = 0;

export function amiSession(o: AmiSessionOptions): Session {
  const pingEvery = o.pingEveryMs ?? 20_000;
  const deadAfter = o.deadAfterMs ?? 60_000;
  const connectTimeout = o.connectTimeoutMs ?? 10_000;
  const maxStatusItems = o.maxStatusItems ?? 100_000;
  if (/[\r\n]/.test(o.username) || /[\r\n]/.test(o.secret)) throw new Error('AMI_USERNAME / AMI_SECRET must not contain line breaks');

  // one listener on the runner's `stopping` for all sessions (a listener per session would pile up
  // over days of reconnect attempts while the PBX is down)
  const live = new Set<() => void>();
  let hooked: Promise<void> | null = null;
  let stopRequested = false;

  return (_feed, hooks) =>
    new Promise<void>((resolve, reject) => {
      if (hooked !== hooks.stopping) {
        hooked = hooks.stopping;
        stopRequested = false;
        void hooks.stopping.then(() => {
          stopRequested = true;
          for (const stop of [...live]) stop();
        });
      }
      if (stopRequested) return resolve();
      const where = `${o.host}:${o.port}`;
      const parser = new AmiParser();
      const loginId = `wallboard-login-${++actionSeq}`;
      const statusId = `wallboard-queuestatus-${++actionSeq}`;
      let loggedIn = false;
      let stopping = false;
      let done = false;
      /** QueueStatus list items while the list is open; null otherwise */
      let statusItems: AmiMessage[] | null = null;
      /** live events that arrived while the list was open: applied after the resync */
      let held: { msg: AmiMessage; at: number }[] = [];
      let lastData = Date.now();
      let lastPing = Date.now();
      let ticker: NodeJS.Timeout | null = null;

      const socket: Socket = connect({ host: o.host, port: o.port });
      socket.setNoDelay(true);
      const connectTimer = setTimeout(() => finish(new Error(`${where}: no manager banner within ${connectTimeout} ms`)), connectTimeout);

      const finish = (err?: Error) => {
        if (done) return;
        done = true;
        live.delete(onStop);
        clearTimeout(connectTimer);
        if (ticker) clearInterval(ticker);
        socket.destroy();
        o.mapper.sessionEnded();
        if (err) reject(err);
        else resolve();
      };

      const send = (fields: Record<string, string>) => {
        if (!done && socket.writable) socket.write(AmiMessage.encode(fields));
      };

      const tick = () => {
        const t = Date.now();
        if (t - lastData >= deadAfter) return finish(new Error(`${where}: nothing heard from the PBX for ${Math.round(deadAfter / 1000)} s (dead connection)`));
        if (loggedIn && t - lastPing >= pingEvery) {
          lastPing = t;
          send({ Action: 'Ping', ActionID: `wallboard-ping-${++actionSeq}` });
        }
      };

      const onResponse = (msg: AmiMessage) => {
        const actionId = msg.get('ActionID');
        const ok = msg.response === 'Success';
        if (actionId === loginId) {
          if (!ok) {
            const why = msg.get('Message') || msg.response || 'no reason given';
            return finish(new AmiLoginError(`${where}: login refused by the PBX: ${why} (check AMI_USERNAME / AMI_SECRET and the permit/deny of that manager.conf user)`));
          }
          loggedIn = true;
          hooks.connected(parser.banner ?? 'Asterisk Call Manager');
          send({ Action: 'QueueStatus', ActionID: statusId });
          return;
        }
        if (actionId === statusId) {
          if (!ok) return finish(new Error(`${where}: QueueStatus refused: ${msg.get('Message') ?? msg.response}`));
          // a list follows (EventList: start); Asterisk ends it with QueueStatusComplete
          statusItems = [];
          return;
        }
        if (msg.response === 'Goodbye') return;
        // Ping replies and anything else: being heard is all they are for
      };

      const onMessage = (msg: AmiMessage) => {
        const at = o.now();
        o.mapper.heard(at);
        if (msg.response !== undefined && msg.event === undefined) return onResponse(msg);
        if (statusItems !== null && msg.get('ActionID') === statusId) {
          if (msg.event !== 'QueueStatusComplete') {
            if (statusItems.length >= maxStatusItems) return finish(new Error(`${where}: the QueueStatus list did not end (more than ${maxStatusItems} items without QueueStatusComplete); reconnecting`));
            statusItems.push(msg);
            return;
          }
          const items = statusItems;
          statusItems = null;
          o.mapper.resync(items, at);
          const later = held;
          held = [];
          for (const h of later) o.mapper.onEvent(h.msg, h.at);
          return;
        }
        if (statusItems !== null) {
          if (held.length >= maxStatusItems) return finish(new Error(`${where}: the QueueStatus list did not end (more than ${maxStatusItems} live events held waiting for QueueStatusComplete); reconnecting`));
          held.push({ msg, at });
          return;
        }
        o.mapper.onEvent(msg, at);
      };

      socket.on('data', (chunk: Buffer) => {
        lastData = Date.now();
        const hadBanner = parser.banner !== null;
        let messages: AmiMessage[];
        try {
          messages = parser.push(chunk);
        } catch (err) {
          return finish(new Error(`${where}: ${(err as Error).message}`));
        }
        if (!hadBanner && parser.banner !== null) {
          clearTimeout(connectTimer);
          ticker = setInterval(tick, Math.max(10, Math.min(pingEvery, deadAfter / 4, 5000)));
          ticker.unref?.();
          // Events: the classes to receive (manager.conf `read=` must allow them)
          send({ Action: 'Login', ActionID: loginId, Username: o.username, Secret: o.secret, Events: 'agent,system' });
        }
        for (const m of messages) {
          if (done) return;
          try {
            onMessage(m);
          } catch (err) {
            // a message the mapper cannot take is logged, never fatal
            o.logger.error({ err: (err as Error).message, event: m.event }, 'asterisk: could not map an AMI message; skipped');
          }
        }
      });
      socket.on('error', (err) => finish(new Error(`${where}: ${err.message}`)));
      socket.on('close', () => {
        if (stopping) return finish();
        if (!loggedIn) return finish(new Error(`${where}: the PBX closed the connection before the login completed`));
        finish();
      });
      function onStop(): void {
        stopping = true;
        if (done) return;
        if (loggedIn) send({ Action: 'Logoff', ActionID: `wallboard-logoff-${++actionSeq}` });
        socket.end();
        // a peer that does not close its side is cut off
        setTimeout(() => finish(), 1000).unref?.();
      }
      live.add(onStop);
    });
}
