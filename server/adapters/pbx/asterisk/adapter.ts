/**
 * The Asterisk adapter assembled: Feed + mapper + AMI session + runner, for given settings and
 * sinks. The entry point (server/adapter-asterisk.ts) reads the environment and builds the sinks;
 * tests and the demo call this with their own.
 */
import { Feed, type FeedSink, type Timers } from '../common/feed';
import { runAdapter, type RunningAdapter, type RunnerOptions } from '../common/runner';
import type { HealthSink } from '../common/sink';
import { AsteriskMapper, type MapperLogger } from './mapper';
import { amiSession } from './session';

export interface AsteriskAdapterOptions {
  name: string;
  host: string;
  port: number;
  username: string;
  secret: string;
  queues: Map<string, string> | null;
  events: FeedSink;
  health: HealthSink;
  logger: MapperLogger;
  now?: () => number;
  /** wrap-up seconds for members whose own Wrapuptime is 0 (AMI_WRAPUP_SEC) */
  defaultWrapUpSec?: number;
  /** the Feed's wrap-up timers and the mapper's transfer grace (tests fire them by hand) */
  timers?: Timers;
  transferGraceMs?: number;
  /** PBX Timestamps further than this from `now` are replaced by the time read (default 5 min; the demo replays a day) */
  maxClockSkewMs?: number;
  pingEveryMs?: number;
  deadAfterMs?: number;
  healthEveryMs?: number;
  sleep?: RunnerOptions['sleep'];
}

export interface RunningAsteriskAdapter extends RunningAdapter {
  feed: Feed;
  mapper: AsteriskMapper;
}

export function startAsteriskAdapter(o: AsteriskAdapterOptions): RunningAsteriskAdapter {
  const now = o.now ?? Date.now;
  const feed = new Feed({ name: o.name, sink: o.events, now, logger: o.logger, timers: o.timers });
  const mapper = new AsteriskMapper({ feed, queues: o.queues, logger: o.logger, now, timers: o.timers, transferGraceMs: o.transferGraceMs, defaultWrapUpSec: o.defaultWrapUpSec, maxClockSkewMs: o.maxClockSkewMs });
  const session = amiSession({ host: o.host, port: o.port, username: o.username, secret: o.secret, mapper, logger: o.logger, now, pingEveryMs: o.pingEveryMs, deadAfterMs: o.deadAfterMs });
  // a transfer still in its grace at stop ends there, before the feed's last drain
  const running = runAdapter({ name: o.name, feed, health: o.health, session, logger: o.logger, now, healthEveryMs: o.healthEveryMs, sleep: o.sleep, onStopped: () => mapper.stop() });
  return {
    feed,
    mapper,
    health: running.health,
    stop: (drainMs?: number) => running.stop(drainMs),
  };
}
