/**
 * Roles, tokens, privacy and hardening, from outside: real HTTP and sockets against a real node.
 * The role matrix walks every route for every kind of caller.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, connectError, dayScenario, ev, fakeClock, request, startTestApp, stopAll, waitUntil, type TestApp } from '../helpers/app';

type Who = 'none' | 'bad' | 'wall' | 'lead' | 'director' | 'admin';
const WHO: Who[] = ['none', 'bad', 'wall', 'lead', 'director', 'admin'];

let t: TestApp;
const tokens: Record<Who, string | null> = { none: null, bad: 'not-a-token', wall: '', lead: '', director: '', admin: '' };
const clock = fakeClock();

beforeAll(async () => {
  t = await startTestApp({ clock });
  tokens.admin = await t.adminToken();
  tokens.lead = (await t.createUser('lead', 'zhang')).token;
  tokens.director = (await t.createUser('director', 'liu')).token;
  tokens.wall = await t.createDevice('大厅');
  await t.ingest(dayScenario(clock.now()));
  await t.ingest([
    ev('incident.raised', clock.now() - 1000, { incidentId: 'inc-x', title: '供水主管道爆裂', severity: 'urgent' }),
    ev('call.queued', clock.now() - 5000, { callId: 'm1', caller: '13812340000' }),
    ev('call.abandoned', clock.now() - 1000, { callId: 'm1' }),
  ]);
});
afterAll(stopAll);

/** Who may call each route: the rest get 401 (no or bad token) or 403 (wrong role). */
const ROUTES: { method: string; path: string; body?: unknown; allowed: Who[]; ok?: number[] }[] = [
  { method: 'GET', path: '/api/v1/snapshot', allowed: ['wall', 'lead', 'director', 'admin'] },
  { method: 'GET', path: '/api/v1/me', allowed: ['wall', 'lead', 'director', 'admin'] },
  { method: 'POST', path: '/api/v1/missed-calls/m1/reveal', allowed: ['lead', 'director'] },
  { method: 'GET', path: '/api/v1/audit?date=2026-11-29', allowed: ['director', 'admin'] },
  { method: 'GET', path: '/api/v1/export/day.csv?date=2000-01-01', allowed: ['lead', 'director'], ok: [404] },
  { method: 'POST', path: '/api/v1/users', body: { username: 'u', password: 'x', role: 'lead' }, allowed: ['admin'], ok: [400] },
  { method: 'GET', path: '/api/v1/users', allowed: ['admin'] },
  { method: 'PATCH', path: '/api/v1/users/nobody', body: { disabled: true }, allowed: ['admin'], ok: [404] },
  { method: 'POST', path: '/api/v1/devices', body: { name: '' }, allowed: ['admin'], ok: [400] },
  { method: 'GET', path: '/api/v1/devices', allowed: ['admin'] },
  { method: 'DELETE', path: '/api/v1/devices/none', allowed: ['admin'], ok: [404] },
  { method: 'POST', path: '/api/v1/alerts/none/ack', body: {}, allowed: ['lead', 'director'], ok: [404] },
  { method: 'POST', path: '/api/v1/incidents/none/ack', body: {}, allowed: ['lead', 'director'], ok: [404] },
  { method: 'POST', path: '/api/v1/incidents/none/escalate', body: {}, allowed: ['lead', 'director'], ok: [404] },
  { method: 'POST', path: '/api/v1/incidents/none/report', body: { nature: 'a', harm: 'b', measures: 'c', progress: 'd' }, allowed: ['lead', 'director'], ok: [404] },
  { method: 'POST', path: '/api/v1/incidents/none/resolve', body: {}, allowed: ['lead', 'director'], ok: [404] },
  { method: 'POST', path: '/api/v1/me/password', body: { currentPassword: 'wrong-password', newPassword: 'whatever-123' }, allowed: ['lead', 'director', 'admin'], ok: [401] },
  { method: 'POST', path: '/api/v1/logout', allowed: [] }, // checked separately: it ends the session
];

describe('role matrix', () => {
  const cases = ROUTES.filter((r) => r.path !== '/api/v1/logout').flatMap((r) => WHO.map((who) => ({ ...r, who })));
  it.each(cases)('$method $path as $who', async ({ method, path, body, allowed, ok, who }) => {
    const res = await request(t.url, path, { method, token: tokens[who], body });
    if (who === 'none' || who === 'bad') {
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ error: 'unauthorized' });
    } else if (!allowed.includes(who)) {
      expect(res.status).toBe(403);
      expect(res.body).toMatchObject({ error: 'forbidden' });
    } else {
      expect([200, 201, 202, 204, ...(ok ?? [])]).toContain(res.status);
    }
  });

  it('ingest takes only the ingest token, not a person’s or a device’s', async () => {
    for (const who of ['wall', 'lead', 'director', 'admin'] as const) {
      expect((await t.postEvents(ev('agent.login', clock.now(), { agentId: 'x' }), tokens[who])).status).toBe(401);
    }
  });

  it('sockets: no token or a bad one is refused with "unauthorized"; every role and a device may watch', async () => {
    expect((await connectError(t.url, undefined)).message).toBe('unauthorized');
    expect((await connectError(t.url, { token: 'nope' })).message).toBe('unauthorized');
    for (const who of ['wall', 'lead', 'director', 'admin'] as const) {
      const c = await connectClient(t.url, tokens[who]!);
      expect(c.snapshots()).toHaveLength(1);
      c.close();
    }
  });
});

