/**
 * Socket.IO as docs/api.md promises it: token in the handshake, a snapshot on connect, then patches
 * whose node-wide `seq` goes up by one from wherever the first one after the snapshot starts, and
 * which, applied in order to the snapshot, give exactly what GET /api/v1/snapshot returns at the
 * same cursor. A patch is one broadcast to the role rooms: every screen gets the same bytes, encoded
 * once. The clock is fixed so that clock-driven figures match too.
 */
import { createRequire } from 'node:module';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectError, dayScenario, ev, fakeClock, startTestApp, stopAll, waitUntil, withoutTime, type TestApp, type WallClient } from '../helpers/app';
import { applyPatch, type Patch } from '../../shared/patch';
import type { Snapshot } from '../../shared/snapshot';
import type { HotlineEvent } from '../../shared/events';

// The CommonJS builds that the server's socket.io itself loads (the ESM builds are other classes).
const requireCjs = createRequire(import.meta.url);
const { Encoder } = requireCjs('socket.io-parser') as typeof import('socket.io-parser');
const { Adapter } = requireCjs('socket.io-adapter') as typeof import('socket.io-adapter');

/** seq of consecutive patches: each one more than the previous, starting at the first's. */
const consecutive = (patches: Patch[]) => patches.map((_, i) => patches[0]!.seq + i);

/** Records the raw socket.io frames of `patch` messages this client's engine receives from now on. */
function rawPatchFrames(c: WallClient): string[] {
  const frames: string[] = [];
  c.socket.io.engine.on('packet', (pkt: { type: string; data?: unknown }) => {
    if (pkt.type === 'message' && typeof pkt.data === 'string' && pkt.data.startsWith('2["patch",')) frames.push(pkt.data);
  });
  return frames;
}

