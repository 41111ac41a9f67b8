// (code passed to page.evaluate runs in the browser)
/**
 * /reports against the real server and its reports routes: five weeks of a small center's history
 * (support/history.ts) and today's scripted stretch (support/scenario.ts). A lead opens it from the
 * lead's page: this month by default; presets change the range and the tables; a custom range is
 * checked before the server is asked, and the server's refusal is shown; the agents sort by any
 * heading (aria-sort, keyboard); an agent's days open in a dialog; every CSV downloads with the
 * token and starts with the BOM; 打印月报 prints one month; the printed layout fits A4. The director
 * can use it, a wall cannot. The lead's agent list shows today's figures per agent.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors, launchBrowser, oneLine, runAxe, saveScreenshot } from '../helpers/browser';
import { buildConfig } from '../../shared/config';
import { localParts } from '../../shared/time';
import { ev } from '../helpers/events';
import { followClock, PASSWORD, startServer, type E2eServer } from './support/server';
import { answeredOn, HISTORY_AGENTS, historyEvents } from './support/history';
import { wallScenario } from './support/scenario';
import { byTid, eventually, signIn as signInAs, tid, waitForStatus } from './support/ui';

const TZ = 'Asia/Shanghai';
const HISTORY_DAYS = 35;
/** the A4 page's printable width at 96 px/in: 210 mm less the 10 mm margins (reports-print.css) */
const A4_CONTENT_PX = Math.floor(((210 - 20) / 25.4) * 96);

let browser: Browser;
let server: E2eServer;
let lead: string;
let director: string;
let page: Page;
const contexts: BrowserContext[] = [];
const errors: string[][] = [];

const pad2 = (n: number) => String(n).padStart(2, '0');
/** `YYYY-MM-DD` of the day `back` days before the server's today, in the center's zone */
function dayBefore(back: number): string {
  const p = localParts(server.clock.now(), TZ);
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day - back));
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}
const today = () => dayBefore(0);

async function device(width: number, height: number): Promise<Page> {
  // bypassCSP: axe-core is injected as an inline script
  const context = await browser.newContext({ viewport: { width, height }, acceptDownloads: true, bypassCSP: true });
  contexts.push(context);
  const p = await context.newPage();
  errors.push(collectErrors(p));
  return p;
}

/** Signs in through /login and lands on the role's page. */
const signIn = (p: Page, username: string, landing: string) => signInAs(p, server.url, username, PASSWORD, landing);

/** The shown range (`data-testid=range-text`, "from 至 to"): its two dates. */
async function shownRange(p: Page): Promise<[string, string]> {
  const text = await byTid(p, 'range-text').innerText();
  const dates = text.match(/\d{4}-\d{2}-\d{2}/g) ?? [];
  return [dates[0] ?? '', dates[1] ?? ''];
}

/** Waits until the days table shows exactly the range's days (the answer for that range is in). */
async function waitForDays(p: Page, from: string, to: string): Promise<string[]> {
  return eventually(
    async () => {
      const dates = await byTid(p, 'day-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['date'] ?? ''));
      return dates[0] === from && dates.at(-1) === to ? dates : null;
    },
    `the days ${from} … ${to}`,
    10_000,
  );
}

/** The agents table's column as text, top to bottom. */
function column(p: Page, name: string): Promise<string[]> {
  return p.locator(`${tid('agent-report-row')} [data-column="${name}"]`).allInnerTexts();
}

async function apiJson<T>(path: string, token: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
}

/** Clicks a CSV button and returns the downloaded file's bytes and name. */
async function download(p: Page, button: string): Promise<{ bytes: Buffer; name: string }> {
  const [dl] = await Promise.all([p.waitForEvent('download', { timeout: 10_000 }), byTid(p, button).first().click()]);
  const path = await dl.path();
  return { bytes: await readFile(path), name: dl.suggestedFilename() };
}

beforeAll(async () => {
  // a month of history must still be in the state: keep 40 days of events
  const config = buildConfig({ retentionDays: 40 }, TZ);
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'memory', clock: followClock(Date.now()), config })]);
  const now = server.clock.now();
  await server.ingest([...historyEvents(now, HISTORY_DAYS, TZ), ...wallScenario(now)]);
  // without the page there is nothing to test: one clear line instead of a dozen timeouts
  const served = await fetch(`${server.url}/reports`);
  if (served.status !== 200 || !served.headers.get('content-type')?.includes('text/html')) throw oneLine(`GET /reports answered ${served.status}: the server must serve the client at /reports (PAGES, server/adapters/http/http-app.ts)`);
  [lead, director] = await Promise.all([server.createUser('lead'), server.createUser('director')]);
  page = await device(1366, 900);
  await signIn(page, lead, '/lead');
}, 60_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

