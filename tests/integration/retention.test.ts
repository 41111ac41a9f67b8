/**
 * Retention (REPORTS.md "The archive"): a node starting on a trimmed stream gives the same reports
 * and live figures. Twelve days and a half of a 24-hour center are written straight into the stream
 * of the throwaway Redis, with stream IDs at the events' times; then the days are archived, the
 * stream is trimmed, and the node restarted, from its snapshot and with no snapshot at all: every
 * reports route and the snapshot answer exactly as before. A late event for an archived day changes
 * that day and no other.
 *
 * The node's clock is fixed (Friday 20 November 2026, 15:00 in the center), so the figures do not
 * depend on when the test runs. The stream IDs are given too: an ID Redis assigned would carry the
 * real time, and the node would refuse an event it dates more than retentionDays before that.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import type { AgentRow, AgentsReport, DayRow, DaysReport } from '../../shared/reports';
import type { Snapshot } from '../../shared/snapshot';
import { dateOf } from '../../server/core/archive';
import { streamIdMs } from '../../server/core/stream-id';
import { RedisArchiveStore } from '../../server/adapters/redis/archive-store';
import { REJECTED_MAX } from '../../server/adapters/redis/event-log';
import { mulberry32 } from '../../server/simulator/prng';
import { fakeClock, redisClient, startTestApp, stopAll, uniquePrefix, waitUntil, type TestApp } from '../helpers/app';
import type { RedisClient } from '../../server/adapters/redis/connect';
import { ev, sh } from '../helpers/events';
import { MemoryEventLog } from '../../server/adapters/memory/memory-event-log';
import { MemoryArchiveStore } from '../../server/adapters/memory/memory-archive-store';
import { MemorySnapshotStore } from '../../server/adapters/memory/memory-snapshot-store';
import { MemoryAuditLog } from '../../server/adapters/memory/memory-audit-log';
import { ArchiveKeeper } from '../../server/archive-keeper';
import { Replica } from '../../server/replica';
import { ReportsService, parseRange, type DayRange } from '../../server/reports-service';
import { createLogger } from '../../server/logger';
import type { EventLog } from '../../server/ports';

const config = defaultConfig();
const TZ = config.timeZone;
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** the node's clock: the end of the scenario */
const END = sh(2026, 11, 20, 15, 0);
/** whole days of history before today */
const HISTORY_DAYS = 12;
/** local midnight `k` days before today (Asia/Shanghai has no DST) */
const dayStart = (k: number) => sh(2026, 11, 20 - k, 0);
const date = (k: number) => dateOf(dayStart(k), TZ);

/** 夜班, 早班, 中班 crews (config's default shifts 00:00, 08:00, 16:00); the i-th of each sits at SEATS[i] */
const CREWS = [
  ['2001', '2002', '2003'],
  ['2004', '2005', '2006'],
  ['2007', '2008', '2009'],
];
const AGENTS = CREWS.flat();
const SEATS = ['A01', 'A02', 'A03'];
const CATEGORY_PICK = ['city_order', 'sanitation', 'landscaping', 'municipal', 'gas_heating', 'illegal_construction'] as const;

/** One stream entry to write: when the stream took it, and its `event` text. */
interface Entry {
  at: number;
  raw: string;
}

/**
 * A seeded 24-hour center over HISTORY_DAYS days and today until END: crews hand over at each
 * shift's seat (the incoming signs in before the outgoing signs out, across midnight too), calls
 * are answered (some after a RONA), abandoned short and long, missed calls returned in time, late,
 * and the next morning; busy spells with and without a reason, a meal too long, a busy inside the
 * handover window, a late sign-in; an incident a day, acknowledged in time or late; tickets, some
 * reaching the stream 20 minutes after their time. Every agent meets every rule over the days.
 */
