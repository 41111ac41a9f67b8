/**
 * LiveView's publishing rules, with fake timers and a fake monotonic clock (no real time, no timing
 * assertions): an idle view publishes a change at once (on the next setImmediate, with no time
 * passing), a busy one gathers changes until 20 ms after its last patch; `seq` goes up by one per
 * patch; a tick that only moved clock figures publishes nothing; subscribers run with `latest()`
 * already updated (the invariant the realtime adapter's snapshot-then-patch ordering relies on).
 *
 * `derive` is replaced by a stand-in that copies the fake replica's state, so that these rules are
 * tested apart from the metrics.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LiveView, type Published } from '../../server/live-view';
import { defaultConfig } from '../../shared/config';
import { applyPatch } from '../../shared/patch';
import type { FeedView, Snapshot } from '../../shared/snapshot';
import type { Replica } from '../../server/replica';

vi.mock('../../server/core/derive', () => ({
  derive: (
    state: { waiting: number; longestWaitSec: number | null; alerts: string[] },
    now: number,
    _config: unknown,
    cursor: string,
    _cache: unknown,
    feeds: readonly FeedView[] = [],
  ) => ({
    cursor,
    serverTime: now,
    queue: { waiting: state.waiting, longestWaitSec: state.longestWaitSec },
    alerts: state.alerts.map((id) => ({ id })),
    feeds: feeds.map((f) => ({ ...f })),
  }),
  ViewCache: class {},
}));

/** The part of a Replica LiveView uses: state, cursor, onChange. */
class FakeReplica {
  state = { waiting: 0, longestWaitSec: null as number | null, alerts: [] as string[] };
  private n = 0;
  cursor = '0-0';
  private listeners = new Set<() => void>();
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  /** an event applied: the state changes and the cursor moves */
  apply(waiting: number): void {
    this.state.waiting = waiting;
    this.cursor = `${++this.n}-0`;
    for (const fn of this.listeners) fn();
  }
}

let replica: FakeReplica;
let view: LiveView;
let published: Published[];
let t: number;
/** what the node's FeedMonitor would hand the view */
let feeds: FeedView[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'performance'] });
  t = 1_000_000;
  feeds = [];
  replica = new FakeReplica();
  view = new LiveView(replica as unknown as Replica, defaultConfig(), { now: () => t }, { error: () => undefined }, () => feeds);
  view.start();
  published = [];
  view.subscribe((p) => published.push(p));
});

afterEach(() => {
  view.stop();
  vi.useRealTimers();
});

describe('LiveView', () => {
  it('publishes a change on an idle view at once: on the next setImmediate, no time passing', () => {
    const start = performance.now();
    replica.apply(3);
    expect(published).toHaveLength(0); // not inside the change itself: the rest of the batch comes first
    replica.apply(4);
    vi.advanceTimersByTime(0); // runs setImmediate callbacks only; the fake clock does not move
    expect(performance.now()).toBe(start);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ seq: 1, cursor: '2-0', ops: [{ op: 'set', path: ['queue', 'waiting'], value: 4 }] });
  });

  it('under load gathers changes until 20 ms after the last patch, then publishes them as one', () => {
    replica.apply(1);
    vi.advanceTimersByTime(0);
    expect(published.map((p) => p.seq)).toEqual([1]);

    vi.advanceTimersByTime(5);
    replica.apply(2);
    vi.advanceTimersByTime(0);
    expect(published).toHaveLength(1); // busy: not at once
    vi.advanceTimersByTime(5);
    replica.apply(3);
    vi.advanceTimersByTime(9); // 19 ms after the last patch
    expect(published).toHaveLength(1);
    vi.advanceTimersByTime(1); // 20 ms after it
    expect(published).toHaveLength(2);
    expect(published[1]).toMatchObject({ seq: 2, cursor: '3-0', ops: [{ op: 'set', path: ['queue', 'waiting'], value: 3 }] });

    // quiet again for longer than 20 ms: the next change goes out at once
    vi.advanceTimersByTime(50);
    replica.apply(4);
    vi.advanceTimersByTime(0);
    expect(published.map((p) => p.seq)).toEqual([1, 2, 3]);
  });

  it('numbers patches node-wide, one more per patch; a tick that only moved clock figures publishes nothing', () => {
    const first = structuredClone(view.latest());
    replica.apply(1);
    vi.advanceTimersByTime(0);
    // only the clock figure moves: the tick publishes nothing and uses no seq
    replica.state.longestWaitSec = 42;
    t += 1000;
    vi.advanceTimersByTime(1000);
    expect(published.map((p) => p.seq)).toEqual([1]);
    // something a person sees changed with time (an alert came due): the tick publishes it
    replica.state.alerts = ['a1'];
    t += 1000;
    vi.advanceTimersByTime(1000);
    expect(published.map((p) => p.seq)).toEqual([1, 2]);
    replica.apply(5); // right after the tick's patch: gathered for 20 ms
    vi.advanceTimersByTime(20);
    expect(published.map((p) => p.seq)).toEqual([1, 2, 3]);
    // applied in order to the first snapshot they give the latest one
    const s = first as Snapshot;
    for (const p of published) applyPatch(s, p);
    expect(s).toEqual(view.latest());
  });

  it('has latest() already updated when subscribers run (a snapshot taken then holds that patch)', () => {
    const seen: { seq: number; latestCursor: string }[] = [];
    view.subscribe((p) => seen.push({ seq: p.seq, latestCursor: view.latest().cursor }));
    replica.apply(7);
    vi.advanceTimersByTime(0);
    expect(seen).toEqual([{ seq: 1, latestCursor: '1-0' }]);
    expect(view.latest().cursor).toBe(published[0]!.cursor);
  });

  it('publishes a feed going down, even on a tick where only clock figures moved otherwise', () => {
    feeds = [{ name: 'ami-1', connected: true, since: 500, lastEventAt: 900 }];
    view.changed();
    vi.advanceTimersByTime(0);
    expect(published).toHaveLength(1);
    expect(published[0]!.ops).toEqual([{ op: 'list', path: ['feeds'], key: 'name', upsert: [feeds[0]], remove: [] }]);
    // the cursor stands still and the clock figure moves; the feed flip is still news
    feeds = [{ ...feeds[0]!, connected: false }];
    replica.state.longestWaitSec = 42;
    t += 1000;
    vi.advanceTimersByTime(1000);
    expect(published.map((p) => p.seq)).toEqual([1, 2]);
    expect(published[1]!.cursor).toBe('0-0');
    expect(published[1]!.ops).toContainEqual({ op: 'list', path: ['feeds'], key: 'name', upsert: [{ name: 'ami-1', connected: false, since: 500, lastEventAt: 900 }], remove: [] });
    expect(view.latest().feeds).toEqual([{ name: 'ami-1', connected: false, since: 500, lastEventAt: 900 }]);
    // nothing changed: the next tick is silent
    t += 1000;
    vi.advanceTimersByTime(1000);
    expect(published).toHaveLength(2);
  });

  it('publishes nothing after stop()', () => {
    replica.apply(1);
    view.stop();
    vi.advanceTimersByTime(1000);
    expect(published).toHaveLength(0);
  });
});
