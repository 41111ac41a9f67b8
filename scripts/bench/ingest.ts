/**
 * Ingest: how fast a node takes a day of events in, from the first append until its cursor (the
 * state every snapshot is derived from) has reached the last one. Two ways in, both in batches of
 * 1000: XADD straight to the stream (a telephony adapter on Redis), and POST /api/v1/events.
 */
import type { HotlineEvent } from '../../shared/events';
import { appendAll, type BenchRedis } from './redis';
import { openDay, type DayPlan } from './day';
import { cpuPercent, startServer, type ServerProcess, type ServerStats } from './server-process';
import { compareIds, count, fmt, mib, now, sleep, table } from './stats';

const INGEST_TOKEN = 'bench-ingest-token-0123456789';
const BATCH = 1000;

async function postAll(url: string, events: readonly HotlineEvent[]): Promise<string> {
  let last = '0-0';
  for (let i = 0; i < events.length; i += BATCH) {
    const res = await fetch(`${url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${INGEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(events.slice(i, i + BATCH)),
    });
    if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    last = ((await res.json()) as { cursor: string }).cursor;
  }
  return last;
}

async function applied(server: ServerProcess, last: string): Promise<ServerStats> {
  for (;;) {
    const s = await server.stats();
    if (compareIds(s.cursor, last) >= 0) return s;
    await sleep(5);
  }
}

export async function runIngest(redis: BenchRedis, plan: DayPlan): Promise<void> {
  const { events } = openDay(plan);
  const rows: string[][] = [];
  for (const via of ['XADD', 'HTTP'] as const) {
    const prefix = await redis.freshPrefix();
    const server = await startServer({ redisUrl: redis.url, prefix, timeZone: plan.timeZone, ingestToken: INGEST_TOKEN });
    try {
      await server.ready();
      const s0 = await server.stats();
      const t0 = now();
      const last = via === 'XADD' ? await appendAll(redis.log(prefix), events, BATCH) : await postAll(server.url, events);
      const appendedMs = now() - t0;
      const s1 = await applied(server, last);
      const appliedMs = s1.at - t0;
      rows.push([
        via,
        count(events.length),
        fmt(events.length / (appendedMs / 1000)),
        fmt(events.length / (appliedMs / 1000)),
        fmt(appliedMs / 1000, 2),
        `${fmt(cpuPercent(s0, s1))} %`,
        `${mib(s0.rss)}→${mib(s1.rss)}`,
      ]);
    } finally {
      await server.stop();
    }
  }
  table(
    `ingest — a ${count(events.length)}-event day into an empty node, batches of ${BATCH}: appended, and applied (node's cursor at the last event)`,
    ['via', 'events', 'appended/s', 'applied/s', 'applied in s', 'server CPU', 'RSS MiB'],
    rows,
  );
}