function history(seed = 12319): Entry[] {
  const rand = mulberry32(seed);
  const between = (a: number, b: number) => a + Math.floor(rand() * (b - a + 1));
  const out: { e: HotlineEvent | string; at: number }[] = [];
  const add = (e: HotlineEvent, late = 0) => out.push({ e, at: e.ts + late + between(0, 500) });
  const stints = new Map<string, [number, number][]>(AGENTS.map((a) => [a, []]));
  const reserved = new Map<string, [number, number][]>(AGENTS.map((a) => [a, []]));
  const reserve = (agentId: string, from: number, to: number) => reserved.get(agentId)!.push([from, to]);
  /** an agent signed in over all of [from, to] and doing nothing else then, starting the search at `rot` */
  const free = (from: number, to: number, rot: number, except?: string): string | null => {
    for (let j = 0; j < AGENTS.length; j++) {
      const a = AGENTS[(rot + j) % AGENTS.length]!;
      if (a === except || !stints.get(a)!.some(([f, t]) => f <= from && to <= t)) continue;
      if (reserved.get(a)!.some(([f, t]) => f < to && from < t)) continue;
      return a;
    }
    return null;
  };
  const signedInAt = (ts: number, rot: number) => free(ts, ts, rot) ?? AGENTS.find((a) => stints.get(a)!.some(([f, t]) => f <= ts && ts <= t)) ?? null;

  // crews and their busy spells first, so calls only go to someone signed in and idle
  for (let k = HISTORY_DAYS; k >= 0; k--) {
    for (let s = 0; s < 3; s++) {
      const start = dayStart(k) + s * 8 * HOUR;
      const end = start + 8 * HOUR;
      CREWS[s]!.forEach((agentId, i) => {
        const role = (k + s + i) % 3;
        add(ev('agent.login', start - (role === 0 ? 13 : 6) * MIN, { agentId, name: `坐席${agentId}` }));
        add(ev('agent.signin', start - 5 * MIN, { agentId, seat: SEATS[i]! }));
        add(ev('agent.signout', end + 3 * MIN, { agentId }));
        add(ev('agent.logout', end + 4 * MIN, { agentId }));
        stints.get(agentId)!.push([start - 5 * MIN, end + 3 * MIN]);
        const spells: [number, number, string | undefined][] = [
          [2 * HOUR, 3 * MIN, undefined],
          [6 * HOUR, 10 * MIN, 'training'],
          // the role-1 agent's meal runs past busyTooLongMin; the role-2 agent goes busy inside the handover window
          ...(role === 1 ? [[4 * HOUR, 20 * MIN, 'meal'] as [number, number, string]] : []),
          ...(role === 2 ? [[10 * MIN, 4 * MIN, 'meeting'] as [number, number, string]] : []),
        ];
        for (const [after, len, reason] of spells) {
          add(ev('agent.busy', start + after, { agentId, ...(reason ? { reason } : {}) }));
          add(ev('agent.ready', start + after + len, { agentId }));
          reserve(agentId, start + after - 1000, start + after + len + 1000);
        }
      });
    }
  }

  let callNo = 0;
  const abandonWithCaller = (callId: string, queuedAt: number, goneAt: number, returnAfter: number) => {
    add(ev('call.queued', queuedAt, { callId, caller: `1380000${String(callNo).padStart(4, '0')}` }));
    add(ev('call.abandoned', goneAt, { callId }));
    const back = goneAt + returnAfter;
    const by = signedInAt(back, callNo);
    if (by) add(ev('callback.completed', back, { callId, agentId: by, reached: rand() < 0.8 }));
  };
  const call = (q: number, talkSec?: number) => {
    const callId = `c${++callNo}`;
    const r = rand();
    if (r < 0.07) {
      add(ev('call.queued', q, { callId }));
      add(ev('call.abandoned', q + between(1, 4) * 1000, { callId }));
      return;
    }
    if (r < 0.17) return abandonWithCaller(callId, q, q + between(30, 90) * 1000, (rand() < 0.7 ? between(5, 25) : between(35, 90)) * MIN);
    const rona = r > 0.9;
    const answerAt = q + (rona ? between(16, 45) : between(3, 30)) * 1000;
    const talk = (talkSec ?? between(60, 420)) * 1000;
    const readyAt = answerAt + talk + between(10, 60) * 1000;
    const agentId = free(answerAt - 2000, readyAt + 1000, callNo);
    if (!agentId) return abandonWithCaller(callId, q, q + between(40, 90) * 1000, between(5, 25) * MIN);
    add(ev('call.queued', q, { callId, caller: `1390000${String(callNo).padStart(4, '0')}` }));
    const first = rona ? free(q + 1000, q + 14_000, callNo + 1, agentId) : null;
    if (first) {
      add(ev('call.ringing', q + 1000, { callId, agentId: first }));
      add(ev('call.rona', q + 13_000, { callId, agentId: first }));
      reserve(first, q, q + 14_000);
    }
    add(ev('call.ringing', answerAt - 2000, { callId, agentId }));
    add(ev('call.answered', answerAt, { callId, agentId }));
    if (rand() < 0.7) {
      const category = CATEGORY_PICK[between(0, CATEGORY_PICK.length - 1)]!;
      add(ev('ticket.created', answerAt + talk / 2, { ticketId: `tk-${callId}`, category, kind: rand() < 0.6 ? 'complaint' : 'consultation', callId, agentId }), rand() < 0.1 ? 20 * MIN : 0);
    }
    add(ev('call.ended', answerAt + talk, { callId }));
    add(ev('agent.ready', readyAt, { agentId }));
    reserve(agentId, answerAt - 2000, readyAt + 1000);
  };

  for (let k = HISTORY_DAYS; k >= 0; k--) {
    const d = dayStart(k);
    // across midnight: a call talked through it, a missed call returned the next morning
    call(d + 23 * HOUR + 57 * MIN, 240);
    abandonWithCaller(`night-${k}`, d + 23 * HOUR + 40 * MIN, d + 23 * HOUR + 41 * MIN, 44 * MIN);
    const incidentId = `inc-${k}`;
    const raisedAt = d + 10 * HOUR + k * MIN;
    add(ev('incident.raised', raisedAt, { incidentId, title: '燃气泄漏', severity: k % 2 ? 'major' : 'urgent', location: '牡丹区中华路', agentId: CREWS[1]![k % 3]! }));
    add(ev('incident.acknowledged', raisedAt + (k % 2 ? 300 : 60) * 1000, { incidentId, by: 'lead-wang', role: 'lead' }));
    add(ev('incident.resolved', raisedAt + 2 * HOUR, { incidentId, by: 'lead-wang', note: '已处置' }));
    for (let s = 0; s < 3; s++) {
      const start = d + s * 8 * HOUR;
      for (let q = start + between(1, 5) * MIN; q < start + 8 * HOUR - 10 * MIN; q += (s === 0 ? between(8, 20) : between(4, 12)) * MIN) call(q);
    }
  }
  // today: a caller waiting right now
  add(ev('call.queued', END - 20_000, { callId: 'waiting-now', caller: '15866667777' }));
  // the oldest day also met a duplicate and an entry that is no event (the counters carry them)
  const dup = out.find((o) => o.at > dayStart(HISTORY_DAYS) + 9 * HOUR)!;
  out.push({ e: dup.e, at: dup.at + 5 * MIN }, { e: 'not json', at: dup.at + 6 * MIN });

  return out
    .filter((o) => o.at < END && (typeof o.e === 'string' || o.e.ts < END))
    .sort((a, b) => a.at - b.at)
    .map((o) => ({ at: o.at, raw: typeof o.e === 'string' ? o.e : JSON.stringify(o.e) }));
}

