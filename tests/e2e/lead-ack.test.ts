// (code passed to page.evaluate runs in the browser)
/**
 * A shift lead signs in on a tablet, acknowledges the open incident, and the wall in the hall shows
 * the ladder's 值班长 step done; the lead acknowledges an alert and reveals a missed call's number
 * (the wall still shows none); the director, on a phone, acknowledges and the wall shows 中心主任
 * done; the lead files the written report and resolves the incident (behind a confirmation), and the
 * wall follows each step.
 * Real server, real Redis (every action goes through the event stream).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, launchBrowser, saveScreenshot } from '../helpers/browser';
import { followClock, PASSWORD, startServer, type E2eServer } from './support/server';
import { CALLERS, EXPECTED, wallScenario } from './support/scenario';
import { byTid, eventually, incidentBanner, ladder, signIn as signInAs, waitForStatus } from './support/ui';

let browser: Browser;
let server: E2eServer;
let wall: Page;
let leadPage: Page;
let lead: string;
let director: string;
const contexts: BrowserContext[] = [];
const errors: Record<string, string[]> = {};

/** A page in its own context (own localStorage), as on its own device. */
async function device(name: string, width: number, height: number): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, hasTouch: width < 1200 });
  contexts.push(context);
  const page = await context.newPage();
  errors[name] = collectErrors(page);
  return page;
}

/** Signs in through the /login form and lands on the role's page. */
const signIn = (page: Page, username: string, landing: string) => signInAs(page, server.url, username, PASSWORD, landing);

const incidentCard = (page: Page) => page.locator(`[data-testid="incident-card"][data-incident-id="${EXPECTED.incident.id}"]`);
const wallBanner = () => incidentBanner(wall, EXPECTED.incident.id);

beforeAll(async () => {
  // people's sessions expire by the real clock in the browser: this server's clock is real time
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'redis', clock: followClock(Date.now()) })]);
  await server.ingest(wallScenario(server.clock.now()));
  const token = await server.createDevice();
  [lead, director] = await Promise.all([server.createUser('lead', 'zhang-e2e'), server.createUser('director', 'liu-e2e')]);
  wall = await device('wall', 1920, 1080);
  await wall.goto(`${server.url}/wall?token=${encodeURIComponent(token)}`);
  await waitForStatus(wall, 'live', 'the wall to go live');
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

