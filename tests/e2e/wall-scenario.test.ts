/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (code passed to page.evaluate runs in the browser)
/**
 * The wall in a real browser against a real server and Redis: a scripted shift goes in through the
 * event log, and the wall shows what a person in the call hall should see.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchBrowser, saveScreenshot } from '../helpers/browser';
import { ev, sh } from '../helpers/events';
import { maskCaller } from '../../shared/mask';
import { followClock, startServer, type E2eServer } from './support/server';
import { CALLERS, EXPECTED, wallScenario } from './support/scenario';
import { byTid, incidentBanner, kpiValue, ladder, seatTileIds, waitForStatus } from './support/ui';

/** Friday 2026-11-27 10:30 in Heze: the morning shift (08:00–16:00), well inside it. */
const BASE = sh(2026, 11, 27, 10, 30, 0);

let browser: Browser;
let server: E2eServer;
let page: Page;
let errors: string[];
let events: ReturnType<typeof wallScenario>;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'redis', clock: followClock(BASE) })]);
  events = wallScenario(server.clock.now());
  await server.ingest(events);
  const token = await server.createDevice();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  errors = collectErrors(page);
  await page.goto(`${server.url}/wall?token=${encodeURIComponent(token)}`);
  await waitForStatus(page, 'live', 'the wall to go live');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('wall: a scripted shift', () => {
  it('keeps the device token out of the address bar', async () => {
    expect(page.url()).toBe(`${server.url}/wall`);
    expect(await page.evaluate(() => localStorage.getItem('hotline.deviceToken'))).toMatch(/^dev_/);
  });

  it('says 实时 while patches flow', async () => {
    const badge = byTid(page, 'status-badge').first();
    expect(await badge.getAttribute('data-status')).toBe('live');
    expect(await badge.innerText()).toContain('实时');
    expect(await byTid(page, 'offline-banner').count()).toBe(0);
  });

  it('shows the hand-computed figures', async () => {
    expect(await kpiValue(page, 'kpi-waiting')).toBe(String(EXPECTED.waiting));
    expect(await kpiValue(page, 'kpi-sl-today')).toBe(EXPECTED.serviceLevelPct);
    expect(await kpiValue(page, 'kpi-sl-shift')).toBe(EXPECTED.serviceLevelPct);
    expect(await kpiValue(page, 'kpi-answer-rate')).toBe(EXPECTED.answerRatePct);
    // 放弃 3, of which 1 short: "3(1)"
    expect(await kpiValue(page, 'kpi-abandoned')).toMatch(new RegExp(`^${EXPECTED.abandoned}\\D`));
    expect(await kpiValue(page, 'kpi-abandoned')).toContain(`(${EXPECTED.shortAbandoned})`);
    expect(await kpiValue(page, 'kpi-missed')).toMatch(new RegExp(`^${EXPECTED.missed}\\D`));
  });

  it('ticks the longest wait in the browser', async () => {
    const seconds = async () => {
      const m = /(\d+):(\d\d)/.exec(await kpiValue(page, 'kpi-longest-wait'));
      return m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    };
    const first = await seconds();
    // the oldest waiting call was queued 40 s before the scenario's "now"
    expect(first).toBeGreaterThanOrEqual(40);
    expect(first).toBeLessThan(40 + 60);
    await expect.poll(seconds, { timeout: 3_000 }).toBeGreaterThan(first);
  });

  it('has a seat tile for every signed-in or logged-in agent, none for the offline one', async () => {
    expect(await seatTileIds(page)).toEqual([...EXPECTED.seatAgents].sort());
    const states = await byTid(page, 'seat-tile').evaluateAll((els) =>
      Object.fromEntries(els.map((e) => [(e as HTMLElement).dataset['agentId'], { state: (e as HTMLElement).dataset['state'], text: (e as HTMLElement).innerText }])),
    );
    expect(states).toMatchObject({
      '3001': { state: 'available' },
      '3002': { state: 'talking' },
      '3003': { state: 'busy' },
      '3004': { state: 'wrapup' },
      '3005': { state: 'logged_in' },
      '3007': { state: 'available' },
    });
    // the state in words too, never colour alone
    expect(states['3002']!.text).toContain('通话');
    expect(states['3003']!.text).toContain('示忙');
  });

  it('shows the open major incident with its ladder: the lead is overdue', async () => {
    const banner = incidentBanner(page, EXPECTED.incident.id);
    expect(await banner.count()).toBe(1);
    const text = await banner.innerText();
    expect(text).toContain(EXPECTED.incident.title);
    expect(text).toContain(EXPECTED.incident.location);
    expect(await ladder(banner)).toEqual({ operator: 'done', lead: 'overdue', director: 'pending', report: 'pending' });
  });

  it('draws the three charts', async () => {
    for (const id of ['chart-intervals', 'chart-categories', 'chart-waiting']) {
      const drawn = await byTid(page, id).locator('canvas').first().evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; data && i < data.length; i += 4) if (data[i]! > 0) painted++;
        return { width: c.width, height: c.height, painted };
      });
      expect(drawn.width, id).toBeGreaterThan(100);
      expect(drawn.height, id).toBeGreaterThan(50);
      expect(drawn.painted, `${id}: painted pixels`).toBeGreaterThan(100);
    }
  });

  it('shows no caller number anywhere, raw or masked', async () => {
    const text = await page.evaluate(() => document.body.innerText);
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    const forms = Object.values(CALLERS).flatMap((c) => [c, c.replace(/\D/g, ''), maskCaller(c)]);
    for (const f of forms) {
      expect(text, `page text shows ${f}`).not.toContain(f);
      expect(html, `page markup holds ${f}`).not.toContain(f);
    }
    // nor anything shaped like one: 7+ digits in a row, or masking stars
    expect(text).not.toMatch(/\d{7,}/);
    expect(text).not.toContain('**');
  });

  it('applies a live change', async () => {
    const w1 = events.find((e) => e.type === 'call.queued' && 'caller' in e && e.caller === CALLERS.waiting1)!;
    await server.ingest([ev('call.answered', server.clock.now(), { callId: (w1 as { callId: string }).callId, agentId: '3007' })]);
    // patches arrive well within 100 ms (npm run bench measures it); the margin is for a loaded machine
    await expect.poll(() => kpiValue(page, 'kpi-waiting'), { timeout: 3_000, interval: 50 }).toBe(String(EXPECTED.waiting - 1));
    await saveScreenshot(page, 'wall-scenario');
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
