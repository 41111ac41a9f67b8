/**
 * One contract for the ports, run against the in-memory adapters and against Redis (the throwaway
 * server from the global setup). Every test gets a fresh key prefix, so nothing leaks between tests
 * or between files running in parallel.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import type {} from '../helpers/provided-context';
import type { HotlineEvent } from '../../shared/events';
import type { Accounts, ArchiveStore, AuditLog, AuditRecord, DeviceRecord, EventLog, FeedRecord, FeedStore, NotifyClaims, SnapshotStore, UserRecord } from '../../server/ports';
import type { DayArchive } from '../../server/core/archive';
import { emptyDay } from '../../server/core/reports';
import { MemoryEventLog } from '../../server/adapters/memory/memory-event-log';
import { MemorySnapshotStore } from '../../server/adapters/memory/memory-snapshot-store';
import { MemoryAccounts } from '../../server/adapters/memory/memory-accounts';
import { MemoryAuditLog } from '../../server/adapters/memory/memory-audit-log';
import { MemoryFeedStore } from '../../server/adapters/memory/memory-feed-store';
import { MemoryArchiveStore } from '../../server/adapters/memory/memory-archive-store';
import { MemoryNotifyClaims } from '../../server/adapters/memory/memory-notify-claims';
import { createRedisClients, type RedisClients } from '../../server/adapters/redis/connect';
import { RedisEventLog } from '../../server/adapters/redis/event-log';
import { RedisSnapshotStore } from '../../server/adapters/redis/snapshot-store';
import { RedisAccounts } from '../../server/adapters/redis/accounts';
import { RedisAuditLog } from '../../server/adapters/redis/audit-log';
import { RedisFeedStore } from '../../server/adapters/redis/feed-store';
import { RedisArchiveStore } from '../../server/adapters/redis/archive-store';
import { RedisNotifyClaims } from '../../server/adapters/redis/notify-claims';

interface Rejected {
  id: string;
  raw: string;
  reason: string;
}

/** The ports under test plus the backdoors a contract test needs. */
interface Backend {
  eventLog: EventLog;
  snapshots: SnapshotStore;
  accounts: Accounts;
  audit: AuditLog;
  feeds: FeedStore;
  archive: ArchiveStore;
  notifyClaims: NotifyClaims;
  /** Lets `ms` pass for expiries: the memory store's injected clock moves, Redis' own time is waited out. */
  elapse(ms: number): Promise<void>;
  /** Accounts as a second node would see them (same storage, own connection). */
  otherAccounts(): Promise<Accounts>;
  /** Notification claims as a second node would see them (same storage, own connection). */
  otherNotifyClaims(): Promise<NotifyClaims>;
  /** An entry with arbitrary fields, bypassing `append` (a raw XADD on Redis). */
  rawAppend(fields: Array<[string, string]>): Promise<string>;
  /** Appends events as if the log's clock read `ms` (an XADD with the ID `<ms>-*` on Redis); their IDs. */
  appendAt(ms: number, events: readonly HotlineEvent[]): Promise<string[]>;
  /** What the rejected stream holds, oldest first. */
  rejected(): Promise<Rejected[]>;
  /** Removes every entry of the event stream (XTRIM MAXLEN 0), as retention trimming might. */
  trimAll(): Promise<void>;
  /** Loses all data, as a Redis restarted without persistence does. */
  loseEverything(): Promise<void>;
  close(): Promise<void>;
}

const FILE_PREFIX = `test:${randomBytes(6).toString('hex')}:`;
let testNo = 0;

/** a small cap on the rejected stream, so the contract can show it is kept */
const REJECTED_CAP = 50;

function memoryBackend(): Promise<Backend> {
  // the log's clock is the system's unless a test appends at a given time
  const logClock = { at: null as number | null, now: () => logClock.at ?? Date.now() };
  const eventLog = new MemoryEventLog(logClock, REJECTED_CAP);
  const accounts = new MemoryAccounts();
  const clock = { t: T0, now: () => clock.t };
  const notifyClaims = new MemoryNotifyClaims(clock);
  return Promise.resolve({
    eventLog,
    snapshots: new MemorySnapshotStore(),
    accounts,
    audit: new MemoryAuditLog(),
    feeds: new MemoryFeedStore(clock),
    archive: new MemoryArchiveStore(),
    notifyClaims,
    elapse: async (ms) => {
      clock.t += ms;
    },
    // One process is one node: the "other node" is the same store.
    otherAccounts: async () => accounts,
    otherNotifyClaims: async () => notifyClaims,
    rawAppend: async (fields) => eventLog.appendFields(fields),
    appendAt: async (ms, events) => {
      logClock.at = ms;
      try {
        return await eventLog.append(events);
      } finally {
        logClock.at = null;
      }
    },
    rejected: async () => eventLog.rejected(),
    trimAll: async () => eventLog.trimAll(),
    loseEverything: async () => eventLog.lose(),
    close: () => eventLog.close(),
  });
}

