// (code passed to page.evaluate runs in the browser)
/**
 * The shift on screen (SHIFTS.md) against the real routes: at 15:40 of an early shift a lead
 * uploads the day's roster on the tablet (a CSV with two bad lines is refused line by line, then
 * the file is right); the attendance list shows who is in, late, absent, gone early and signed in
 * without being rostered; the handover to the evening shift is written by lead A, refused when A
 * tries to accept it, and accepted by lead B on another tablet, while the wall shows 待提交 →
 * 已提交 → 已签收 beside the attendance figures and still fits; the staffing chart is drawn on
 * /lead and /director; /reports lists the handover and the attendance per agent, and prints on A4.
 *
 * Screenshots (1920×1080 wall, 1024×768 tablet) go to /tmp/shots/shift/ (SHIFT_SHOTS overrides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, runAxe } from '../helpers/browser';
import { devices } from './support/devices';
import { buildConfig } from '../../shared/config';
import { followClock, PASSWORD, startServer, type E2eServer } from './support/server';
import { historyEvents } from './support/history';
import { dayOf, SHIFT_INCIDENT, SHIFT_MISSED_CALLER, SHIFT_ROSTER_BAD_CSV, SHIFT_ROSTER_CSV, SHIFT_TZ, shiftBase, shiftDay } from './support/shift';
import { byTid, eventually, signIn as signInAs, tid, waitForStatus } from './support/ui';

const SHOTS = process.env.SHIFT_SHOTS ?? '/tmp/shots/shift';
/** the A4 page's printable width at 96 px/in: 210 mm less the 10 mm margins (reports-print.css) */
const A4_CONTENT_PX = Math.floor(((210 - 20) / 25.4) * 96);

let browser: Browser;
let server: E2eServer;
let leadA: string;
let leadB: string;
let director: string;
let wallToken: string;
let pageA: Page;
let pageB: Page;
let wall: Page;
/** the missed calls to return when lead A submitted (as /lead listed them) */
let missedOpen = 0;
// pages on devices of their own, their console errors, screenshots into SHOTS (support/devices.ts)
const screens = devices(() => browser, SHOTS);
const device = (width: number, height: number, touch = false) => screens.open(width, height, touch);
const shot = (p: Page, name: string, fullPage = false) => screens.shot(p, name, fullPage);

const signIn = (p: Page, username: string, landing: string) => signInAs(p, server.url, username, PASSWORD, landing);
const attr = (p: Page, id: string, name: string) => byTid(p, id).first().getAttribute(name);

/** The wall's fit as the wall-fit test measures it, around the shift strip: no scroll, nothing outside or cut, no tiny text. */
function wallFit(p: Page) {
  return p.evaluate(() => {
    const de = document.documentElement;
    const strip = document.querySelector('[data-testid="wall-shift"]');
    const problems: string[] = [];
    let minFont = Infinity;
    if (strip) {
      const box = strip.getBoundingClientRect();
      if (box.right > innerWidth + 0.5 || box.bottom > innerHeight + 0.5 || box.left < -0.5 || box.top < -0.5) problems.push(`strip outside the screen: ${JSON.stringify(box)}`);
      for (const el of Array.from(strip.querySelectorAll<HTMLElement>('*'))) {
        const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && (n.textContent ?? '').trim());
        if (!own) continue;
        minFont = Math.min(minFont, parseFloat(getComputedStyle(el).fontSize));
        const r = el.getBoundingClientRect();
        if (r.right > box.right + 0.5 || r.bottom > box.bottom + 0.5) problems.push(`"${el.innerText}" overflows the strip`);
        if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).textOverflow !== 'ellipsis') problems.push(`"${el.innerText}" cut`);
      }
    }
    return {
      strip: !!strip,
      scroll: { w: de.scrollWidth, h: de.scrollHeight, bw: document.body.scrollWidth, bh: document.body.scrollHeight },
      problems,
      minFontShare: minFont / innerHeight,
      text: (strip as HTMLElement | null)?.innerText.replace(/\s+/g, ' ') ?? '',
    };
  });
}

