/**
 * Notifications end to end (OPERATIONS.md, "Notifications"): real nodes on the test Redis, local
 * stand-ins for the 企业微信, 钉钉 and 飞书 robots and a webhook (path, query, body and signature
 * checked as the platforms would), an SMTP server for e-mail. Exactly one delivery per episode and
 * channel across two nodes; an episode sent before is not sent again by a node started later, one
 * that became due while no node ran is; retries with backoff; final failures; the /admin routes.
 */
import { createHmac } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildConfig } from '../../shared/config';
import { RedisAuditLog } from '../../server/adapters/redis/audit-log';
import type { AuditRecord } from '../../server/ports';
import { ev, fakeClock, sleep, startTestApp, stopAll, waitUntil, type TestApp } from '../helpers/app';
import { startRobots, startSmtp, type MailPeer, type Robots } from '../helpers/notify-peers';

const PUBLIC = 'https://wall.heze12319.cn';
const CALLER = '13812345678';
const DING_SECRET = 'SEC7d3f0c2b9a8e4f61-钉钉';
const FS_SECRET = 'feishu-bot-secret-12319';
const WECOM_KEY = 'wecom-key-0b5c1e';
const DING_TOKEN = 'ding-access-token-77';
const DAY = 86_400_000;

let robots: Robots;
let smtp: MailPeer;

beforeEach(async () => {
  [robots, smtp] = await Promise.all([startRobots(), startSmtp()]);
});

afterEach(async () => {
  await stopAll();
  await robots.close();
  await smtp.close();
});

const PATHS = {
  wecom: '/wecom/cgi-bin/webhook/send',
  ding: '/dingtalk/robot/send',
  feishu: '/feishu/open-apis/bot/v2/hook/fs-hook-5a1',
  hook: '/hooks/hotline',
};

/** One channel of every kind, all on `on`. */
function everyKind(on: string[]) {
  return [
    { name: 'wecom', kind: 'wecom', url: `${robots.url}${PATHS.wecom}?key=${WECOM_KEY}`, on },
    { name: 'ding', kind: 'dingtalk', url: `${robots.url}${PATHS.ding}?access_token=${DING_TOKEN}`, secret: DING_SECRET, on },
    { name: 'feishu', kind: 'feishu', url: `${robots.url}${PATHS.feishu}`, secret: FS_SECRET, on },
    { name: 'hook', kind: 'webhook', url: `${robots.url}${PATHS.hook}`, on },
    { name: 'mail', kind: 'email', to: ['director@heze12319.cn', 'duty-lead@heze12319.cn'], on },
  ];
}

const configWith = (notify: unknown[]) => buildConfig({ notify }, 'Asia/Shanghai');

async function audit(t: TestApp, action?: string): Promise<AuditRecord[]> {
  const now = t.clock.now();
  const all = await new RedisAuditLog(t.redis, t.prefix).list(now - DAY, now + DAY);
  return action ? all.filter((r) => r.action === action) : all;
}

/** A major incident raised from a call (whose caller number must never travel), `at` ms. */
function majorIncident(at: number, incidentId = 'inc-gas-1') {
  return [
    ev('call.queued', at - 60_000, { callId: `call-${incidentId}`, caller: CALLER }),
    ev('agent.login', at - 59_000, { agentId: '1004', name: '刘敏' }),
    ev('call.answered', at - 50_000, { callId: `call-${incidentId}`, agentId: '1004' }),
    ev('incident.raised', at, { incidentId, title: '燃气泄漏', severity: 'major', location: '牡丹区中华路与人民路交叉口', callId: `call-${incidentId}`, agentId: '1004' }),
  ];
}

const deliveries = () => robots.received.length + smtp.mails.length;

