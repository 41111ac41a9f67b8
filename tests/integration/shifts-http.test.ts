/**
 * The shift over HTTP (SHIFTS.md), end to end against a real node: the roster (JSON and a lead's
 * Excel CSV) and its 400s, who may do what, attendance in the snapshot after a roster for today,
 * the handover from submission to acceptance by another lead (with the open items attached, the
 * day's list and the audit), and the staffing plan as JSON and CSV.
 *
 * The attendance and handover nodes run a configuration whose 早班 starts at the fake clock's minute
 * (晚班 12 hours later), so a shift has just begun whatever the time of the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ev, fakeClock, INGEST_TOKEN, startTestApp, stopAll, type FakeClock, type TestApp } from '../helpers/app';
import { buildConfig, type CenterConfig } from '../../shared/config';
import { localDate, localParts } from '../../shared/time';
import type { Snapshot } from '../../shared/snapshot';

const TZ = 'Asia/Shanghai';
const MIN = 60_000;
const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (ms: number) => {
  const p = localParts(ms, TZ);
  return `${pad(p.hour)}:${pad(p.minute)}`;
};

/** A configuration whose 早班 starts at `t0` (the current minute), and a clock `before` earlier. */
function shiftNow(before = 0): { clock: FakeClock; t0: number; config: CenterConfig } {
  const t0 = Math.floor(Date.now() / MIN) * MIN;
  const config = buildConfig({ shifts: [{ name: '早班', start: hhmm(t0) }, { name: '晚班', start: hhmm(t0 + 12 * 60 * MIN) }] }, TZ);
  return { clock: fakeClock(t0 - before), t0, config };
}