describe('an unauthenticated client learns nothing but health and the login page', () => {
  it.each(['/api/v1/snapshot', '/api/v1/audit?date=2026-11-29', '/api/v1/users', '/api/v1/devices', '/api/v1/nothing-here'])('%s', async (path) => {
    const res = await request(t.url, path);
    expect([401, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toMatch(/138|1001|坐席|供水/);
  });
  it('healthz answers', async () => {
    expect((await request(t.url, '/healthz')).body).toEqual({ status: 'ok' });
  });
});

describe('privacy', () => {
  const RAW = ['13812345678', '13812340000', '13900001111', '05305624108', '0530-5624108'];
  it('no unmasked caller number in any snapshot or patch, for any role (random numbers, many shapes)', async () => {
    const clients = await Promise.all((['wall', 'lead', 'director', 'admin'] as const).map((w) => connectClient(t.url, tokens[w]!)));
    // random callers of every length and shape a CTI may send: mobiles, landlines with area codes, +86, short numbers
    let seed = 12319;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('');
    const callers = Array.from({ length: 60 }, (_, i) => {
      const shapes = [() => `1${digits(10)}`, () => `0530-${digits(7)}`, () => `+86 1${digits(10)}`, () => digits(7), () => digits(8 + (i % 5)), () => `(0530) ${digits(3)}-${digits(4)}`];
      return shapes[i % shapes.length]!();
    });
    const now = clock.now();
    const events = callers.flatMap((caller, i) => [
      ev('call.queued', now - 60_000 + i, { callId: `p${i}`, caller }),
      // half abandon (missed calls), half keep waiting (queue.calls)
      ...(i % 2 ? [ev('call.abandoned', now - 30_000 + i, { callId: `p${i}` })] : []),
    ]);
    const cursor = await t.ingest(events);
    for (const c of clients) await c.reached(cursor);
    clock.advance(31 * 60_000); // the missed calls come due: overdue alerts name them too
    t.app.view.publish();
    await waitUntil(() => clients.every((c) => c.patches().length > 0), 'patches after the clock moved');
    const texts = [
      ...clients.map((c) => JSON.stringify(c.received)),
      ...(await Promise.all((['wall', 'lead', 'director', 'admin'] as const).map(async (w) => JSON.stringify((await request(t.url, '/api/v1/snapshot', { token: tokens[w] })).body)))),
    ];
    clock.advance(-31 * 60_000);
    // a number anywhere as a JSON value, and any 8+ digit run of it anywhere (shorter digit runs
    // could occur by chance inside timestamps, so those are checked as whole values only)
    const secrets = [...RAW, ...callers].flatMap((c) => {
      const d = c.replace(/\D/g, '');
      return [`"${c}"`, `"${d}"`, ...(d.length >= 8 ? [d] : []), ...(/\D/.test(c) ? [c] : [])];
    });
    for (const text of texts) for (const secret of secrets) expect(text, secret).not.toContain(secret);
    expect(texts[0]).toMatch(/1\d\d\*{4}\d{4}/);
    clients.forEach((c) => c.close());
  });

  it('the reveal route gives the full number to a lead and writes an audit record first', async () => {
    const res = await request(t.url, '/api/v1/missed-calls/m1/reveal', { method: 'POST', token: tokens.lead });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ caller: '13812340000' });
    expect(res.headers.get('cache-control')).toContain('no-store');
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(clock.now());
    const audit = await request(t.url, `/api/v1/audit?date=${day}`, { token: tokens.director });
    expect(audit.body.records).toContainEqual(expect.objectContaining({ actor: 'zhang', role: 'lead', action: 'caller.revealed', subject: 'm1' }));
    expect(JSON.stringify(audit.body)).not.toContain('13812340000');
  });

  it('an unknown missed call is 404', async () => {
    expect((await request(t.url, '/api/v1/missed-calls/none/reveal', { method: 'POST', token: tokens.lead })).status).toBe(404);
  });

  it('the audit lists logins, device changes, acknowledgements and resolutions of the day', async () => {
    await request(t.url, '/api/v1/incidents/inc-x/ack', { body: {}, token: tokens.lead });
    await request(t.url, '/api/v1/incidents/inc-x/resolve', { body: { note: '已处置' }, token: tokens.director });
    const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(clock.now());
    const { body } = await request(t.url, `/api/v1/audit?date=${day}`, { token: tokens.admin });
    const actions = new Set((body.records as { action: string }[]).map((r) => r.action));
    for (const a of ['login', 'user.created', 'device.created', 'incident.acknowledged', 'incident.resolved', 'caller.revealed']) expect(actions).toContain(a);
    expect((await request(t.url, '/api/v1/audit?date=2026-13-01', { token: tokens.admin })).status).toBe(400);
    expect((await request(t.url, '/api/v1/audit', { token: tokens.admin })).status).toBe(400);
  });
});