describe('exactly once per episode and channel', () => {
  it('two nodes on the same Redis both see a major incident become unacknowledged: one delivery per channel, signed and in Chinese', async () => {
    const clock = fakeClock();
    const config = configWith(everyKind(['incident_unacknowledged']));
    const o = { clock, config, publicUrl: PUBLIC, smtpUrl: smtp.url };
    const a = await startTestApp(o);
    const b = await startTestApp({ ...o, prefix: a.prefix });
    const raisedAt = clock.now();
    const cursor = await a.ingest(majorIncident(raisedAt));
    await b.caughtUp(cursor);
    await sleep(300);
    expect(deliveries()).toBe(0);

    clock.advance(121_000);
    await waitUntil(() => robots.received.length === 4 && smtp.mails.length === 1, 'one delivery to each of the five channels');
    // both nodes keep publishing (a tick a second): nothing more goes out
    await sleep(2_500);
    expect(deliveries()).toBe(5);
    const episode = 'incident_unacknowledged:inc-gas-1';
    const since = raisedAt + 120_000;

    // 企业微信: the key in the query, a markdown message
    const [wx] = robots.at(PATHS.wecom);
    expect(wx!.method).toBe('POST');
    expect(wx!.headers['content-type']).toMatch(/^application\/json/);
    expect(wx!.query.get('key')).toBe(WECOM_KEY);
    expect(Object.keys(wx!.body)).toEqual(['msgtype', 'markdown']);
    expect(wx!.body.msgtype).toBe('markdown');
    expect(wx!.body.markdown.content).toContain('事件超时未确认：燃气泄漏');
    expect(wx!.body.markdown.content).toContain('牡丹区中华路与人民路交叉口');
    expect(wx!.body.markdown.content).toContain(`(${PUBLIC}/director)`);

    // 钉钉: timestamp (ms, now) and sign = urlEncode(base64(HmacSHA256(secret, timestamp + "\n" + secret)))
    const [dd] = robots.at(PATHS.ding);
    expect(dd!.query.get('access_token')).toBe(DING_TOKEN);
    const ts = Number(dd!.query.get('timestamp'));
    expect(Math.abs(Date.now() - ts)).toBeLessThan(60_000);
    const expected = createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`, 'utf8').digest('base64');
    expect(dd!.rawQuery).toBe(`access_token=${DING_TOKEN}&timestamp=${ts}&sign=${encodeURIComponent(expected)}`);
    expect(dd!.body.msgtype).toBe('markdown');
    expect(dd!.body.markdown.title).toBe('事件超时未确认：燃气泄漏');
    expect(dd!.body.markdown.text).toContain('**处置**：值班长超过 2 分钟未确认，已上报中心主任');

    // 飞书: timestamp (seconds, a string) and sign = base64(HmacSHA256(key = timestamp + "\n" + secret, ""))
    const [fs] = robots.at(PATHS.feishu);
    expect(Object.keys(fs!.body).sort()).toEqual(['content', 'msg_type', 'sign', 'timestamp']);
    expect(fs!.body.timestamp).toMatch(/^\d{10}$/);
    expect(Math.abs(Date.now() / 1000 - Number(fs!.body.timestamp))).toBeLessThan(60);
    expect(fs!.body.sign).toBe(createHmac('sha256', `${fs!.body.timestamp}\n${FS_SECRET}`).update('').digest('base64'));
    expect(fs!.body.msg_type).toBe('text');
    expect(fs!.body.content.text.split('\n')[0]).toBe('【菏泽市12319城市管理服务热线】事件超时未确认：燃气泄漏');

    // webhook: the contract's six fields
    const [hook] = robots.at(PATHS.hook);
    expect(hook!.body).toEqual({ trigger: 'incident_unacknowledged', id: episode, title: '事件超时未确认：燃气泄漏', severity: 'critical', at: since, link: `${PUBLIC}/director` });

    // e-mail: both recipients, from wallboard@<PUBLIC_URL's host>, a Chinese subject and text
    const [mail] = smtp.mails;
    expect(mail!.to.sort()).toEqual(['director@heze12319.cn', 'duty-lead@heze12319.cn']);
    expect(mail!.from).toBe('wallboard@wall.heze12319.cn');
    expect(mail!.subject).toBe('【菏泽市12319城市管理服务热线】事件超时未确认：燃气泄漏');
    expect(mail!.text).toContain('事件：重大事件「燃气泄漏」 120 秒内值班长未确认，已上报中心主任');
    expect(mail!.text).toContain('地点：牡丹区中华路与人民路交叉口');
    expect(mail!.text).toContain('处置：值班长超过 2 分钟未确认，已上报中心主任：请中心主任督办，值班长立即确认');
    expect(mail!.text).toContain(`打开中心主任页面：${PUBLIC}/director`);

    // never the caller's number, in any form
    const everything = JSON.stringify(robots.received.map((r) => [r.rawQuery, r.body])) + smtp.mails.map((m) => m.raw + m.text + m.subject).join('');
    expect(everything).not.toContain(CALLER);
    expect(everything).not.toContain('138****');

    // the audit: one notify.sent per channel, by the system, about the episode
    const sent = await audit(a, 'notify.sent');
    expect(sent.map((r) => (r.detail as { channel: string }).channel).sort()).toEqual(['ding', 'feishu', 'hook', 'mail', 'wecom']);
    for (const r of sent) {
      expect(r).toMatchObject({ actor: 'system', role: 'system', subject: episode, detail: { trigger: 'incident_unacknowledged', attempts: 1 } });
      expect((r.detail as { status: unknown }).status).toBe((r.detail as { channel: string }).channel === 'mail' ? 250 : 200);
    }
    expect(await audit(a, 'notify.failed')).toEqual([]);
    // both nodes asked: the claims decided
    const keys = await a.redis.keys(`${a.prefix}notify:*`);
    expect(keys.sort()).toEqual(['ding', 'feishu', 'hook', 'mail', 'wecom'].map((c) => `${a.prefix}notify:${c}:incident_unacknowledged:${episode}`).sort());
    const owners = new Set(await Promise.all(keys.map((k) => a.redis.get(k))));
    expect([...owners].every((o) => o === a.app.notifier.owner || o === b.app.notifier.owner)).toBe(true);
  });

  it('an episode sent before is not sent again by a node started later; one that became due while no node ran is', async () => {
    const clock = fakeClock();
    const config = configWith([{ name: 'hook', kind: 'webhook', url: `${robots.url}${PATHS.hook}`, on: ['incident.raised', 'incident_unacknowledged'] }]);
    const a = await startTestApp({ clock, config });
    await a.ingest(majorIncident(clock.now()));
    await waitUntil(() => robots.received.length === 1, 'incident.raised delivered');
    expect(robots.received[0]!.body).toMatchObject({ trigger: 'incident.raised', id: 'inc-gas-1', title: '新重大事件：燃气泄漏', severity: 'major', link: null });
    await a.stop();

    // B starts with the incident on the screens: claimed already, so not sent again
    const b = await startTestApp({ clock, config, prefix: a.prefix });
    await sleep(1_200);
    await waitUntil(() => b.app.notifier.pending() === 0, 'B to settle');
    expect(robots.received).toHaveLength(1);
    await b.stop();

    // while no node runs, the lead's 2 minutes pass: the next node up sends it
    clock.advance(125_000);
    const c = await startTestApp({ clock, config, prefix: a.prefix });
    await waitUntil(() => robots.received.length === 2, 'incident_unacknowledged delivered by the node started after');
    expect(robots.received[1]!.body).toMatchObject({ trigger: 'incident_unacknowledged', id: 'incident_unacknowledged:inc-gas-1' });
    await sleep(1_200);
    expect(robots.received).toHaveLength(2);
    expect((await audit(c, 'notify.sent')).map((r) => r.subject)).toEqual(['inc-gas-1', 'incident_unacknowledged:inc-gas-1']);
  });

  it('a critical alert and a feed going down, each once', async () => {
    const clock = fakeClock();
    const config = configWith([{ name: 'hook', kind: 'webhook', url: `${robots.url}${PATHS.hook}`, on: ['alert.critical', 'feed.down'] }]);
    const t = await startTestApp({ clock, config, publicUrl: PUBLIC });
    const queuedAt = clock.now() - 61_000;
    // an operator is free (else no_agent_available would be critical too), yet nobody picks the call up
    await t.ingest([
      ev('agent.login', queuedAt - 10_000, { agentId: '1001' }),
      ev('agent.signin', queuedAt - 9_000, { agentId: '1001', seat: 'A01' }),
      ev('call.queued', queuedAt, { callId: 'c-wait', caller: CALLER }),
    ]);
    await waitUntil(() => robots.received.length === 1, 'the critical call_waiting alert');
    expect(robots.received[0]!.body).toEqual({
      trigger: 'alert.critical',
      id: `call_waiting:c-wait:${queuedAt}`,
      title: '严重告警：普通队列来电等待已超过 60 秒',
      severity: 'critical',
      at: queuedAt + 15_000,
      link: `${PUBLIC}/lead`,
    });
    const since = clock.now() - 5_000;
    expect((await t.putFeed('ami-heze-1', { connected: false, since, lastEventAt: null })).status).toBe(204);
    await waitUntil(() => robots.received.length === 2, 'feed.down');
    expect(robots.received[1]!.body).toMatchObject({ trigger: 'feed.down', id: `ami-heze-1:${since}`, title: '话务数据中断：ami-heze-1', severity: 'critical', at: since });
    // the feed reports again, still down since the same moment: the same episode
    await t.putFeed('ami-heze-1', { connected: false, since, lastEventAt: null });
    await sleep(1_200);
    expect(robots.received).toHaveLength(2);
    expect(JSON.stringify(robots.received.map((r) => r.body))).not.toContain(CALLER);
  });
});

describe('retries', () => {
  it('a stand-in answering 500 twice, then 200: delivered once, after 3 attempts, audited', async () => {
    const clock = fakeClock();
    robots.script(PATHS.hook, (n) => (n <= 2 ? { status: 500, body: 'busy' } : { status: 200, body: 'ok' }));
    const config = configWith([{ name: 'hook', kind: 'webhook', url: `${robots.url}${PATHS.hook}`, on: ['incident.raised'] }]);
    const t = await startTestApp({ clock, config, notify: { retryFirstMs: 50, retryMaxMs: 1_000, windowMs: 10_000 } });
    await t.ingest(majorIncident(clock.now()));
    await waitUntil(async () => (await audit(t, 'notify.sent')).length === 1, 'notify.sent');
    expect(robots.at(PATHS.hook)).toHaveLength(3);
    const [a1, a2, a3] = robots.at(PATHS.hook).map((r) => r.body);
    expect(a1).toEqual(a2);
    expect(a2).toEqual(a3);
    const [sent] = await audit(t, 'notify.sent');
    expect(sent).toMatchObject({ actor: 'system', role: 'system', subject: 'inc-gas-1', detail: { channel: 'hook', trigger: 'incident.raised', attempts: 3, status: 200 } });
    await sleep(300);
    expect(robots.at(PATHS.hook)).toHaveLength(3);
    expect(await audit(t, 'notify.failed')).toEqual([]);
  });

  it('channels failing for good (HTTP 500, a refusing robot, no answer) end in notify.failed after the retry window', async () => {
    const clock = fakeClock();
    robots.script(PATHS.hook, () => ({ status: 500, body: 'down' }));
    robots.script(PATHS.wecom, () => ({ status: 200, body: '{"errcode":93000,"errmsg":"invalid webhook url"}' }));
    robots.script('/slow', () => 'hang');
    const on = ['incident.raised'];
    const config = configWith([
      { name: 'hook', kind: 'webhook', url: `${robots.url}${PATHS.hook}`, on },
      { name: 'wecom', kind: 'wecom', url: `${robots.url}${PATHS.wecom}?key=k`, on },
      { name: 'slow', kind: 'webhook', url: `${robots.url}/slow`, on },
    ]);
    const t = await startTestApp({ clock, config, notify: { retryFirstMs: 40, retryMaxMs: 1_000, windowMs: 500, timeoutMs: 200 } });
    const started = Date.now();
    await t.ingest(majorIncident(clock.now()));
    await waitUntil(async () => (await audit(t, 'notify.failed')).length === 3, 'three notify.failed', 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    const failed = new Map((await audit(t, 'notify.failed')).map((r) => [(r.detail as { channel: string }).channel, r]));
    expect(failed.get('hook')).toMatchObject({ actor: 'system', subject: 'inc-gas-1', detail: { trigger: 'incident.raised', status: 500, error: 'HTTP 500: down' } });
    expect(failed.get('wecom')).toMatchObject({ detail: { status: 200, error: 'errcode 93000: invalid webhook url' } });
    expect(failed.get('slow')).toMatchObject({ detail: { status: 'timeout' } });
    for (const [name, path] of [['hook', PATHS.hook], ['wecom', PATHS.wecom], ['slow', '/slow']] as const) {
      const attempts = (failed.get(name)!.detail as { attempts: number }).attempts;
      expect(attempts).toBeGreaterThanOrEqual(2);
      expect(robots.at(path)).toHaveLength(attempts);
    }
    const before = robots.received.length;
    await sleep(400);
    expect(robots.received.length).toBe(before);
    expect(await audit(t, 'notify.sent')).toEqual([]);
  });
});

describe('a node stopping', () => {
  it('gives back the claim of a delivery it has not made, so the next node up makes it', async () => {
    const clock = fakeClock();
    let up = false;
    robots.script(PATHS.hook, () => (up ? { status: 200, body: 'ok' } : { status: 503, body: 'maintenance' }));
    const config = configWith([{ name: 'hook', kind: 'webhook', url: `${robots.url}${PATHS.hook}`, on: ['incident.raised'] }]);
    const a = await startTestApp({ clock, config, notify: { retryFirstMs: 60_000 } });
    await a.ingest(majorIncident(clock.now()));
    await waitUntil(() => robots.at(PATHS.hook).length === 1, 'the first attempt');
    const key = `${a.prefix}notify:hook:incident.raised:inc-gas-1`;
    await waitUntil(async () => (await a.redis.get(key)) === a.app.notifier.owner, 'the claim');
    await a.app.notifier.stop();
    expect(await a.redis.get(key)).toBeNull();
    await a.stop();
    up = true;
    const b = await startTestApp({ clock, config, prefix: a.prefix });
    await waitUntil(async () => (await audit(b, 'notify.sent')).length === 1, 'the delivery by the next node');
    expect(robots.at(PATHS.hook)).toHaveLength(2);
    expect((await audit(b, 'notify.sent'))[0]).toMatchObject({ subject: 'inc-gas-1', detail: { channel: 'hook', attempts: 1, status: 200 } });
    expect(await audit(b, 'notify.failed')).toEqual([]);
  });
});

describe('the /admin routes', () => {
  async function node() {
    const config = configWith([
      { name: 'ding', kind: 'dingtalk', url: `${robots.url}${PATHS.ding}?access_token=${DING_TOKEN}`, secret: DING_SECRET, on: ['incident.raised', 'feed.down'] },
      { name: 'wecom', kind: 'wecom', url: `${robots.url}${PATHS.wecom}?key=${WECOM_KEY}`, on: ['alert.critical'] },
      { name: 'mail', kind: 'email', to: ['director@heze12319.cn'], on: ['incident_director_pending'] },
    ]);
    return startTestApp({ config, publicUrl: PUBLIC, smtpUrl: smtp.url });
  }

  it('list the channels to the admin only, without secrets or full URLs', async () => {
    const t = await node();
    const r = await t.request('/api/v1/notify/channels', { token: await t.adminToken() });
    expect(r.status).toBe(200);
    const host = new URL(robots.url).host;
    expect(r.body).toEqual({
      channels: [
        { name: 'ding', kind: 'dingtalk', host, hasSecret: true, on: ['incident.raised', 'feed.down'], to: null, problem: null },
        { name: 'wecom', kind: 'wecom', host, hasSecret: false, on: ['alert.critical'], to: null, problem: null },
        { name: 'mail', kind: 'email', host: new URL(smtp.url).host, hasSecret: false, on: ['incident_director_pending'], to: ['director@heze12319.cn'], problem: null },
      ],
    });
    const text = JSON.stringify(r.body);
    for (const secret of [DING_SECRET, DING_TOKEN, WECOM_KEY, PATHS.ding, PATHS.wecom]) expect(text).not.toContain(secret);
    const lead = await t.createUser('lead');
    expect((await t.request('/api/v1/notify/channels', { token: lead.token })).status).toBe(403);
    expect((await t.request('/api/v1/notify/channels')).status).toBe(401);
  });

  it('send a test message now, unclaimed, audited as notify.test, and say how it went', async () => {
    const t = await node();
    const admin = await t.adminToken();
    const r = await t.request('/api/v1/notify/channels/ding/test', { method: 'POST', token: admin });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ channel: 'ding', ok: true, status: 200, error: null });
    const [req] = robots.at(PATHS.ding);
    const ts = Number(req!.query.get('timestamp'));
    expect(req!.query.get('sign')).toBe(createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64'));
    expect(req!.body.markdown.title).toBe('测试消息：通知渠道「ding」');
    expect(req!.body.markdown.text).toContain('系统管理员 admin');
    // not claimed: a second test goes out too
    expect((await t.request('/api/v1/notify/channels/ding/test', { method: 'POST', token: admin })).body.ok).toBe(true);
    expect(robots.at(PATHS.ding)).toHaveLength(2);
    expect(await t.redis.keys(`${t.prefix}notify:*`)).toEqual([]);

    // a robot refusing it: 200 with ok false and the robot's reason
    robots.script(PATHS.wecom, () => ({ status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' }));
    const refused = await t.request('/api/v1/notify/channels/wecom/test', { method: 'POST', token: admin });
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ channel: 'wecom', ok: false, status: 200, error: 'errcode 45009: api freq out of limit' });

    const mail = await t.request('/api/v1/notify/channels/mail/test', { method: 'POST', token: admin });
    expect(mail.body).toMatchObject({ channel: 'mail', ok: true, status: 250 });
    expect(smtp.mails[0]!.subject).toBe('【菏泽市12319城市管理服务热线】测试消息：通知渠道「mail」');
    expect(smtp.mails[0]!.text).toContain('电子邮件');

    const tests = await audit(t, 'notify.test');
    expect(tests.map((x) => [x.actor, x.role, x.subject, (x.detail as { ok: boolean }).ok])).toEqual([
      ['admin', 'admin', 'ding', true],
      ['admin', 'admin', 'ding', true],
      ['admin', 'admin', 'wecom', false],
      ['admin', 'admin', 'mail', true],
    ]);
    expect(tests[2]!.detail).toEqual({ channel: 'wecom', kind: 'wecom', ok: false, status: 200, error: 'errcode 45009: api freq out of limit' });
    expect(await audit(t, 'notify.sent')).toEqual([]);

    expect((await t.request('/api/v1/notify/channels/nope/test', { method: 'POST', token: admin })).status).toBe(404);
    const lead = await t.createUser('lead');
    expect((await t.request('/api/v1/notify/channels/ding/test', { method: 'POST', token: lead.token })).status).toBe(403);
    expect((await t.request('/api/v1/notify/channels/ding/test', { method: 'POST' })).status).toBe(401);
    expect(robots.at(PATHS.ding)).toHaveLength(2);
  });

  it('say so when an e-mail channel has no SMTP_URL', async () => {
    const config = configWith([{ name: 'mail', kind: 'email', to: ['director@heze12319.cn'], on: ['feed.down'] }]);
    const t = await startTestApp({ config });
    const admin = await t.adminToken();
    expect((await t.request('/api/v1/notify/channels', { token: admin })).body.channels[0]).toMatchObject({ name: 'mail', host: null, problem: 'no_smtp' });
    expect((await t.request('/api/v1/notify/channels/mail/test', { method: 'POST', token: admin })).body).toMatchObject({ ok: false, status: 'no_smtp', error: 'SMTP_URL is not set' });
  });
});