describe('/reports for a lead', () => {
  it('opens from the lead’s page and shows this month: totals, trend, days (today in progress), agents', async () => {
    await page.locator(`${tid('nav-link')}[data-href="/reports"]`).click();
    await page.waitForURL(/\/reports/, { timeout: 10_000 });
    const from = `${today().slice(0, 8)}01`;
    const dates = await waitForDays(page, from, today());
    expect(await shownRange(page)).toEqual([from, today()]);
    expect(await byTid(page, 'preset').and(page.locator('[aria-pressed="true"]')).getAttribute('data-preset')).toBe('month');
    expect(page.url()).toContain(`from=${from}&to=${today()}`);
    expect(dates).toHaveLength(Number(today().slice(8)));
    // today's row is marked as still in progress, and only today's
    expect(await page.locator(`${tid('day-row')}[data-date="${today()}"] ${tid('partial-tag')}`).count()).toBe(1);
    expect(await byTid(page, 'partial-tag').count()).toBe(1);
    // the tiles: the range's total from the days report, callbacks and incidents summed over its days
    const token = (await page.evaluate(() => localStorage.getItem('hotline.token')))!;
    const report = await apiJson<{ total: { offered: number }; days: { incidents: { raised: number } }[] }>(`/api/v1/reports/days?from=${from}&to=${today()}`, token);
    expect(await byTid(page, 'report-kpi').count()).toBe(14);
    expect(await page.locator(`${tid('report-kpi')}[data-kpi="offered"] .value`).innerText()).toBe(String(report.total.offered));
    const raised = report.days.reduce((n, d) => n + d.incidents.raised, 0);
    expect(await page.locator(`${tid('report-kpi')}[data-kpi="incRaised"] .value`).innerText()).toBe(String(raised));
    expect(raised).toBeGreaterThanOrEqual(1); // today's major incident
    expect(await byTid(page, 'report-chart').locator('canvas').count()).toBe(1);
    // the agents: the history's four, and today's scenario agents
    const ids = await byTid(page, 'agent-report-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['agentId']));
    for (const [id] of HISTORY_AGENTS) expect(ids).toContain(id);
    await saveScreenshot(page, 'reports-month-1366');
  });

  it('axe-core finds nothing serious or critical (a violations list open too)', async () => {
    await page.locator(`${tid('agent-report-row')} details summary`).first().click();
    const violations = await runAxe(page);
    if (violations.length) console.log(violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n'));
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    await page.locator(`${tid('agent-report-row')} details summary`).first().click();
  });

  it('presets change the range and the tables', async () => {
    await page.locator(`${tid('preset')}[data-preset="yesterday"]`).click();
    await waitForDays(page, dayBefore(1), dayBefore(1));
    expect(await shownRange(page)).toEqual([dayBefore(1), dayBefore(1)]);
    expect(page.url()).toContain(`from=${dayBefore(1)}&to=${dayBefore(1)}`);
    expect(await byTid(page, 'partial-tag').count()).toBe(0);
    // the agents' figures are yesterday's: 3001 answered at least its calls of the history
    const token = (await page.evaluate(() => localStorage.getItem('hotline.token')))!;
    const api = await apiJson<{ agents: { agentId: string; answered: number }[] }>(`/api/v1/reports/agents?from=${dayBefore(1)}&to=${dayBefore(1)}`, token);
    const row = page.locator(`${tid('agent-report-row')}[data-agent-id="3001"] [data-column="answered"]`);
    await eventually(async () => (await row.innerText()) === String(api.agents.find((a) => a.agentId === '3001')?.answered), '3001 answered yesterday');
    expect(Number(await row.innerText())).toBeGreaterThanOrEqual(answeredOn(1, 0));

    await page.locator(`${tid('preset')}[data-preset="today"]`).click();
    await waitForDays(page, today(), today());
    expect(await byTid(page, 'partial-tag').count()).toBe(1);

    await page.locator(`${tid('preset')}[data-preset="week"]`).click();
    const weekday = (localParts(server.clock.now(), TZ).weekday + 6) % 7; // 0 on Monday
    await waitForDays(page, dayBefore(weekday), today());

    await page.locator(`${tid('preset')}[data-preset="lastMonth"]`).click();
    const p = localParts(server.clock.now(), TZ);
    const lastMonthEnd = new Date(Date.UTC(p.year, p.month - 1, 0));
    const end = `${lastMonthEnd.getUTCFullYear()}-${pad2(lastMonthEnd.getUTCMonth() + 1)}-${pad2(lastMonthEnd.getUTCDate())}`;
    const dates = await waitForDays(page, `${end.slice(0, 8)}01`, end);
    expect(dates).toHaveLength(lastMonthEnd.getUTCDate());
    expect(await byTid(page, 'partial-tag').count()).toBe(0);
  });

  it('a custom range is checked before the server is asked; the server’s refusal is shown', async () => {
    const asked: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/reports/')) asked.push(r.url());
    });
    await byTid(page, 'range-from').fill(dayBefore(2));
    await byTid(page, 'range-to').fill(dayBefore(5));
    expect(await byTid(page, 'range-problem').innerText()).toBe('开始日期不能晚于结束日期');
    expect(await byTid(page, 'range-apply').isDisabled()).toBe(true);
    await byTid(page, 'range-from').fill('2020-01-01');
    await byTid(page, 'range-to').fill('2021-06-30');
    expect(await byTid(page, 'range-problem').innerText()).toContain('最长 366 天');
    await byTid(page, 'range-from').press('Enter');
    expect(asked).toEqual([]);

    // a range the server refuses (it reads no year before 2000)
    await byTid(page, 'range-from').fill('1999-12-30');
    await byTid(page, 'range-to').fill('2000-01-02');
    expect(await byTid(page, 'range-problem').innerText()).toBe('');
    await byTid(page, 'range-apply').click();
    const error = byTid(page, 'report-error');
    await eventually(() => error.isVisible(), 'the server’s refusal on the page');
    expect(await error.innerText()).toContain('日期无效');
    expect(await byTid(page, 'range-custom').isVisible()).toBe(true);

    // a good custom range: the last three days
    await byTid(page, 'range-from').fill(dayBefore(3));
    await byTid(page, 'range-to').fill(dayBefore(1));
    await byTid(page, 'range-apply').click();
    await waitForDays(page, dayBefore(3), dayBefore(1));
    expect(await error.count()).toBe(0);
    expect(asked.some((u) => u.includes(`from=${dayBefore(3)}&to=${dayBefore(1)}`))).toBe(true);
  });

  it('sorts the agents by any heading, by pointer and by keyboard, with aria-sort', async () => {
    const heading = (c: string) => page.locator(`th:has(${tid(`sort-${c}`)})`);
    expect(await heading('agentId').getAttribute('aria-sort')).toBe('ascending');
    const ids = await column(page, 'answered');
    expect(ids.length).toBeGreaterThanOrEqual(4);

    await byTid(page, 'sort-answered').click();
    expect(await heading('answered').getAttribute('aria-sort')).toBe('descending');
    expect(await heading('agentId').getAttribute('aria-sort')).toBe('none');
    const answered = (await column(page, 'answered')).map(Number);
    expect(answered).toEqual([...answered].sort((a, b) => b - a));
    await byTid(page, 'sort-answered').click();
    const up = (await column(page, 'answered')).map(Number);
    expect(up).toEqual([...up].sort((a, b) => a - b));
    expect(await heading('answered').getAttribute('aria-sort')).toBe('ascending');

    // by keyboard: focus the 工号 heading's button and press Enter twice (ascending, then descending)
    await byTid(page, 'sort-agentId').focus();
    await page.keyboard.press('Enter');
    expect(await heading('agentId').getAttribute('aria-sort')).toBe('ascending');
    await page.keyboard.press('Enter');
    expect(await heading('agentId').getAttribute('aria-sort')).toBe('descending');
    const rows = await byTid(page, 'agent-report-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['agentId'] ?? ''));
    expect(rows).toEqual([...rows].sort((a, b) => b.localeCompare(a, 'en', { numeric: true })));
  });

  it('a row opens the agent’s days in a dialog, with its own CSV', async () => {
    await page.locator(`${tid('agent-report-row')}[data-agent-id="3002"] td`).first().click();
    const drill = page.locator(`${tid('agent-drill')}[open]`);
    await eventually(() => drill.isVisible(), 'the drill-down dialog');
    await eventually(async () => (await drill.locator(tid('agent-day-row')).count()) === 3, '3002’s three days');
    const dates = await drill.locator(tid('agent-day-row')).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['date']));
    expect(dates).toEqual([dayBefore(3), dayBefore(2), dayBefore(1)]);
    expect(await drill.locator('h2').innerText()).toContain('3002');
    await saveScreenshot(page, 'reports-drill-1366');
    const file = await download(page, 'csv-agent');
    expect([...file.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(file.name).toMatch(/\.csv$/);
    expect(file.bytes.toString('utf8')).toContain(dayBefore(2));
    // Escape closes it; the keyboard's way in is the 工号 button
    await page.keyboard.press('Escape');
    await eventually(async () => (await drill.count()) === 0, 'the dialog closed');
    const open3001 = page.locator(`${tid('agent-report-row')}[data-agent-id="3001"] ${tid('agent-open')}`);
    await eventually(async () => {
      await open3001.focus();
      return open3001.evaluate((el) => el === document.activeElement);
    }, 'the focus on 3001’s button');
    await page.keyboard.press('Enter');
    await eventually(() => drill.isVisible(), 'the dialog by keyboard');
    await byTid(page, 'drill-close').click();
    await eventually(async () => (await drill.count()) === 0, 'the dialog closed again');
  });

  it('the days and agents CSVs download with the token: UTF-8 with a BOM, Chinese headings', async () => {
    const days = await download(page, 'csv-days');
    expect([...days.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(days.name).toMatch(/\.csv$/);
    const text = days.bytes.toString('utf8').slice(1);
    expect(text.split(/\r?\n/)[0]).toContain('日期');
    expect(text).toContain(dayBefore(1));
    const agents = await download(page, 'csv-agents');
    expect([...agents.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(agents.bytes.toString('utf8')).toContain('工号');
    expect(agents.bytes.toString('utf8')).toContain('3001');
  });

  it('打印月报 prints the chosen month; the printed layout fits A4 portrait', async () => {
    await page.evaluate(() => {
      (window as unknown as { printed: number }).printed = 0;
      window.print = () => void ((window as unknown as { printed: number }).printed += 1);
    });
    const p = localParts(server.clock.now(), TZ);
    const last = new Date(Date.UTC(p.year, p.month - 2, 1));
    const month = `${last.getUTCFullYear()}-${pad2(last.getUTCMonth() + 1)}`;
    await byTid(page, 'print-month').fill(month);
    await byTid(page, 'print-report').click();
    await eventually(() => page.evaluate(() => (window as unknown as { printed: number }).printed === 1), 'window.print called once');
    const end = new Date(Date.UTC(p.year, p.month - 1, 0)).getUTCDate();
    expect(await shownRange(page)).toEqual([`${month}-01`, `${month}-${pad2(end)}`]);
    expect(await byTid(page, 'day-row').count()).toBe(end);

    // the browser's print layout: A4's printable width, print media
    await page.setViewportSize({ width: A4_CONTENT_PX, height: 1100 });
    await page.emulateMedia({ media: 'print' });
    try {
      const head = byTid(page, 'print-head');
      expect(await head.isVisible()).toBe(true);
      expect(await head.innerText()).toContain(`${last.getUTCFullYear()}年${last.getUTCMonth() + 1}月`);
      expect(await head.innerText()).toContain('菏泽市12319城市管理服务热线');
      // no navigation, no controls, no buttons on paper; the printed chart instead of the screen's
      for (const id of ['page-nav', 'report-controls', 'csv-days', 'report-chart']) expect(await byTid(page, id).first().isVisible(), id).toBe(false);
      expect(await page.locator('button:visible').count()).toBe(await page.locator('th button:visible, td button:visible').count());
      expect(await byTid(page, 'report-chart-print').isVisible()).toBe(true);
      // black on white
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('[data-testid="days-table"] td')!).color)).toBe('rgb(0, 0, 0)');
      // nothing wider than the paper
      const wide = await page.evaluate((limit) => {
        const out: string[] = [];
        for (const el of Array.from(document.querySelectorAll('body *'))) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > limit + 1) out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className} ${Math.round(r.right)}`);
        }
        return { out: out.slice(0, 5), scroll: document.documentElement.scrollWidth };
      }, A4_CONTENT_PX);
      expect(wide.out).toEqual([]);
      expect(wide.scroll).toBeLessThanOrEqual(A4_CONTENT_PX);
      await page.screenshot({ path: (await saveScreenshot(page, 'reports-print')).replace(/\.png$/, '-full.png'), fullPage: true });
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
      expect(pages).toBeGreaterThanOrEqual(2); // a month of days and the agents do not fit one page
      expect(pages).toBeLessThanOrEqual(4);
    } finally {
      await page.emulateMedia({ media: 'screen' });
      await page.setViewportSize({ width: 1366, height: 900 });
    }
  });

  it('says nothing went wrong in the browser', () => {
    // the custom range the server refused (400) is logged by the browser as a failed resource
    expect(errors.flat().filter((e) => !/status of 400/.test(e))).toEqual([]);
  });
});

describe('who may use /reports', () => {
  it('the director opens it from the director’s page', async () => {
    const p = await device(1280, 800);
    await signIn(p, director, '/director');
    await p.locator(`${tid('nav-link')}[data-href="/reports"]`).click();
    await p.waitForURL(/\/reports/, { timeout: 10_000 });
    await waitForDays(p, `${today().slice(0, 8)}01`, today());
    expect(await byTid(p, 'forbidden').count()).toBe(0);
  });

  it('a wall display cannot: the page sends it to sign in, the routes refuse its token', async () => {
    const token = await server.createDevice();
    const p = await device(1920, 1080);
    await p.goto(`${server.url}/wall?token=${encodeURIComponent(token)}`);
    await waitForStatus(p, 'live', 'the wall to go live');
    await p.goto(`${server.url}/reports`);
    await p.waitForURL(`${server.url}/login`, { timeout: 10_000 });
    const res = await fetch(`${server.url}/api/v1/reports/days?from=${today()}&to=${today()}`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
  });
});

describe('the lead’s agent list', () => {
  it('shows today’s answered calls, talk time, occupancy and violations per agent', async () => {
    await page.goto(`${server.url}/lead`);
    await waitForStatus(page, 'live', '/lead to go live');
    const token = (await page.evaluate(() => localStorage.getItem('hotline.token')))!;
    const api = await apiJson<{ agents: { agentId: string; answered: number }[] }>(`/api/v1/reports/agents?from=${today()}&to=${today()}`, token);
    const want = api.agents.find((a) => a.agentId === '3002')!;
    expect(want.answered).toBeGreaterThanOrEqual(2); // the scenario's a2 and a5
    const cell = page.locator(`${tid('agent-row')}[data-agent-id="3002"] ${tid('today-answered')}`);
    await eventually(async () => (await cell.innerText()) === String(want.answered), '3002’s answered today on /lead');
    expect(await page.locator(`${tid('agent-row')}[data-agent-id="3002"] ${tid('today-occupancy')}`).innerText()).toMatch(/%$/);
    await byTid(page, 'agent-list').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'lead-agents-today-1366');
  });

  it('reloads them when the agents change, at most once per 15 s (no polling)', async () => {
    const asked: number[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/v1/reports/agents?')) asked.push(Date.now());
    });
    const cell = page.locator(`${tid('agent-row')}[data-agent-id="3007"] ${tid('today-answered')}`);
    const before = Number(await cell.innerText());
    // 3007 takes a call: its state changes twice (talking, wrap-up), the figures follow within 15 s
    const now = server.clock.now();
    await server.ingest([
      ev('call.queued', now - 40_000, { callId: 'e2e-today-1' }),
      ev('call.answered', now - 35_000, { callId: 'e2e-today-1', agentId: '3007' }),
      ev('call.ended', now - 1_000, { callId: 'e2e-today-1' }),
    ]);
    const started = Date.now();
    await eventually(async () => Number(await cell.innerText()) === before + 1, '3007’s answered today after its call', 17_000, 250);
    expect(Date.now() - started).toBeLessThan(16_500);
    // however many patches came, at most one reload in the period (and one more just after it)
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(asked.length).toBeLessThanOrEqual(2);
    if (asked.length === 2) expect(asked[1]! - asked[0]!).toBeGreaterThanOrEqual(14_500);
  }, 30_000);
});
