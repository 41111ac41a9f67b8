/**
 * What a lead or director does, end to end: the action is written to the stream, comes back through
 * the reader, shows in the snapshot and reaches other screens as a patch; the audit log records it.
 * Plus the caller-number reveal and who may see the audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, fakeClock, startTestApp, stopAll, waitUntil, type FakeClock, type TestApp } from '../helpers/app';
import { localParts } from '../../shared/time';
import type { HotlineEvent } from '../../shared/events';

let node: TestApp;
let clock: FakeClock;
let lead: { username: string; token: string };
let director: { username: string; token: string };
let wall: string;

const report = { nature: '燃气管道泄漏', harm: '无人员伤亡，周边300米疏散', measures: '关阀、设警戒线，燃气公司抢修', progress: '抢修中' };

beforeAll(async () => {
  clock = fakeClock();
  node = await startTestApp({ clock });
  lead = await node.createUser('lead', 'lead-zhang');
  director = await node.createUser('director', 'director-wang');
  wall = await node.createDevice('大厅大屏');
});

afterAll(stopAll);

const post = (path: string, token: string | null, body: unknown = {}) => node.request(path, { token, body });

/** Events as the ingest token writes them, applied before it returns. */
const ingest = (e: HotlineEvent | HotlineEvent[]) => node.ingest(e);

