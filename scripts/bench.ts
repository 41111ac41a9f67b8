/**
 * `npm run bench`: performance figures, printed (never asserted in tests).
 * - core: reduce throughput, derive / diff time and patch size with a busy center
 * - end to end: event appended → patch received by a Socket.IO client, through a real server
 *   (Redis when REDIS_URL answers, else the in-process log)
 */
import { io as connect } from 'socket.io-client';
import { defaultConfig } from '../shared/config';
import type { HotlineEvent } from '../shared/events';
import type { Patch } from '../shared/patch';
import { derive } from '../server/core/derive';
import { diff } from '../server/core/diff';
import { Reducer } from '../server/core/reduce';
import { createSimulation } from '../server/simulator';
import { startApp } from '../server/app';
import { createLogger } from '../server/logger';
import { MemoryEventLog } from '../server/adapters/memory/memory-event-log';
import { MemorySnapshotStore } from '../server/adapters/memory/memory-snapshot-store';
import { MemoryAccounts } from '../server/adapters/memory/memory-accounts';
import { MemoryAuditLog } from '../server/adapters/memory/memory-audit-log';
import { createRedisClients } from '../server/adapters/redis/connect';
import { RedisEventLog } from '../server/adapters/redis/event-log';
import { RedisSnapshotStore } from '../server/adapters/redis/snapshot-store';
import { RedisAccounts } from '../server/adapters/redis/accounts';
import { RedisAuditLog } from '../server/adapters/redis/audit-log';
import { hashPassword } from '../server/auth';
import type { EventLog } from '../server/ports';

const config = defaultConfig();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const fmt = (n: number, d = 2) => n.toFixed(d);

function core(agents: number, callsPerDay: number): void {
  const start = Date.UTC(2026, 10, 28, 16, 0); // local midnight, Asia/Shanghai
  const sim = createSimulation({ seed: 7, start, agents, callsPerDay, incidentsPerDay: 3 });
  const events = sim.nextUntil(start + 15 * 3_600_000); // to 15:00
  const r = new Reducer();
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
  console.log(`core  ${agents} agents, ${snap.today.offered} calls today, ${events.length} events`);
  console.log(`  reduce       ${fmt(events.length / (reduceMs / 1000), 0)} events/s`);
  console.log(`  derive       median ${fmt(pct(times, 50))} ms, p95 ${fmt(pct(times, 95))} ms`);
  console.log(`  snapshot     ${fmt(JSON.stringify(snap).length / 1024, 1)} KiB JSON`);
  console.log(`  diff         ${fmt(diffMs)} ms for 30 s of events (${next.length}); patch ${JSON.stringify(ops).length} bytes`);
}

async function endToEnd(): Promise<void> {
  const logger = createLogger('silent');
  const prefix = `bench:${process.pid}:`;
  let log: EventLog;
  let cleanup = async () => {};
  let kind: string;
  const clients = await createRedisClients(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix, { connectTimeoutMs: 1000 }).catch(() => null);
  let ports;
  if (clients) {
    kind = 'Redis';
    log = new RedisEventLog(clients.main, clients.reader, prefix);
    ports = { log, snapshots: new RedisSnapshotStore(clients.main, prefix), accounts: new RedisAccounts(clients.main, prefix), audit: new RedisAuditLog(clients.main, prefix) };
    cleanup = async () => {
      for await (const keys of clients.main.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length) await clients.main.del(keys);
      await log.close();
      await clients.close();
    };
  } else {
    kind = 'in-process log';
    log = new MemoryEventLog();
    ports = { log, snapshots: new MemorySnapshotStore(), accounts: new MemoryAccounts(), audit: new MemoryAuditLog() };
  }
  await ports.accounts.createUser({ username: 'bench', role: 'lead', passwordHash: await hashPassword('bench-password'), disabled: false, createdAt: Date.now(), tokensValidAfter: 0 });
  const app = await startApp({ ...ports, clock: { now: () => Date.now() }, logger }, { config, port: 0, host: '127.0.0.1', ingestToken: null, adminPassword: null, clientDir: null });
  const login = (await (await fetch(`${app.url}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench', password: 'bench-password' }) })).json()) as { token: string };
  // 300 agents signed in
  const t0 = Date.now();
  await log.append(Array.from({ length: 300 }, (_, i) => ({ v: 1, id: `b-in-${i}`, type: 'agent.signin', ts: t0, agentId: `${3000 + i}`, seat: `S${i}` }) as HotlineEvent));
  const socket = connect(app.url, { auth: { token: login.token }, transports: ['websocket'] });
  const patches: { at: number; p: Patch }[] = [];
  await new Promise<void>((resolve) => socket.once('snapshot', () => resolve()));
  socket.on('patch', (p) => patches.push({ at: performance.now(), p }));
  const lat: number[] = [];
  for (let i = 0; i < 100; i++) {
    const sent = performance.now();
    const n = patches.length;
    await log.append([{ v: 1, id: `b-${i}`, type: 'agent.busy', ts: Date.now(), agentId: `${3000 + (i % 300)}`, reason: `r${i}` } as HotlineEvent]);
    while (patches.length === n) await new Promise((r) => setTimeout(r, 1));
    lat.push(patches[patches.length - 1]!.at - sent);
    await new Promise((r) => setTimeout(r, 30));
  }
  const sizes = patches.map((x) => JSON.stringify(x.p).length);
  console.log(`end to end (${kind}, 300 agents, one event at a time, 100 samples)`);
  console.log(`  event appended → patch at client: median ${fmt(pct(lat, 50), 1)} ms, p95 ${fmt(pct(lat, 95), 1)} ms, max ${fmt(Math.max(...lat), 1)} ms`);
  console.log(`  patch size: median ${pct(sizes, 50)} bytes (snapshot ${fmt(JSON.stringify(app.view.latest()).length / 1024, 1)} KiB)`);
  socket.close();
  await app.stop();
  await cleanup();
}

core(40, 1100);
core(300, 8000);
await endToEnd();
process.exit(0);