/** Writes the entries with IDs at their times (`<ms>-<seq>`, the seq counting entries of one ms); the IDs. */
async function writeStream(redis: RedisClient, key: string, entries: readonly Entry[]): Promise<string[]> {
  const ids: string[] = [];
  let lastMs = -1;
  let seq = 0;
  for (const { at } of entries) {
    seq = at <= lastMs ? seq + 1 : 0;
    lastMs = Math.max(at, lastMs);
    ids.push(`${lastMs}-${seq}`);
  }
  for (let i = 0; i < entries.length; i += 2000) {
    const multi = redis.multi();
    for (let j = i; j < Math.min(i + 2000, entries.length); j++) multi.addCommand(['XADD', key, ids[j]!, 'event', entries[j]!.raw]);
    await multi.exec();
  }
  return ids;
}

const RANGE = `from=${date(HISTORY_DAYS + 2)}&to=${date(0)}`;
const ROUTES = [
  `/api/v1/reports/days?${RANGE}`,
  `/api/v1/reports/agents?${RANGE}`,
  ...AGENTS.map((id) => `/api/v1/reports/agents/${id}?${RANGE}`),
  `/api/v1/reports/agents/9999?${RANGE}`,
  `/api/v1/reports/days?${RANGE}&format=csv`,
  `/api/v1/reports/agents?${RANGE}&format=csv`,
  `/api/v1/reports/agents/2005?${RANGE}&format=csv`,
  `/api/v1/export/day.csv?date=${date(10)}`,
  '/api/v1/snapshot',
];

