/**
 * One live run: a fresh Redis prefix preloaded with the day so far, the server in its own process,
 * N screens (push or poll), then a steady 500 events/s appended straight to the stream. Measures,
 * per event and per screen, the time from just before its XADD to the first patch (or poll answer)
 * whose cursor covers it; plus bytes per screen, server CPU and RSS over time.
 */
import type { HotlineEvent } from '../../shared/events';
import type { RedisEventLog } from '../../server/adapters/redis/event-log';
import { appendAll, type BenchRedis } from './redis';
import { liveSource, openDay, type DayPlan } from './day';
import { pollScreens, pushScreens, type Screens, type Seen } from './screens';
import { cpuPercent, eventLoopBusy, startServer, type ServerStats } from './server-process';
import { compareIds, Histogram, now, sleep } from './stats';

export interface LiveOptions {
  mode: 'push' | 'poll';
  screens: number;
  plan: DayPlan;
  /** events per second appended during the run */
  rate: number;
  warmupS: number;
  seconds: number;
}

export interface LiveResult {
  mode: 'push' | 'poll';
  screens: number;
  /** events in the stream before the run (the day so far) */
  dayEvents: number;
  latency: Histogram;
  /** share of (event, screen) pairs never seen: not by a patch within 5 s, not by a poll within 10 s after the load */
  missed: number;
  /** a screen saw the cursor go back: the node rebuilt its state during the run (see its log line) */
  cursorWentBack: boolean;
  bytesPerScreenS: number;
  jsonBytesPerScreenS: number;
  serverCpu: number;
  serverBusy: number;
  /** this process (load generator and screens) */
  clientCpu: number;
  /** server RSS sampled every 2 s from the start of the load */
  rss: number[];
  /** the preloaded day: server start → /readyz 200 (ms) */
  readyMs: number;
  eventsSent: number;
  /** push: patch bytes at one screen by snapshot key */
  patchMix: Map<string, number> | null;
}

interface Sent {
  ids: string[];
  at: number[];
}

const TICK_MS = 10;

/**
 * Appends `rate` events a second from `next`, in the few-event batches due at each 10 ms tick, and
 * never waits for one append before starting the next (replies come back in order on the one
 * connection, so `sent` is in stream order).
 */
function startLoad(log: RedisEventLog, next: (n: number) => HotlineEvent[], rate: number) {
  const batches: { at: number; ids: string[] }[] = [];
  const inFlight = new Set<Promise<void>>();
  const t0 = now();
  let issued = 0;
  let failed: unknown = null;
  const timer = setInterval(() => {
    const due = Math.floor(((now() - t0) * rate) / 1000) - issued;
    if (due <= 0) return;
    issued += due;
    const events = next(due);
    const slot = { at: now(), ids: [] as string[] };
    batches.push(slot);
    const p = log.append(events).then(
      (ids) => void (slot.ids = ids),
      (err: unknown) => void (failed = err),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, TICK_MS);
  return {
    async stop(): Promise<Sent> {
      clearInterval(timer);
      await Promise.all(inFlight);
      if (failed) throw failed;
      const sent: Sent = { ids: [], at: [] };
      for (const b of batches) for (const id of b.ids) sent.ids.push(id), sent.at.push(b.at);
      return sent;
    },
  };
}

/** Latency of each event sent at or after `from`, at each screen: the first sighting of a cursor ≥ its ID. */
function latencies(sent: Sent, seen: Seen[], from: number): { h: Histogram; missed: number; wentBack: boolean } {
  const h = new Histogram();
  let missed = 0;
  let pairs = 0;
  let wentBack = false;
  const first = sent.at.findIndex((t) => t >= from);
  if (first < 0) return { h, missed: 0, wentBack };
  for (const s of seen) {
    let e = first;
    for (let k = 0; k < s.cursors.length; k++) {
      const c = s.cursors[k]!;
      if (k > 0 && compareIds(c, s.cursors[k - 1]!) < 0) wentBack = true;
      while (e < sent.ids.length && compareIds(sent.ids[e]!, c) <= 0) {
        h.add(s.at[k]! - sent.at[e]!);
        e++;
      }
    }
    missed += sent.ids.length - e;
    pairs += sent.ids.length - first;
  }
  return { h, missed: missed / pairs, wentBack };
}

/** Waits until every screen has seen `last` (or `timeoutMs` passed). */
async function settle(seen: Seen[], last: string, timeoutMs: number): Promise<void> {
  const until = now() + timeoutMs;
  const done = (s: Seen) => s.cursors.length > 0 && compareIds(s.cursors[s.cursors.length - 1]!, last) >= 0;
  while (now() < until && !seen.every(done)) await sleep(50);
}

export async function liveRun(redis: BenchRedis, o: LiveOptions): Promise<LiveResult> {
  const prefix = await redis.freshPrefix();
  const log = redis.log(prefix);
  const { events, sim } = openDay(o.plan);
  await appendAll(log, events);
  const token = await redis.createDevice(prefix);
  const server = await startServer({ redisUrl: redis.url, prefix, timeZone: o.plan.timeZone });
  let screens: Screens | null = null;
  try {
    const readyAt = await server.ready();
    screens = o.mode === 'push' ? await pushScreens(server.url, token, o.screens) : pollScreens(server.url, token, o.screens);

    const load = startLoad(log, liveSource(sim), o.rate);
    const measureFrom = now() + o.warmupS * 1000;
    await sleep(o.warmupS * 1000);
    const first = await server.stats();
    const cpu0 = process.cpuUsage();
    const bytes0 = screens.bytes();
    const json0 = screens.jsonBytes();
    const rss = [first.rss];
    let last: ServerStats = first;
    const end = measureFrom + o.seconds * 1000;
    while (now() < end) {
      await sleep(Math.min(2000, end - now()));
      last = await server.stats();
      rss.push(last.rss);
    }
    const elapsedS = (last.at - first.at) / 1000;
    const bytes = screens.bytes() - bytes0;
    const json = screens.jsonBytes() - json0;
    const cpu1 = process.cpuUsage(cpu0);
    const sent = await load.stop();
    // the last events' patches (or the next poll of every screen) still on their way
    await settle(screens.seen, sent.ids[sent.ids.length - 1] ?? '0-0', o.mode === 'push' ? 5_000 : 10_000);
    const { h, missed, wentBack } = latencies(sent, screens.seen, measureFrom);
    return {
      mode: o.mode,
      screens: o.screens,
      dayEvents: events.length,
      latency: h,
      missed,
      cursorWentBack: wentBack,
      bytesPerScreenS: bytes / o.screens / elapsedS,
      jsonBytesPerScreenS: json / o.screens / elapsedS,
      serverCpu: cpuPercent(first, last),
      serverBusy: eventLoopBusy(first, last),
      clientCpu: ((cpu1.user + cpu1.system) / 1000 / (last.at - first.at)) * 100,
      rss,
      readyMs: readyAt - server.forkedAt,
      eventsSent: sent.ids.length,
      patchMix: screens.patchMix ?? null,
    };
  } finally {
    await screens?.close();
    await server.stop();
  }
}
