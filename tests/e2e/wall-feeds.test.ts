// (code passed to page.evaluate runs in the browser)
/**
 * A telephony feed goes down (its adapter reports the PBX connection lost, or stops reporting and
 * its key expires): the wall shows 话务数据中断 naming the feeds and since when, in a band readable
 * across the hall that leaves the rest of the wall on the screen; /lead shows it too, an English
 * wall says "Telephony feed down", and the band goes once the feeds are back. A center without
 * feeds shows nothing. Memory adapters: the feed keys expire by the server's clock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, launchBrowser, saveScreenshot } from '../helpers/browser';
import { followClock, PASSWORD, startServer, type E2eServer } from './support/server';
import { wallScenario } from './support/scenario';
import { byTid, eventually, tid, waitForStatus } from './support/ui';
import { feedTime } from '../../client/src/lib/feeds';

const PBX = 'Asterisk Call Manager/9.0.0';
/** below this share of the screen height, text is too small to read across the hall (as wall-fit) */
const MIN_TEXT_SHARE = 0.023;

let browser: Browser;
let server: E2eServer;
let deviceToken: string;
let wall: Page;
let wallErrors: string[];
const contexts: BrowserContext[] = [];

async function page(width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
  contexts.push(context);
  return context.newPage();
}

/** the node reads the feed keys now, instead of at its next 5-second poll */
const poll = () => server.app.feeds.poll();
const banner = (p: Page) => byTid(p, 'feed-banner');

beforeAll(async () => {
  // a lead signs in: session tokens expire by the browser's real clock, so the server runs on real time
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'memory', clock: followClock(Date.now()) })]);
  await server.ingest(wallScenario(server.clock.now()));
  deviceToken = await server.createDevice();
  wall = await page(1920, 1080);
  wallErrors = collectErrors(wall);
  await wall.goto(`${server.url}/wall?token=${encodeURIComponent(deviceToken)}`);
  await waitForStatus(wall, 'live', 'the wall to go live');
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