beforeAll(async () => {
  // four weeks of history for the staffing forecast: keep 40 days of events
  const config = buildConfig({ retentionDays: 40 }, SHIFT_TZ);
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'memory', clock: followClock(shiftBase()), config })]);
  const now = server.clock.now();
  await server.ingest([...historyEvents(now, 28, SHIFT_TZ), ...shiftDay(now)]);
  await server.app.staffing.refresh();
  [leadA, leadB, director] = await Promise.all([server.createUser('lead', 'zhang-shift'), server.createUser('lead', 'li-shift'), server.createUser('director', 'liu-shift')]);
  wallToken = await server.createDevice();
  wall = await device(1920, 1080);
  await wall.goto(`${server.url}/wall?token=${encodeURIComponent(wallToken)}`);
  await waitForStatus(wall, 'live', 'the wall to go live');
  pageA = await device(1024, 768, true);
  await signIn(pageA, leadA, '/lead');
}, 90_000);

afterAll(async () => {
  await screens.close();
  await browser?.close();
  await server?.stop();
});

describe('the roster', () => {
  it('before any roster the wall shows no shift strip and /lead says there is none', async () => {
    expect(await byTid(wall, 'wall-shift').count()).toBe(0);
    expect(await byTid(pageA, 'attendance-none').isVisible()).toBe(true);
  });

  it('a CSV with two bad lines is refused, each problem shown on its line, and nothing is published', async () => {
    await byTid(pageA, 'roster-toggle').click();
    const date = byTid(pageA, 'roster-date');
    await eventually(async () => (await date.inputValue()) === dayOf(server.clock.now()), 'the roster date defaulting to today');
    await eventually(async () => (await byTid(pageA, 'roster-current').innerText()).includes('尚无排班表'), 'no roster yet for today');
    await byTid(pageA, 'roster-csv').fill(SHIFT_ROSTER_BAD_CSV);
    await byTid(pageA, 'roster-submit').click();
    const error = byTid(pageA, 'roster-error');
    await eventually(() => error.isVisible(), 'the refusal');
    expect(await error.innerText()).toContain('排班表有误');
    const problems = await byTid(pageA, 'roster-problem').evaluateAll((els) =>
      els.map((e) => ({ line: (e as HTMLElement).dataset['line'], field: (e as HTMLElement).dataset['field'], text: (e as HTMLElement).innerText })),
    );
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      ['3', 'shift'],
      ['5', 'agentId'],
    ]);
    expect(problems[0]!.text).toContain('第 3 条');
    expect(problems[0]!.text).toContain('班次');
    expect(problems[0]!.text).toContain('班次「晚班」不在配置中');
    expect(problems[1]!.text).toContain('工号');
    expect(problems[1]!.text).toContain('必填');
    expect(await byTid(pageA, 'attendance-none').isVisible()).toBe(true);
    // the problems are brought into view
    expect(await error.evaluate((e) => e.getBoundingClientRect().bottom <= innerHeight)).toBe(true);
    await shot(pageA, 'lead-1024x768-roster-refused');
  });

  it('the roster chosen as a file is published; the day shows it and the attendance list appears', async () => {
    await byTid(pageA, 'roster-file').setInputFiles({ name: '排班表.csv', mimeType: 'text/csv', buffer: Buffer.from('\ufeff' + SHIFT_ROSTER_CSV, 'utf8') });
    await eventually(async () => (await byTid(pageA, 'roster-csv').inputValue()).startsWith('工号,姓名,班次,座席'), 'the file read into the text box');
    await byTid(pageA, 'roster-submit').click();
    await eventually(async () => (await byTid(pageA, 'roster-current').innerText()).includes('已有排班表：10 人'), 'the published roster');
    expect(await byTid(pageA, 'roster-current').innerText()).toContain(leadA);
    expect(await byTid(pageA, 'roster-error').count()).toBe(0);
    await eventually(async () => (await byTid(pageA, 'roster-row').count()) === 5, 'the early shift’s five operators on the attendance list');
  });
});

