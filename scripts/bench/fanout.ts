/**
 * The fan-out case (push over Socket.IO) and the polling baseline (GET /api/v1/snapshot every 4 s),
 * each a series of live runs; printed as tables, then push against poll at the same screen counts.
 */
import type { BenchRedis } from './redis';
import { localTime, planDay, type DayPlan } from './day';
import { liveRun, type LiveResult } from './live';
import { count, fmt, mib, table, times } from './stats';

export interface LiveCase {
  /** [day size, screens] pairs, run in this order */
  runs: Array<[number, number]>;
  seconds: number;
  warmupS: number;
  rate: number;
}

const plans = new Map<number, DayPlan>();
/** One plan per day size for the whole benchmark (calibrating takes a few seconds). */
export function planFor(size: number, timeZone: string): DayPlan {
  let p = plans.get(size);
  if (!p) {
    plans.set(size, (p = planDay(size, timeZone)));
    console.log(`  day of ~${count(size)} events: ${p.callsPerDay} calls a day on average → ${p.events} events, ${p.calls} calls by ${localTime(timeZone)}`);
  }
  return p;
}

/** RSS samples, at most ~24 of them evenly spread (a long run samples every 2 s) */
function rssLine(r: LiveResult): string {
  const step = Math.max(1, Math.ceil(r.rss.length / 24));
  const shown = r.rss.filter((_, i) => i % step === 0 || i === r.rss.length - 1);
  return `  ${r.mode} ${r.screens} screens, ${count(r.dayEvents)} day — server RSS MiB every ${2 * step} s: ${shown.map(mib).join(' ')}`;
}

/** "agents 41 %, queue 22 %, …": where a screen's patch bytes go */
function mixLine(mix: Map<string, number>): string {
  const total = [...mix.values()].reduce((a, b) => a + b, 0);
  const parts = [...mix].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt((v / total) * 100)} %`);
  return `  patch bytes by snapshot key (one screen): ${parts.slice(0, 8).join(', ')}`;
}

export async function runLive(redis: BenchRedis, mode: 'push' | 'poll', c: LiveCase, timeZone: string): Promise<LiveResult[]> {
  const results: LiveResult[] = [];
  for (const [day, screens] of c.runs) {
    const r = await liveRun(redis, { mode, screens, plan: planFor(day, timeZone), rate: c.rate, warmupS: c.warmupS, seconds: c.seconds });
    results.push(r);
    console.log(`  · ${mode} ${screens} screens on a ${count(r.dayEvents)}-event day: p99 ${fmt(r.latency.percentile(99))} ms`);
  }
  const title =
    mode === 'push'
      ? `fan-out — event appended (XADD) → patch at each screen, ${c.rate} events/s for ${c.seconds} s (after ${c.warmupS} s warm-up)`
      : `polling baseline — the same screens polling GET /api/v1/snapshot every 4 s: event appended → first poll answer showing it`;
  const bytesHead = mode === 'push' ? 'B/screen/s' : 'B/screen/s gz (json)';
  table(
    title,
    ['day', 'screens', 'p50 ms', 'p99 ms', 'max ms', 'missed', bytesHead, 'server CPU', 'loop busy', 'RSS MiB start→end', 'bench CPU', 'ready s'],
    results.map((r) => [
      `${count(r.dayEvents)} events`,
      String(r.screens),
      fmt(r.latency.percentile(50), 1),
      fmt(r.latency.percentile(99), 1),
      fmt(r.latency.max, 1),
      `${r.missed ? fmt(r.missed * 100, r.missed < 0.01 ? 2 : 0) : 0} %${r.cursorWentBack ? ' *' : ''}`,
      mode === 'push' ? fmt(r.bytesPerScreenS) : `${fmt(r.bytesPerScreenS)} (${fmt(r.jsonBytesPerScreenS)})`,
      `${fmt(r.serverCpu)} %`,
      `${fmt(r.serverBusy * 100)} %`,
      `${mib(r.rss[0]!)}→${mib(r.rss[r.rss.length - 1]!)}`,
      `${fmt(r.clientCpu)} %`,
      fmt(r.readyMs / 1000, 1),
    ]),
  );
  if (results.some((r) => r.cursorWentBack)) console.log('  * the server rebuilt its state during this run (its cursor went back; see the log line above): the figures are not comparable');
  for (const r of results) console.log(rssLine(r));
  const mix = results.find((r) => r.patchMix?.size)?.patchMix;
  if (mix) console.log(mixLine(mix));
  return results;
}

/** Push against poll for each (day, screens) both ran. */
export function compare(push: LiveResult[], poll: LiveResult[]): void {
  const rows: string[][] = [];
  for (const q of poll) {
    const p = push.find((x) => x.screens === q.screens && Math.abs(x.dayEvents - q.dayEvents) / q.dayEvents < 0.2);
    if (!p) continue;
    rows.push([
      `${q.screens} screens, ${count(q.dayEvents)} day`,
      `${times(q.latency.percentile(50), p.latency.percentile(50))} / ${times(q.latency.percentile(99), p.latency.percentile(99))}`,
      times(q.serverCpu, p.serverCpu),
      `${times(q.bytesPerScreenS, p.bytesPerScreenS)} (json ${times(q.jsonBytesPerScreenS, p.jsonBytesPerScreenS)})`,
    ]);
  }
  if (rows.length) table('push vs poll — how many times poll is the larger (older data, more CPU, more bytes)', ['run', 'age p50 / p99', 'server CPU', 'bytes/screen'], rows);
}