/** What every route answers (JSON, or the CSV text). */
async function readAll(node: TestApp, token: string): Promise<Map<string, unknown>> {
  const out = new Map<string, unknown>();
  for (const path of ROUTES) {
    const r = await node.request(path, { token });
    expect(r.status, path).toBe(200);
    out.set(path, r.body);
  }
  return out;
}

/**
 * Every route answers the same. `counters: false` leaves out the snapshot's `ingest` counters: they
 * count the entries since the stream's start, which a replay of a trimmed stream cannot see (the
 * refused and duplicate entries trimmed away, anomalies of events whose start was trimmed).
 */
function expectSame(after: Map<string, unknown>, before: Map<string, unknown>, when: string, o: { counters: boolean } = { counters: true }): void {
  expect([...after.keys()]).toEqual([...before.keys()]);
  const shown = (path: string, body: unknown) => (path === '/api/v1/snapshot' && !o.counters ? { ...(body as Snapshot), ingest: null } : body);
  for (const [path, body] of before) expect(shown(path, after.get(path)), `${path} ${when}`).toEqual(shown(path, body));
}

const days = (m: Map<string, unknown>) => m.get(ROUTES[0]!) as DaysReport;
const agents = (m: Map<string, unknown>) => m.get(ROUTES[1]!) as AgentsReport;
const snapshotOf = (m: Map<string, unknown>) => m.get('/api/v1/snapshot') as Snapshot;

/** A node on `prefix` whose upkeep timers are stopped once its start-up upkeep ran: the test drives the keeper. */
async function startNode(prefix: string): Promise<TestApp> {
  const node = await startTestApp({ clock: fakeClock(END), prefix });
  await node.app.keeper.stop();
  return node;
}

let entries: Entry[];
let ids: string[];
let prefix: string;
let redis: RedisClient;
let lead: string;
/** every route before the archive was written and the stream trimmed */
let before: Map<string, unknown>;
let wholeFrom: number;

beforeAll(async () => {
  entries = history();
  prefix = uniquePrefix();
  redis = await redisClient();
  ids = await writeStream(redis, `${prefix}events`, entries);
  const node = await startNode(prefix);
  expect(node.app.replica.cursor).toBe(ids.at(-1));
  lead = (await node.createUser('lead', 'lead-wang')).token;
  before = await readAll(node, lead);
});
afterAll(stopAll);

