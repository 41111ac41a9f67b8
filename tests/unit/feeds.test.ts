/**
 * Feed health apart from Redis and HTTP: the FeedMonitor (what a node lists, and for how long), the
 * snapshot's `feeds` out of the pure derive, the client's helpers, and the words for it in both
 * languages.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadBothLanguages, type I18n } from '../helpers/i18n';
import { FeedMonitor, MAX_FEEDS } from '../../server/feed-monitor';
import { MemoryFeedStore } from '../../server/adapters/memory/memory-feed-store';
import { readFeedValue } from '../../server/adapters/redis/feed-store';
import { derive } from '../../server/core/derive';
import { Reducer } from '../../server/core/reduce';
import type { FeedRecord, FeedStore } from '../../server/ports';
import { defaultConfig } from '../../shared/config';
import { applyPatch, KEYED_LISTS } from '../../shared/patch';
import { diff } from '../../server/core/diff';
import { downFeeds, feedSilentSince, feedTime } from '../../client/src/lib/feeds';

const T0 = 1_764_374_400_000; // 2025-11-29 08:00 in Heze
const TZ = 'Asia/Shanghai';
const silent = { warn: () => undefined, info: () => undefined };
const record = (name: string, over: Partial<FeedRecord> = {}): FeedRecord => ({ name, connected: true, since: T0, lastEventAt: T0 + 60_000, pbx: 'Asterisk Call Manager/9.0.0', ...over });

describe('FeedMonitor', () => {
  const clock = { t: T0, now: () => clock.t };
  let store: MemoryFeedStore;
  let monitor: FeedMonitor;
  let changes: number;

  function setup(s: FeedStore = new MemoryFeedStore(clock)): void {
    clock.t = T0;
    store = s as MemoryFeedStore;
    monitor = new FeedMonitor(s, silent, 60_000);
    changes = 0;
    monitor.onChange(() => changes++);
  }

  afterEach(() => monitor.stop());

  it('lists nothing without feeds, and the reported ones by name', async () => {
    setup();
    await monitor.poll();
    expect(monitor.feeds()).toEqual([]);
    expect(changes).toBe(0);
    await store.put(record('ami-2'), 30_000);
    await store.put(record('ami-1', { lastEventAt: null }), 30_000);
    await monitor.poll();
    expect(monitor.feeds()).toEqual([
      { name: 'ami-1', connected: true, since: T0, lastEventAt: null },
      { name: 'ami-2', connected: true, since: T0, lastEventAt: T0 + 60_000 },
    ]);
    expect(changes).toBe(1);
  });

  it('keeps a feed whose key expired, as down with its last since and lastEventAt; up again when it reports', async () => {
    setup();
    await store.put(record('ami-1'), 30_000);
    await monitor.poll();
    clock.t += 30_000;
    await monitor.poll();
    expect(monitor.feeds()).toEqual([{ name: 'ami-1', connected: false, since: T0, lastEventAt: T0 + 60_000 }]);
    expect(monitor.details()).toEqual([{ ...record('ami-1'), connected: false, reporting: false }]);
    // still down on later reads, and no change is announced for it again
    clock.t += 60_000;
    await monitor.poll();
    expect(monitor.feeds()).toHaveLength(1);
    expect(changes).toBe(2);
    await store.put(record('ami-1', { since: T0 + 90_000 }), 30_000);
    await monitor.poll();
    expect(monitor.feeds()).toEqual([{ name: 'ami-1', connected: true, since: T0 + 90_000, lastEventAt: T0 + 60_000 }]);
    expect(changes).toBe(3);
  });

  it('announces a change only when what the snapshot lists changed (not the pbx)', async () => {
    setup();
    await store.put(record('ami-1'), 30_000);
    await monitor.poll();
    const before = monitor.feeds();
    await store.put(record('ami-1', { pbx: 'Asterisk Call Manager/9.0.1' }), 30_000);
    await monitor.poll();
    expect(monitor.feeds()).toBe(before);
    expect(monitor.details()[0]!.pbx).toBe('Asterisk Call Manager/9.0.1');
    expect(changes).toBe(1);
  });

  it('keeps the last known feeds while the store cannot be read, and says so once', async () => {
    let fail = false;
    const inner = new MemoryFeedStore(clock);
    const flaky: FeedStore = { list: () => (fail ? Promise.reject(new Error('redis away')) : inner.list()), put: (r, ttl) => inner.put(r, ttl) };
    setup(flaky);
    const warn = vi.fn();
    monitor = new FeedMonitor(flaky, { warn, info: () => undefined }, 60_000);
    await inner.put(record('ami-1'), 30_000);
    await monitor.poll();
    fail = true;
    clock.t += 60_000;
    await monitor.poll();
    await monitor.poll();
    expect(monitor.feeds()).toEqual([{ name: 'ami-1', connected: true, since: T0, lastEventAt: T0 + 60_000 }]);
    expect(warn).toHaveBeenCalledTimes(1);
    fail = false;
    await monitor.poll();
    expect(monitor.feeds()[0]!.connected).toBe(false);
  });

  it(`remembers at most ${MAX_FEEDS} names, forgetting expired ones first`, async () => {
    setup();
    for (let i = 0; i < MAX_FEEDS; i++) await store.put(record(`f${String(i).padStart(3, '0')}`), 10_000);
    await monitor.poll();
    clock.t += 10_000; // all expired, listed as down
    await monitor.poll();
    await store.put(record('new-one'), 10_000);
    await monitor.poll();
    expect(monitor.feeds()).toHaveLength(MAX_FEEDS);
    expect(monitor.feeds().find((f) => f.name === 'new-one')?.connected).toBe(true);
    // all reporting: a further name is ignored, not listed
    for (let i = 0; i < MAX_FEEDS; i++) await store.put(record(`g${String(i).padStart(3, '0')}`), 10_000);
    await monitor.poll();
    expect(monitor.feeds()).toHaveLength(MAX_FEEDS);
  });

  it('takes names that are the names of built-in properties as plain names', async () => {
    setup();
    for (const n of ['__proto__', 'constructor', 'toString']) await store.put(record(n), 30_000);
    await monitor.poll();
    expect(monitor.feeds().map((f) => f.name)).toEqual(['__proto__', 'constructor', 'toString']);
  });
});

describe('a stored feed value', () => {
  it('is read as the contract writes it, and refused otherwise', () => {
    const v = { name: 'x', connected: true, since: T0, lastEventAt: null, pbx: 'Asterisk' };
    expect(readFeedValue('ami', JSON.stringify(v))).toEqual({ ...v, name: 'ami' });
    expect(readFeedValue('ami', JSON.stringify({ ...v, pbx: undefined }))).toEqual({ ...v, name: 'ami', pbx: null });
    expect(readFeedValue('ami', null)).toBeNull();
    expect(readFeedValue('ami', '{"connected":true')).toBeNull();
    expect(readFeedValue('ami', JSON.stringify({ ...v, connected: 1 }))).toBeNull();
    expect(readFeedValue('a\u2028b', JSON.stringify(v))).toBeNull();
  });
});

describe('the snapshot’s feeds', () => {
  it('come out of derive sorted by name, as given, and travel as a keyed list by name', () => {
    expect(KEYED_LISTS['feeds']).toBe('name');
    const state = new Reducer(defaultConfig()).state;
    const config = defaultConfig();
    const empty = derive(state, T0, config, '1-0');
    expect(empty.feeds).toEqual([]);
    const feeds = [
      { name: 'b', connected: true, since: T0, lastEventAt: null },
      { name: 'B', connected: false, since: T0, lastEventAt: T0 },
      { name: 'a', connected: true, since: T0, lastEventAt: null },
    ];
    const s = derive(state, T0, config, '1-0', undefined, feeds);
    expect(s.feeds.map((f) => f.name)).toEqual(['B', 'a', 'b']);
    const next = derive(state, T0, config, '1-0', undefined, [{ ...feeds[0]!, connected: false }, feeds[2]!]);
    const ops = diff(s, next);
    expect(ops).toEqual([{ op: 'list', path: ['feeds'], key: 'name', upsert: [{ ...feeds[0]!, connected: false }], remove: ['B'] }]);
    expect(applyPatch(structuredClone(s), { cursor: '1-0', serverTime: T0, ops })).toEqual(next);
  });
});

describe('client feed helpers', () => {
  it('finds the feeds that are down; none for a snapshot without feeds', () => {
    const up = { name: 'a', connected: true, since: T0, lastEventAt: null };
    const down = { name: 'b', connected: false, since: T0, lastEventAt: null };
    expect(downFeeds({ feeds: [up, down] })).toEqual([down]);
    expect(downFeeds({ feeds: [up] })).toEqual([]);
    expect(downFeeds(null)).toEqual([]);
    expect(downFeeds({} as never)).toEqual([]);
  });

  it('says since when nothing came: the later of since and the last event', () => {
    // reported down at 10:00, last event before it
    expect(feedSilentSince({ since: T0 + 7_200_000, lastEventAt: T0 + 7_000_000 })).toBe(T0 + 7_200_000);
    // key expired: connected since 08:00, last event at 09:00
    expect(feedSilentSince({ since: T0, lastEventAt: T0 + 3_600_000 })).toBe(T0 + 3_600_000);
    expect(feedSilentSince({ since: T0, lastEventAt: null })).toBe(T0);
  });

  it('writes the time alone on the same day, with the date on another', () => {
    expect(feedTime(T0 + 60_000, T0 + 3_600_000, TZ)).toBe('08:01');
    expect(feedTime(T0 - 3_600_000 * 10, T0, TZ)).toBe('11-28 22:00');
  });
});

describe('words for feed health, in both languages', () => {
  let langs: Record<string, I18n> = {};
  const CJK = /[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u;
  const KEYS = ['feedDown', 'feedDownSince', 'feedsTitle', 'feedConnected', 'feedDisconnected', 'feedNotReporting', 'feedSince', 'feedLastEvent', 'feedNoEvent', 'feedPbx', 'feedUnknownPbx', 'noFeeds', 'feedsHint'] as const;

  beforeAll(async () => {
    langs = await loadBothLanguages();
  });

  it('says 话务数据中断 on a Chinese screen and "Telephony feed down" on an English one', () => {
    expect(langs['zh-CN']!.t('feedDown')).toBe('话务数据中断');
    expect(langs['en']!.t('feedDown')).toBe('Telephony feed down');
    expect(langs['zh-CN']!.t('feedDownSince', { name: 'ami-1', time: '10:31' })).toBe('ami-1 自 10:31 起');
    expect(langs['en']!.t('feedDownSince', { name: 'ami-1', time: '10:31' })).toBe('ami-1 since 10:31');
  });

  it('has every feed word in both languages, the English ones without Chinese', () => {
    const zh = langs['zh-CN']!;
    const en = langs['en']!;
    for (const k of KEYS) {
      expect(zh.t(k), k).toMatch(CJK);
      expect(en.t(k), k).not.toMatch(CJK);
      expect(en.t(k), k).not.toBe(zh.t(k));
    }
  });
});