describe('accounts and tokens', () => {
  it('a taken name is 409, a short password 400', async () => {
    expect((await request(t.url, '/api/v1/users', { token: tokens.admin, body: { username: 'zhang', password: 'long-enough-1', role: 'lead' } })).status).toBe(409);
    const short = await request(t.url, '/api/v1/users', { token: tokens.admin, body: { username: 'wang', password: 'short', role: 'lead' } });
    expect(short.status).toBe(400);
    expect((await request(t.url, '/api/v1/users', { token: tokens.admin, body: { username: 'wang', password: 'long-enough-1', role: 'wall' } })).status).toBe(400);
  });

  it('logout voids the token', async () => {
    const { token } = await t.createUser('lead');
    expect((await request(t.url, '/api/v1/logout', { method: 'POST', token })).status).toBe(204);
    expect((await request(t.url, '/api/v1/snapshot', { token })).status).toBe(401);
  });

  it('a person’s token expires after 12 hours', async () => {
    const { token } = await t.createUser('director');
    expect((await request(t.url, '/api/v1/snapshot', { token })).status).toBe(200);
    clock.advance(12 * 3_600_000 + 1000);
    try {
      expect((await request(t.url, '/api/v1/snapshot', { token })).status).toBe(401);
    } finally {
      clock.advance(-(12 * 3_600_000 + 1000));
    }
  });

  it('disabling a user voids its tokens and closes its sockets; a password change ends old sessions', async () => {
    const { username, token } = await t.createUser('lead');
    const c = await connectClient(t.url, token);
    const closed = new Promise<void>((r) => c.socket.on('disconnect', () => r()));
    expect((await request(t.url, `/api/v1/users/${username}`, { method: 'PATCH', token: tokens.admin, body: { disabled: true } })).status).toBe(200);
    await closed;
    expect((await request(t.url, '/api/v1/snapshot', { token })).status).toBe(401);
    expect((await request(t.url, '/api/v1/login', { body: { username, password: 'user-password-for-tests' } })).status).toBe(401);

    const other = await t.createUser('lead');
    clock.advance(1000);
    const change = await request(t.url, '/api/v1/me/password', { token: other.token, body: { currentPassword: 'user-password-for-tests', newPassword: 'a-new-password-9' } });
    expect(change.status).toBe(204);
    expect((await request(t.url, '/api/v1/snapshot', { token: other.token })).status).toBe(401);
    expect(await t.login(other.username, 'a-new-password-9')).toBeTruthy();
  });

  it('the last active admin cannot be disabled', async () => {
    expect((await request(t.url, '/api/v1/users/admin', { method: 'PATCH', token: tokens.admin, body: { disabled: true } })).status).toBe(409);
  });

  it('devices: the token is shown once, listed without it, and revoking closes the device’s sockets', async () => {
    const created = await request(t.url, '/api/v1/devices', { token: tokens.admin, body: { name: '二楼大屏' } });
    expect(created.status).toBe(201);
    const { id, token } = created.body as { id: string; token: string };
    const list = await request(t.url, '/api/v1/devices', { token: tokens.admin });
    expect(JSON.stringify(list.body)).not.toContain(token);
    expect(list.body.devices).toContainEqual(expect.objectContaining({ id, name: '二楼大屏', revokedAt: null }));
    const c = await connectClient(t.url, token);
    const closing = new Promise<string>((r) => c.socket.on('closing', (x) => r(x.code)));
    const closed = new Promise<void>((r) => c.socket.on('disconnect', () => r()));
    expect((await request(t.url, `/api/v1/devices/${id}`, { method: 'DELETE', token: tokens.admin })).status).toBe(204);
    expect(await closing).toBe('revoked');
    await closed;
    expect((await connectError(t.url, { token })).message).toBe('unauthorized');
    expect((await request(t.url, '/api/v1/snapshot', { token })).status).toBe(401);
  });
});