/** A PUT of raw bytes (a file as a browser or curl sends it). */
async function putRaw(node: TestApp, path: string, token: string | null, body: Buffer | string, contentType: string) {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(node.url + path, { method: 'PUT', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text, headers: res.headers };
}

const streamLength = (node: TestApp) => node.redis.xLen(node.eventsKey);

afterAll(stopAll);

describe('the roster', () => {
  let node: TestApp;
  let clock: FakeClock;
  let lead: { username: string; token: string };
  let tomorrow: string;

  beforeAll(async () => {
    clock = fakeClock();
    node = await startTestApp({ clock });
    lead = await node.createUser('lead', 'lead-li');
    tomorrow = localDate(clock.now() + 24 * 60 * MIN, TZ);
  });

  const put = (date: string, body: unknown, token: string | null = lead.token) => node.request(`/api/v1/roster/${date}`, { method: 'PUT', token, body });

  it('JSON: published once to the stream, read back as every node has it', async () => {
    const before = await streamLength(node);
    const r = await put(tomorrow, {
      entries: [
        { agentId: ' 1001 ', name: '张伟', shift: '早班', seat: 'A01', note: 'ignored' },
        { agentId: '1002', shift: '早班', name: '', seat: null },
        { agentId: '1001', name: '张伟', shift: '中班', seat: 'A01' },
      ],
      comment: 'ignored too',
    });
    expect(r.status).toBe(200);
    const entries = [
      { agentId: '1001', name: '张伟', shift: '早班', seat: 'A01' },
      { agentId: '1002', name: null, shift: '早班', seat: null },
      { agentId: '1001', name: '张伟', shift: '中班', seat: 'A01' },
    ];
    expect(r.body).toEqual({ date: tomorrow, entries, by: 'lead-li', at: clock.now() });
    expect(await streamLength(node)).toBe(before + 1);
    const [last] = (await node.redis.xRevRange(node.eventsKey, '+', '-', { COUNT: 1 })) ?? [];
    const event = JSON.parse((last!.message as Record<string, string>)['event']!);
    expect(event).toMatchObject({ v: 1, type: 'roster.published', date: tomorrow, by: 'lead-li', ts: clock.now() });
    expect(event.entries[1]).toEqual({ agentId: '1002', shift: '早班' });

    const g = await node.request(`/api/v1/roster/${tomorrow}`, { token: lead.token });
    expect(g.status).toBe(200);
    expect(g.body).toEqual({ date: tomorrow, entries, by: 'lead-li', at: clock.now() });

    // the last one for a date wins
    const again = await put(tomorrow, { entries: [{ agentId: '1003', shift: '夜班' }] });
    expect(again.status).toBe(200);
    expect((await node.request(`/api/v1/roster/${tomorrow}`, { token: lead.token })).body.entries).toEqual([{ agentId: '1003', name: null, shift: '夜班', seat: null }]);
  });

  it('CSV as Excel saves it: BOM, CRLF, a quoted name holding a comma and a quote, empty cells, a blank row', async () => {
    const date = localDate(clock.now() + 2 * 24 * 60 * MIN, TZ);
    const text = ['工号,姓名,班次,座席', '1001,张伟,早班,A01', '1002,"王,小明",早班,', '1003,"李""大""姐",中班,B02', ',,,', '2001,,夜班,C01', ''].join('\r\n');
    const file = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const r = await putRaw(node, `/api/v1/roster/${date}`, lead.token, file, 'text/csv; charset=utf-8');
    expect(r.status).toBe(200);
    expect(r.body.entries).toEqual([
      { agentId: '1001', name: '张伟', shift: '早班', seat: 'A01' },
      { agentId: '1002', name: '王,小明', shift: '早班', seat: null },
      { agentId: '1003', name: '李"大"姐', shift: '中班', seat: 'B02' },
      { agentId: '2001', name: null, shift: '夜班', seat: 'C01' },
    ]);
    expect((await node.request(`/api/v1/roster/${date}`, { token: lead.token })).body.entries).toEqual(r.body.entries);

    // LF only, no BOM, no charset, no final line break: the same reading
    const lf = await putRaw(node, `/api/v1/roster/${date}`, lead.token, '工号,姓名,班次,座席\n1001,张伟,早班,A01', 'text/csv');
    expect(lf.status).toBe(200);
    expect(lf.body.entries).toEqual([{ agentId: '1001', name: '张伟', shift: '早班', seat: 'A01' }]);
  });

  it('400 invalid_roster with every problem by line and field, and nothing appended', async () => {
    const before = await streamLength(node);

    const json = await put(tomorrow, {
      entries: [
        { agentId: '1001', shift: '早班' },
        { agentId: '1002', shift: '午班' },
        { agentId: '1001', shift: '早班' },
        { shift: '早班' },
        { agentId: '10\u200b04', shift: '早班' },
        'not an entry',
      ],
    });
    expect(json.status).toBe(400);
    expect(json.body.error).toBe('invalid_roster');
    expect(json.body.details).toEqual([
      { line: 1, field: 'shift', code: 'unknown_shift', message: expect.stringContaining('unknown shift "午班"') },
      { line: 2, field: 'agentId', code: 'duplicate_agent', message: expect.stringContaining('already on 早班') },
      { line: 3, field: 'agentId', code: 'required', message: 'required' },
      { line: 4, field: 'agentId', code: 'invalid', message: expect.stringContaining('zero-width') },
      { line: 5, field: 'entry', code: expect.any(String), message: expect.any(String) },
    ]);

    const csv = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, '工号,姓名,班次,座席\r\n1001,张伟,早班,A01\r\n1002,王芳,夜 班,\r\n1001,张伟,早班,A03\r\n', 'text/csv');
    expect(csv.status).toBe(400);
    expect(csv.body.details).toEqual([
      { line: 2, field: 'shift', code: 'unknown_shift', message: expect.stringContaining('unknown shift') },
      { line: 3, field: 'agentId', code: 'duplicate_agent', message: '1001 is already on 早班 (line 1)' },
    ]);

    const header = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, 'id,name,shift,seat\r\n1001,张伟,早班,A01\r\n', 'text/csv');
    expect(header.status).toBe(400);
    expect(header.body).toMatchObject({ error: 'invalid_roster', details: [{ line: 0, field: 'header', code: 'bad_header', message: 'the first line must be 工号,姓名,班次,座席' }] });

    const unclosed = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, '工号,姓名,班次,座席\r\n1001,"张伟,早班,A01\r\n', 'text/csv');
    expect(unclosed.body.details).toEqual([{ line: 1, field: 'file', code: 'csv_syntax', message: 'a quoted cell is not closed' }]);

    // a "CSV (逗号分隔)" file from a Chinese Excel is GBK, not UTF-8: 张伟 in GBK
    const gbk = Buffer.concat([Buffer.from('工号,姓名,班次,座席\r\n1001,', 'utf8'), Buffer.from([0xd5, 0xc5, 0xce, 0xb0]), Buffer.from(',早班,A01\r\n', 'utf8')]);
    const notUtf8 = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, gbk, 'text/csv');
    expect(notUtf8.body.details).toEqual([{ line: null, field: 'file', code: 'not_utf8', message: expect.stringContaining('not UTF-8') }]);

    for (const date of ['2025-02-30', '2025-13-01', 'tomorrow', '1999-12-31']) {
      const bad = await put(date, { entries: [] });
      expect(bad.status, date).toBe(400);
      expect(bad.body.details, date).toEqual([{ line: null, field: 'date', code: 'invalid_date', message: 'must be a date YYYY-MM-DD' }]);
    }

    const tooMany = await put(tomorrow, { entries: Array.from({ length: 5001 }, (_, i) => ({ agentId: String(10000 + i), shift: '早班' })) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.details).toEqual([{ line: null, field: 'entries', code: 'too_many_lines', message: expect.stringContaining('at most 5000') }]);

    expect((await put(tomorrow, { rows: [] })).body.details).toEqual([{ line: null, field: 'entries', code: 'bad_body', message: expect.any(String) }]);
    expect((await put(tomorrow, '{"entries": [')).body.error).toBe('invalid_json');
    const plain = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, '1001', 'text/plain');
    expect(plain.status).toBe(415);
    const gbkDeclared = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, '工号,姓名,班次,座席\r\n', 'text/csv; charset=gbk');
    expect(gbkDeclared.status).toBe(415);

    // over the body limit (1 MB): 413; under it, but an event the reader would refuse (over 1 MiB): 413 too
    const huge = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, '工号,姓名,班次,座席\r\n' + '1001,张伟,早班,A01\r\n'.repeat(60_000), 'text/csv');
    expect(huge.status).toBe(413);
    const name = '欧阳'.repeat(30);
    const big = '工号,姓名,班次,座席\r\n' + Array.from({ length: 5000 }, (_, i) => `${100000 + i},${name},早班,A01\r\n`).join('');
    expect(Buffer.byteLength(big)).toBeLessThan(1024 * 1024);
    const bigEvent = await putRaw(node, `/api/v1/roster/${tomorrow}`, lead.token, big, 'text/csv');
    expect(bigEvent.status).toBe(413);
    expect(bigEvent.body.error).toBe('payload_too_large');

    expect(await streamLength(node)).toBe(before);
    // the roster of that day is still the last one published
    expect((await node.request(`/api/v1/roster/${tomorrow}`, { token: lead.token })).body.entries).toHaveLength(1);
  });

  it('GET: 404 no_roster for a day without one, 400 for a date that is not one', async () => {
    const none = await node.request('/api/v1/roster/2024-02-29', { token: lead.token });
    expect(none.status).toBe(404);
    expect(none.body.error).toBe('no_roster');
    expect((await node.request('/api/v1/roster/2023-02-29', { token: lead.token })).body.error).toBe('invalid_date');
  });
});

