// (code passed to page.evaluate runs in the browser)
/**
 * A wall must never look live when it is not (WALL.md): the server goes away → within seconds a red
 * band says 连接中断 and the time of the figures shown; a new server on the same port and the same
 * Redis data comes up → the wall reconnects by itself, the band goes, and the data is live again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot } from '../helpers/browser';
import { ev, sh } from '../helpers/events';
import { followClock, startServer, type E2eServer, type FollowClock } from './support/server';
import { EXPECTED, wallScenario } from './support/scenario';
import { byTid, eventually, kpiValue, liveStatus, waitForStatus } from './support/ui';

const BASE = sh(2026, 11, 27, 14, 0, 0);

let browser: Browser;
let clock: FollowClock;
let first: E2eServer;
let second: E2eServer | null = null;
let page: Page;

/** Seconds since local midnight in Heze of an epoch ms, and of "HH:MM:SS". */
const secOfDay = (ms: number) => Math.floor(((ms + 8 * 3_600_000) % 86_400_000) / 1000);
const parseClock = (s: string) => {
  const [h, m, sec] = s.split(':').map(Number);
  return h! * 3600 + m! * 60 + sec!;
};

beforeAll(async () => {
  clock = followClock(BASE);
  [browser, first] = await Promise.all([launchBrowser(), startServer({ store: 'redis', clock })]);
  await first.ingest(wallScenario(clock.now()));
  const token = await first.createDevice();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(`${first.url}/wall?token=${encodeURIComponent(token)}`);
  await waitForStatus(page, 'live', 'the wall to go live');
});

afterAll(async () => {
  await browser?.close();
  await first?.stop();
  await second?.stop();
});

describe('wall: losing and regaining the server', () => {
  it('shows 连接中断 and the time of its data within seconds of the server stopping', async () => {
    expect(await kpiValue(page, 'kpi-waiting')).toBe(String(EXPECTED.waiting));
    const beforeStop = clock.now();
    await first.stop();
    const stoppedAt = clock.now();
    const started = Date.now();
    const banner = byTid(page, 'offline-banner');
    await eventually(async () => (await banner.count()) > 0 && (await banner.isVisible()), 'the offline banner', 5_000, 50);
    const after = Date.now() - started;
    const text = await banner.innerText();
    expect(text).toContain('连接中断');
    const m = /(\d{2}:\d{2}:\d{2})/.exec(text);
    expect(m, text).not.toBeNull();
    // the time of the last snapshot, patch or heartbeat (every 2 s) before the server went away
    const shown = parseClock(m![1]!);
    expect(shown, `banner says ${m![1]}`).toBeGreaterThanOrEqual(secOfDay(beforeStop) - 5);
    expect(shown, `banner says ${m![1]}`).toBeLessThanOrEqual(secOfDay(stoppedAt));
    console.log(`[wall-offline] banner after ${after} ms: ${text.replace(/\s+/g, ' ')}`);

    // nothing on the screen may still claim to be live; the figures of that time stay readable
    expect(await liveStatus(page)).toBe('offline');
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('实时');
    expect(await kpiValue(page, 'kpi-waiting')).toBe(String(EXPECTED.waiting));
    await saveScreenshot(page, 'wall-offline');
  });

  it('stays offline, with its timers stopped at the time of the data, while the server is away', async () => {
    const wait = await kpiValue(page, 'kpi-longest-wait');
    await new Promise((r) => setTimeout(r, 2_500));
    expect(await liveStatus(page)).toBe('offline');
    expect(await byTid(page, 'offline-banner').isVisible()).toBe(true);
    expect(await kpiValue(page, 'kpi-longest-wait')).toBe(wait);
  });

  it('reconnects to a new server on the same port and data, and is live again', async () => {
    second = await startServer({ store: 'redis', clock, port: first.port, prefix: first.prefix! });
    expect(second.url).toBe(first.url);
    // a change while the wall is still away: after the reconnect it must show it (fresh data, not a mix)
    await second.ingest([ev('call.queued', clock.now(), { callId: 'offline-new-1' })]);
    const started = Date.now();
    await waitForStatus(page, 'live', 'the wall to be live again', 25_000);
    console.log(`[wall-offline] live again ${Date.now() - started} ms after the new server started`);
    expect(await byTid(page, 'offline-banner').count()).toBe(0);
    expect(await byTid(page, 'status-badge').first().innerText()).toContain('实时');
    await eventually(async () => (await kpiValue(page, 'kpi-waiting')) === String(EXPECTED.waiting + 1), 'the change made while away', 5_000, 50);
    // and patches flow again
    await second.ingest([ev('call.queued', clock.now(), { callId: 'offline-new-2' })]);
    await eventually(async () => (await kpiValue(page, 'kpi-waiting')) === String(EXPECTED.waiting + 2), 'a live change', 5_000, 50);
  }, 40_000);
});