async function redisBackend(): Promise<Backend> {
  const url = inject('redisUrl');
  const prefix = `${FILE_PREFIX}${++testNo}:`;
  const clients = await createRedisClients(url, prefix, { connectTimeoutMs: 5_000 });
  const others: RedisClients[] = [];
  const eventLog = new RedisEventLog(clients.main, clients.reader, prefix, REJECTED_CAP);
  return {
    eventLog,
    snapshots: new RedisSnapshotStore(clients.main, prefix),
    accounts: new RedisAccounts(clients.main, prefix),
    audit: new RedisAuditLog(clients.main, prefix),
    feeds: new RedisFeedStore(clients.main, prefix),
    archive: new RedisArchiveStore(clients.main, prefix),
    notifyClaims: new RedisNotifyClaims(clients.main, prefix),
    elapse: async (ms) => {
      await sleep(ms);
    },
    otherNotifyClaims: async () => {
      const other = await createRedisClients(url, prefix, { connectTimeoutMs: 5_000 });
      others.push(other);
      return new RedisNotifyClaims(other.main, prefix);
    },
    otherAccounts: async () => {
      const other = await createRedisClients(url, prefix, { connectTimeoutMs: 5_000 });
      others.push(other);
      return new RedisAccounts(other.main, prefix);
    },
    rawAppend: (fields) => clients.main.sendCommand<string>(['XADD', `${prefix}events`, '*', ...fields.flat()]),
    appendAt: async (ms, events) => {
      const ids: string[] = [];
      for (const e of events) ids.push(await clients.main.sendCommand<string>(['XADD', `${prefix}events`, `${ms}-*`, 'event', JSON.stringify(e)]));
      return ids;
    },
    rejected: async () => {
      const entries = (await clients.main.xRange(`${prefix}events:rejected`, '-', '+')) ?? [];
      return entries.map((e) => {
        const m = e.message as Record<string, string>;
        expect(Object.keys(m).sort()).toEqual(['id', 'raw', 'reason']);
        return { id: m['id']!, raw: m['raw']!, reason: m['reason']! };
      });
    },
    trimAll: async () => {
      await clients.main.sendCommand(['XTRIM', `${prefix}events`, 'MAXLEN', '0']);
    },
    // this test's keys are all the data it has: deleting them is what a restart without persistence does to it
    loseEverything: async () => {
      const keys = await clients.main.keys(`${prefix}*`);
      if (keys.length) await clients.main.del(keys);
    },
    close: async () => {
      await eventLog.close();
      await clients.close();
      for (const other of others) await other.close();
    },
  };
}

const T0 = 1_764_374_400_000;

function login(n: number): HotlineEvent {
  return { v: 1, id: `e${n}`, ts: T0 + n, type: 'agent.login', agentId: `a${n}` };
}