describe('who may do what', () => {
  let node: TestApp;
  let tokens: Record<'lead' | 'director' | 'admin' | 'wall', string>;
  const today = () => localDate(node.clock.now(), TZ);

  beforeAll(async () => {
    node = await startTestApp();
    tokens = {
      lead: (await node.createUser('lead')).token,
      director: (await node.createUser('director')).token,
      admin: await node.adminToken(),
      wall: await node.createDevice(),
    };
  });

  it('each route answers 401 without a token, 403 to the roles it does not serve', async () => {
    const routes: { method: string; path: () => string; body?: unknown; allowed: (keyof typeof tokens)[] }[] = [
      { method: 'PUT', path: () => `/api/v1/roster/${today()}`, body: { entries: [{ agentId: '1001', shift: '早班' }] }, allowed: ['lead', 'admin'] },
      { method: 'GET', path: () => `/api/v1/roster/${today()}`, allowed: ['lead', 'director', 'admin'] },
      { method: 'GET', path: () => `/api/v1/handovers?date=${today()}`, allowed: ['lead', 'director', 'admin'] },
      { method: 'GET', path: () => `/api/v1/staffing/plan?date=${today()}`, allowed: ['lead', 'director', 'admin'] },
      { method: 'GET', path: () => `/api/v1/staffing/plan?date=${today()}&format=csv`, allowed: ['lead', 'director', 'admin'] },
      { method: 'POST', path: () => '/api/v1/handovers', body: { notes: '' }, allowed: ['lead'] },
      { method: 'POST', path: () => '/api/v1/handovers/nope/accept', body: {}, allowed: ['lead'] },
    ];
    for (const route of routes) {
      const what = `${route.method} ${route.path()}`;
      const anon = await node.request(route.path(), { method: route.method, body: route.body });
      expect(anon.status, what).toBe(401);
      expect((await node.request(route.path(), { method: route.method, body: route.body, token: INGEST_TOKEN })).status, `${what} ingest token`).toBe(401);
      for (const role of ['lead', 'director', 'admin', 'wall'] as const) {
        const r = await node.request(route.path(), { method: route.method, body: route.body, token: tokens[role] });
        if (route.allowed.includes(role)) expect([200, 201, 404], `${what} as ${role}`).toContain(r.status);
        else expect(r.body, `${what} as ${role}`).toEqual({ error: 'forbidden', message: expect.any(String) });
      }
    }
  });

  it('errors are JSON with a code and a message, never a stack', async () => {
    const r = await node.request('/api/v1/handovers', { token: tokens.lead, body: { notes: 42 } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request', message: expect.stringContaining('notes') });
    expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.ts:\d+/);
    const long = await node.request('/api/v1/handovers', { token: tokens.lead, body: { notes: 'x'.repeat(4001) } });
    expect(long.status).toBe(400);
  });
});

describe('attendance after a roster for today', () => {
  let node: TestApp;
  let s0: ReturnType<typeof shiftNow>;
  let lead: { username: string; token: string };

  beforeAll(async () => {
    s0 = shiftNow();
    node = await startTestApp({ clock: s0.clock, config: s0.config });
    lead = await node.createUser('lead');
  });

  it('a rostered agent signed in is present, one not is late_signin at the start and absent after absentAfterMin', async () => {
    const { t0, clock } = s0;
    await node.ingest([
      ev('agent.login', t0 - 10 * MIN, { agentId: '1001', name: '张伟' }),
      ev('agent.signin', t0 - 9 * MIN, { agentId: '1001', seat: 'A01' }),
      ev('agent.login', t0 - 8 * MIN, { agentId: '3001', name: '赵敏' }),
      ev('agent.signin', t0 - 7 * MIN, { agentId: '3001', seat: 'A09' }),
    ]);
    clock.advance(MIN);
    let s: Snapshot = await node.snapshot();
    expect(s.attendance).toBeNull();

    const today = localDate(t0, TZ);
    const r = await node.request(`/api/v1/roster/${today}`, {
      method: 'PUT',
      token: lead.token,
      body: { entries: [{ agentId: '1001', name: '张伟', shift: '早班', seat: 'A01' }, { agentId: '1002', name: '王芳', shift: '早班', seat: 'A02' }, { agentId: '2001', shift: '晚班' }] },
    });
    expect(r.status).toBe(200);

    s = await node.snapshot();
    expect(s.attendance).toMatchObject({ shift: '早班', start: t0, rostered: 2, present: 1, late: [], absent: [], leftEarly: [], unscheduled: ['3001'] });
    expect(s.alerts.find((a) => a.rule === 'late_signin')).toMatchObject({ id: `late_signin:1002:${t0}`, subject: '1002', severity: 'warning', since: t0 });
    expect(s.alerts.some((a) => a.rule === 'absent')).toBe(false);

    clock.advance(s0.config.thresholds.absentAfterMin * MIN);
    s = await node.snapshot();
    expect(s.attendance).toMatchObject({ rostered: 2, present: 1, absent: ['1002'] });
    expect(s.alerts.find((a) => a.rule === 'absent')).toMatchObject({ subject: '1002', severity: 'critical' });
    expect(s.alerts.some((a) => a.rule === 'late_signin')).toBe(false);
    // the roster is in the staffing view too: the current shift's intervals count its 2 operators
    expect(s.staffing.intervals.findLast((i) => i.start <= clock.now())!.rostered).toBe(2);
  });
});

describe('the handover', () => {
  let node: TestApp;
  let s0: ReturnType<typeof shiftNow>;
  let leadA: { username: string; token: string };
  let leadB: { username: string; token: string };
  let director: { username: string; token: string };

  beforeAll(async () => {
    // the roster is published before the boundary: the center keeps the handover record from then on
    s0 = shiftNow(5 * MIN);
    node = await startTestApp({ clock: s0.clock, config: s0.config });
    leadA = await node.createUser('lead', 'lead-zhang');
    leadB = await node.createUser('lead', 'lead-wang');
    director = await node.createUser('director', 'director-liu');
  });

  it('submitted by one lead with the open items, accepted by another, listed for the day, audited', async () => {
    const { t0, clock } = s0;
    const today = localDate(t0, TZ);
    // open items: a missed call to return, an incident nobody acknowledged (so an alert too)
    await node.ingest([
      ev('call.queued', t0 - 20 * MIN, { callId: 'c-missed', caller: '13900001111' }),
      ev('call.abandoned', t0 - 19 * MIN, { callId: 'c-missed' }),
      ev('call.queued', t0 - 18 * MIN, { callId: 'c-back', caller: '13700002222' }),
      ev('call.abandoned', t0 - 17 * MIN, { callId: 'c-back' }),
      ev('callback.completed', t0 - 10 * MIN, { callId: 'c-back', agentId: '1001', reached: true }),
      ev('incident.raised', t0 - 15 * MIN, { incidentId: 'inc-open', title: '燃气泄漏', severity: 'urgent' }),
      ev('incident.raised', t0 - 14 * MIN, { incidentId: 'inc-done', title: '井盖缺失', severity: 'major' }),
      ev('incident.resolved', t0 - 5 * MIN, { incidentId: 'inc-done', by: 'lead-zhang' }),
    ]);
    const roster = await node.request(`/api/v1/roster/${today}`, { method: 'PUT', token: leadA.token, body: { entries: [{ agentId: '1001', shift: '早班' }] } });
    expect(roster.status).toBe(200);
    clock.t = t0 + MIN;
    let s = await node.snapshot();
    expect(s.handover).toMatchObject({ boundary: t0, status: 'pending', handoverId: null });
    const openAlerts = s.alerts.filter((a) => a.acknowledgedBy === null).map((a) => a.id);
    expect(openAlerts).toContain('incident_unacknowledged:inc-open');
    expect(openAlerts).toContain(`handover_not_submitted:${t0}`);

    // lead A submits, then amends before anyone accepted: the second replaces the first
    clock.advance(MIN);
    const first = await node.request('/api/v1/handovers', { token: leadA.token, body: { notes: '初稿' } });
    expect(first.status).toBe(201);
    clock.advance(MIN);
    const sub = await node.request('/api/v1/handovers', { token: leadA.token, body: { notes: '燃气泄漏待处置，1 个未接来电待回拨' } });
    expect(sub.status).toBe(201);
    const submittedAt = clock.now();
    expect(sub.body).toMatchObject({
      shiftStart: t0,
      by: 'lead-zhang',
      at: submittedAt,
      notes: '燃气泄漏待处置，1 个未接来电待回拨',
      openItems: { missedCalls: ['c-missed'], incidents: ['inc-open'] },
      acceptedBy: null,
    });
    expect(sub.body.openItems.alerts).toContain('incident_unacknowledged:inc-open');
    // the reminder about this very handover is not an item handed over
    expect(sub.body.openItems.alerts).not.toContain(`handover_not_submitted:${t0}`);
    const id: string = sub.body.handoverId;
    expect(id).not.toBe(first.body.handoverId);
    expect((await node.request(`/api/v1/handovers/${first.body.handoverId}/accept`, { token: leadB.token, body: {} })).body.error).toBe('unknown_handover');

    s = await node.snapshot();
    expect(s.handover).toMatchObject({ boundary: t0, status: 'submitted', handoverId: id, submittedBy: 'lead-zhang', submittedAt });
    expect(s.alerts.some((a) => a.id === `handover_not_submitted:${t0}`)).toBe(false);

    // both sides sign: the lead who submitted cannot accept
    const self = await node.request(`/api/v1/handovers/${id}/accept`, { token: leadA.token, body: {} });
    expect(self.status).toBe(409);
    expect(self.body.error).toBe('same_person');
    expect((await node.request(`/api/v1/handovers/${id}/accept`, { token: director.token, body: {} })).status).toBe(403);

    clock.advance(MIN);
    const ok = await node.request(`/api/v1/handovers/${id}/accept`, { token: leadB.token, body: { notes: '已核对' } });
    expect(ok.status).toBe(200);
    const acceptedAt = clock.now();
    expect(ok.body).toMatchObject({ handoverId: id, by: 'lead-zhang', acceptedBy: 'lead-wang', acceptedAt, acceptNotes: '已核对' });
    s = await node.snapshot();
    expect(s.handover).toMatchObject({ status: 'accepted', acceptedBy: 'lead-wang', acceptedAt, acceptNotes: '已核对' });

    const twice = await node.request(`/api/v1/handovers/${id}/accept`, { token: leadB.token, body: {} });
    expect(twice.status).toBe(409);
    expect(twice.body.error).toBe('already_accepted');
    expect((await node.request(`/api/v1/handovers/${id}/accept`, { token: leadA.token, body: {} })).status).toBe(409);
    const late = await node.request('/api/v1/handovers', { token: leadA.token, body: { notes: '补充' } });
    expect(late.status).toBe(409);
    expect(late.body.error).toBe('handover_accepted');
    expect((await node.request('/api/v1/handovers/nope/accept', { token: leadB.token, body: {} })).status).toBe(404);

    // the day's record lists it, with who and when
    const list = await node.request(`/api/v1/handovers?date=${today}`, { token: director.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      date: today,
      timeZone: TZ,
      handovers: [
        {
          boundary: t0,
          handoverId: id,
          submittedBy: 'lead-zhang',
          submittedAt,
          notes: '燃气泄漏待处置，1 个未接来电待回拨',
          openItems: { missedCalls: 1, incidents: 1, alerts: sub.body.openItems.alerts.length },
          acceptedBy: 'lead-wang',
          acceptedAt,
          acceptNotes: '已核对',
        },
      ],
    });
    expect((await node.request('/api/v1/handovers?date=2025-02-30', { token: director.token })).body.error).toBe('invalid_date');
    expect((await node.request('/api/v1/handovers?date=2024-01-01', { token: director.token })).body.handovers).toEqual([]);

    // audited, as the director reads it
    const audit = await node.request(`/api/v1/audit?date=${localDate(clock.now(), TZ)}`, { token: director.token });
    const records = (audit.body.records as { actor: string; action: string; subject: string; detail?: Record<string, unknown> }[]).filter((x) => /^(roster|handover)\./.test(x.action));
    expect(records).toEqual([
      expect.objectContaining({ actor: 'lead-zhang', role: 'lead', action: 'roster.published', subject: today, detail: { entries: 1, format: 'json' } }),
      expect.objectContaining({ actor: 'lead-zhang', action: 'handover.submitted', subject: first.body.handoverId }),
      expect.objectContaining({ actor: 'lead-zhang', action: 'handover.submitted', subject: id, detail: expect.objectContaining({ shiftStart: t0, replaces: first.body.handoverId }) }),
      expect.objectContaining({ actor: 'lead-wang', role: 'lead', action: 'handover.accepted', subject: id }),
    ]);
  });
});

describe('the staffing plan', () => {
  let node: TestApp;
  let lead: string;

  beforeAll(async () => {
    node = await startTestApp();
    lead = (await node.createUser('lead')).token;
  });

  it('48 intervals as JSON; the same as CSV with a BOM and Chinese headers; 400s as the reports', async () => {
    const today = localDate(node.clock.now(), TZ);
    const r = await node.request(`/api/v1/staffing/plan?date=${today}`, { token: lead });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ date: today, timeZone: TZ });
    expect(r.body.intervals).toHaveLength(48);
    expect(Object.keys(r.body.intervals[0]).sort()).toEqual(['forecastAhtSec', 'forecastOffered', 'requiredAgents', 'rostered', 'signedIn', 'start']);

    const tomorrow = localDate(node.clock.now() + 24 * 60 * MIN, TZ);
    const plan = await node.request(`/api/v1/staffing/plan?date=${tomorrow}`, { token: lead });
    expect(plan.body.intervals).toHaveLength(48);
    expect(plan.body.intervals.every((i: { signedIn: unknown }) => i.signedIn === null)).toBe(true);

    const res = await fetch(`${node.url}/api/v1/staffing/plan?date=${today}&format=csv`, { headers: { authorization: `Bearer ${lead}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="?hotline-staffing-${today}\\.csv"?$`));
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('时段,预测来电,预测处理时长(秒),需求人数,排班人数,在岗人数');
    expect(lines[1]!.startsWith('00:00,')).toBe(true);
    expect(lines.at(-2)!.startsWith('23:30,')).toBe(true);
    expect(lines).toHaveLength(1 + 48 + 1);

    expect((await node.request('/api/v1/staffing/plan?date=2025-02-30', { token: lead })).body.error).toBe('invalid_date');
    expect((await node.request(`/api/v1/staffing/plan?date=${today}&format=xml`, { token: lead })).body.error).toBe('invalid_format');
  });
});