describe('wall: telephony feed health', () => {
  let downSince: number;
  let lastHeard: number;

  it('shows no feed band while no feed has reported, nor while every feed is connected', async () => {
    expect(await banner(wall).count()).toBe(0);
    const now = server.clock.now();
    await server.feeds.put({ name: 'ami-heze-1', connected: true, since: now - 3_600_000, lastEventAt: now - 5_000, pbx: PBX }, 30_000);
    await poll();
    await new Promise((r) => setTimeout(r, 500));
    expect(await banner(wall).count()).toBe(0);
    expect(await wall.evaluate(() => document.body.innerText)).not.toContain('话务数据中断');
  });

  it('shows 话务数据中断 naming the feeds and since when: one reported down, one stopped reporting', async () => {
    const now = server.clock.now();
    downSince = now - 120_000;
    lastHeard = now - 60_000;
    // ami-heze-1: the adapter says its PBX connection dropped two minutes ago
    await server.feeds.put({ name: 'ami-heze-1', connected: false, since: downSince, lastEventAt: now - 150_000, pbx: PBX }, 30_000);
    // ami-heze-2: connected, its last event a minute ago; then the adapter stops and its key expires
    await server.feeds.put({ name: 'ami-heze-2', connected: true, since: now - 7_200_000, lastEventAt: lastHeard, pbx: PBX }, 300);
    await poll();
    await new Promise((r) => setTimeout(r, 400));
    await poll();

    await eventually(async () => (await banner(wall).count()) > 0 && (await banner(wall).isVisible()), 'the feed band on the wall');
    await eventually(async () => (await banner(wall).getAttribute('data-count')) === '2', 'both feeds in the band');
    const text = await banner(wall).innerText();
    expect(text).toContain('话务数据中断');
    const tz = 'Asia/Shanghai';
    expect(text).toContain(`ami-heze-1 自 ${feedTime(downSince, server.clock.now(), tz)} 起`);
    // the expired one: nothing has come since its last event
    expect(text).toContain(`ami-heze-2 自 ${feedTime(lastHeard, server.clock.now(), tz)} 起`);
    expect(await banner(wall).getAttribute('role')).toBe('alert');
    await saveScreenshot(wall, 'wall-feed-down');
  });

  it('is readable across the hall and leaves the rest of the wall on the screen', async () => {
    const m = await wall.evaluate(
      ([bannerSel, seatSel]) => {
        const b = document.querySelector(bannerSel)!;
        const r = b.getBoundingClientRect();
        const texts = [...b.querySelectorAll('span')].map((s) => parseFloat(getComputedStyle(s).fontSize));
        const bg = getComputedStyle(b);
        const charts = document.querySelector('.chart-row')!.getBoundingClientRect();
        const seats = document.querySelectorAll(seatSel).length;
        return {
          top: r.top,
          bottom: r.bottom,
          width: r.width,
          minFont: Math.min(...texts),
          color: bg.color,
          chartsBottom: charts.bottom,
          chartsHeight: charts.height,
          seats,
          scrollHeight: document.documentElement.scrollHeight,
          scrollWidth: document.documentElement.scrollWidth,
        };
      },
      [tid('feed-banner'), tid('seat-tile')] as const,
    );
    expect(m.minFont / 1080).toBeGreaterThanOrEqual(MIN_TEXT_SHARE);
    expect(m.width).toBeGreaterThanOrEqual(1900);
    expect(m.top).toBeGreaterThanOrEqual(0);
    expect(m.bottom).toBeLessThan(200);
    // nothing pushed off: no scrolling, the charts still end on the screen, every seat still shown
    expect(m.scrollHeight).toBeLessThanOrEqual(1080);
    expect(m.scrollWidth).toBeLessThanOrEqual(1920);
    expect(m.chartsBottom).toBeLessThanOrEqual(1080);
    expect(m.chartsHeight).toBeGreaterThan(100);
    expect(m.seats).toBeGreaterThanOrEqual(6);
    expect(m.color).toBe('rgb(17, 17, 17)');
  });

  it('shows the band on /lead too', async () => {
    const lead = await server.createUser('lead', 'feeds-lead');
    const p = await page(1024, 768);
    await p.goto(`${server.url}/login`);
    await p.locator('input[name="username"]').fill(lead);
    await p.locator('input[name="password"]').fill(PASSWORD);
    await p.locator('form button[type="submit"]').click();
    await p.waitForURL(`${server.url}/lead`, { timeout: 10_000 });
    await waitForStatus(p, 'live', '/lead to go live');
    await eventually(() => banner(p).isVisible(), 'the feed band on /lead');
    const text = await banner(p).innerText();
    expect(text).toContain('话务数据中断');
    expect(text).toContain('ami-heze-1');
    expect(text).toContain('ami-heze-2');
    await saveScreenshot(p, 'lead-feed-down');
  });

  it('lists the feeds on /admin: name, state, since, last event, PBX', async () => {
    const admin = await server.createUser('admin', 'feeds-admin');
    const p = await page(1280, 900);
    await p.goto(`${server.url}/login`);
    await p.locator('input[name="username"]').fill(admin);
    await p.locator('input[name="password"]').fill(PASSWORD);
    await p.locator('form button[type="submit"]').click();
    await p.waitForURL(`${server.url}/admin`, { timeout: 10_000 });
    const rows = byTid(p, 'feed-row');
    await eventually(async () => (await rows.count()) === 2, 'two feed rows on /admin');
    const one = p.locator(`${tid('feed-row')}[data-feed="ami-heze-1"]`);
    expect(await one.getAttribute('data-connected')).toBe('false');
    expect(await one.getAttribute('data-reporting')).toBe('true');
    expect(await one.innerText()).toContain('已断开');
    expect(await one.innerText()).toContain(PBX);
    const two = p.locator(`${tid('feed-row')}[data-feed="ami-heze-2"]`);
    expect(await two.getAttribute('data-reporting')).toBe('false');
    expect(await two.innerText()).toContain('无上报');
    expect(await two.innerText()).toContain(`最后事件 ${feedTime(lastHeard, server.clock.now(), 'Asia/Shanghai')}`);
    await byTid(p, 'feeds').scrollIntoViewIfNeeded();
    await saveScreenshot(p, 'admin-feeds');
  });

  it('says "Telephony feed down" on an English wall', async () => {
    const p = await page(1920, 1080);
    await p.goto(`${server.url}/wall?token=${encodeURIComponent(deviceToken)}&lang=en`);
    await waitForStatus(p, 'live', 'the English wall to go live');
    await eventually(() => banner(p).isVisible(), 'the feed band on the English wall');
    const text = await banner(p).innerText();
    expect(text).toContain('Telephony feed down');
    expect(text).toContain(`ami-heze-1 since ${feedTime(downSince, server.clock.now(), 'Asia/Shanghai')}`);
    expect(text).not.toMatch(/[\u4e00-\u9fff]/u);
  });

  it('takes the band away once the feeds are back', async () => {
    const now = server.clock.now();
    for (const name of ['ami-heze-1', 'ami-heze-2']) await server.feeds.put({ name, connected: true, since: now, lastEventAt: null, pbx: PBX }, 30_000);
    await poll();
    await eventually(async () => (await banner(wall).count()) === 0, 'the feed band to go');
    expect(wallErrors).toEqual([]);
  });
});