describe('lead and director acknowledge an incident; the wall shows it', () => {
  it('the wall shows the incident waiting for the lead', async () => {
    expect(await ladder(wallBanner())).toMatchObject({ operator: 'done', lead: 'overdue', director: 'pending' });
  });

  it('a lead signs in at /login, acknowledges the incident, and the wall shows 值班长 done', async () => {
    const page = await device('lead', 1024, 768);
    await signIn(page, lead, '/lead');
    const card = incidentCard(page);
    await eventually(() => card.isVisible(), 'the incident card on /lead');
    expect(await card.innerText()).toContain(EXPECTED.incident.title);
    const ack = card.locator('[data-testid="incident-ack"]');
    // a touch target of at least 44 px
    const box = (await ack.boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
    await ack.click();
    // immediate feedback on the tablet…
    await eventually(async () => (await page.locator('[data-testid="toast"]:not([data-kind="error"])').count()) > 0, 'a toast on /lead', 5_000, 50);
    expect(await page.locator('[data-testid="toast"][data-kind="error"]').count()).toBe(0);
    await eventually(async () => (await ladder(card)).lead === 'done', 'the lead step done on /lead', 5_000, 50);
    // …and on the wall in the hall
    await eventually(async () => (await ladder(wallBanner())).lead === 'done', 'the lead step done on the wall', 5_000, 50);
    expect(await ladder(wallBanner())).toMatchObject({ operator: 'done', lead: 'done', director: 'pending' });
    await saveScreenshot(page, 'lead-1024');
    leadPage = page;
  });

  it('the lead acknowledges an alert; the wall says who took it', async () => {
    const row = leadPage.locator('[data-testid="alert-row"]').filter({ has: leadPage.locator('[data-testid="alert-ack"]') }).first();
    const alertId = (await row.getAttribute('data-alert-id'))!;
    expect(alertId).toBeTruthy();
    await row.locator('[data-testid="alert-ack"]').click();
    const onWall = wall.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`);
    // textContent: an alert the strip has no room for is hidden, not removed
    await eventually(async () => ((await onWall.textContent()) ?? '').includes(lead), `alert ${alertId} acknowledged by ${lead} on the wall`, 5_000, 50);
  });

  it('the lead reveals the number of a missed call behind a confirmation; the wall still shows none', async () => {
    const row = leadPage.locator('[data-testid="missed-row"]').first();
    expect(await row.innerText()).not.toContain(CALLERS.missed);
    await row.locator('[data-testid="reveal"]').click();
    await leadPage.locator('[data-testid="confirm-ok"]').click();
    const number = leadPage.locator('[data-testid="revealed-number"]');
    await eventually(() => number.isVisible(), 'the revealed number', 5_000, 50);
    expect((await number.innerText()).replace(/\D/g, '')).toBe(CALLERS.missed);
    const wallText = await wall.evaluate(() => document.body.innerText);
    expect(wallText).not.toContain(CALLERS.missed);
    expect(wallText).not.toContain('**');
    // closing the dialog forgets the number
    await leadPage.locator('[data-testid="confirm-cancel"]').click();
    await eventually(async () => (await number.count()) === 0, 'the number gone from /lead', 5_000, 50);
    expect(await leadPage.evaluate(() => document.body.innerText)).not.toContain(CALLERS.missed);
  });

  it('the director, on a 375 px phone, acknowledges too, and the wall shows 中心主任 done', async () => {
    const page = await device('director', 375, 812);
    await signIn(page, director, '/director');
    await eventually(async () => (await byTid(page, 'summary').count()) > 0, 'the summary on /director');
    const card = incidentCard(page);
    await eventually(() => card.isVisible(), 'the incident card on /director');
    // works at 375 px: nothing wider than the phone
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await saveScreenshot(page, 'director-375');
    await card.locator('[data-testid="director-ack"]').click();
    await eventually(async () => (await ladder(wallBanner())).director === 'done', 'the director step done on the wall', 5_000, 50);
  });

  it('the lead files the written report; the wall shows 书面报告 done', async () => {
    const card = incidentCard(leadPage);
    await card.locator('[data-testid="incident-report"]').click();
    await card.locator('[data-testid="report-nature"]').fill('室外燃气管道泄漏');
    await card.locator('[data-testid="report-harm"]').fill('无人员伤亡，周边道路临时封闭');
    await card.locator('[data-testid="report-measures"]').fill('燃气公司已关阀抢修，交警疏导交通');
    await card.locator('[data-testid="report-progress"]').fill('抢修中，预计一小时内恢复');
    await card.locator('[data-testid="report-submit"]').click();
    await eventually(async () => (await ladder(wallBanner())).report === 'done', 'the report step done on the wall', 5_000, 50);
    expect(await ladder(wallBanner())).toEqual({ operator: 'done', lead: 'done', director: 'done', report: 'done' });
  });

  it('the lead resolves the incident behind a confirmation (with a note); its band leaves the wall', async () => {
    await incidentCard(leadPage).locator('[data-testid="incident-resolve"]').click();
    const dialog = leadPage.locator('[data-testid="confirm-dialog"][open]');
    await eventually(() => dialog.isVisible(), 'the resolve confirmation on /lead', 5_000, 50);
    // cancelling resolves nothing
    await dialog.locator('[data-testid="confirm-cancel"]').click();
    await eventually(async () => (await dialog.count()) === 0, 'the confirmation closed', 5_000, 50);
    expect(await incidentCard(leadPage).getAttribute('data-status')).not.toBe('resolved');
    expect(await wallBanner().count()).toBe(1);
    // asked again, confirmed with a note
    await incidentCard(leadPage).locator('[data-testid="incident-resolve"]').click();
    await eventually(() => dialog.isVisible(), 'the resolve confirmation on /lead', 5_000, 50);
    await dialog.locator('[data-testid="resolve-note"]').fill('抢修完毕，道路恢复通行');
    await saveScreenshot(leadPage, 'lead-resolve-confirm');
    await dialog.locator('[data-testid="confirm-ok"]').click();
    await eventually(async () => (await wallBanner().count()) === 0, 'the incident band gone from the wall', 5_000, 50);
    await eventually(async () => (await incidentCard(leadPage).count()) === 0, 'the incident card gone from /lead', 5_000, 50);
    expect(await leadPage.locator('[data-testid="toast"][data-kind="error"]').count()).toBe(0);
  });

  it('logged no console errors on any screen', () => {
    expect(errors).toEqual({ wall: [], lead: [], director: [] });
  });
});
