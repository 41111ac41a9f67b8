/**
 * Socket.IO as API.md promises it: token in the handshake, a snapshot on connect, then patches whose
 * `seq` runs 1, 2, 3, … and which, applied in order to the first snapshot, give exactly what
 * GET /api/v1/snapshot returns at the same cursor. The clock is fixed so that clock-driven figures
 * match too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectError, dayScenario, ev, fakeClock, startTestApp, stopAll, waitUntil, withoutTime, type TestApp } from '../helpers/app';
import type { Snapshot } from '../../shared/snapshot';
import type { HotlineEvent } from '../../shared/events';

let node: TestApp;
let now: number;
let wall: string;

beforeAll(async () => {
  node = await startTestApp();
  now = node.clock.now();
  wall = await node.createDevice('大厅大屏');
});

afterAll(stopAll);

describe('Socket.IO', () => {
  it('refuses a handshake without a token or with a bad one: connect_error "unauthorized"', async () => {
    expect((await connectError(node.url, undefined)).message).toBe('unauthorized');
    expect((await connectError(node.url, {})).message).toBe('unauthorized');
    expect((await connectError(node.url, { token: 'nonsense' })).message).toBe('unauthorized');
    expect((await connectError(node.url, { token: 'dev_not-a-device' })).message).toBe('unauthorized');
    expect((await connectError(node.url, { token: 42 })).message).toBe('unauthorized');
    // a signed-looking token with a forged signature
    const real = await node.adminToken();
    expect((await connectError(node.url, { token: `${real.split('.')[0]}.AAAA` })).message).toBe('unauthorized');
  });

  it('sends a snapshot on connect (login token and device token alike)', async () => {
    const lead = await node.createUser('lead');
    for (const token of [lead.token, wall, await node.adminToken()]) {
      const c = await node.connect(token);
      expect(c.received).toHaveLength(1);
      const first = c.snapshots()[0]!;
      expect(withoutTime(first)).toEqual(withoutTime(await node.snapshot()));
      c.close();
    }
  });

  it('sends patches with seq 1, 2, 3, … and a cursor, which applied in order give GET /api/v1/snapshot', async () => {
    const c = await node.connect(wall);
    const events = dayScenario(now);
    let cursor = '';
    // in several posts, so that several patches are published
    for (let i = 0; i < events.length; i += 7) {
      cursor = await node.ingest(events.slice(i, i + 7));
      await c.reached(cursor);
    }
    const patches = c.patches();
    expect(patches.length).toBeGreaterThanOrEqual(Math.ceil(events.length / 7));
    expect(patches.map((p) => p.seq)).toEqual(patches.map((_, i) => i + 1));
    for (const p of patches) {
      expect(p.cursor).toMatch(/^\d+-\d+$/);
      expect(Array.isArray(p.ops)).toBe(true);
    }
    expect(patches.at(-1)!.cursor).toBe(cursor);

    const view = c.state();
    const rest = await node.snapshot();
    expect(rest.cursor).toBe(cursor);
    expect(withoutTime(view)).toEqual(withoutTime(rest));
    // the scenario leaves something on every list, so the comparison is not vacuous
    expect(view.agents.length).toBe(6);
    expect(view.queue.calls.length).toBeGreaterThan(0);
    expect(view.missedCalls.length).toBeGreaterThan(0);
    expect(view.incidents.length).toBe(2);
    expect(view.alerts.length).toBeGreaterThan(0);
  });

  it('sends a patch whose size follows the change, not the state', async () => {
    const c = await node.connect(wall);
    const many: HotlineEvent[] = [];
    for (let i = 0; i < 200; i++) {
      const id = String(5000 + i);
      many.push(ev('agent.login', now - 60_000, { agentId: id, name: `坐席${id}` }));
      many.push(ev('agent.signin', now - 59_000, { agentId: id, seat: `S${i}` }));
    }
    await c.reached(await node.ingest(many));
    const snapshot = await node.snapshot();
    expect(snapshot.agents.length).toBeGreaterThanOrEqual(200);

    const before = c.patches().length;
    const cursor = await node.ingest(ev('agent.busy', now - 1000, { agentId: '5100', reason: 'meal' }));
    await c.reached(cursor);
    const added = c.patches().slice(before);
    expect(added).toHaveLength(1);
    const patchSize = JSON.stringify(added[0]).length;
    const snapshotSize = JSON.stringify(snapshot).length;
    expect(patchSize).toBeLessThan(snapshotSize * 0.05);
    expect(c.state().agents.find((a) => a.id === '5100')).toMatchObject({ state: 'busy', reason: 'meal', since: now - 1000 });
    expect(withoutTime(c.state())).toEqual(withoutTime(await node.snapshot()));
  });

  it('answers resync with a fresh snapshot, after which seq starts again at 1', async () => {
    const c = await node.connect(wall);
    await c.reached(await node.ingest(ev('agent.busy', now - 900, { agentId: '5001', reason: 'break' })));
    await c.reached(await node.ingest(ev('agent.ready', now - 800, { agentId: '5001' })));
    expect(c.patches().map((p) => p.seq)).toEqual([1, 2]);

    const n = c.received.length;
    c.socket.emit('resync');
    await c.count(n + 1);
    const fresh = c.received[n]!;
    expect(fresh.kind).toBe('snapshot');
    if (fresh.kind === 'snapshot') expect(withoutTime(fresh.snapshot)).toEqual(withoutTime(await node.snapshot()));

    await c.reached(await node.ingest(ev('agent.busy', now - 700, { agentId: '5002', reason: 'meeting' })));
    const after = c.received.slice(n + 1);
    expect(after.map((r) => (r.kind === 'patch' ? r.patch.seq : 'snapshot'))).toEqual([1]);
    expect(withoutTime(c.state())).toEqual(withoutTime(await node.snapshot()));
  });

  it('delivers a change to a connected client (no timing assertion)', async () => {
    const c = await node.connect(wall);
    const cursor = await node.ingest(ev('call.queued', now - 500, { callId: 'rt-1', caller: '13812345678' }));
    await c.reached(cursor);
    const call = c.state().queue.calls.find((x) => x.callId === 'rt-1');
    expect(call).toMatchObject({ queue: 'general', since: now - 500, caller: '138****5678', agentId: null });
  });

  it('sends two clients the same patches', async () => {
    const a = await node.connect(wall);
    const b = await node.connect((await node.createUser('director')).token);
    expect(a.snapshots()[0]!.cursor).toBe(b.snapshots()[0]!.cursor);
    let cursor = '';
    for (const e of [
      ev('call.ringing', now - 400, { callId: 'rt-1', agentId: '5003' }),
      ev('call.answered', now - 300, { callId: 'rt-1', agentId: '5003' }),
      ev('ticket.created', now - 200, { ticketId: 'rt-t1', category: 'municipal', kind: 'complaint' }),
    ]) {
      cursor = await node.ingest(e);
      await Promise.all([a.reached(cursor), b.reached(cursor)]);
    }
    expect(a.patches().length).toBeGreaterThanOrEqual(3);
    expect(b.patches()).toEqual(a.patches());
    expect(withoutTime(a.state())).toEqual(withoutTime(b.state()));
    expect(withoutTime(a.state())).toEqual(withoutTime(await node.snapshot()));
  });

  it('never sends a full caller number in a snapshot or a patch', async () => {
    const c = await node.connect(wall);
    const cursor = await node.ingest([
      ev('call.queued', now - 100, { callId: 'rt-2', caller: '13912345678' }),
      ev('call.abandoned', now - 50, { callId: 'rt-2' }),
    ]);
    await c.reached(cursor);
    expect(JSON.stringify(c.received)).not.toContain('13912345678');
    expect(c.state().missedCalls.find((m) => m.callId === 'rt-2')?.caller).toBe('139****5678');
  });
});

describe('Socket.IO with a clock that moves', () => {
  /** The snapshot without the figures that only the clock moves (API.md: "clocks aside"). */
  function clockAside(x: Snapshot) {
    const c = structuredClone(x) as Omit<Snapshot, 'serverTime'> & { serverTime?: number };
    delete c.serverTime;
    c.queue.longestWaitSec = null;
    for (const q of Object.values(c.queue.byQueue)) q.longestWaitSec = null;
    return c;
  }

  it('patches keep the screen equal to GET /api/v1/snapshot, clocks aside, as alerts come and go with time', async () => {
    const clock = fakeClock();
    const moving = await startTestApp({ clock });
    const c = await moving.connect(await moving.createDevice());
    const t = clock.now();
    await c.reached(
      await moving.ingest([
        ev('agent.signin', t, { agentId: '8001' }),
        ev('agent.busy', t, { agentId: '8001', reason: 'break' }),
        ev('call.queued', t, { callId: 'm1', caller: '13812345678' }),
        ev('call.abandoned', t + 1000, { callId: 'm1' }),
        ev('call.queued', t + 2000, { callId: 'm2' }),
      ]),
    );
    expect(clockAside(c.state())).toEqual(clockAside(await moving.snapshot()));
    const rules = new Set<string>();
    // m2 waits 18 s (call waiting), then 63 s (critical), 16 min (busy too long), 31 min (missed call overdue)
    for (const step of [20_000, 45_000, 15 * 60_000, 15 * 60_000]) {
      clock.advance(step);
      moving.app.view.publish();
      const rest = await moving.snapshot();
      for (const a of rest.alerts) rules.add(`${a.rule}:${a.severity}`);
      const expected = clockAside(rest);
      await waitUntil(() => JSON.stringify(clockAside(c.state())) === JSON.stringify(expected), 'the tick patch').catch(() => undefined);
      expect(clockAside(c.state())).toEqual(expected);
    }
    expect([...rules]).toEqual(expect.arrayContaining(['call_waiting:warning', 'call_waiting:critical', 'missed_call_overdue:critical']));
    const seqs = c.patches().map((p) => p.seq);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });
});
