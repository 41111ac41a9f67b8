/**
 * The pure core in-process, no I/O: reduce throughput, derive time, snapshot size, diff time and
 * patch size for 30 s of a busy center's events.
 */
import { defaultConfig } from '../../shared/config';
import { derive } from '../../server/core/derive';
import { diff } from '../../server/core/diff';
import { Reducer } from '../../server/core/reduce';
import { createSimulation } from '../../server/simulator';
import { fmt, pct, table } from './stats';

const config = defaultConfig();

function core(agents: number, callsPerDay: number): string[] {
  const start = Date.UTC(2026, 10, 28, 16, 0); // local midnight, Asia/Shanghai
  const sim = createSimulation({ seed: 7, start, agents, callsPerDay, incidentsPerDay: 3 });
  const events = sim.nextUntil(start + 15 * 3_600_000); // to 15:00
  const r = new Reducer(config);
  let t = performance.now();
  events.forEach((e, i) => r.apply(e, `${e.ts}-${i}`));
  const reduceMs = performance.now() - t;
  const now = start + 15 * 3_600_000;
  const times: number[] = [];
  let snap = derive(r.state, now, config, '1-0');
  for (let i = 0; i < 50; i++) {
    t = performance.now();
    snap = derive(r.state, now + i * 1000, config, '1-0');
    times.push(performance.now() - t);
  }
  const more = createSimulation({ seed: 7, start, agents, callsPerDay, incidentsPerDay: 3 });
  more.nextUntil(now);
  const next = more.nextUntil(now + 30_000);
  const before = derive(r.state, now + 30_000, config, '1-0');
  next.forEach((e, i) => r.apply(e, `${now}-${i}`));
  const after = derive(r.state, now + 30_000, config, '2-0');
  t = performance.now();
  const ops = diff(before, after);
  const diffMs = performance.now() - t;
  return [
    `${agents} agents, ${snap.today.offered} calls, ${events.length} events`,
    fmt(events.length / (reduceMs / 1000)),
    `${fmt(pct(times, 50), 2)} / ${fmt(pct(times, 95), 2)}`,
    fmt(JSON.stringify(snap).length / 1024, 1),
    `${fmt(diffMs, 2)} (${next.length} events)`,
    String(JSON.stringify(ops).length),
  ];
}

export function runCore(): void {
  table('core — in-process, one day to 15:00', ['center', 'reduce events/s', 'derive ms p50 / p95', 'snapshot KiB', 'diff ms (30 s of events)', 'patch bytes'], [core(40, 1100), core(300, 8000)]);
}
