/**
 * Replay: a node starting on a stream of `total` events with no snapshot (a new node, or one whose
 * snapshot was lost), timed from the fork of its process to the first 200 from GET /readyz. A node
 * still replaying after `limitS` is stopped and its progress reported instead.
 */
import type { BenchRedis } from './redis';
import { streamWeek } from './day';
import { startServer, type ServerStats } from './server-process';
import { count, fmt, mib, now, sleep, table } from './stats';

async function writeWeek(redis: BenchRedis, prefix: string, total: number, timeZone: string) {
  const log = redis.log(prefix);
  const t0 = now();
  const pending = new Set<Promise<unknown>>();
  const week = await streamWeek(total, timeZone, async (chunk) => {
    for (let i = 0; i < chunk.length; i += 1000) {
      const p = log.append(chunk.slice(i, i + 1000));
      pending.add(p);
      void p.finally(() => pending.delete(p));
      if (pending.size >= 4) await Promise.race(pending);
    }
  });
  await Promise.all(pending);
  const bytes = await redis.clients.main.sendCommand(['MEMORY', 'USAGE', `${prefix}events`, 'SAMPLES', '0']);
  return { ...week, writtenS: (now() - t0) / 1000, bytes: typeof bytes === 'number' ? bytes : NaN };
}

export async function runReplay(redis: BenchRedis, total: number, timeZone: string, limitS: number): Promise<void> {
  const prefix = await redis.freshPrefix();
  const week = await writeWeek(redis, prefix, total, timeZone);
  const days = (week.to - week.from) / 86_400_000;
  const title = `replay — ${count(week.events)} events (${fmt(days, 1)} days of the center, written in ${fmt(week.writtenS)} s, ${mib(week.bytes)} MiB in Redis), no snapshot: server process start → /readyz 200`;

  const server = await startServer({ redisUrl: redis.url, prefix, timeZone });
  const progress: ServerStats[] = [];
  try {
    let readyAt: number | null = null;
    let nextSample = now() + 5000;
    while (now() - server.forkedAt < limitS * 1000) {
      if (await server.isReady()) {
        readyAt = now();
        break;
      }
      if (now() >= nextSample) {
        progress.push(await server.stats());
        nextSample += 5000;
      }
      await sleep(20);
    }
    const s = await server.stats();
    if (readyAt !== null) {
      const { loadedMs, startAppMs } = await server.listening;
      table(title, ['events', 'ready s', 'of which startApp s', 'replayed events/s', 'RSS MiB at ready'], [
        [count(week.events), fmt((readyAt - server.forkedAt) / 1000, 1), fmt(startAppMs / 1000, 1), fmt(week.events / (startAppMs / 1000)), mib(s.rss)],
      ]);
      console.log(`  (node start-up and module loading: ${fmt(loadedMs / 1000, 1)} s)`);
    } else {
      const back = progress.find((p) => s.at - p.at <= 10_500) ?? s;
      const recent = s.at > back.at ? ((s.entriesRead - back.entriesRead) / (s.at - back.at)) * 1000 : NaN;
      table(title, ['events', 'ready s', 'read when stopped', 'events/s overall', 'events/s last 10 s', 'RSS MiB'], [
        [count(week.events), `> ${limitS} (stopped)`, count(s.entriesRead), fmt(s.entriesRead / ((s.at - server.forkedAt) / 1000)), fmt(recent), mib(s.rss)],
      ]);
      console.log(`  progress (events read every 5 s): ${progress.map((p) => count(p.entriesRead)).join(' ')}`);
    }
  } finally {
    await server.stop();
    await redis.freshPrefix(); // frees the stream's memory
  }
}
