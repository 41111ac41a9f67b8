/**
 * `npm run bench [-- case… [options]]`: performance figures, printed (never asserted in tests).
 * Cases (default: all, in this order): core, fanout, polling, ingest, replay. See docs/performance.md.
 *
 *   --day N        events in the preloaded day (default 100000)
 *   --screens a,b  screen counts on that day (default fan-out 10,100,200,500; polling 100,500)
 *   --seconds N    measured seconds per live run (default 20), after a 2 s warm-up
 *   --rate N       live events per second (default 500)
 *   --replay N     events in the stream for the replay case (default 1000000)
 *   --replay-limit S  give up a replay still running after S seconds (default 60) and report its progress
 *   --quick        a small run while developing: 20k-event day, 10 and 50 screens, 6 s, 100k replay
 */
import { cpus, loadavg } from 'node:os';
import { startBenchRedis } from './bench/redis';
import { benchTimeZone, localTime } from './bench/day';
import { compare, planFor, runLive, type LiveCase } from './bench/fanout';
import { runIngest } from './bench/ingest';
import { runReplay } from './bench/replay';
import { runCore } from './bench/core';
import { count } from './bench/stats';

const CASES = ['core', 'fanout', 'polling', 'ingest', 'replay'] as const;
type Case = (typeof CASES)[number];
const OPTIONS = ['day', 'screens', 'seconds', 'rate', 'replay', 'replay-limit'];

function parseArgs(argv: string[]) {
  const cases: Case[] = [];
  const opt: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--quick') opt.quick = '1';
    else if (a.startsWith('--')) {
      if (!OPTIONS.includes(a.slice(2))) throw new Error(`unknown option ${a} (options: --${OPTIONS.join(', --')}, --quick)`);
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      opt[a.slice(2)] = v;
    } else if ((CASES as readonly string[]).includes(a)) cases.push(a as Case);
    else throw new Error(`unknown case "${a}" (cases: ${CASES.join(', ')})`);
  }
  const quick = opt.quick === '1';
  const num = (name: string, def: number) => {
    const v = opt[name] === undefined ? def : Number(opt[name]);
    if (!(v > 0)) throw new Error(`--${name} must be a positive number`);
    return v;
  };
  const list = (def: number[]) => {
    const screens = opt.screens ? opt.screens.split(',').map(Number) : def;
    if (!screens.every((n) => Number.isInteger(n) && n > 0)) throw new Error('--screens takes counts separated by commas, e.g. 10,100');
    return screens;
  };
  const day = num('day', quick ? 20_000 : 100_000);
  const small = Math.round(day / 10);
  return {
    cases: cases.length ? cases : [...CASES],
    day,
    push: list(quick ? [10, 50] : [10, 100, 200, 500]).map((n) => [day, n] as [number, number]).concat(opt.screens ? [] : [[small, 10]]),
    poll: list(quick ? [50] : [100, 500]).map((n) => [day, n] as [number, number]),
    seconds: num('seconds', quick ? 6 : 20),
    rate: num('rate', 500),
    replay: num('replay', quick ? 100_000 : 1_000_000),
    replayLimit: num('replay-limit', 60),
  };
}

async function main(): Promise<void> {
  let a: ReturnType<typeof parseArgs>;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${(err as Error).message}`);
    process.exit(2);
  }
  const started = Date.now();
  const timeZone = benchTimeZone();
  const redis = await startBenchRedis();
  // interrupted: take our redis-server down too (server processes leave when their IPC channel closes)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void redis.stop().finally(() => process.exit(130)));
  console.log(`bench: ${a.cases.join(', ')}`);
  console.log(`  machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? '?'}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; Node ${process.version}; redis-server ${redis.version} (own, ${redis.url})`);
  console.log(`  center: ${timeZone} (local ${localTime(timeZone)}: a working day so far), seed fixed; the server runs in its own process`);
  try {
    if (a.cases.includes('core')) runCore();
    const live = (runs: Array<[number, number]>): LiveCase => ({ runs, seconds: a.seconds, warmupS: 2, rate: a.rate });
    const push = a.cases.includes('fanout') ? await runLive(redis, 'push', live(a.push), timeZone) : [];
    const poll = a.cases.includes('polling') ? await runLive(redis, 'poll', live(a.poll), timeZone) : [];
    compare(push, poll);
    if (a.cases.includes('ingest')) await runIngest(redis, planFor(a.day, timeZone));
    if (a.cases.includes('replay')) await runReplay(redis, a.replay, timeZone, a.replayLimit);
  } finally {
    await redis.stop();
  }
  console.log(`\nbench: done in ${Math.round((Date.now() - started) / 1000)} s (${count(a.day)}-event day)`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