describe('the scenario', () => {
  it('gives every field of every day and every agent something to show', () => {
    const report = days(before);
    expect(report.days.map((d) => d.date)).toEqual(Array.from({ length: HISTORY_DAYS + 3 }, (_, i) => date(HISTORY_DAYS + 2 - i)));
    expect(report.days.at(-1)!.partial).toBe(true);
    const full = report.days.filter((d) => d.date >= date(HISTORY_DAYS) && d.date < date(0));
    expect(full).toHaveLength(HISTORY_DAYS);
    for (const d of full) {
      const positive: (keyof DayRow)[] = ['offered', 'answered', 'abandoned', 'shortAbandoned', 'answeredInSL', 'asaSec', 'maxWaitSec', 'avgTalkSec', 'avgHandleSec'];
      for (const k of positive) expect(d[k], `${d.date} ${k}`).toBeGreaterThan(0);
      for (const k of ['serviceLevel', 'answerRate', 'timelyRate'] as const) {
        expect(d[k], `${d.date} ${k}`).toBeGreaterThan(0);
        expect(d[k], `${d.date} ${k}`).toBeLessThan(1);
      }
      expect(d.intervals.filter((i) => i.offered > 0).length, d.date).toBeGreaterThan(20);
      expect(Object.values(d.categories).filter((n) => n > 0).length, d.date).toBeGreaterThan(2);
      expect(d.callbacks.missed, d.date).toBeGreaterThanOrEqual(d.callbacks.returned);
      expect(d.callbacks.returned, d.date).toBeGreaterThan(d.callbacks.returnedLate);
      expect(d.callbacks.returnedLate, d.date).toBeGreaterThan(0);
      expect(d.incidents.raised, d.date).toBe(1);
    }
    expect(full.filter((d) => d.incidents.major === 1)).toHaveLength(HISTORY_DAYS / 2);
    expect(full.filter((d) => d.incidents.lateAcknowledgements === 1)).toHaveLength(HISTORY_DAYS / 2);

    const rows = agents(before).agents;
    expect(rows.map((a) => a.agentId)).toEqual(AGENTS);
    for (const a of rows) {
      const positive: (keyof AgentRow)[] = ['answered', 'ronas', 'talkSec', 'wrapupSec', 'avgTalkSec', 'avgHandleSec', 'signedInSec', 'availableSec', 'busySec', 'occupancy', 'callbacks'];
      for (const k of positive) expect(a[k], `${a.agentId} ${k}`).toBeGreaterThan(0);
      expect(a.name).toBe(`坐席${a.agentId}`);
      expect(Object.keys(a.busyByReason).sort(), a.agentId).toEqual(['', 'meal', 'meeting', 'training']);
      for (const [rule, n] of Object.entries(a.violations)) expect(n, `${a.agentId} ${rule}`).toBeGreaterThan(0);
    }

    const live = snapshotOf(before);
    expect(live.today.offered).toBeGreaterThan(0);
    expect(live.queue.waiting).toBeGreaterThan(0);
    expect(live.agents.filter((a) => a.state !== 'offline').length).toBeGreaterThan(0);
    expect(live.ingest).toMatchObject({ rejected: 1, duplicates: 1 });
  });
});

