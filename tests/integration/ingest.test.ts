/**
 * HTTP ingest (EVENTS.md, path B) against a real node and a real Redis: what goes into the stream,
 * all or nothing, and every refusal the contract names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, INGEST_TOKEN, startTestApp, stopAll, type TestApp } from '../helpers/app';
import type { HotlineEvent } from '../../shared/events';

let node: TestApp;
let now: number;

/** The stream as Redis holds it: ID, field names and the parsed `event` field. */
async function stream(t: TestApp): Promise<{ id: string; fields: string[]; event: unknown }[]> {
  const entries = (await t.redis.xRange(t.eventsKey, '-', '+')) ?? [];
  return entries.map((e) => {
    const m = e.message as Record<string, string>;
    return { id: e.id, fields: Object.keys(m), event: JSON.parse(m['event']!) };
  });
}

const length = (t: TestApp) => t.redis.xLen(t.eventsKey);

beforeAll(async () => {
  node = await startTestApp();
  now = node.clock.now();
});

afterAll(stopAll);

describe('POST /api/v1/events', () => {
  it('appends an array in body order, one `event` field per entry, and answers 202 {accepted, cursor}', async () => {
    const events = [
      ev('agent.login', now - 3000, { agentId: '2001', name: '张三' }),
      ev('agent.signin', now - 2000, { agentId: '2001', seat: 'B01' }),
      ev('call.queued', now - 1000, { callId: 'in-1', queue: 'general', caller: '13812345678' }),
    ];
    const before = await length(node);
    const r = await node.postEvents(events);
    expect(r.status).toBe(202);
    expect(r.body).toEqual({ accepted: 3, cursor: expect.stringMatching(/^\d+-\d+$/) });

    const all = await stream(node);
    const added = all.slice(Number(before));
    expect(added).toHaveLength(3);
    expect(added.map((a) => a.event)).toEqual(events);
    for (const a of added) expect(a.fields).toEqual(['event']);
    expect(added.at(-1)!.id).toBe(r.body.cursor);

    await node.caughtUp(r.body.cursor);
    const s = await node.snapshot();
    expect(s.cursor).toBe(r.body.cursor);
    expect(s.agents.find((a) => a.id === '2001')).toMatchObject({ name: '张三', seat: 'B01', state: 'available' });
    expect(s.queue.calls.map((c) => c.callId)).toContain('in-1');
  });

  it('accepts a single event object', async () => {
    const e = ev('agent.login', now, { agentId: '2002' });
    const r = await node.postEvents(e);
    expect(r.status).toBe(202);
    expect(r.body.accepted).toBe(1);
    const last = (await stream(node)).at(-1)!;
    expect(last).toEqual({ id: r.body.cursor, fields: ['event'], event: e });
  });

  it('appends none of a body with one bad event, and says which and where', async () => {
    const before = await length(node);
    const bad = { v: 1, id: 'bad-1', type: 'agent.signin', ts: now, seat: 'B02' }; // agentId missing
    const r = await node.postEvents([ev('agent.login', now, { agentId: '2003' }), bad, ev('agent.login', now, { agentId: '2004' })]);
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_event');
    expect(r.body.details).toEqual([{ index: 1, path: 'agentId', message: expect.any(String) }]);
    expect(await length(node)).toBe(before);
    expect((await node.snapshot()).agents.map((a) => a.id)).not.toContain('2003');
  });

  it('refuses an unknown type, a wrong version and a non-integer ts', async () => {
    const before = await length(node);
    for (const bad of [
      { v: 1, id: 'x1', type: 'agent.dance', ts: now, agentId: '1' },
      { v: 2, id: 'x2', type: 'agent.login', ts: now, agentId: '1' },
      { v: 1, id: 'x3', type: 'agent.login', ts: 1.5, agentId: '1' },
      { v: 1, id: '', type: 'agent.login', ts: now, agentId: '1' },
    ]) {
      const r = await node.postEvents([bad]);
      expect(r.status, JSON.stringify(bad)).toBe(400);
      expect(r.body.error).toBe('invalid_event');
      expect(r.body.details[0].index).toBe(0);
    }
    expect(await length(node)).toBe(before);
  });

  it('answers 401 without a token or with a wrong one', async () => {
    const before = await length(node);
    const e = ev('agent.login', now, { agentId: '2005' });
    const none = await node.postEvents(e, null);
    expect(none.status).toBe(401);
    expect(none.body.error).toEqual(expect.any(String));
    expect((await node.postEvents(e, 'wrong-token')).status).toBe(401);
    expect((await node.request('/api/v1/events', { body: e, headers: { authorization: 'Basic abc' } })).status).toBe(401);
    // a signed-in person's token is not the ingest token
    expect((await node.postEvents(e, await node.adminToken())).status).toBe(401);
    expect(await length(node)).toBe(before);
  });

  it('answers 503 when INGEST_TOKEN is not set', async () => {
    const off = await startTestApp({ ingestToken: null });
    try {
      const r = await off.postEvents(ev('agent.login', now, { agentId: '1' }), 'anything');
      expect(r.status).toBe(503);
      expect(r.body.error).toEqual(expect.any(String));
      expect((await off.postEvents(ev('agent.login', now, { agentId: '1' }), null)).status).toBe(503);
      expect(await length(off)).toBe(0);
    } finally {
      await off.stop();
    }
  });

  it('answers 413 over 1 MiB and appends nothing', async () => {
    const before = await length(node);
    const big = [ev('agent.login', now, { agentId: '2006', padding: 'x'.repeat(1024 * 1024) })];
    const r = await node.postEvents(big);
    expect(r.status).toBe(413);
    expect(r.body.error).toEqual(expect.any(String));
    expect(await length(node)).toBe(before);
  });

  it('accepts a body just under 1 MiB', async () => {
    const e = ev('agent.login', now, { agentId: '2007', padding: 'x'.repeat(1000 * 1000) });
    expect((await node.postEvents(e)).status).toBe(202);
  });

  it('answers 415 for a body not declared JSON (text/plain, no Content-Type, a non-UTF charset)', async () => {
    const before = await length(node);
    const e = JSON.stringify(ev('agent.login', now, { agentId: '2008' }));
    const plain = await node.request('/api/v1/events', { token: INGEST_TOKEN, body: e, contentType: 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.body.error).toBe('unsupported_media_type');
    const none = await fetch(`${node.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${INGEST_TOKEN}` }, body: new Blob([e]) });
    expect(none.status).toBe(415);
    const latin = await node.request('/api/v1/events', { token: INGEST_TOKEN, body: e, contentType: 'application/json; charset=iso-8859-1' });
    expect(latin.status).toBe(415);
    expect(latin.body.error).toBe('unsupported_media_type');
    // UTF-8 said out loud is fine
    expect((await node.request('/api/v1/events', { token: INGEST_TOKEN, body: e, contentType: 'application/json; charset=utf-8' })).status).toBe(202);
    expect(await length(node)).toBe(before + 1);
  });

  it('answers 400 invalid_json for malformed JSON declared as JSON (RFC 9110 §15.5.1), and appends nothing', async () => {
    const before = await length(node);
    for (const broken of ['{"v":1,', '[{"v":1}', '{v:1}', '   ', '[1,]', '{"a":1}}', ']']) {
      const r = await node.request('/api/v1/events', { token: INGEST_TOKEN, body: broken, contentType: 'application/json' });
      expect(r.status, broken).toBe(400);
      expect(r.body, broken).toEqual({ error: 'invalid_json', message: expect.any(String) });
    }
    expect(await length(node)).toBe(before);
  });

  it('an empty body is still an invalid event with a detail line (as before)', async () => {
    const r = await node.request('/api/v1/events', { token: INGEST_TOKEN, body: '', contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_event');
    expect(r.body.details[0]).toMatchObject({ index: 0 });
  });

  it('answers 400 invalid_json, not 500, for an ignored field nested 5,000 or 100,000 deep, and appends nothing', async () => {
    const before = await length(node);
    for (const n of [5_000, 100_000]) {
      const e = ev('agent.login', now, { agentId: '2010' });
      const body = JSON.stringify(e).slice(0, -1) + `,"extra":${'['.repeat(n)}${']'.repeat(n)}}`;
      const single = await node.request('/api/v1/events', { token: INGEST_TOKEN, body, contentType: 'application/json' });
      expect(single.status, `${n} deep`).toBe(400);
      expect(single.body).toEqual({ error: 'invalid_json', message: expect.stringContaining('64') });
      const inArray = await node.request('/api/v1/events', { token: INGEST_TOKEN, body: `[${JSON.stringify(ev('agent.login', now, { agentId: '2011' }))},${body}]`, contentType: 'application/json' });
      expect(inArray.status, `${n} deep, in an array`).toBe(400);
      expect(inArray.body.error).toBe('invalid_json');
    }
    expect(await length(node)).toBe(before);
    // the node still serves
    expect((await node.postEvents(ev('agent.login', now, { agentId: '2012' }))).status).toBe(202);
  });

  it('the nesting limit is 64 levels: a body of exactly 64 is accepted, 65 is refused', async () => {
    const nest = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    // the array of events is level 1, the event level 2, its `extra` field levels 3…
    const body = (levels: number, agentId: string) => `[${JSON.stringify(ev('agent.login', now, { agentId })).slice(0, -1)},"extra":${nest(levels - 2)}}]`;
    const ok = await node.request('/api/v1/events', { token: INGEST_TOKEN, body: body(64, '2013'), contentType: 'application/json' });
    expect(ok.status).toBe(202);
    const deep = await node.request('/api/v1/events', { token: INGEST_TOKEN, body: body(65, '2014'), contentType: 'application/json' });
    expect(deep.status).toBe(400);
    expect(deep.body.error).toBe('invalid_json');
    // brackets inside strings are not nesting
    const inString = { ...ev('agent.login', now, { agentId: '2015' }), note: '['.repeat(10_000) };
    expect((await node.postEvents(inString)).status).toBe(202);
  });

  it('takes 1000 events in one body and refuses 1001', async () => {
    const batch = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ev('agent.login', now, { agentId: `${tag}${i}` }));
    const before = Number(await length(node));
    const over = await node.postEvents(batch(1001, 'o'));
    expect(over.status).toBe(400);
    expect(over.body.error).toBe('invalid_event');
    expect(Number(await length(node))).toBe(before);

    const full = await node.postEvents(batch(1000, 'f'));
    expect(full.status).toBe(202);
    expect(full.body.accepted).toBe(1000);
    expect(Number(await length(node))).toBe(before + 1000);
  });

  it('accepts unknown extra fields and applies the event', async () => {
    const e = { ...ev('agent.signin', now, { agentId: '2009', seat: 'B09' }), vendor: 'acme-cti', meta: { trunk: 7 } };
    const r = await node.postEvents(e);
    expect(r.status).toBe(202);
    await node.caughtUp(r.body.cursor);
    expect((await node.snapshot()).agents.find((a) => a.id === '2009')).toMatchObject({ seat: 'B09', state: 'available' });
  });

  it('ignores a re-sent event id (the state does not change) and counts it as a duplicate', async () => {
    const first = ev('agent.busy', now, { agentId: '2001', reason: 'meal' });
    await node.ingest(first);
    const before = await node.snapshot();
    expect(before.agents.find((a) => a.id === '2001')).toMatchObject({ state: 'busy', reason: 'meal' });

    // the same event again, and another event under the same id: both ignored
    const again = await node.ingest(first);
    const sameId = { ...ev('agent.logout', now + 1, { agentId: '2001' }), id: first.id } as HotlineEvent;
    const cursor = await node.ingest(sameId);
    expect(cursor).not.toBe(again);

    const after = await node.snapshot();
    expect(after.cursor).toBe(cursor);
    expect(after.ingest.duplicates).toBe(before.ingest.duplicates + 2);
    const strip = (s: typeof after) => ({ ...s, cursor: null, serverTime: null, ingest: { ...s.ingest, duplicates: null } });
    expect(strip(after)).toEqual(strip(before));
  });
});