describe('incident actions', () => {
  it('acknowledge (lead, then director), report, resolve; every screen sees each step', async () => {
    await ingest(ev('incident.raised', clock.now() - 30_000, { incidentId: 'inc-a', title: '燃气泄漏', severity: 'urgent', location: '牡丹区', agentId: '1001' }));
    const other = await node.connect(wall);
    let s = await node.snapshot();
    expect(s.incidents.find((i) => i.incidentId === 'inc-a')).toMatchObject({ status: 'open', acknowledgements: [], raisedBy: '1001' });

    // lead acknowledges
    const ack = await post('/api/v1/incidents/inc-a/ack', lead.token);
    expect(ack.status).toBe(202);
    await node.caughtUp(ack.body.cursor);
    s = await node.snapshot();
    const inc = s.incidents.find((i) => i.incidentId === 'inc-a')!;
    expect(inc.status).toBe('acknowledged');
    expect(inc.acknowledgements).toEqual([{ by: 'lead-zhang', role: 'lead', at: clock.now() }]);

    // the other screen receives it as a patch
    await other.reached(ack.body.cursor);
    const ops = JSON.stringify(other.patches().map((p) => p.ops));
    expect(ops).toContain('lead-zhang');
    expect(other.state().incidents.find((i) => i.incidentId === 'inc-a')!.acknowledgements).toEqual(inc.acknowledgements);

    // the event went through the stream, with the actor and the role
    const entries = (await node.redis.xRevRange(node.eventsKey, '+', '-', { COUNT: 1 })) ?? [];
    expect(JSON.parse((entries[0]!.message as Record<string, string>)['event']!)).toMatchObject({
      v: 1,
      type: 'incident.acknowledged',
      incidentId: 'inc-a',
      by: 'lead-zhang',
      role: 'lead',
    });

    // the lead level is taken: a second lead acknowledgement is a conflict
    expect((await post('/api/v1/incidents/inc-a/ack', lead.token)).status).toBe(409);

    // director acknowledges
    const dack = await post('/api/v1/incidents/inc-a/ack', director.token);
    expect(dack.status).toBe(202);
    await node.caughtUp(dack.body.cursor);
    s = await node.snapshot();
    expect(s.incidents.find((i) => i.incidentId === 'inc-a')!.acknowledgements).toEqual([
      { by: 'lead-zhang', role: 'lead', at: clock.now() },
      { by: 'director-wang', role: 'director', at: clock.now() },
    ]);

    // a report with a field missing is refused
    const partial = await post('/api/v1/incidents/inc-a/report', lead.token, { nature: report.nature, harm: report.harm, measures: report.measures });
    expect(partial.status).toBe(400);
    expect(partial.body.error).toBe('invalid_report');
    const blank = await post('/api/v1/incidents/inc-a/report', lead.token, { ...report, progress: '   ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error).toBe('invalid_report');
    expect((await node.snapshot()).incidents.find((i) => i.incidentId === 'inc-a')!.reportedAt).toBeNull();

    // a full report
    clock.advance(60_000);
    const filed = await post('/api/v1/incidents/inc-a/report', lead.token, report);
    expect(filed.status).toBe(202);
    await node.caughtUp(filed.body.cursor);
    s = await node.snapshot();
    expect(s.incidents.find((i) => i.incidentId === 'inc-a')).toMatchObject({ reportedAt: clock.now(), report: { by: 'lead-zhang', ...report } });

    // resolve
    clock.advance(60_000);
    const resolved = await post('/api/v1/incidents/inc-a/resolve', director.token, { note: '已处置完毕' });
    expect(resolved.status).toBe(202);
    await node.caughtUp(resolved.body.cursor);
    s = await node.snapshot();
    expect(s.incidents.find((i) => i.incidentId === 'inc-a')).toMatchObject({ status: 'resolved', resolvedAt: clock.now(), resolvedBy: 'director-wang' });
    await other.reached(resolved.body.cursor);
    expect(other.state().incidents.find((i) => i.incidentId === 'inc-a')!.status).toBe('resolved');

    // acting on a resolved incident is a conflict
    for (const action of ['ack', 'escalate', 'report', 'resolve']) {
      const r = await post(`/api/v1/incidents/inc-a/${action}`, lead.token, action === 'report' ? report : {});
      expect(r.status, action).toBe(409);
      expect(r.body.error).toEqual(expect.any(String));
    }
  });

  it('escalates by hand, once per level', async () => {
    await ingest(ev('incident.raised', clock.now() - 1000, { incidentId: 'inc-b', title: '路面塌陷', severity: 'major' }));
    const r = await post('/api/v1/incidents/inc-b/escalate', lead.token, { to: 'external' });
    expect(r.status).toBe(202);
    await node.caughtUp(r.body.cursor);
    expect((await node.snapshot()).incidents.find((i) => i.incidentId === 'inc-b')!.escalatedTo).toBe('external');
    expect((await post('/api/v1/incidents/inc-b/escalate', lead.token, { to: 'external' })).status).toBe(409);
    expect((await post('/api/v1/incidents/inc-b/escalate', lead.token, { to: 'mayor' })).status).toBe(400);
  });

  it('answers 404 for an unknown incident', async () => {
    for (const action of ['ack', 'escalate', 'report', 'resolve']) {
      const r = await post(`/api/v1/incidents/no-such/${action}`, lead.token, action === 'report' ? report : {});
      expect(r.status, action).toBe(404);
    }
  });

  it('answers 403 to a wall device and 401 without a token', async () => {
    await ingest(ev('incident.raised', clock.now() - 1000, { incidentId: 'inc-c', title: '树木倒伏', severity: 'major' }));
    const admin = await node.adminToken();
    for (const action of ['ack', 'escalate', 'report', 'resolve']) {
      const body = action === 'report' ? report : {};
      expect((await post(`/api/v1/incidents/inc-c/${action}`, wall, body)).status, action).toBe(403);
      expect((await post(`/api/v1/incidents/inc-c/${action}`, admin, body)).status, action).toBe(403);
      const none = await post(`/api/v1/incidents/inc-c/${action}`, null, body);
      expect(none.status, action).toBe(401);
      expect(none.body.error).toEqual(expect.any(String));
      expect((await post(`/api/v1/incidents/inc-c/${action}`, 'bogus', body)).status, action).toBe(401);
    }
    expect((await post('/api/v1/alerts/whatever/ack', wall)).status).toBe(403);
    expect((await post('/api/v1/alerts/whatever/ack', null)).status).toBe(401);
    expect((await node.snapshot()).incidents.find((i) => i.incidentId === 'inc-c')).toMatchObject({ status: 'open', acknowledgements: [] });
  });

  it('answers 400 invalid_json to a malformed or too deeply nested JSON body, and writes nothing', async () => {
    await ingest(ev('incident.raised', clock.now() - 1000, { incidentId: 'inc-j', title: '广告牌松动', severity: 'major' }));
    const before = await node.redis.xLen(node.eventsKey);
    const deep = (n: number) => `{"note":"x","extra":${'['.repeat(n)}${']'.repeat(n)}}`;
    for (const action of ['ack', 'escalate', 'report', 'resolve']) {
      for (const body of ['{"note": ', '{"to":"director",}', deep(5_000), `{"note":${'['.repeat(30_000)}`]) {
        const r = await node.request(`/api/v1/incidents/inc-j/${action}`, { token: lead.token, body, contentType: 'application/json' });
        expect(r.status, `${action} ${body.slice(0, 20)}`).toBe(400);
        expect(r.body).toEqual({ error: 'invalid_json', message: expect.any(String) });
      }
    }
    const alert = await node.request('/api/v1/alerts/whatever/ack', { token: lead.token, body: deep(5_000), contentType: 'application/json' });
    expect(alert.status).toBe(400);
    expect(alert.body.error).toBe('invalid_json');
    // a JSON body must be an object (or an array) at the top, as before
    expect((await node.request('/api/v1/incidents/inc-j/resolve', { token: lead.token, body: '"done"', contentType: 'application/json' })).status).toBe(400);
    expect(await node.redis.xLen(node.eventsKey)).toBe(before);
    // an empty JSON body, and no body at all, still mean "no fields"
    const empty = await node.request('/api/v1/incidents/inc-j/ack', { token: lead.token, body: '', contentType: 'application/json' });
    expect(empty.status).toBe(202);
    const none = await node.request('/api/v1/incidents/inc-j/resolve', { token: lead.token, method: 'POST' });
    expect(none.status).toBe(202);
  });
});

describe('alert acknowledgement', () => {
  it('a call waiting over 15 s raises call_waiting; a lead acknowledges it once', async () => {
    const other = await node.connect(wall);
    const queuedAt = clock.now();
    await ingest(ev('call.queued', queuedAt, { callId: 'wait-1', caller: '13800001111' }));
    expect((await node.snapshot()).alerts.filter((a) => a.rule === 'call_waiting' && a.subject === 'wait-1')).toEqual([]);

    clock.advance(16_000);
    node.app.view.publish();
    const alert = (await node.snapshot()).alerts.find((a) => a.rule === 'call_waiting' && a.subject === 'wait-1');
    expect(alert).toMatchObject({ severity: 'warning', acknowledgedBy: null, acknowledgedAt: null });
    // the published patch carried the alert to the screen already
    await waitUntil(() => other.state().alerts.some((a) => a.id === alert!.id), 'the alert on the other screen');

    const path = `/api/v1/alerts/${encodeURIComponent(alert!.id)}/ack`;
    const r = await post(path, lead.token, { note: '已安排坐席' });
    expect(r.status).toBe(202);
    await node.caughtUp(r.body.cursor);
    const acked = (await node.snapshot()).alerts.find((a) => a.id === alert!.id);
    expect(acked).toMatchObject({ acknowledgedBy: 'lead-zhang', acknowledgedAt: clock.now() });
    await other.reached(r.body.cursor);
    expect(other.state().alerts.find((a) => a.id === alert!.id)!.acknowledgedBy).toBe('lead-zhang');

    // the id is stable while the condition lasts, and the acknowledgement sticks to it
    clock.advance(60_000);
    const later = (await node.snapshot()).alerts.find((a) => a.id === alert!.id);
    expect(later).toMatchObject({ severity: 'critical', acknowledgedBy: 'lead-zhang' });

    const again = await post(path, director.token);
    expect(again.status).toBe(409);
    expect(again.body.error).toEqual(expect.any(String));
    expect((await post('/api/v1/alerts/call_waiting%3Anope%3A1/ack', lead.token)).status).toBe(404);

    // tidy up: the call is answered, the alert goes
    await ingest([ev('agent.signin', clock.now(), { agentId: '7001' }), ev('call.answered', clock.now(), { callId: 'wait-1', agentId: '7001' })]);
    expect((await node.snapshot()).alerts.some((a) => a.id === alert!.id)).toBe(false);
  });
});

describe('caller number reveal and the audit log', () => {
  it('masks the caller everywhere, reveals it to a lead, and audits the reveal', async () => {
    await ingest([
      ev('call.queued', clock.now() - 20_000, { callId: 'miss-1', caller: '13812345678' }),
      ev('call.abandoned', clock.now() - 10_000, { callId: 'miss-1' }),
      ev('call.queued', clock.now() - 9_000, { callId: 'miss-2', caller: '5624108' }),
      ev('call.abandoned', clock.now() - 1_000, { callId: 'miss-2' }),
    ]);
    const s = await node.snapshot(lead.token);
    expect(s.missedCalls.find((m) => m.callId === 'miss-1')).toMatchObject({ caller: '138****5678', abandonedAt: clock.now() - 10_000, overdue: false });
    expect(s.missedCalls.find((m) => m.callId === 'miss-2')!.caller).toBe('*****08');
    expect(JSON.stringify(s)).not.toContain('13812345678');

    const r = await post('/api/v1/missed-calls/miss-1/reveal', lead.token);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ caller: '13812345678' });
    expect(r.headers.get('cache-control')).toContain('no-store');
    expect((await post('/api/v1/missed-calls/miss-2/reveal', director.token)).body).toEqual({ caller: '5624108' });

    expect((await post('/api/v1/missed-calls/miss-1/reveal', wall)).status).toBe(403);
    expect((await post('/api/v1/missed-calls/miss-1/reveal', await node.adminToken())).status).toBe(403);
    expect((await post('/api/v1/missed-calls/miss-1/reveal', null)).status).toBe(401);
    expect((await post('/api/v1/missed-calls/nope/reveal', lead.token)).status).toBe(404);
  });

  it('lists reveals and acknowledgements of the day to a director (and an admin), not to a lead or a wall', async () => {
    const p = localParts(clock.now(), 'Asia/Shanghai');
    const date = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    const path = `/api/v1/audit?date=${date}`;

    const r = await node.request(path, { token: director.token });
    expect(r.status).toBe(200);
    const records = r.body.records as { at: number; actor: string; role: string; action: string; subject: string | null }[];
    const find = (action: string, subject: string, actor: string) => records.find((x) => x.action === action && x.subject === subject && x.actor === actor);
    expect(find('caller.revealed', 'miss-1', 'lead-zhang')).toMatchObject({ role: 'lead', at: expect.any(Number) });
    expect(find('caller.revealed', 'miss-2', 'director-wang')).toMatchObject({ role: 'director' });
    expect(find('incident.acknowledged', 'inc-a', 'lead-zhang')).toMatchObject({ role: 'lead' });
    expect(find('incident.acknowledged', 'inc-a', 'director-wang')).toMatchObject({ role: 'director' });
    expect(find('incident.reported', 'inc-a', 'lead-zhang')).toBeTruthy();
    expect(find('incident.resolved', 'inc-a', 'director-wang')).toBeTruthy();
    expect(find('incident.escalated', 'inc-b', 'lead-zhang')).toBeTruthy();
    expect(records.some((x) => x.action === 'alert.acknowledged' && x.actor === 'lead-zhang' && x.subject?.startsWith('call_waiting:wait-1:'))).toBe(true);
    // refused actions leave no record
    expect(records.filter((x) => x.action === 'incident.acknowledged' && x.subject === 'inc-a')).toHaveLength(2);
    expect(records.some((x) => x.subject === 'inc-c')).toBe(false);
    // oldest first
    expect(records.map((x) => x.at)).toEqual([...records.map((x) => x.at)].sort((a, b) => a - b));

    expect((await node.request(path, { token: await node.adminToken() })).status).toBe(200);
    expect((await node.request(path, { token: lead.token })).status).toBe(403);
    expect((await node.request(path, { token: wall })).status).toBe(403);
    expect((await node.request(path)).status).toBe(401);
    expect((await node.request('/api/v1/audit?date=2025-02-30', { token: director.token })).status).toBe(400);

    // another day holds none of it
    const other = await node.request('/api/v1/audit?date=2001-01-01', { token: director.token });
    expect(other.status).toBe(200);
    expect(other.body.records).toEqual([]);
  });
});