describe('retention', () => {
  it('archives the closed days and trims only what is older than retentionDays, behind the snapshot', async () => {
    const node = await startNode(prefix);
    const archive = new RedisArchiveStore(redis, prefix);
    await node.app.keeper.writeClosedDays();
    // every day that is over has its record: those pruning finalised and those the state holds
    expect(await archive.dates()).toEqual(Array.from({ length: HISTORY_DAYS + 1 }, (_, i) => date(HISTORY_DAYS + 1 - i)));
    await node.app.replica.saveSnapshot();
    expect(await redis.hGet(`${prefix}snapshot`, 'cursor')).toBe(ids.at(-1));

    const len = await redis.xLen(`${prefix}events`);
    expect(len).toBe(entries.length);
    const result = await node.app.keeper.retain();
    wholeFrom = result.wholeFrom;
    // the state holds retentionDays + 1 whole days: the stream keeps what replays them
    expect(wholeFrom).toBe(dayStart(config.eventTime.retentionDays + 1));
    expect(await redis.get(`${prefix}events:trimmed`)).toBe(String(wholeFrom));
    // the day before wholeFrom is kept too: a replay starts wholeFrom's day from the state at its midnight
    const gone = ids.filter((id) => streamIdMs(id) < dayStart(config.eventTime.retentionDays + 2) - config.eventTime.maxClockSkewMin * MIN);
    expect(result.trimmed).toBe(gone.length);
    expect(gone.length).toBeGreaterThan(entries.length / 5);
    expect(await redis.xLen(`${prefix}events`)).toBe(len - gone.length);
    const [first] = (await redis.xRange(`${prefix}events`, '-', '+', { COUNT: 1 })) ?? [];
    expect(first!.id).toBe(ids[gone.length]);
    // nothing younger than retentionDays went
    expect(streamIdMs(gone.at(-1)!)).toBeLessThan(END - config.eventTime.retentionDays * DAY);

    // a second run finds nothing more to do; the running node shows what it showed
    expect((await node.app.keeper.retain()).trimmed).toBe(0);
    expectSame(await readAll(node, lead), before, 'after the trim');
    await node.stop();
  });

  it('a node restarted on the trimmed stream answers every route exactly as before', async () => {
    const node = await startNode(prefix);
    expect(await redis.get(`${prefix}events:trimmed`)).toBe(String(wholeFrom));
    expectSame(await readAll(node, lead), before, 'after a restart');
    await node.stop();
  });

  it('without the snapshot, a replay of the trimmed stream and the archive answer exactly as before', async () => {
    expect(await redis.del(`${prefix}snapshot`)).toBe(1);
    const node = await startNode(prefix);
    // the days before the trim come from the archive
    expect(node.app.replica.state.historyFrom).toBe(wholeFrom);
    expectSame(await readAll(node, lead), before, 'after a replay of the trimmed stream', { counters: false });
    await node.stop();
  });

  it('a late event for an archived day changes that day and only that day, for good', async () => {
    const late = dayStart(2) + 11 * HOUR;
    // (on the node that replayed the trimmed stream: the same figures, shown above)
    const node = await startNode(prefix);
    const base = await readAll(node, lead);
    const archive = new RedisArchiveStore(redis, prefix);
    const stored = (await archive.get([date(2)])).get(date(2))!;
    expect(stored.window.offered).toBe(days(base).days.find((d) => d.date === date(2))!.offered);

    let at = END - 1000;
    const xadd = (e: HotlineEvent) => redis.sendCommand<string>(['XADD', `${prefix}events`, `${++at}-0`, 'event', JSON.stringify(e)]);
    await xadd(ev('call.queued', late, { callId: 'late-call' }));
    await xadd(ev('call.abandoned', late + 40_000, { callId: 'late-call' }));
    await node.caughtUp(await xadd(ev('ticket.created', late + 60_000, { ticketId: 'late-tk', category: 'other', kind: 'suggestion' })));
    const after = await readAll(node, lead);

    const [was, now] = [days(base).days, days(after).days];
    expect(now.map((d) => d.date)).toEqual(was.map((d) => d.date));
    for (const [i, d] of now.entries()) if (d.date !== date(2)) expect(d, d.date).toEqual(was[i]);
    const [d0, d1] = [was.find((d) => d.date === date(2))!, now.find((d) => d.date === date(2))!];
    expect(d1).toMatchObject({ offered: d0.offered + 1, abandoned: d0.abandoned + 1, answered: d0.answered, categories: { ...d0.categories, other: d0.categories.other + 1 } });
    expect(d1.intervals.find((i) => i.start === late)!.offered).toBe(d0.intervals.find((i) => i.start === late)!.offered + 1);
    expect(days(after).total.offered).toBe(days(base).total.offered + 1);
    expect(agents(after)).toEqual(agents(base));
    for (const id of AGENTS) expect(after.get(`/api/v1/reports/agents/${id}?${RANGE}`), id).toEqual(base.get(`/api/v1/reports/agents/${id}?${RANGE}`));
    // live: today is today (the late call was a missed call of no one: it had no caller)
    expect({ ...snapshotOf(after), cursor: '' }).toEqual({ ...snapshotOf(base), cursor: '' });

    // the archive follows, and a restart (from the snapshot, then from the stream) keeps it
    await node.app.keeper.writeClosedDays();
    expect((await archive.get([date(2)])).get(date(2))!.window.offered).toBe(stored.window.offered + 1);
    await node.stop();
    const restarted = await startNode(prefix);
    expectSame(await readAll(restarted, lead), after, 'after the late event and a restart');
    await restarted.stop();
    await redis.del(`${prefix}snapshot`);
    const replayed = await startNode(prefix);
    expectSame(await readAll(replayed, lead), after, 'after the late event and a replay', { counters: false });
  });
});