describe('attendance on /lead', () => {
  it('lists each rostered operator with seat and status, what needs the lead first, and the unscheduled one', async () => {
    const rows = await byTid(pageA, 'roster-row').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset['agentId'], (e as HTMLElement).dataset['status'], (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()]));
    expect(rows.map(([id, status]) => [id, status])).toEqual([
      ['5004', 'absent'],
      ['5005', 'left_early'],
      ['5003', 'late'],
      ['5001', 'present'],
      ['5002', 'present'],
    ]);
    expect(rows[0]![2]).toContain('孙丽');
    expect(rows[0]![2]).toContain('A04');
    expect(rows[0]![2]).toContain('缺勤');
    expect(rows[1]![2]).toContain('早退');
    expect(rows[2]![2]).toContain('迟到');
    expect(await attr(pageA, 'att-present', 'data-value')).toBe('3');
    expect(await attr(pageA, 'att-present', 'data-of')).toBe('5');
    expect(await attr(pageA, 'att-absent', 'data-value')).toBe('1');
    expect(await attr(pageA, 'att-late', 'data-value')).toBe('1');
    expect(await attr(pageA, 'att-left-early', 'data-value')).toBe('1');
    const unscheduled = byTid(pageA, 'unscheduled-agent');
    expect(await unscheduled.count()).toBe(1);
    expect(await unscheduled.innerText()).toContain('5009');
    await byTid(pageA, 'attendance').scrollIntoViewIfNeeded();
    await shot(pageA, 'lead-1024x768-attendance');
  });
});