describe('hardening', () => {
  it('security headers and a strict Content-Security-Policy, no X-Powered-By', async () => {
    const res = await fetch(`${t.url}/healthz`);
    expect(res.headers.get('x-powered-by')).toBeNull();
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('CORS is closed unless configured', async () => {
    const res = await fetch(`${t.url}/api/v1/snapshot`, { headers: { origin: 'https://evil.example', authorization: `Bearer ${tokens.admin}` } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('errors are JSON codes without stack traces', async () => {
    const bad = await request(t.url, '/api/v1/login', { body: '{"username": ', contentType: 'application/json' });
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(bad.status).toBeLessThan(500);
    expect(typeof bad.body.error).toBe('string');
    expect(JSON.stringify(bad.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  });

  it('a malformed JSON body is 400 invalid_json (not 415) on every JSON route, without a stack', async () => {
    const routes: [string, string, string | null][] = [
      ['POST', '/api/v1/login', null],
      ['POST', '/api/v1/users', tokens.admin],
      ['PATCH', '/api/v1/users/zhang', tokens.admin],
      ['POST', '/api/v1/devices', tokens.admin],
      ['POST', '/api/v1/incidents/inc-x/ack', tokens.lead],
      ['POST', '/api/v1/events', 'ingest-token-for-tests'],
    ];
    for (const [method, path, token] of routes) {
      const r = await request(t.url, path, { method, token, body: '{"username": ', contentType: 'application/json' });
      expect(r.status, path).toBe(400);
      expect(r.body, path).toEqual({ error: 'invalid_json', message: expect.any(String) });
      expect(JSON.stringify(r.body)).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
    }
  });

  it('a JSON body nested 5,000 deep is never a 500 (login: the rate limiter reads the username)', async () => {
    const deep = '['.repeat(5_000) + ']'.repeat(5_000);
    const routes: [string, string, string | null, string][] = [
      ['POST', '/api/v1/login', null, `{"username":${deep},"password":"x"}`],
      ['POST', '/api/v1/login', null, `{"username":"x","password":"y","extra":${deep}}`],
      ['POST', '/api/v1/incidents/inc-x/escalate', tokens.lead, `{"to":"director","extra":${deep}}`],
      ['POST', '/api/v1/events', 'ingest-token-for-tests', `{"v":1,"id":"deep","type":"agent.login","ts":${clock.now()},"agentId":"1","extra":${deep}}`],
    ];
    for (const [method, path, token, body] of routes) {
      const r = await request(t.url, path, { method, token, body, contentType: 'application/json' });
      expect(r.status, `${path} ${body.slice(0, 24)}`).toBeLessThan(500);
      expect(r.status, `${path} ${body.slice(0, 24)}`).toBe(400);
      expect(r.body.error).toBe('invalid_json');
    }
    expect((await t.snapshot()).incidents.find((i) => i.incidentId === 'inc-x')!.escalatedTo).toBeNull();
  });

  it('request size limits: a large login body is 413', async () => {
    const res = await request(t.url, '/api/v1/login', { body: { username: 'x', password: 'y'.repeat(100_000) } });
    expect(res.status).toBe(413);
  });

  it('login failures are rate limited per user (429), and a wrong pair is 401', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await request(t.url, '/api/v1/login', { body: { username: 'liu', password: `wrong-${i}` } })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // another user from the same address is not locked out by that
    expect((await request(t.url, '/api/v1/login', { body: { username: 'zhang', password: 'user-password-for-tests' } })).status).toBe(200);
  });

  it('path traversal finds nothing', async () => {
    for (const p of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/..%5c..%5cpackage.json']) {
      const res = await fetch(`${t.url}${p}`);
      const text = await res.text();
      expect(text).not.toContain('"dependencies"');
    }
  });

  it('a socket from a foreign origin is refused', async () => {
    const { io } = await import('socket.io-client');
    const s = io(t.url, { auth: { token: tokens.wall }, transports: ['polling'], reconnection: false, extraHeaders: { origin: 'https://evil.example' } });
    const result = await new Promise<string>((resolve) => {
      s.once('connect', () => resolve('connected'));
      s.once('connect_error', () => resolve('refused'));
    });
    s.disconnect();
    expect(result).toBe('refused');
  });

  it('resync requests are limited to one snapshot a second per connection', async () => {
    const c = await connectClient(t.url, tokens.wall!);
    for (let i = 0; i < 10; i++) c.socket.emit('resync');
    await waitUntil(() => c.snapshots().length >= 3, 'the first resync snapshots', 5_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(c.snapshots()).toHaveLength(3); // the one on connect, one at once, one a second later for all the rest
    c.close();
  });

  it('readyz reports ready once caught up', async () => {
    await waitUntil(async () => (await request(t.url, '/readyz')).status === 200, 'ready');
  });
});
