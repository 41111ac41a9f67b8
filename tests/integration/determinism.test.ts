/**
 * Replicas must agree whatever moment they started at (ARCHITECTURE.md: "Replaying the same stream
 * gives the same state on every node, after every restart").
 *
 * The reducer prunes its memory of event ids at points fixed by the stream (the first entry of every
 * five minutes of stream time), so a node started from a snapshot, or from a trimmed stream, prunes
 * exactly where a node running all along does: an event id re-sent after 25 h of stream time is
 * applied (or ignored) by both alike.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ev, redisClient, startTestApp, stopAll, waitUntil } from '../helpers/app';
import type { HotlineEvent } from '../../shared/events';

afterEach(stopAll);

const HOUR = 3_600_000;

describe('replicas started at different moments', () => {
  it('agree after an event id is re-sent more than 25 h (of stream time) later', async () => {
    const a = await startTestApp({ snapshotEveryMs: 50 });
    const redis = await redisClient();
    const t0 = a.clock.now() - 30 * HOUR;
    let last = '';
    /** XADD with an explicit stream ID, so stream time can span more than a day. */
    async function write(entries: Array<[number, HotlineEvent]>) {
      const multi = redis.multi();
      for (const [ms, e] of entries) multi.addCommand(['XADD', a.eventsKey, `${ms}-0`, 'event', JSON.stringify(e)]);
      const ids = (await multi.exec()) as unknown as string[];
      last = ids.at(-1)!;
    }
    const filler = (ms: number) => [ms, ev('agent.ready', ms, { agentId: '9002' })] as [number, HotlineEvent];

    const busy = ev('agent.busy', t0, { agentId: '9001', reason: 'meal' });
    await write([[t0, busy], [t0 + 1, ev('agent.ready', t0 + 1, { agentId: '9001' })], ...Array.from({ length: 998 }, (_, i) => filler(t0 + 2 + i))]);
    await a.caughtUp(last);
    await waitUntil(async () => (await redis.hGet(`${a.prefix}snapshot`, 'cursor')) === last, 'a saved snapshot');

    // B starts from A's snapshot, 1000 events in
    const b = await startTestApp({ prefix: a.prefix, clock: a.clock });
    const t1 = t0 + 26 * HOUR;
    await write(Array.from({ length: 1100 }, (_, i) => filler(t1 + i)));
    // the same event again (a source retrying a day later)
    await write([[t1 + 2000, busy]]);
    await a.caughtUp(last);
    await b.caughtUp(last);

    const onA = await a.snapshot();
    const onB = await b.snapshot();
    expect(onB.agents.find((x) => x.id === '9001')).toEqual(onA.agents.find((x) => x.id === '9001'));
    expect(onB.ingest).toEqual(onA.ingest);
    expect(onB).toEqual(onA);
  });
});
