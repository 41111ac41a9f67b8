// (code passed to page.evaluate runs in the browser)
/**
 * axe-core on every screen as a person sees it (with live data): no violation of impact serious or
 * critical. Every violation found is printed, whatever its impact. The pages' CSP forbids inline
 * scripts, so the browser context bypasses CSP to inject axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, runAxe, type AxeViolation } from '../helpers/browser';
import { followClock, startServer, type E2eServer } from './support/server';
import { wallScenario } from './support/scenario';
import { byTid, eventually, waitForStatus } from './support/ui';

let browser: Browser;
let server: E2eServer;
let deviceToken: string;
const sessions: Record<string, { token: string; role: string; expiresAt: number | string }> = {};

beforeAll(async () => {
  // real time: people's sessions expire by the browser's clock
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'memory', clock: followClock(Date.now()) })]);
  await server.ingest(wallScenario(server.clock.now()));
  deviceToken = await server.createDevice();
  // a telephony feed down: its band is on every live screen checked here
  await server.feeds.put({ name: 'ami-heze', connected: false, since: server.clock.now() - 60_000, lastEventAt: null, pbx: null }, 600_000);
  await server.app.feeds.poll();
  for (const role of ['lead', 'director'] as const) sessions[role] = await server.login(await server.createUser(role));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

function report(path: string, violations: AxeViolation[]): void {
  if (violations.length === 0) return void console.log(`[a11y ${path}] no violations`);
  console.log(
    `[a11y ${path}] ${violations.length} violation(s):\n` +
      violations.map((v) => `  ${v.impact ?? '?'} ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}  ${n.summary.replace(/\s+/g, ' ').slice(0, 220)}`).join('\n')).join('\n'),
  );
}

describe.each([
  { path: '/wall', width: 1920, height: 1080, as: 'wall' },
  { path: '/lead', width: 1024, height: 768, as: 'lead' },
  { path: '/director', width: 375, height: 812, as: 'director' },
  { path: '/login', width: 1024, height: 768, as: null },
] as const)('$path', ({ path, width, height, as }) => {
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    const session = as && as !== 'wall' ? sessions[as] : null;
    if (session) {
      await context.addInitScript((s) => {
        localStorage.setItem('hotline.token', s.token);
        localStorage.setItem('hotline.role', s.role);
        localStorage.setItem('hotline.expiresAt', String(s.expiresAt));
      }, session);
    }
    page = await context.newPage();
    await page.goto(`${server.url}${path}${as === 'wall' ? `?token=${encodeURIComponent(deviceToken)}` : ''}`);
    if (as) await waitForStatus(page, 'live', `${path} to go live`);
    else await page.locator('input[name="username"]').waitFor();
    if (as === 'lead' || as === 'director') await eventually(async () => (await byTid(page, 'incident-card').count()) > 0, `the incident on ${path}`);
    if (as) await eventually(async () => (await byTid(page, 'feed-banner').count()) > 0, `the feed band on ${path}`);
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
  }, 30_000);

  afterAll(() => context?.close());

  it('has no serious or critical axe violations', async () => {
    const violations = await runAxe(page);
    report(path, violations);
    const grave = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(grave.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });
});