/** `reference`'s snapshot with its patches applied up to (not including) `seq`. */
function stateBefore(reference: WallClient, seq: number): Snapshot {
  const s = structuredClone(reference.snapshots()[0]!);
  for (const p of reference.patches()) if (p.seq < seq) applyPatch(s, p);
  return s;
}

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

  it('sends patches whose seq goes up by one, with a cursor, which applied in order give GET /api/v1/snapshot', async () => {
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
    expect(patches.map((p) => p.seq)).toEqual(consecutive(patches));
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

  it('answers resync with a fresh snapshot, after which the node-wide seq simply goes on', async () => {
    const c = await node.connect(wall);
    await c.reached(await node.ingest(ev('agent.busy', now - 900, { agentId: '5001', reason: 'break' })));
    await c.reached(await node.ingest(ev('agent.ready', now - 800, { agentId: '5001' })));
    const before = c.patches().map((p) => p.seq);
    expect(before).toHaveLength(2);
    // earlier tests published patches on this node: this connection's first one is not seq 1
    expect(before[0]).toBeGreaterThan(1);
    expect(before[1]).toBe(before[0]! + 1);

    const n = c.received.length;
    c.socket.emit('resync');
    await c.count(n + 1);
    const fresh = c.received[n]!;
    expect(fresh.kind).toBe('snapshot');
    if (fresh.kind === 'snapshot') expect(withoutTime(fresh.snapshot)).toEqual(withoutTime(await node.snapshot()));

    await c.reached(await node.ingest(ev('agent.busy', now - 700, { agentId: '5002', reason: 'meeting' })));
    const after = c.received.slice(n + 1);
    // not 1 again: the node published nothing else meanwhile (fixed clock), so it is the next seq
    expect(after.map((r) => (r.kind === 'patch' ? r.patch.seq : 'snapshot'))).toEqual([before[1]! + 1]);
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
    expect(b.patches()[0]!.seq).toBeGreaterThan(1);
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

describe('Socket.IO: one message for every screen, node-wide seq', () => {
  afterEach(() => vi.restoreAllMocks());

  it('gives two sockets connected at different times byte-identical patch frames with the same seq', async () => {
    const a = await node.connect(wall);
    const rawA = rawPatchFrames(a);
    await a.reached(await node.ingest(ev('agent.busy', now - 650, { agentId: '5004', reason: 'break' })));
    const b = await node.connect((await node.createUser('lead')).token);
    const rawB = rawPatchFrames(b);
    const cursor = await node.ingest(ev('agent.ready', now - 640, { agentId: '5004' }));
    await Promise.all([a.reached(cursor), b.reached(cursor)]);

    expect(b.patches()).toHaveLength(1);
    const pb = b.patches()[0]!;
    expect(pb.seq).toBe(a.patches().at(-1)!.seq);
    expect(pb.seq).toBe(a.patches()[0]!.seq + 1);
    expect(rawB).toHaveLength(1);
    expect(rawA).toHaveLength(2);
    expect(rawB[0]).toBe(rawA[1]); // the same bytes, though a wall and a lead are in different rooms
  });

  it('a socket connecting between two bursts starts right after its snapshot and ends equal to GET /api/v1/snapshot', async () => {
    const a = await node.connect(wall);
    let cursor = '';
    for (let i = 0; i < 4; i++) {
      cursor = await node.ingest([ev('call.queued', now - 600 + i, { callId: `burst-${i}`, caller: '13812345678' }), ev('agent.busy', now - 600 + i, { agentId: `50${10 + i}`, reason: 'meal' })]);
    }
    await a.reached(cursor);
    const b = await node.connect(wall);
    for (let i = 0; i < 4; i++) {
      cursor = await node.ingest([i % 2 ? ev('call.abandoned', now - 500 + i, { callId: `burst-${i}` }) : ev('call.answered', now - 500 + i, { callId: `burst-${i}`, agentId: `50${20 + i}` }), ev('agent.ready', now - 500 + i, { agentId: `50${10 + i}` })]);
    }
    await Promise.all([a.reached(cursor), b.reached(cursor)]);

    const first = b.patches()[0]!;
    expect(b.patches().length).toBeGreaterThanOrEqual(1); // bursts may be gathered into fewer patches
    // its snapshot holds exactly the patches published before it: none missing, none twice
    expect(withoutTime(b.snapshots()[0]!)).toEqual(withoutTime(stateBefore(a, first.seq)));
    expect(b.patches()).toEqual(a.patches().filter((p) => p.seq >= first.seq));
    expect(b.patches().map((p) => p.seq)).toEqual(consecutive(b.patches()));
    expect(withoutTime(b.state())).toEqual(withoutTime(await node.snapshot()));
    expect(b.state().queue.calls.some((c) => c.callId.startsWith('burst-'))).toBe(false);
  });

  it('sockets connecting while patches are being published never miss one nor get one twice', async () => {
    const a = await node.connect(wall);
    const late: WallClient[] = [];
    let cursor = '';
    for (let i = 0; i < 8; i++) {
      // the handshake and the publish of the event race each other
      const [cur, c] = await Promise.all([
        node.ingest(ev('agent.busy', now - 400 + i, { agentId: `51${10 + i}`, reason: 'training' })),
        node.connect(wall),
      ]);
      cursor = cur;
      late.push(c);
    }
    await Promise.all([a, ...late].map((c) => c.reached(cursor)));
    const rest = withoutTime(await node.snapshot());
    for (const c of late) {
      const first = c.patches()[0];
      if (first) expect(withoutTime(c.snapshots()[0]!)).toEqual(withoutTime(stateBefore(a, first.seq)));
      expect(withoutTime(c.state())).toEqual(rest);
    }
  });

  it('sends each patch as one broadcast to the role rooms, encoded once however many screens', async () => {
    const fresh = await startTestApp();
    const devices: string[] = [];
    for (let i = 0; i < 6; i++) devices.push(await fresh.createDevice(`屏${i}`));
    const walls = await Promise.all(devices.map((d) => fresh.connect(d)));
    const lead = await fresh.connect((await fresh.createUser('lead')).token);
    const encode = vi.spyOn(Encoder.prototype, 'encode');
    const broadcast = vi.spyOn(Adapter.prototype, 'broadcast');

    const t = fresh.clock.now();
    let cursor = '';
    for (let i = 0; i < 3; i++) cursor = await fresh.ingest(ev('agent.signin', t - 1000 + i, { agentId: `900${i}`, seat: `Z0${i}` }));
    await Promise.all([...walls, lead].map((c) => c.reached(cursor)));

    const patchIn = (packet: unknown): Patch | null => {
      const data = (packet as { data?: unknown }).data;
      return Array.isArray(data) && data[0] === 'patch' ? (data[1] as Patch) : null;
    };
    const seqs = lead.patches().map((p) => p.seq);
    expect(seqs.length).toBeGreaterThanOrEqual(1);
    for (const w of walls) expect(w.patches().map((p) => p.seq)).toEqual(seqs);
    const encodedSeqs = encode.mock.calls.flatMap(([packet]) => patchIn(packet)?.seq ?? []);
    const rooms = broadcast.mock.calls.flatMap(([packet, opts]) => (patchIn(packet) ? [{ seq: patchIn(packet)!.seq, rooms: [...opts.rooms] }] : []));
    for (const seq of seqs) {
      // 7 screens in 2 rooms (wall, lead): one broadcast to both rooms, one encoding, not 7
      expect(encodedSeqs.filter((s) => s === seq)).toHaveLength(1);
      expect(rooms.filter((r) => r.seq === seq).map((r) => r.rooms.sort())).toEqual([['role:lead', 'role:wall']]);
    }
    expect(encodedSeqs.length).toBe(seqs.length);
  });

  it('sends heartbeats as volatile broadcasts', async () => {
    const c = await node.connect(wall);
    const broadcast = vi.spyOn(Adapter.prototype, 'broadcast');
    const beats: unknown[] = [];
    c.socket.on('heartbeat', (h) => beats.push(h));
    const call = await waitUntil(
      () => broadcast.mock.calls.find(([packet]) => (packet as { data?: unknown[] }).data?.[0] === 'heartbeat'),
      'a heartbeat broadcast',
    );
    expect(call[1].flags?.volatile).toBe(true);
    await waitUntil(() => beats.length > 0, 'the heartbeat at the client');
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
    expect(c.patches().map((p) => p.seq)).toEqual(consecutive(c.patches()));
  });
});
