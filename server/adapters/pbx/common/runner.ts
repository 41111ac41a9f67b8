/**
 * The life of an adapter: connect, log in, resync, follow the PBX; on any failure say so in one
 * line and try again after a jittered backoff, for ever (a bad secret or an unreachable PBX is a
 * clear line and a retry, never a crash loop). Feed health is reported every 10 s.
 */
import { Backoff } from './backoff';
import type { Feed } from './feed';
import type { FeedHealth, HealthSink } from './sink';

export interface SessionHooks {
  /** the PBX accepted the login: `pbx` is its banner (e.g. "Asterisk Call Manager/9.0.0") */
  connected(pbx: string): void;
  /** resolves when the adapter is stopping: sessions close their socket then */
  stopping: Promise<void>;
}

/**
 * One connection to the PBX, from connect to close: resolves or rejects when the connection ends
 * (the message of a rejection is logged as the reason).
 */
export type Session = (feed: Feed, hooks: SessionHooks) => Promise<void>;

export interface RunnerOptions {
  name: string;
  feed: Feed;
  health: HealthSink;
  session: Session;
  logger: { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void };
  now?: () => number;
  healthEveryMs?: number;
  backoff?: Backoff;
  /** called once the session has ended at `stop()`, before the feed is drained (settle what is open) */
  onStopped?: () => void;
  /** waits (tests pass a fast one) */
  sleep?: (ms: number, stopping: Promise<void>) => Promise<void>;
}

export interface RunningAdapter {
  /**
   * ends the session and the loop; resolves when both are done and the feed is drained, or, given
   * `drainMs`, when that long has passed with the wallboard not taking the last events (the feed
   * stops retrying then; `feed.backlog` says how many are left)
   */
  stop(drainMs?: number): Promise<void>;
  /** the health as last reported */
  health(): FeedHealth;
}

export function runAdapter(o: RunnerOptions): RunningAdapter {
  const now = o.now ?? Date.now;
  const backoff = o.backoff ?? new Backoff();
  let stop!: () => void;
  const stopping = new Promise<void>((r) => (stop = r));
  // one listener on `stopping` for every wait (one per wait would pile up over days of reconnects)
  let wake: (() => void) | null = null;
  void stopping.then(() => wake?.());
  const defaultSleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        wake = null;
        resolve();
      };
      const t = setTimeout(done, ms);
      wake = done;
    });
  const sleep = o.sleep ?? defaultSleep;
  let stopped = false;
  let state: FeedHealth = { name: o.name, connected: false, since: now(), lastEventAt: null, pbx: null };

  const report = async () => {
    state = { ...state, lastEventAt: o.feed.lastEventAt };
    await o.health.report(state).catch((err) => o.logger.warn({ err: String(err) }, 'could not report feed health'));
  };
  const setConnected = (connected: boolean, pbx: string | null) => {
    if (state.connected === connected) return;
    state = { ...state, connected, since: now(), pbx: pbx ?? state.pbx };
    void report();
  };
  const timer = setInterval(() => void report(), o.healthEveryMs ?? 10_000);
  timer.unref?.();
  void report();

  const loop = (async () => {
    while (!stopped) {
      let wasConnected = false;
      try {
        await o.session(o.feed, {
          connected: (pbx) => {
            wasConnected = true;
            backoff.reset();
            o.logger.info({ pbx }, `${o.name}: connected`);
            setConnected(true, pbx);
          },
          stopping,
        });
        if (!stopped) o.logger.warn({}, `${o.name}: the PBX closed the connection`);
      } catch (err) {
        if (!stopped) o.logger.error({ err: err instanceof Error ? err.message : String(err) }, `${o.name}: ${wasConnected ? 'disconnected' : 'cannot connect'}`);
      }
      setConnected(false, null);
      if (stopped) break;
      const wait = backoff.next();
      o.logger.info({ retryInMs: wait }, `${o.name}: reconnecting`);
      await sleep(wait, stopping);
    }
  })();

  return {
    health: () => state,
    async stop(drainMs?: number) {
      stopped = true;
      stop();
      await loop;
      clearInterval(timer);
      o.onStopped?.();
      o.feed.stop();
      if (drainMs === undefined) await o.feed.drain();
      else await o.feed.drainWithin(drainMs);
      await report();
    },
  };
}