function user(username: string, role: UserRecord['role'], disabled = false): UserRecord {
  return { username, role, passwordHash: 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', disabled, createdAt: T0, tokensValidAfter: 0 };
}

function device(id: string, tokenHash: string, createdAt = T0): DeviceRecord {
  return { id, name: `大屏 ${id}`, tokenHash, createdAt, revokedAt: null };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const DAY = 86_400_000;

/**
 * An archive record of `date` whose every figure carries `n`, so a test can tell which write is
 * stored; agents, reasons and intervals included, so a round trip covers the whole shape.
 */
function dayRecord(date: string, n: number): DayArchive {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const day = emptyDay(Date.UTC(y, m - 1, d) - 8 * 3_600_000, 'Asia/Shanghai');
  const sums = { offered: n + 3, answered: n + 2, abandoned: 1, shortAbandoned: 1, answeredInSL: n + 1, waitSum: 4_000 * n, maxWait: 9_000, talkSum: 60_000 * n, talkN: n + 2, handleSum: 80_000 * n, handleN: n + 2 };
  return {
    ...day,
    window: sums,
    intervals: [{ start: day.start + 9 * 3_600_000, sums }],
    categories: { ...day.categories, sanitation: n, gas_heating: 1 },
    callbacks: { missed: n, returned: n, returnedLate: 1 },
    incidents: { raised: 2, major: 1, lateAcknowledgements: n },
    agents: [
      {
        agentId: '1001',
        name: '坐席一',
        answered: n,
        ronas: 1,
        talkMs: 60_000 * n,
        talkN: n,
        wrapMs: 5_000,
        handleMs: 60_000 * n + 5_000,
        handleN: n,
        signedInMs: 8 * 3_600_000,
        availableMs: 3_600_000,
        busyMs: 1_200_000,
        busyByReason: [
          ['', 200_000],
          ['meal', 1_000_000],
        ],
        callbacks: n,
        violations: { rona: 1, not_signed_in: 0, busy_too_long: 1, restricted_window: n },
        attendance: { late: n, absent: 0, leftEarly: 1 },
      },
    ],
    handovers: [],
  };
}

/** Numeric order of `<ms>-<seq>` IDs. */
function idLess(a: string, b: string): boolean {
  const [am, as] = a.split('-').map(Number) as [number, number];
  const [bm, bs] = b.split('-').map(Number) as [number, number];
  return am < bm || (am === bm && as < bs);
}

describe.each([
  { name: 'memory', create: memoryBackend },
  { name: 'redis', create: redisBackend },
])('ports on $name', ({ create }) => {
  let b: Backend;

  beforeEach(async () => {
    b = await create();
  });

  afterEach(async () => {
    await b.close();
  });

  describe('event log', () => {
    it('appends in order and reads back the same events with their IDs', async () => {
      const events = [login(1), login(2), login(3)];
      const ids = await b.eventLog.append(events);
      expect(ids).toHaveLength(3);
      for (const id of ids) expect(id).toMatch(/^\d+-\d+$/);
      expect(idLess(ids[0]!, ids[1]!) && idLess(ids[1]!, ids[2]!)).toBe(true);

      const entries = await b.eventLog.read('0-0', 10, 0);
      expect(entries.map((e) => e.id)).toEqual(ids);
      expect(entries.map((e) => JSON.parse(e.raw!))).toEqual(events);
      for (const e of entries) expect(e.fields).toEqual(['event']);
    });

    it('appends nothing for an empty batch', async () => {
      expect(await b.eventLog.append([])).toEqual([]);
      expect(await b.eventLog.lastId()).toBe('0-0');
    });

    it('reads strictly after the cursor, at most count', async () => {
      const ids = await b.eventLog.append([1, 2, 3, 4, 5].map(login));
      const page = await b.eventLog.read(ids[1]!, 2, 0);
      expect(page.map((e) => e.id)).toEqual([ids[2], ids[3]]);
      expect(await b.eventLog.read(ids[4]!, 10, 0)).toEqual([]);
    });

    it('refuses a cursor that is not a stream ID', async () => {
      await expect(b.eventLog.read('not-an-id', 1, 0)).rejects.toThrow();
    });

    it('wakes a blocked read when an event is appended', async () => {
      const cursor = (await b.eventLog.append([login(1)]))[0]!;
      const started = Date.now();
      const pending = b.eventLog.read(cursor, 10, 10_000);
      await sleep(100);
      const [id] = await b.eventLog.append([login(2)]);
      const entries = await pending;
      expect(entries.map((e) => e.id)).toEqual([id]);
      // Far below the 10 s block: the append woke the reader, not the timeout.
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('returns [] when a blocked read times out', async () => {
      const started = Date.now();
      expect(await b.eventLog.read('0-0', 10, 200)).toEqual([]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    });

    it('ends a blocked read with [] on close', async () => {
      const started = Date.now();
      const pending = b.eventLog.read('0-0', 10, 10_000);
      await sleep(100);
      await b.eventLog.close();
      expect(await pending).toEqual([]);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await b.eventLog.read('0-0', 10, 10_000)).toEqual([]);
    });

    it('appends all of a batch or none of it', async () => {
      const unencodable = { ...login(2), agentId: 2n } as unknown as HotlineEvent;
      await expect(b.eventLog.append([login(1), unencodable])).rejects.toThrow();
      expect(await b.eventLog.lastId()).toBe('0-0');
      expect(await b.eventLog.read('0-0', 10, 0)).toEqual([]);
    });

    it('keeps each batch contiguous when batches are appended concurrently', async () => {
      const batch = (tag: string) => Array.from({ length: 50 }, (_, i) => ({ ...login(i), id: `${tag}${i}` }));
      await Promise.all([b.eventLog.append(batch('x')), b.eventLog.append(batch('y'))]);
      const tags = (await b.eventLog.read('0-0', 200, 0)).map((e) => (JSON.parse(e.raw!) as HotlineEvent).id[0]);
      expect(tags).toHaveLength(100);
      expect(new Set(tags.slice(0, 50)).size).toBe(1);
      expect(new Set(tags.slice(50)).size).toBe(1);
    });

    it('copies a rejected entry with its reason to the rejected stream', async () => {
      await b.eventLog.append([login(1)]);
      await b.rawAppend([['other', 'x']]);
      const [good, bad] = await b.eventLog.read('0-0', 10, 0);
      await b.eventLog.reject(good!, 'schema: agentId missing');
      await b.eventLog.reject(bad!, 'no event field');
      expect(await b.rejected()).toEqual([
        { id: good!.id, raw: good!.raw, reason: 'schema: agentId missing' },
        { id: bad!.id, raw: '', reason: 'no event field' },
      ]);
      // Rejecting copies: the log itself is unchanged.
      expect(await b.eventLog.read('0-0', 10, 0)).toHaveLength(2);
    });

    it('copies a rejected entry once, however many nodes or replays meet it', async () => {
      await b.rawAppend([['other', 'x']]);
      await b.rawAppend([['other', 'y']]);
      const [first, second] = await b.eventLog.read('0-0', 10, 0);
      await b.eventLog.reject(first!, 'no event field');
      await b.eventLog.reject(first!, 'no event field');
      await b.eventLog.reject(second!, 'no event field');
      await b.eventLog.reject(first!, 'no event field');
      expect((await b.rejected()).map((r) => r.id)).toEqual([first!.id, second!.id]);
    });

    it('reports entries with a missing or extra field as they are', async () => {
      const missing = await b.rawAppend([['payload', '{}']]);
      const extra = await b.rawAppend([
        ['event', '{"v":1}'],
        ['source', 'cti'],
      ]);
      const notJson = await b.rawAppend([['event', 'not json']]);
      expect(await b.eventLog.read('0-0', 10, 0)).toEqual([
        { id: missing, raw: null, fields: ['payload'] },
        { id: extra, raw: '{"v":1}', fields: ['event', 'source'] },
        { id: notJson, raw: 'not json', fields: ['event'] },
      ]);
    });

    it('keeps the rejected stream capped near its limit, the newest entries kept', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 400; i++) ids.push(await b.rawAppend([['event', `bad ${i}`]]));
      for (const id of ids) await b.eventLog.reject({ id, raw: 'x', fields: ['event'] }, 'not JSON');
      const kept = await b.rejected();
      // Redis trims whole nodes (MAXLEN ~): at least the cap, at most one node of 100 more
      expect(kept.length).toBeGreaterThanOrEqual(REJECTED_CAP);
      expect(kept.length).toBeLessThanOrEqual(REJECTED_CAP + 100);
      expect(kept.at(-1)!.id).toBe(ids.at(-1));
    });

    it('reports an entry with the event field twice with both fields', async () => {
      const twice = await b.rawAppend([
        ['event', '{"v":1}'],
        ['event', '{"v":2}'],
      ]);
      expect(await b.eventLog.read('0-0', 10, 0)).toEqual([{ id: twice, raw: '{"v":1}', fields: ['event', 'event'] }]);
    });

    it('has one generation for its life, and names the highest ID it issued, trimmed or not', async () => {
      const empty = await b.eventLog.identity();
      expect(empty.generation).toMatch(/^[0-9a-f-]{36}$/);
      expect(empty.lastGeneratedId).toBe('0-0');
      const ids = await b.eventLog.append([login(1), login(2)]);
      expect(await b.eventLog.identity()).toEqual({ generation: empty.generation, lastGeneratedId: ids[1] });
      await b.trimAll();
      expect(await b.eventLog.lastId()).toBe('0-0');
      expect(await b.eventLog.identity()).toEqual({ generation: empty.generation, lastGeneratedId: ids[1] });
    });

    it('begins a new generation when its data is lost', async () => {
      await b.eventLog.append([login(1)]);
      const before = await b.eventLog.identity();
      await b.loseEverything();
      const after = await b.eventLog.identity();
      expect(after.generation).not.toBe(before.generation);
      expect(after.lastGeneratedId).toBe('0-0');
    });

    it('names the newest entry as lastId', async () => {
      expect(await b.eventLog.lastId()).toBe('0-0');
      const ids = await b.eventLog.append([login(1), login(2)]);
      expect(await b.eventLog.lastId()).toBe(ids[1]);
      const raw = await b.rawAppend([['x', 'y']]);
      expect(await b.eventLog.lastId()).toBe(raw);
    });

    describe('retention', () => {
      const t = (d: number) => T0 + d * DAY;

      it('trims the entries before the instant; the rest reads on as it was, the identity unchanged', async () => {
        const old = await b.appendAt(t(0), [login(1)]);
        const older = await b.appendAt(t(1), [login(2), login(3)]);
        const kept = await b.appendAt(t(2), [login(4), login(5)]);
        const newest = await b.appendAt(t(3) + 1, [login(6)]);
        const before = await b.eventLog.identity();

        // an entry at the instant itself stays (XTRIM MINID keeps IDs ≥ <beforeMs>-0)
        expect(await b.eventLog.trim(t(2), t(2))).toBe(3);
        const left = await b.eventLog.read('0-0', 10, 0);
        expect(left.map((e) => e.id)).toEqual([...kept, ...newest]);
        expect(left.map((e) => JSON.parse(e.raw!))).toEqual([login(4), login(5), login(6)]);
        // a reader whose cursor was among the trimmed entries goes on with the first kept one
        expect((await b.eventLog.read(old[0]!, 10, 0)).map((e) => e.id)).toEqual([...kept, ...newest]);
        expect((await b.eventLog.read(older[1]!, 1, 0)).map((e) => e.id)).toEqual([kept[0]]);
        expect(await b.eventLog.lastId()).toBe(newest[0]);
        expect(await b.eventLog.identity()).toEqual(before);
        // and new entries come after the newest, as before
        const [next] = await b.eventLog.append([login(7)]);
        expect(idLess(newest[0]!, next!)).toBe(true);
      });

      it('records from when it is whole, and that mark only grows', async () => {
        expect(await b.eventLog.trimmedBefore()).toBe(0);
        // a trim of an empty log removes nothing but still leaves its mark
        expect(await b.eventLog.trim(t(1), t(1) + 600_000)).toBe(0);
        expect(await b.eventLog.trimmedBefore()).toBe(t(1) + 600_000);

        await b.appendAt(t(1), [login(1)]);
        await b.appendAt(t(2), [login(2)]);
        await b.appendAt(t(4), [login(3)]);
        expect(await b.eventLog.trim(t(3), t(3) + 600_000)).toBe(2);
        expect(await b.eventLog.trimmedBefore()).toBe(t(3) + 600_000);

        // a node behind (an older wholeFrom) moves the mark back never, and removes nothing more
        expect(await b.eventLog.trim(t(2), t(2))).toBe(0);
        expect(await b.eventLog.trimmedBefore()).toBe(t(3) + 600_000);
        expect(await b.eventLog.read('0-0', 10, 0)).toHaveLength(1);
      });

      it('trimmed of every entry, it is empty and goes on from the last ID it issued', async () => {
        const ids = await b.appendAt(t(1), [login(1), login(2)]);
        expect(await b.eventLog.trim(t(5), t(5))).toBe(2);
        expect(await b.eventLog.read('0-0', 10, 0)).toEqual([]);
        expect(await b.eventLog.lastId()).toBe('0-0');
        expect((await b.eventLog.identity()).lastGeneratedId).toBe(ids[1]);
        const [next] = await b.eventLog.append([login(3)]);
        expect(idLess(ids[1]!, next!)).toBe(true);
        expect((await b.eventLog.read('0-0', 10, 0)).map((e) => e.id)).toEqual([next]);
      });

      it('forgets its trim mark with its data', async () => {
        await b.appendAt(t(1), [login(1)]);
        await b.eventLog.trim(t(2), t(2));
        await b.loseEverything();
        expect(await b.eventLog.trimmedBefore()).toBe(0);
      });
    });
  });

  describe('archive store', () => {
    it('holds nothing at first; a record put is got back exactly, as a copy', async () => {
      expect(await b.archive.dates()).toEqual([]);
      expect(await b.archive.get(['2026-03-01'])).toEqual(new Map());
      const rec = dayRecord('2026-03-01', 7);
      await b.archive.put(rec, '1764374400000-0');
      const got = await b.archive.get(['2026-03-01']);
      expect(got).toEqual(new Map([['2026-03-01', rec]]));
      got.get('2026-03-01')!.window.offered = 0;
      got.get('2026-03-01')!.agents[0]!.busyByReason.push(['x', 1]);
      expect((await b.archive.get(['2026-03-01'])).get('2026-03-01')).toEqual(dayRecord('2026-03-01', 7));
    });

    it('gets only the dates it holds, however many are asked', async () => {
      await b.archive.put(dayRecord('2026-03-01', 1), '5-0');
      await b.archive.put(dayRecord('2026-03-03', 3), '5-0');
      expect(await b.archive.get([])).toEqual(new Map());
      const got = await b.archive.get(['2026-02-28', '2026-03-03', '2026-03-02', '2026-03-01', '2026-03-04']);
      expect([...got.keys()].sort()).toEqual(['2026-03-01', '2026-03-03']);
      expect(got.get('2026-03-03')).toEqual(dayRecord('2026-03-03', 3));
    });

    it('keeps the record computed at the later stream position; IDs compare as numbers, not as text', async () => {
      const date = '2026-03-05';
      const stored = async () => (await b.archive.get([date])).get(date)!.window.offered - 3;
      // [position of the put, whether it replaces what is stored]
      const steps: [string, boolean][] = [
        ['99-5', true],
        ['100-0', true], //   '100-0' < '99-5' as text
        ['100-2', true],
        ['100-10', true], //  '100-10' < '100-2' as text
        ['100-2', false], //  earlier
        ['99-5', false], //   earlier ('99-5' > '100-10' as text)
        ['100-9', false],
        ['100-10', true], //  the same position: the same stream, so the same record; written again
        ['100-11', true],
        ['999999999999-7', true],
        ['1764374400000-0', true], // 13 digits after 12: later
        ['999999999999-9', false],
        ['1764374400000-0', true],
      ];
      for (const [i, [asOf, replaces]] of steps.entries()) {
        const before = i === 0 ? null : await stored();
        await b.archive.put(dayRecord(date, i + 1), asOf);
        expect(await stored(), `put #${i + 1} at ${asOf}`).toBe(replaces ? i + 1 : before);
      }
      expect(await b.archive.dates()).toEqual([date]);
    });

    it('refuses a record with a bad date or position, and stores nothing', async () => {
      await expect(b.archive.put({ ...dayRecord('2026-03-01', 1), date: '2026-3-1' }, '1-0')).rejects.toThrow(/bad date/);
      await expect(b.archive.put(dayRecord('2026-03-01', 1), '100')).rejects.toThrow(/bad date or position/);
      await expect(b.archive.put(dayRecord('2026-03-01', 1), 'latest')).rejects.toThrow(/bad date or position/);
      expect(await b.archive.dates()).toEqual([]);
    });

    it('lists its dates sorted', async () => {
      for (const date of ['2026-03-10', '2025-12-31', '2026-03-02', '2026-01-15', '2026-02-28']) await b.archive.put(dayRecord(date, 1), '1-0');
      expect(await b.archive.dates()).toEqual(['2025-12-31', '2026-01-15', '2026-02-28', '2026-03-02', '2026-03-10']);
    });

    it('deletes the records before a date, their positions with them', async () => {
      for (const date of ['2026-03-10', '2026-03-01', '2026-03-02', '2026-02-28']) await b.archive.put(dayRecord(date, 1), '50-0');
      expect(await b.archive.deleteBefore('2026-01-01')).toBe(0);
      expect(await b.archive.deleteBefore('2026-03-02')).toBe(2);
      expect(await b.archive.dates()).toEqual(['2026-03-02', '2026-03-10']);
      expect(await b.archive.get(['2026-02-28', '2026-03-01'])).toEqual(new Map());
      expect(await b.archive.deleteBefore('2026-03-02')).toBe(0);
      // the guard of a deleted date went with it: a record at any position is taken anew
      await b.archive.put(dayRecord('2026-03-01', 2), '1-0');
      expect((await b.archive.get(['2026-03-01'])).get('2026-03-01')).toEqual(dayRecord('2026-03-01', 2));
      // the date itself and the later ones stayed, with their guard
      await b.archive.put(dayRecord('2026-03-02', 3), '49-0');
      expect((await b.archive.get(['2026-03-02'])).get('2026-03-02')).toEqual(dayRecord('2026-03-02', 1));
      expect(await b.archive.deleteBefore('2027-01-01')).toBe(3);
      expect(await b.archive.dates()).toEqual([]);
    });
  });

  describe('snapshot store', () => {
    it('loads null before the first save, then the newest snapshot', async () => {
      expect(await b.snapshots.load()).toBeNull();
      await b.snapshots.save({ cursor: '1-0', state: '{"a":1}', generation: 'g1' });
      expect(await b.snapshots.load()).toEqual({ cursor: '1-0', state: '{"a":1}', generation: 'g1' });
      const big = JSON.stringify({ agents: Array.from({ length: 2_000 }, (_, i) => ({ id: `a${i}`, name: '坐席' })) });
      await b.snapshots.save({ cursor: '2-5', state: big, generation: 'g2' });
      expect(await b.snapshots.load()).toEqual({ cursor: '2-5', state: big, generation: 'g2' });
    });
  });

  describe('accounts', () => {
    it('creates a user once and refuses a taken name', async () => {
      expect(await b.accounts.createUser(user('zhang', 'lead'))).toBe(true);
      expect(await b.accounts.createUser(user('zhang', 'director'))).toBe(false);
      expect((await b.accounts.getUser('zhang'))?.role).toBe('lead');
      expect(await b.accounts.getUser('nobody')).toBeNull();
    });

    it('lets exactly one of two concurrent creations of a name win', async () => {
      const other = await b.otherAccounts();
      const results = await Promise.all([b.accounts.createUser(user('li', 'lead')), other.createUser(user('li', 'director'))]);
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('updates and lists users, and knows whether an enabled admin exists', async () => {
      await b.accounts.createUser(user('wang', 'lead'));
      expect(await b.accounts.hasAdmin()).toBe(false);
      await b.accounts.createUser(user('admin', 'admin'));
      expect(await b.accounts.hasAdmin()).toBe(true);
      const disabled = { ...user('admin', 'admin', true), tokensValidAfter: T0 + 5 };
      await b.accounts.updateUser(disabled);
      expect(await b.accounts.getUser('admin')).toEqual(disabled);
      expect(await b.accounts.hasAdmin()).toBe(false);
      expect((await b.accounts.listUsers()).map((u) => u.username)).toEqual(['admin', 'wang']);
    });

    it('shares one stable 32-byte token secret between nodes', async () => {
      const secret = await b.accounts.tokenSecret();
      expect(secret).toHaveLength(32);
      expect((await b.accounts.tokenSecret()).equals(secret)).toBe(true);
      const other = await b.otherAccounts();
      expect((await other.tokenSecret()).equals(secret)).toBe(true);
    });

    it('remembers a revoked token until it would have expired', async () => {
      expect(await b.accounts.isTokenRevoked('t1')).toBe(false);
      await b.accounts.revokeToken('t1', Date.now() + 60_000);
      await b.accounts.revokeToken('t2', Date.now() + 300);
      await b.accounts.revokeToken('t3', Date.now() - 1);
      expect(await b.accounts.isTokenRevoked('t1')).toBe(true);
      expect(await b.accounts.isTokenRevoked('t2')).toBe(true);
      expect(await b.accounts.isTokenRevoked('t3')).toBe(false);
      expect(await (await b.otherAccounts()).isTokenRevoked('t1')).toBe(true);
      await sleep(500);
      expect(await b.accounts.isTokenRevoked('t2')).toBe(false);
      expect(await b.accounts.isTokenRevoked('t1')).toBe(true);
    });

    it('finds devices by id and by token hash, through updates', async () => {
      const d1 = device('d1', 'hash-1', T0);
      const d2 = device('d2', 'hash-2', T0 + 1);
      await b.accounts.createDevice(d1);
      await b.accounts.createDevice(d2);
      expect(await b.accounts.getDeviceByTokenHash('hash-1')).toEqual(d1);
      expect(await b.accounts.getDevice('d2')).toEqual(d2);
      expect(await b.accounts.getDeviceByTokenHash('unknown')).toBeNull();
      expect(await b.accounts.getDevice('unknown')).toBeNull();

      const revoked = { ...d1, revokedAt: T0 + 10 };
      await b.accounts.updateDevice(revoked);
      expect(await b.accounts.getDeviceByTokenHash('hash-1')).toEqual(revoked);

      const rotated = { ...d2, tokenHash: 'hash-2b' };
      await b.accounts.updateDevice(rotated);
      expect(await b.accounts.getDeviceByTokenHash('hash-2')).toBeNull();
      expect(await b.accounts.getDeviceByTokenHash('hash-2b')).toEqual(rotated);
      expect(await b.accounts.listDevices()).toEqual([revoked, rotated]);
    });
  });

  describe('audit log', () => {
    it('lists the records with `at` in [from, to), oldest first', async () => {
      // Redis IDs come from its own clock, so records are written near wall time, as in production.
      const now = Date.now();
      const record = (at: number, action: string): AuditRecord => ({
        at,
        actor: 'zhang',
        role: 'lead',
        action,
        subject: `call-${at}`,
        detail: { note: '已回访' },
      });
      await b.audit.append(record(now + 2, 'incident.acknowledged'));
      await b.audit.append(record(now, 'caller.revealed'));
      await b.audit.append(record(now + 1, 'incident.escalated'));
      await b.audit.append({ ...record(now + 3, 'incident.resolved'), role: 'system', subject: null });

      expect((await b.audit.list(now, now + 3)).map((r) => r.action)).toEqual([
        'caller.revealed',
        'incident.escalated',
        'incident.acknowledged',
      ]);
      expect(await b.audit.list(now + 3, now + 4)).toEqual([{ ...record(now + 3, 'incident.resolved'), role: 'system', subject: null }]);
      expect(await b.audit.list(now - 86_400_000, now - 3_600_000)).toEqual([]);
      expect(await b.audit.list(now + 4, now + 4)).toEqual([]);
    });

    it('trims the records appended before the instant; the rest list as before', async () => {
      // both stores place a record by the time it was appended (Redis: its own clock, this machine's)
      const record = (n: number): AuditRecord => ({ at: Date.now(), actor: 'admin', role: 'admin', action: 'user.created', subject: `u${n}` });
      const early = [record(1), record(2)];
      for (const r of early) await b.audit.append(r);
      await sleep(30);
      const cut = Date.now();
      await sleep(30);
      const late = [record(3), record(4)];
      for (const r of late) await b.audit.append(r);
      const all = (from: number) => b.audit.list(from - DAY, Date.now() + DAY);

      expect(await b.audit.trim(cut - DAY)).toBe(0);
      expect(await all(cut)).toEqual([...early, ...late]);
      expect(await b.audit.trim(cut)).toBe(2);
      expect(await all(cut)).toEqual(late);
      expect(await b.audit.trim(cut)).toBe(0);
      expect(await b.audit.trim(Date.now() + 1_000)).toBe(2);
      expect(await all(cut)).toEqual([]);
    });
  });

  describe('notification claims', () => {
    const C = ['wecom', 'incident_unacknowledged', 'incident_unacknowledged:inc-7'] as const;

    it('the first claim wins; every later one, by anyone, is refused', async () => {
      expect(await b.notifyClaims.claim(...C, 'node-a', 60_000)).toBe(true);
      expect(await b.notifyClaims.claim(...C, 'node-a', 60_000)).toBe(false);
      expect(await b.notifyClaims.claim(...C, 'node-b', 60_000)).toBe(false);
      const other = await b.otherNotifyClaims();
      expect(await other.claim(...C, 'node-b', 60_000)).toBe(false);
    });

    it('channel, trigger and episode each make another claim', async () => {
      expect(await b.notifyClaims.claim(...C, 'node-a', 60_000)).toBe(true);
      expect(await b.notifyClaims.claim('dingtalk', C[1], C[2], 'node-a', 60_000)).toBe(true);
      expect(await b.notifyClaims.claim(C[0], 'alert.critical', C[2], 'node-a', 60_000)).toBe(true);
      expect(await b.notifyClaims.claim(C[0], C[1], 'incident_unacknowledged:inc-8', 'node-a', 60_000)).toBe(true);
    });

    it('of many nodes asking at once, exactly one gets it', async () => {
      const others = await Promise.all(Array.from({ length: 4 }, () => b.otherNotifyClaims()));
      const asks = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? b.notifyClaims : others[i % 4]!).claim(...C, `node-${i}`, 60_000));
      expect((await Promise.all(asks)).filter(Boolean)).toHaveLength(1);
    });

    it('lapses after its time, and can then be taken again', async () => {
      expect(await b.notifyClaims.claim(...C, 'node-a', 200)).toBe(true);
      await b.elapse(450);
      expect(await b.notifyClaims.claim(...C, 'node-b', 60_000)).toBe(true);
      expect(await b.notifyClaims.claim(...C, 'node-a', 60_000)).toBe(false);
    });

    it('is given back only by its owner, and then taken by the next to ask', async () => {
      expect(await b.notifyClaims.claim(...C, 'node-a', 60_000)).toBe(true);
      expect(await b.notifyClaims.release(...C, 'node-b')).toBe(false);
      expect(await b.notifyClaims.claim(...C, 'node-b', 60_000)).toBe(false);
      expect(await b.notifyClaims.release(...C, 'node-a')).toBe(true);
      expect(await b.notifyClaims.release(...C, 'node-a')).toBe(false);
      expect(await (await b.otherNotifyClaims()).claim(...C, 'node-b', 60_000)).toBe(true);
    });
  });

  describe('feed store', () => {
    const feed = (name: string, over: Partial<FeedRecord> = {}): FeedRecord => ({
      name,
      connected: true,
      since: T0,
      lastEventAt: T0 + 5_000,
      pbx: 'Asterisk Call Manager/9.0.0',
      ...over,
    });
    const byName = (rs: FeedRecord[]) => [...rs].sort((x, y) => (x.name < y.name ? -1 : 1));

    it('lists nothing at first, then every feed written, as written', async () => {
      expect(await b.feeds.list()).toEqual([]);
      await b.feeds.put(feed('ami-2', { connected: false, lastEventAt: null, pbx: null }), 10_000);
      await b.feeds.put(feed('ami-1'), 10_000);
      expect(byName(await b.feeds.list())).toEqual([feed('ami-1'), feed('ami-2', { connected: false, lastEventAt: null, pbx: null })]);
    });

    it('replaces a feed on the next write, which starts its expiry again', async () => {
      await b.feeds.put(feed('ami-1'), 1_000);
      await b.elapse(600);
      await b.feeds.put(feed('ami-1', { connected: false, since: T0 + 9_000 }), 1_000);
      await b.elapse(600);
      // 1.2 s after the first write: alive, because of the second
      expect(await b.feeds.list()).toEqual([feed('ami-1', { connected: false, since: T0 + 9_000 })]);
    });

    it('forgets a feed once its expiry has passed, and keeps the others', async () => {
      await b.feeds.put(feed('short'), 200);
      await b.feeds.put(feed('long'), 60_000);
      expect(await b.feeds.list()).toHaveLength(2);
      await b.elapse(450);
      expect(await b.feeds.list()).toEqual([feed('long')]);
    });

    it('keeps names from outside as plain names', async () => {
      const names = ['__proto__', 'constructor', 'toString', 'a:b', '话务-1', 'x*[?]\\'];
      for (const n of names) await b.feeds.put(feed(n), 10_000);
      expect(byName(await b.feeds.list())).toEqual(byName(names.map((n) => feed(n))));
    });

    it('hands out copies: changing a listed record changes nothing stored', async () => {
      await b.feeds.put(feed('ami-1'), 10_000);
      const [r] = await b.feeds.list();
      r!.connected = false;
      expect(await b.feeds.list()).toEqual([feed('ami-1')]);
    });
  });
});

describe('notification claims on Redis', () => {
  let clients: RedisClients;

  beforeEach(async () => {
    clients = await createRedisClients(inject('redisUrl'), 'unused:', { connectTimeoutMs: 5_000 });
  });

  afterEach(async () => {
    await clients.close();
  });

  it('are the contract key `<prefix>notify:<channel>:<trigger>:<episode id>`, holding the owner, with the expiry asked for', async () => {
    const p = `${FILE_PREFIX}claims-${++testNo}:`;
    const claims = new RedisNotifyClaims(clients.main, p);
    expect(await claims.claim('值班群', 'incident_unacknowledged', 'incident_unacknowledged:inc-7', 'node-a', 14 * DAY)).toBe(true);
    const key = `${p}notify:值班群:incident_unacknowledged:incident_unacknowledged:inc-7`;
    expect(await clients.main.get(key)).toBe('node-a');
    const ttl = Number(await clients.main.pTTL(key));
    expect(ttl).toBeGreaterThan(14 * DAY - 5_000);
    expect(ttl).toBeLessThanOrEqual(14 * DAY);
  });

  it('a key written by another process (SET NX) is a claim held', async () => {
    const p = `${FILE_PREFIX}claims-${++testNo}:`;
    await clients.main.sendCommand(['SET', `${p}notify:mail:feed.down:ami-1:${T0}`, 'elsewhere', 'NX', 'PX', '60000']);
    const claims = new RedisNotifyClaims(clients.main, p);
    expect(await claims.claim('mail', 'feed.down', `ami-1:${T0}`, 'node-a', 60_000)).toBe(false);
    expect(await claims.release('mail', 'feed.down', `ami-1:${T0}`, 'node-a')).toBe(false);
    expect(await clients.main.get(`${p}notify:mail:feed.down:ami-1:${T0}`)).toBe('elsewhere');
  });
});

describe('feed keys on Redis as adapters write them', () => {
  let clients: RedisClients;
  const prefix = () => `${FILE_PREFIX}feeds-${++testNo}:`;

  beforeEach(async () => {
    clients = await createRedisClients(inject('redisUrl'), 'unused:', { connectTimeoutMs: 5_000 });
  });

  afterEach(async () => {
    await clients.close();
  });

  it('reads the contract key `<prefix>feeds:<name>` written by an adapter itself (SET … PX 30000)', async () => {
    const p = prefix();
    const value = { name: 'ami-hz', connected: true, since: T0, lastEventAt: T0 + 1_000, pbx: 'Asterisk Call Manager/9.0.0' };
    await clients.main.sendCommand(['SET', `${p}feeds:ami-hz`, JSON.stringify(value), 'PX', '30000']);
    expect(await new RedisFeedStore(clients.main, p).list()).toEqual([value]);
  });

  it('writes the contract value with the expiry asked for', async () => {
    const p = prefix();
    await new RedisFeedStore(clients.main, p).put({ name: 'ami-hz', connected: false, since: T0, lastEventAt: null, pbx: null }, 30_000);
    expect(JSON.parse((await clients.main.get(`${p}feeds:ami-hz`))!)).toEqual({ name: 'ami-hz', connected: false, since: T0, lastEventAt: null, pbx: null });
    const ttl = Number(await clients.main.pTTL(`${p}feeds:ami-hz`));
    expect(ttl).toBeGreaterThan(29_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('leaves out keys that hold no feed report, and names that are not feed names', async () => {
    const p = prefix();
    const good = { connected: true, since: T0, lastEventAt: null, pbx: null };
    const set = (key: string, v: string) => clients.main.set(`${p}feeds:${key}`, v);
    await set('good', JSON.stringify(good));
    await set('not-json', '{');
    await set('no-connected', JSON.stringify({ since: T0, lastEventAt: null }));
    await set('bad-since', JSON.stringify({ ...good, since: -1 }));
    await set('deep', '[[[[[[[[[[1]]]]]]]]]]');
    await set('huge', JSON.stringify({ ...good, pbx: 'x'.repeat(5_000) }));
    await set('zero​width', JSON.stringify(good));
    await set('x'.repeat(65), JSON.stringify(good));
    await set('', JSON.stringify(good));
    await clients.main.hSet(`${p}feeds:a-hash`, 'connected', 'true');
    expect(await new RedisFeedStore(clients.main, p).list()).toEqual([{ name: 'good', ...good }]);
  });

  it('lists only its own prefix, even one with glob characters in it', async () => {
    const base = prefix();
    const globby = new RedisFeedStore(clients.main, `${base}x[1]*?:`);
    const plain = new RedisFeedStore(clients.main, `${base}x1ab:`);
    const r = { name: 'ami', connected: true, since: T0, lastEventAt: null, pbx: null };
    await globby.put({ ...r, name: 'mine' }, 10_000);
    await plain.put({ ...r, name: 'other' }, 10_000);
    expect((await globby.list()).map((f) => f.name)).toEqual(['mine']);
    expect((await plain.list()).map((f) => f.name)).toEqual(['other']);
  });

  it('lists hundreds of feeds (SCAN in steps, MGET in batches)', async () => {
    const p = prefix();
    const store = new RedisFeedStore(clients.main, p);
    const r = { connected: true, since: T0, lastEventAt: null, pbx: null };
    await Promise.all(Array.from({ length: 450 }, (_, i) => store.put({ ...r, name: `f${i}` }, 10_000)));
    const names = (await store.list()).map((f) => f.name);
    expect(names).toHaveLength(450);
    expect(new Set(names).size).toBe(450);
  });
});