describe('a trim by another node while a node replays the stream', () => {
  it('leaves the days it cut to the archive', async () => {
    // in process (memory ports), so the trim can be put exactly between the replay's reads
    const clock = { now: () => END };
    const logClock = { t: 0, now: () => logClock.t };
    const log = new MemoryEventLog(logClock);
    for (const { at, raw } of entries) {
      logClock.t = at;
      log.appendFields([['event', raw]]);
    }
    const archive = new MemoryArchiveStore();
    const logger = createLogger('silent');
    const range = parseRange(date(HISTORY_DAYS + 2), date(0), TZ, END) as DayRange;
    const reports = async (r: Replica) => {
      const service = new ReportsService(() => r.state, archive, config, clock);
      return { days: await service.days(range), agents: await service.agents(range) };
    };

    const snapshots = new MemorySnapshotStore();
    const first = new Replica({ log, snapshots, archive, logger, config });
    await first.start();
    const keeper = new ArchiveKeeper({ replica: first, archive, log, snapshots, audit: new MemoryAuditLog(), config, clock, logger });
    await keeper.writeClosedDays();
    await first.saveSnapshot();
    const shown = await reports(first);

    // a second node without a snapshot replays; the first trims right after the second read the trim mark
    let raced = false;
    const racing: EventLog = {
      append: (e) => log.append(e),
      read: async (cursor, count, blockMs) => {
        if (!raced) {
          raced = true;
          expect((await keeper.retain()).trimmed).toBeGreaterThan(0);
        }
        return log.read(cursor, count, blockMs);
      },
      reject: (e, reason) => log.reject(e, reason),
      lastId: () => log.lastId(),
      identity: () => log.identity(),
      trim: (before, wholeFrom) => log.trim(before, wholeFrom),
      trimmedBefore: () => log.trimmedBefore(),
      close: () => log.close(),
    };
    const second = new Replica({ log: racing, snapshots: new MemorySnapshotStore(), archive, logger, config });
    try {
      await second.start();
      expect(raced).toBe(true);
      expect(await reports(second)).toEqual(shown);
    } finally {
      await first.stop();
      await second.stop();
    }
  });
});

describe('the rejected stream', () => {
  it('stays near 10,000 entries on a node, the newest kept (REPORTS.md)', async () => {
    // the cap's mechanics are the event log contract's (ports.test.ts, with a small cap); here: the
    // node's log has the contract's cap, and a source sending only garbage cannot grow it past that
    const node = await startNode(uniquePrefix());
    const bad = Array.from({ length: REJECTED_MAX + 500 }, (_, i) => ({ at: END - 600_000 + i, raw: `not json ${i}` }));
    const badIds = await writeStream(node.redis, node.eventsKey, bad);
    // the copies are written after the entries were applied
    const newest = async () => ((await node.redis.xRevRange(`${node.prefix}events:rejected`, '+', '-', { COUNT: 1 })) ?? [])[0]?.id;
    await waitUntil(async () => (await newest()) === badIds.at(-1), 'the last copy', 20_000);
    const kept = await node.redis.xLen(`${node.prefix}events:rejected`);
    expect(kept).toBeGreaterThanOrEqual(REJECTED_MAX);
    expect(kept).toBeLessThanOrEqual(REJECTED_MAX + 100);
    expect(node.app.replica.state.counters.rejected).toBe(bad.length);
  });
});