describe('the handover, lead A to lead B', () => {
  it('the wall shows the attendance figures and 交接班 待提交 (the window opened at 15:30)', async () => {
    await eventually(async () => (await byTid(wall, 'wall-shift').count()) === 1, 'the shift strip on the wall');
    expect(await attr(wall, 'wall-att-present', 'data-value')).toBe('3');
    expect(await attr(wall, 'wall-att-present', 'data-of')).toBe('5');
    expect(await attr(wall, 'wall-att-absent', 'data-value')).toBe('1');
    expect(await attr(wall, 'wall-att-late', 'data-value')).toBe('1');
    expect(await attr(wall, 'wall-handover', 'data-status')).toBe('pending');
    const fit = await wallFit(wall);
    expect(fit.text).toContain('在岗');
    expect(fit.text).toContain('交接班');
    expect(fit.text).toContain('待提交');
    // privacy: no names of the roster on the wall's strip
    expect(fit.text).not.toMatch(/王芳|孙丽|周杰/);
    await shot(wall, 'wall-1920x1080-pending');
  });

  it('lead A writes the notes and submits; the open items are attached and counted', async () => {
    const panel = byTid(pageA, 'handover-panel');
    expect(await panel.getAttribute('data-status')).toBe('pending');
    await byTid(pageA, 'handover-notes').scrollIntoViewIfNeeded();
    // nothing written: asked for first, nothing sent
    await byTid(pageA, 'handover-submit').click();
    expect(await panel.innerText()).toContain('请填写交接事项');
    expect(await panel.getAttribute('data-status')).toBe('pending');
    await byTid(pageA, 'handover-notes').fill('中华路路面塌陷已报市政，待回复来电一个。\n孙丽缺勤已电话联系。');
    await byTid(pageA, 'handover-submit').click();
    await eventually(async () => (await panel.getAttribute('data-status')) === 'submitted', 'the handover submitted on /lead A');
    expect(await byTid(pageA, 'handover-submitted-by').innerText()).toContain(leadA);
    expect(await byTid(pageA, 'handover-notes-text').innerText()).toContain('中华路路面塌陷已报市政');
    const kinds = Object.fromEntries(
      await byTid(pageA, 'handover-item-kind').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset['kind'], Number((e as HTMLElement).dataset['count'])])),
    ) as Record<string, number>;
    // every missed call still to return (the history's unreturned ones too), as /lead lists them
    missedOpen = await byTid(pageA, 'missed-row').count();
    expect(missedOpen).toBeGreaterThanOrEqual(1);
    expect(kinds['missedCalls']).toBe(missedOpen);
    expect(kinds['incidents']).toBe(1);
    expect(kinds['alerts']).toBeGreaterThanOrEqual(2); // 孙丽 absent, 周杰 left early, at least
    // the incident's entry opens and links to its card on the page
    const incidents = pageA.locator(`${tid('handover-item-kind')}[data-kind="incidents"]`);
    await incidents.locator('summary').click();
    const link = incidents.locator(`[data-item-id="${SHIFT_INCIDENT.id}"] a`);
    expect(await link.innerText()).toBe(SHIFT_INCIDENT.title);
    expect(await link.getAttribute('href')).toBe(`#incident-${SHIFT_INCIDENT.id}`);
    expect(await pageA.locator(`#incident-${SHIFT_INCIDENT.id}`).count()).toBe(1);
    await eventually(async () => (await attr(wall, 'wall-handover', 'data-status')) === 'submitted', 'the wall showing 已提交', 5_000, 50);
    await shot(pageA, 'lead-1024x768-handover-submitted');
    await shot(wall, 'wall-1920x1080-submitted');
  });

  it('lead A cannot accept their own handover: the refusal is shown in Chinese', async () => {
    expect(await byTid(pageA, 'handover-self-hint').isVisible()).toBe(true);
    await byTid(pageA, 'handover-accept').click();
    const error = byTid(pageA, 'handover-error');
    await eventually(() => error.isVisible(), 'the same-person refusal', 5_000, 50);
    expect(await error.innerText()).toContain('提交人与签收人是同一人');
    expect(await byTid(pageA, 'handover-panel').getAttribute('data-status')).toBe('submitted');
    await shot(pageA, 'lead-1024x768-same-person');
  });

  it('axe-core finds nothing serious or critical on /lead with the shift’s panels in use', async () => {
    // the roster form is open with its refusal, the handover submitted with the refusal under it
    const grave = (await runAxe(pageA)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(grave.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('lead B, on another tablet, sees the notes and open items, and accepts with a note', async () => {
    pageB = await device(1024, 768, true);
    await signIn(pageB, leadB, '/lead');
    const panel = byTid(pageB, 'handover-panel');
    await eventually(async () => (await panel.getAttribute('data-status')) === 'submitted', 'the submitted handover on /lead B');
    expect(await byTid(pageB, 'handover-submitted-by').innerText()).toContain(leadA);
    expect(await byTid(pageB, 'handover-notes-text').innerText()).toContain('孙丽缺勤已电话联系');
    // the missed call is there by its masked number, never the whole one
    const missed = pageB.locator(`${tid('handover-item-kind')}[data-kind="missedCalls"]`);
    await missed.locator('summary').click();
    expect(await missed.innerText()).not.toContain(SHIFT_MISSED_CALLER);
    expect(await byTid(pageB, 'handover-self-hint').count()).toBe(0);
    await byTid(pageB, 'handover-accept-notes-input').fill('已阅，塌陷处置继续跟进。');
    await byTid(pageB, 'handover-accept').click();
    await eventually(async () => (await panel.getAttribute('data-status')) === 'accepted', 'the handover accepted on /lead B', 5_000, 50);
    expect(await byTid(pageB, 'handover-accepted-by').innerText()).toContain(leadB);
    expect(await byTid(pageB, 'handover-accept-notes').innerText()).toContain('塌陷处置继续跟进');
    expect(await byTid(pageB, 'handover-error').count()).toBe(0);
    await shot(pageB, 'lead-1024x768-accepted');
  });

  it('lead A’s tablet and the wall follow: 已签收', async () => {
    await eventually(async () => (await byTid(pageA, 'handover-panel').getAttribute('data-status')) === 'accepted', 'accepted on /lead A', 5_000, 50);
    expect(await byTid(pageA, 'handover-accept').count()).toBe(0);
    expect(await byTid(pageA, 'handover-error').count()).toBe(0);
    await eventually(async () => (await attr(wall, 'wall-handover', 'data-status')) === 'accepted', 'the wall showing 已签收', 5_000, 50);
    expect(await byTid(wall, 'wall-handover').innerText()).toContain('已签收');
  });
});

describe('the wall with the shift strip still fits', () => {
  it.each([
    { width: 1920, height: 1080 },
    { width: 1366, height: 768 },
  ])('at $width×$height: no scroll bars, the strip inside the screen, nothing cut, text ≥ 2.3 % of the height', async ({ width, height }) => {
    await wall.setViewportSize({ width, height });
    await wall.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const fit = await wallFit(wall);
    expect(fit.strip).toBe(true);
    expect(fit.scroll.w).toBeLessThanOrEqual(width);
    expect(fit.scroll.h).toBeLessThanOrEqual(height);
    expect(fit.scroll.bw).toBeLessThanOrEqual(width);
    expect(fit.scroll.bh).toBeLessThanOrEqual(height);
    expect(fit.problems).toEqual([]);
    expect(fit.minFontShare).toBeGreaterThanOrEqual(0.023);
    await shot(wall, `wall-${width}x${height}-accepted`);
  });

  it('in English too (longer words), at 1920×1080', async () => {
    const en = await device(1920, 1080);
    await en.goto(`${server.url}/wall?lang=en&token=${encodeURIComponent(wallToken)}`);
    await waitForStatus(en, 'live', 'the English wall to go live');
    await eventually(async () => (await byTid(en, 'wall-shift').count()) === 1, 'the shift strip on the English wall');
    await en.evaluate(() => document.fonts.ready.then(() => undefined));
    const fit = await wallFit(en);
    await shot(en, 'wall-1920x1080-english');
    expect(fit.text).toContain('On duty');
    expect(fit.text).toContain('Handover');
    expect(fit.text).toContain('Accepted');
    expect(fit.problems).toEqual([]);
    expect(fit.scroll.h).toBeLessThanOrEqual(1080);
  });

  afterAll(() => wall.setViewportSize({ width: 1920, height: 1080 }));
});

describe('staffing', () => {
  it('/lead draws today’s staffing chart, the current interval marked', async () => {
    const chart = byTid(pageA, 'chart-staffing');
    await chart.scrollIntoViewIfNeeded();
    const canvas = chart.locator('canvas');
    const box = (await canvas.boundingBox())!;
    expect(box.width).toBeGreaterThan(300);
    expect(box.height).toBeGreaterThan(150);
    // drawn: the canvas holds more than the background
    expect(await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL().length)).toBeGreaterThan(5_000);
    expect(await attr(pageA, 'staffing-now', 'data-index')).toBe('31'); // 15:30–16:00
    const now = await byTid(pageA, 'staffing-now').textContent();
    expect(now).toContain('15:30');
    expect(now).toMatch(/需求 \d+ 人/);
    expect(now).toContain('排班 5 人');
    expect(await byTid(pageA, 'staffing-note').count()).toBe(0);
    await shot(pageA, 'lead-1024x768-staffing');
    await shot(pageA, 'lead-1024x768-full', true);
  });

  it('/director shows the attendance summary, the handover and the staffing chart', async () => {
    const p = await device(1366, 900);
    await signIn(p, director, '/director');
    await eventually(async () => (await byTid(p, 'attendance-figures').count()) === 1, 'the attendance figures on /director');
    expect(await attr(p, 'att-present', 'data-value')).toBe('3');
    expect(await attr(p, 'att-absent', 'data-value')).toBe('1');
    expect(await byTid(p, 'roster-row').count()).toBe(0);
    expect(await byTid(p, 'handover-panel').getAttribute('data-status')).toBe('accepted');
    expect(await byTid(p, 'handover-accept').count()).toBe(0);
    expect(await byTid(p, 'chart-staffing').locator('canvas').isVisible()).toBe(true);
    await shot(p, 'director-1366x900', true);
    // and on a phone, nothing wider than it
    await p.setViewportSize({ width: 375, height: 812 });
    await p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await shot(p, 'director-375x812', true);
  });
});

describe('/reports', () => {
  let p: Page;

  beforeAll(async () => {
    p = await device(1366, 900);
    await signIn(p, leadB, '/lead');
    const today = dayOf(server.clock.now());
    await p.goto(`${server.url}/reports?from=${today}&to=${today}`);
    await waitForStatus(p, 'live', '/reports to go live');
    await eventually(async () => (await byTid(p, 'handover-row').count()) === 1, 'today’s handover in the reports');
  }, 30_000);

  it('lists the day’s handover: boundary, who submitted and who accepted, open items', async () => {
    const row = byTid(p, 'handover-row');
    expect(await row.getAttribute('data-accepted')).toBe('true');
    const text = await row.innerText();
    expect(text).toContain('16:00');
    expect(await row.locator(tid('handover-row-submitted')).innerText()).toContain(leadA);
    expect(await row.locator(tid('handover-row-accepted')).innerText()).toContain(leadB);
    expect(await row.locator(tid('handover-row-items')).innerText()).toMatch(new RegExp(`^${missedOpen} / 1 / \\d+$`));
    expect(text).toContain('中华路路面塌陷已报市政');
    const grave = (await runAxe(p)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(grave.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  });

  it('gives each agent’s late, absent and left-early counts', async () => {
    const cell = (agent: string, column: string) => p.locator(`${tid('agent-report-row')}[data-agent-id="${agent}"] [data-column="${column}"]`).innerText();
    expect(await cell('5003', 'late')).toBe('1');
    expect(await cell('5004', 'absent')).toBe('1');
    expect(await cell('5005', 'leftEarly')).toBe('1');
    expect(await cell('5001', 'late')).toBe('0');
    await byTid(p, 'handovers-section').scrollIntoViewIfNeeded();
    await shot(p, 'reports-1366x900-handovers');
  });

  it('prints on A4: nothing wider than the paper', async () => {
    await p.setViewportSize({ width: A4_CONTENT_PX, height: 1100 });
    await p.emulateMedia({ media: 'print' });
    try {
      expect(await byTid(p, 'handovers-table').isVisible()).toBe(true);
      const wide = await p.evaluate((limit) => {
        const out: string[] = [];
        for (const el of Array.from(document.querySelectorAll('body *'))) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.right > limit + 1) out.push(`${el.tagName.toLowerCase()}.${(el as HTMLElement).className} ${Math.round(r.right)}`);
        }
        return { out: out.slice(0, 5), scroll: document.documentElement.scrollWidth };
      }, A4_CONTENT_PX);
      expect(wide.out).toEqual([]);
      expect(wide.scroll).toBeLessThanOrEqual(A4_CONTENT_PX);
      await shot(p, 'reports-print', true);
    } finally {
      await p.emulateMedia({ media: 'screen' });
      await p.setViewportSize({ width: 1366, height: 900 });
    }
  });
});

it('says nothing went wrong in the browser', () => {
  // refused on purpose: the bad roster (400), the same-person acceptance (409), and no roster yet for the day (404)
  expect(screens.errors().filter((e) => !/status of (400|404|409)/.test(e))).toEqual([]);
});
