// (code passed to page.evaluate runs in the browser)
/**
 * /admin lists the notification channels (kind, host, signed or not, triggers, recipients; never a
 * secret or a full URL), and 发送测试消息 sends a test through a channel and says how it went, in
 * Chinese and in English. Local stand-ins play the robots and the SMTP server. The screenshot of
 * the panel is the one docs/operations.md and docs/notifications.md show (docs/images/admin-notify.png).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, launchBrowser, runAxe, SCREENSHOT_DIR } from '../helpers/browser';
import { startRobots, startSmtp, type MailPeer, type Robots } from '../helpers/notify-peers';
import { buildConfig } from '../../shared/config';
import { followClock, PASSWORD, startServer, type E2eServer } from './support/server';
import { byTid, eventually, tid } from './support/ui';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';

const DING_SECRET = 'SEC-e2e-钉钉-secret';
const WECOM_KEY = 'wecom-e2e-key-9f';

let browser: Browser;
let server: E2eServer;
let robots: Robots;
let smtp: MailPeer;
let admin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  [browser, robots, smtp] = await Promise.all([launchBrowser(), startRobots(), startSmtp()]);
  robots.script('/feishu/open-apis/bot/v2/hook/e2e', () => ({ status: 200, body: '{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}' }));
  const config = buildConfig(
    {
      notify: [
        { name: '值班长群', kind: 'wecom', url: `${robots.url}/wecom/cgi-bin/webhook/send?key=${WECOM_KEY}`, on: ['incident.raised', 'incident_unacknowledged', 'alert.critical'] },
        { name: '指挥中心钉钉', kind: 'dingtalk', url: `${robots.url}/dingtalk/robot/send?access_token=ding-e2e`, secret: DING_SECRET, on: ['incident_unacknowledged', 'incident_director_pending', 'incident_report_overdue'] },
        { name: '飞书运维群', kind: 'feishu', url: `${robots.url}/feishu/open-apis/bot/v2/hook/e2e`, secret: 'fs-e2e', on: ['feed.down'] },
        { name: 'director-mail', kind: 'email', to: ['director@heze12319.cn'], on: ['incident_director_pending', 'incident_report_overdue'] },
      ],
    },
    'Asia/Shanghai',
  );
  server = await startServer({ store: 'memory', clock: followClock(Date.now()), config, publicUrl: 'https://wall.heze12319.cn', smtpUrl: smtp.url });
  admin = await server.createUser('admin', 'notify-admin');
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
  await robots?.close();
  await smtp?.close();
});

async function adminPage(lang?: 'en'): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, bypassCSP: true });
  contexts.push(context);
  const p = await context.newPage();
  await p.goto(`${server.url}/login${lang ? `?lang=${lang}` : ''}`);
  await p.locator('input[name="username"]').fill(admin);
  await p.locator('input[name="password"]').fill(PASSWORD);
  await p.locator('form button[type="submit"]').click();
  await p.waitForURL(new RegExp(`${server.url}/admin`), { timeout: 10_000 });
  await eventually(async () => (await byTid(p, 'notify-row').count()) === 4, 'four channel rows on /admin');
  return p;
}

const row = (p: Page, name: string) => p.locator(`${tid('notify-row')}[data-channel="${name}"]`);

describe('notification channels on /admin', () => {
  it('lists every channel without its secret or URL, and sends a test through each, saying how it went', async () => {
    const p = await adminPage();
    const errors = collectErrors(p);
    const panel = byTid(p, 'notify');
    const text = await panel.innerText();
    expect(text).toContain('通知渠道');
    for (const hidden of [DING_SECRET, WECOM_KEY, 'ding-e2e', '/robot/send', 'fs-e2e']) expect(text).not.toContain(hidden);
    const ding = row(p, '指挥中心钉钉');
    expect(await ding.getAttribute('data-kind')).toBe('dingtalk');
    expect(await ding.innerText()).toContain('钉钉');
    expect(await ding.innerText()).toContain('已加签');
    expect(await ding.innerText()).toContain('值班长超时未确认、待中心主任确认、书面报告超时');
    expect(await ding.innerText()).toContain(new URL(robots.url).host);
    expect(await row(p, 'director-mail').innerText()).toContain('director@heze12319.cn');

    // delivered
    await ding.locator(tid('notify-test')).click();
    const ok = ding.locator(tid('notify-result'));
    await eventually(async () => (await ok.count()) === 1, 'the test result on the DingTalk row');
    expect(await ok.getAttribute('data-ok')).toBe('true');
    expect(await ok.innerText()).toContain('测试消息已送达（200）');
    expect(robots.at('/dingtalk/robot/send')).toHaveLength(1);
    expect(robots.at('/dingtalk/robot/send')[0]!.body.markdown.title).toBe('测试消息：通知渠道「指挥中心钉钉」');

    // refused by the robot: its reason shown
    const fs = row(p, '飞书运维群');
    await fs.locator(tid('notify-test')).click();
    const bad = fs.locator(tid('notify-result'));
    await eventually(async () => (await bad.count()) === 1, 'the test result on the Feishu row');
    expect(await bad.getAttribute('data-ok')).toBe('false');
    expect(await bad.innerText()).toContain('发送失败：code 19021: sign match fail');

    // e-mail
    const mail = row(p, 'director-mail');
    await mail.locator(tid('notify-test')).click();
    await eventually(async () => (await mail.locator(tid('notify-result')).getAttribute('data-ok').catch(() => null)) === 'true', 'the e-mail test delivered');
    expect(smtp.mails[0]!.to).toEqual(['director@heze12319.cn']);

    const violations = (await runAxe(p)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

    // the toasts of the three sends would cover the last row
    for (const x of await byTid(p, 'toast').locator('button').all()) await x.click();
    await eventually(async () => (await byTid(p, 'toast').count()) === 0, 'the toasts dismissed');
    await panel.scrollIntoViewIfNeeded();
    await mkdir(SCREENSHOT_DIR, { recursive: true });
    await panel.screenshot({ path: join(SCREENSHOT_DIR, 'admin-notify.png'), animations: 'disabled', caret: 'hide' });
    expect(errors).toEqual([]);
  });

  it('in English', async () => {
    const p = await adminPage('en');
    const text = await byTid(p, 'notify').innerText();
    expect(text).toContain('Notification channels');
    expect(await row(p, '值班长群').innerText()).toContain('new incident, lead did not acknowledge, critical alert');
    expect(await row(p, '值班长群').innerText()).toContain('WeCom');
    expect(text).toContain('Send test message');
  });
});
