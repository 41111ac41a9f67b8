// (code passed to page.evaluate runs in the browser)
/**
 * Tickets after the call on screen (FOLLOWUP.md) against the real routes: a week of dispatches,
 * returns (one ticket returned twice), replies and follow-up calls of every result is ingested; the
 * director's page leads with 满意率 (this month, today) and charts where dissatisfaction concentrates
 * (by category, by unit) beside the dispatches awaiting a reply by unit, on a laptop and a phone;
 * the lead's tablet lists the dissatisfied cases (the stalled one first and highlighted, its steps
 * as a timeline) and the overdue dispatches, supervises both (督办, with a note: the stall goes away
 * and the step appears) and is told in Chinese when the ticket was closed meanwhile; the wall shows
 * 满意率 as a tile, no ticket and no unit, and still fits (1920×1080, 1366×768, in English); the
 * reports' days show the follow-ups and their rate. axe-core finds nothing serious.
 *
 * Screenshots go to /tmp/shots/followup/ (FOLLOWUP_SHOTS overrides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, runAxe } from '../helpers/browser';
import { ev } from '../helpers/events';
import { devices } from './support/devices';
import { followClock, PASSWORD, startServer, type E2eServer } from './support/server';
import { EXPECTED, wallScenario } from './support/scenario';
import { dateOf, followupScenario, rateOf, UNITS, type FollowupScenario } from './support/followup';
import { byTid, eventually, signIn as signInAs, tid, waitForStatus } from './support/ui';

const SHOTS = process.env.FOLLOWUP_SHOTS ?? '/tmp/shots/followup';
/** the A4 page's printable width at 96 px/in: 210 mm less the 10 mm margins (reports-print.css) */
const A4_CONTENT_PX = Math.floor(((210 - 20) / 25.4) * 96);

let browser: Browser;
let server: E2eServer;
let sc: FollowupScenario;
let lead: string;
let director: string;
let wallToken: string;
let leadPage: Page;
const kit = devices(() => browser, SHOTS);
const device = kit.open;
const shot = kit.shot;

const settle = (p: Page) => p.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
const signIn = (p: Page, username: string, landing: string) => signInAs(p, server.url, username, PASSWORD, landing);

async function seriousAxe(p: Page): Promise<string[]> {
  const violations = await runAxe(p);
  if (violations.length) console.log(violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('\n'));
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** "66.7%" as the screens write a rate (one decimal), "—" for none. */
const pctText = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

/** The bars' figures a chart lists for screen readers: key → count, in the order shown. */
function chartItems(p: Page, testid: string): Promise<[string, number][]> {
  return byTid(p, `${testid}-item`).evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset['key'] ?? '', Number((e as HTMLElement).dataset['count'])] as [string, number]));
}

/**
 * How the page fits its screen, as the wall-fit test judges it: no scroll bars; no text outside the
 * screen or cut by a box that hides its overflow (an ellipsis says it cut, and is allowed); the
 * smallest text's share of the height, over the page and inside `focus`.
 */
function fit(p: Page, focus: string) {
  return p.evaluate((sel) => {
    const W = innerWidth;
    const H = innerHeight;
    const de = document.documentElement;
    const problems: string[] = [];
    const root = document.querySelector(sel);
    let minFont = Infinity;
    let focusMin = Infinity;
    // a text box as its clipping ancestors show it (screen-sized boxes clip at the screen: left out)
    const shownPart = (el: Element, r: DOMRect) => {
      let [l, t, rt, b] = [r.left, r.top, r.right, r.bottom];
      let ellipsis = false;
      for (let e: Element | null = el; e && e !== de; e = e.parentElement) {
        const cs = getComputedStyle(e);
        ellipsis ||= cs.textOverflow === 'ellipsis';
        if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
        const box = e.getBoundingClientRect();
        if (box.width >= W - 1 && box.height >= H - 1) continue;
        const x0 = box.left + e.clientLeft;
        const y0 = box.top + e.clientTop;
        if (cs.overflowX !== 'visible') [l, rt] = [Math.max(l, x0), Math.min(rt, x0 + e.clientWidth)];
        if (cs.overflowY !== 'visible') [t, b] = [Math.max(t, y0), Math.min(b, y0 + e.clientHeight)];
      }
      return { l, t, rt, b, ellipsis, empty: rt - l <= 1 || b - t <= 1 };
    };
    const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = texts.nextNode(); n; n = texts.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const el = n.parentElement;
      if (!text || !el || el.closest('script, style') || !el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      const size = parseFloat(getComputedStyle(el).fontSize);
      for (const r of [...range.getClientRects()].filter((x) => x.width > 1 && x.height > 1)) {
        const v = shownPart(el, r);
        if (v.empty) continue;
        minFont = Math.min(minFont, size);
        if (root?.contains(el)) focusMin = Math.min(focusMin, size);
        const what = `"${text.slice(0, 30)}" in ${el.tagName.toLowerCase()}.${String(el.className).split(' ')[0]}`;
        if (v.l < -0.5 || v.t < -0.5 || v.rt > W + 0.5 || v.b > H + 0.5) problems.push(`${what}: outside the screen`);
        const cut = r.width - (v.rt - v.l) > 0.3 * size || r.height - (v.b - v.t) > 0.45 * size;
        if (cut && !v.ellipsis) problems.push(`${what}: cut off`);
      }
    }
    const box = root?.getBoundingClientRect();
    return {
      scroll: { w: Math.max(de.scrollWidth, document.body.scrollWidth), h: Math.max(de.scrollHeight, document.body.scrollHeight) },
      problems: [...new Set(problems)],
      minFontShare: minFont / H,
      focusMinShare: focusMin / H,
      focusBox: box ? { right: box.right, bottom: box.bottom } : null,
      focusText: (root as HTMLElement | null)?.innerText.replace(/\s+/g, ' ').trim() ?? '',
    };
  }, focus);
}

beforeAll(async () => {
  // real time: people's sessions expire by the browser's clock
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'memory', clock: followClock(Date.now()) })]);
  const now = server.clock.now();
  sc = followupScenario(now);
  await server.ingest([...wallScenario(now), ...sc.events].sort((a, b) => a.ts - b.ts));
  [lead, director] = await Promise.all([server.createUser('lead', 'zhang-fu'), server.createUser('director', 'liu-fu')]);
  wallToken = await server.createDevice();
}, 60_000);

afterAll(async () => {
  await kit.close();
  await browser?.close();
  await server?.stop();
});

describe('/director', () => {
  let p: Page;

  beforeAll(async () => {
    p = await device(1366, 900);
    await signIn(p, director, '/director');
    await eventually(async () => (await byTid(p, 'summary-satisfaction-month').count()) === 1, 'the satisfaction figure on /director');
  }, 30_000);

  it('leads the summary with 满意率: this month, then today, with the follow-ups and those reached', async () => {
    const first = await byTid(p, 'summary').locator('[data-testid^="summary-"]').evaluateAll((els) => els.slice(0, 2).map((e) => (e as HTMLElement).dataset['testid']));
    expect(first).toEqual(['summary-satisfaction-month', 'summary-satisfaction-today']);
    for (const [key, f] of [
      ['month', sc.month],
      ['today', sc.today],
    ] as const) {
      const fig = byTid(p, `summary-satisfaction-${key}`);
      expect(Number(await fig.getAttribute('data-reached'))).toBe(f.reached);
      expect(Number(await fig.getAttribute('data-followups'))).toBe(f.followups);
      expect(await fig.locator('.value').innerText().then((s) => s.replace(/\s+/g, ''))).toBe(pctText(rateOf(f)));
      const text = await fig.innerText();
      expect(text).toContain(`回访 ${f.followups}`);
      expect(text).toContain(`接通 ${f.reached}`);
    }
    // today: satisfied, basically satisfied, unreachable, dissatisfied → 2 of 3 reached
    expect(sc.today).toMatchObject({ followups: 4, reached: 3 });
    expect(await byTid(p, 'summary-satisfaction-today').locator('.value').innerText().then((s) => s.replace(/\s+/g, ''))).toBe('66.7%');
  });

  it('charts this month’s dissatisfied follow-ups by category and by unit, most first', async () => {
    for (const [testid, by] of [
      ['chart-dissatisfied-category', sc.byCategory],
      ['chart-dissatisfied-unit', sc.byUnit],
    ] as const) {
      const chart = byTid(p, testid);
      await chart.scrollIntoViewIfNeeded();
      const items = await chartItems(p, testid);
      // every key with its count, most first (ties by the name shown)
      expect([...items].sort()).toEqual(Object.entries(by).sort());
      expect(items.map(([, n]) => n)).toEqual(items.map(([, n]) => n).sort((a, b) => b - a));
      const canvas = chart.locator('canvas');
      const box = (await canvas.boundingBox())!;
      expect(box.width).toBeGreaterThan(250);
      expect(box.height).toBeGreaterThan(40);
      // drawn: the canvas holds more than its background
      expect(await canvas.evaluate((c) => (c as HTMLCanvasElement).toDataURL().length)).toBeGreaterThan(3_000);
    }
    expect(Object.keys(sc.byUnit).length).toBeGreaterThanOrEqual(2);
  });

  it('lists the dispatches awaiting a reply by unit, the oldest’s age from the server clock, overdue marked', async () => {
    const rows = await byTid(p, 'dispatch-unit-row').evaluateAll((els) =>
      els.map((e) => ({ unit: (e as HTMLElement).dataset['unit'], open: Number((e as HTMLElement).dataset['open']), overdue: (e as HTMLElement).dataset['overdue'], text: (e as HTMLElement).innerText })),
    );
    // oldest first: 市政工程处 (6 days), 曹县 (2 days), 牡丹区 (1 day)
    expect(rows.map((r) => [r.unit, r.open, r.overdue])).toEqual([
      [UNITS.works, 1, 'true'],
      [UNITS.caoxian, 1, 'false'],
      [UNITS.mudan, 1, 'false'],
    ]);
    expect(rows[0]!.text).toContain('6天');
    expect(rows[0]!.text).toContain('超过 5 天');
    expect(rows[1]!.text).toContain('2天');
  });

  it('ages a dispatch by the server clock: 59 minutes becomes an hour without new data', async () => {
    const now = server.clock.now();
    const id = `fu-hour-${now.toString(36)}`;
    await server.ingest([
      ev('ticket.created', now - 3_590_000, { ticketId: id, category: 'city_order', kind: 'complaint' }),
      ev('ticket.dispatched', now - 3_585_000, { ticketId: id, unit: UNITS.yuncheng }),
    ]);
    const age = p.locator(`${tid('dispatch-unit-row')}[data-unit="${UNITS.yuncheng}"] ${tid('dispatch-unit-age')}`);
    await eventually(async () => (await age.count()) === 1, 'the new dispatch’s unit');
    expect(await age.innerText()).toBe('59分钟');
    await eventually(async () => (await age.innerText()) === '1小时0分', 'its age to tick to an hour', 25_000, 200);
  }, 30_000);

  it('axe-core finds nothing serious or critical; the laptop screenshot', async () => {
    expect(await seriousAxe(p)).toEqual([]);
    await p.evaluate(() => scrollTo(0, 0));
    await shot(p, 'director-1366x900');
    await shot(p, 'director-1366x900-full', true);
  });

  it('on a 375 px phone: nothing wider than the screen, the charts readable', async () => {
    await p.setViewportSize({ width: 375, height: 812 });
    await settle(p);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    for (const id of ['chart-dissatisfied-category', 'chart-dissatisfied-unit']) {
      const box = (await byTid(p, id).locator('canvas').boundingBox())!;
      expect(box.width).toBeGreaterThan(280);
      expect(box.width).toBeLessThanOrEqual(375);
    }
    await p.evaluate(() => scrollTo(0, 0));
    await shot(p, 'director-375x812');
    await byTid(p, 'dissatisfied').scrollIntoViewIfNeeded();
    await shot(p, 'director-375x812-dissatisfied');
    await shot(p, 'director-375x812-full', true);
    await p.setViewportSize({ width: 1366, height: 900 });
  });

  it('in English: the same figures and charts, in English words', async () => {
    const en = await device(1366, 900);
    await signIn(en, director, '/director');
    await en.goto(`${server.url}/director?lang=en`);
    await waitForStatus(en, 'live', '/director in English');
    await eventually(async () => (await byTid(en, 'summary-satisfaction-month').count()) === 1, 'the satisfaction figure in English');
    expect(await byTid(en, 'summary-satisfaction-month').innerText()).toContain('Satisfaction, this month');
    expect(await byTid(en, 'dissatisfied').innerText()).toContain('By responsible unit');
    expect(await byTid(en, 'dispatch-by-unit').innerText()).toMatch(/6 d \d+ h/);
    await byTid(en, 'dissatisfied').scrollIntoViewIfNeeded();
    await shot(en, 'director-1366x900-english');
  });
});

describe('/lead on a 1024×768 tablet', () => {
  const task = (id: string) => leadPage.locator(`${tid('special-task')}[data-ticket-id="${id}"]`);

  beforeAll(async () => {
    leadPage = await device(1024, 768, true);
    await signIn(leadPage, lead, '/lead');
    await eventually(async () => (await byTid(leadPage, 'special-task').count()) === 2, 'the two dissatisfied cases on /lead');
  }, 30_000);

  it('lists the dissatisfied cases, the stalled one first and highlighted, with category, unit, since and last progress', async () => {
    const rows = await byTid(leadPage, 'special-task').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset['ticketId'], (e as HTMLElement).dataset['stalled']]));
    expect(rows).toEqual([
      [sc.ids.stalled, 'true'],
      [sc.ids.special, 'false'],
    ]);
    const text = await task(sc.ids.stalled).innerText();
    expect(text).toContain('环境卫生');
    expect(text).toContain(UNITS.mudan);
    expect(text).toContain('停滞 · 需督办');
    expect(await task(sc.ids.stalled).locator(tid('special-last')).innerText()).toMatch(/^最近进展 4天\d+小时前$/);
    expect(await byTid(leadPage, 'special-stalled-count').innerText()).toContain('停滞 1');
    // a case that ended (satisfied later) or closed is not listed
    expect(await task(sc.ids.recovered).count()).toBe(0);
    expect(await task(sc.ids.closed).count()).toBe(0);
  });

  it('opens a case’s steps as a timeline with their Chinese names', async () => {
    const steps = task(sc.ids.stalled).locator(tid('special-steps'));
    expect(await steps.locator(tid('special-step')).first().isVisible()).toBe(false);
    await steps.locator('summary').click();
    await eventually(() => steps.locator(tid('special-step')).first().isVisible(), 'the steps shown');
    const names = await steps.locator(`${tid('special-step')} .name`).allInnerTexts();
    expect(names).toEqual(['登记', '转办', '回复', '回访（不满意）']);
    expect(await steps.locator(tid('special-step')).nth(1).innerText()).toContain(UNITS.mudan);
    await steps.scrollIntoViewIfNeeded();
    await shot(leadPage, 'lead-1024x768-special-tasks');
  });

  it('lists the overdue dispatches: ticket, unit, category, how long since the dispatch', async () => {
    const rows = byTid(leadPage, 'overdue-dispatch');
    expect(await rows.count()).toBe(1);
    expect(await rows.getAttribute('data-ticket-id')).toBe(sc.ids.overdue);
    const text = await rows.innerText();
    expect(text).toContain(UNITS.works);
    expect(text).toContain('环境卫生');
    expect(await rows.locator(tid('overdue-dispatch-age')).innerText()).toMatch(/已转办 6天\d+小时/);
    // and the three ticket rules among the lead's alerts
    const rules = await byTid(leadPage, 'alert-row').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['rule']));
    expect(rules).toEqual(expect.arrayContaining(['ticket_returned_twice', 'dispatch_overdue', 'special_task_stalled']));
  });

  it('supervises the stalled case with a note: a toast, the stall goes away, 督办 joins its steps', async () => {
    await task(sc.ids.stalled).locator(tid('supervise')).click();
    const dialog = leadPage.locator('dialog[open]');
    await eventually(() => dialog.isVisible(), 'the 督办 dialog');
    expect(await dialog.innerText()).toContain(`督办工单 ${sc.ids.stalled}`);
    await dialog.locator(tid('supervise-note')).fill('请牡丹区城市管理局三日内回复处理结果。');
    await shot(leadPage, 'lead-1024x768-supervise-dialog');
    await dialog.locator(tid('confirm-ok')).click();
    await eventually(async () => (await leadPage.locator(`${tid('toast')}[data-kind="ok"]`).allInnerTexts()).some((s) => s.includes(`已督办工单 ${sc.ids.stalled}`)), 'the success toast', 5_000, 50);
    expect(await leadPage.locator('dialog[open]').count()).toBe(0);
    await eventually(async () => (await task(sc.ids.stalled).getAttribute('data-stalled')) === 'false', 'the stall gone', 5_000, 50);
    const steps = task(sc.ids.stalled).locator(tid('special-step'));
    await eventually(async () => (await steps.last().getAttribute('data-type')) === 'supervised', 'the 督办 step', 5_000, 50);
    expect(await steps.last().locator('.name').innerText()).toBe('督办');
    expect(await task(sc.ids.stalled).locator(tid('special-last')).innerText()).toMatch(/^最近进展 (刚刚|\d+分钟前)$/);
    expect(await byTid(leadPage, 'special-stalled-count').count()).toBe(0);
    await eventually(async () => (await leadPage.locator(`${tid('alert-row')}[data-rule="special_task_stalled"]`).count()) === 0, 'the stall alert cleared', 5_000, 50);
    await task(sc.ids.stalled).scrollIntoViewIfNeeded();
    await shot(leadPage, 'lead-1024x768-supervised');
  });

  it('supervises the overdue dispatch (it stays overdue until the unit replies)', async () => {
    await byTid(leadPage, 'overdue-dispatch').locator(tid('supervise')).click();
    const dialog = leadPage.locator('dialog[open]');
    await eventually(() => dialog.isVisible(), 'the 督办 dialog');
    // each ticket starts with an empty note
    expect(await dialog.locator(tid('supervise-note')).inputValue()).toBe('');
    expect(await dialog.locator(tid('supervise-what')).innerText()).toContain(UNITS.works);
    await dialog.locator(tid('confirm-ok')).click();
    await eventually(async () => (await leadPage.locator(`${tid('toast')}[data-kind="ok"]`).allInnerTexts()).some((s) => s.includes(`已督办工单 ${sc.ids.overdue}`)), 'the success toast', 5_000, 50);
    expect(await byTid(leadPage, 'overdue-dispatch').count()).toBe(1);
  });

  it('a case closed meanwhile is refused, and the tablet says so in Chinese', async () => {
    await task(sc.ids.special).locator(tid('supervise')).click();
    const dialog = leadPage.locator('dialog[open]');
    await eventually(() => dialog.isVisible(), 'the 督办 dialog');
    await server.ingest([ev('ticket.closed', server.clock.now(), { ticketId: sc.ids.special })]);
    await eventually(async () => (await task(sc.ids.special).count()) === 0, 'the closed case leaving the list', 5_000, 50);
    await dialog.locator(tid('confirm-ok')).click();
    const error = dialog.locator(tid('supervise-error'));
    await eventually(() => error.isVisible(), 'the refusal in the dialog', 5_000, 50);
    expect(await error.innerText()).toContain('工单已办结，无需督办');
    expect(await leadPage.locator(`${tid('toast')}[data-kind="error"]`).innerText()).toContain('督办');
    await shot(leadPage, 'lead-1024x768-supervise-refused');
    await dialog.locator(tid('confirm-cancel')).click();
    expect(await leadPage.locator('dialog[open]').count()).toBe(0);
  });

  it('stays usable at 1024×768: nothing wider than the screen, 督办 a full touch target; axe finds nothing serious', async () => {
    expect(await leadPage.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1024);
    const box = (await byTid(leadPage, 'overdue-dispatch').locator(tid('supervise')).boundingBox())!;
    expect(Math.min(box.width, box.height)).toBeGreaterThanOrEqual(44);
    expect(await seriousAxe(leadPage)).toEqual([]);
    await byTid(leadPage, 'special-tasks').scrollIntoViewIfNeeded();
    await shot(leadPage, 'lead-1024x768-lists');
    await shot(leadPage, 'lead-1024x768-full', true);
  });

  it('the director’s audit log names the lead’s 督办', async () => {
    const p = await device(1366, 900);
    await signIn(p, director, '/director');
    const rows = p.locator(`${tid('audit-row')}[data-action="ticket.supervised"]`);
    await eventually(async () => (await rows.count()) >= 2, 'two 督办 in the audit log', 10_000, 200);
    const texts = await rows.allInnerTexts();
    expect(texts.every((s) => s.includes('督办工单') && s.includes(lead))).toBe(true);
    expect(texts.some((s) => s.includes(sc.ids.stalled))).toBe(true);
  });
});

describe('the wall', () => {
  let wall: Page;
  const tile = () => byTid(wall, 'wall-satisfaction');

  beforeAll(async () => {
    wall = await device(1920, 1080);
    await wall.goto(`${server.url}/wall?token=${encodeURIComponent(wallToken)}`);
    await waitForStatus(wall, 'live', 'the wall to go live');
    await wall.evaluate(() => document.fonts.ready.then(() => undefined));
  }, 30_000);

  it('during an incident the tile gives way; once it is resolved, 满意率 is there', async () => {
    expect(await byTid(wall, 'incident-banner').count()).toBe(1);
    expect(await tile().count()).toBe(0);
    const now = server.clock.now();
    // and three more calls waiting: the side column at its fullest (the waiting list and its "more" line)
    await server.ingest([
      ev('incident.resolved', now, { incidentId: EXPECTED.incident.id, by: lead }),
      ...[1, 2, 3].map((i) => ev('call.queued', now + i, { callId: `fu-wait-${i}-${now.toString(36)}` })),
    ]);
    await eventually(async () => (await tile().count()) === 1, 'the satisfaction tile after the incident');
    expect(await byTid(wall, 'incident-banner').count()).toBe(0);
  });

  it('shows this month’s 满意率 as a tile, today’s in small print; no ticket, no unit anywhere', async () => {
    expect((await tile().locator(tid('kpi-value')).innerText()).replace(/\s+/g, '')).toBe(pctText(rateOf(sc.month)));
    const text = await tile().innerText();
    expect(text).toContain('满意率');
    expect(text).toContain('本月');
    expect((await byTid(wall, 'wall-satisfaction-today').innerText()).replace(/\s+/g, ' ')).toBe(`今日 ${pctText(rateOf(sc.today))}`);
    // the ticket rules' alerts stay on the lead's tablet: no ticket id, unit or registering agent on the wall
    const all = await wall.evaluate(() => document.body.innerText);
    for (const id of Object.values(sc.ids)) expect(all).not.toContain(id);
    for (const unit of Object.values(UNITS)) expect(all).not.toContain(unit);
    for (const word of ['转办', '退回', '专项', '督办']) expect(all).not.toContain(word);
  });

  it.each([
    { width: 1920, height: 1080 },
    { width: 1366, height: 768 },
  ])('fits at $width×$height: no scroll bars, nothing outside or cut, text ≥ 2.3 % of the height', async ({ width, height }) => {
    await wall.setViewportSize({ width, height });
    await settle(wall);
    const f = await fit(wall, tid('wall-satisfaction'));
    expect(f.scroll.w).toBeLessThanOrEqual(width);
    expect(f.scroll.h).toBeLessThanOrEqual(height);
    expect(f.problems).toEqual([]);
    expect(f.minFontShare).toBeGreaterThanOrEqual(0.023);
    expect(f.focusMinShare).toBeGreaterThanOrEqual(0.023);
    expect(f.focusBox!.bottom).toBeLessThanOrEqual(height);
    expect(f.focusBox!.right).toBeLessThanOrEqual(width);
    // the month's figure reads across the hall: 7 % of the height
    const value = await tile().locator(tid('kpi-value')).evaluate((e) => parseFloat(getComputedStyle(e).fontSize) / innerHeight);
    expect(value).toBeGreaterThanOrEqual(0.069);
    await shot(wall, `wall-${width}x${height}`);
  });

  it('in English: Satisfied this month, and it still fits', async () => {
    const en = await device(1920, 1080);
    await en.goto(`${server.url}/wall?lang=en&token=${encodeURIComponent(wallToken)}`);
    await waitForStatus(en, 'live', 'the English wall to go live');
    await eventually(async () => (await byTid(en, 'wall-satisfaction').count()) === 1, 'the tile on the English wall');
    await en.evaluate(() => document.fonts.ready.then(() => undefined));
    const f = await fit(en, tid('wall-satisfaction'));
    await shot(en, 'wall-1920x1080-english');
    expect(f.focusText).toContain('Satisfied this month');
    expect(f.focusText).toContain(`Today ${pctText(rateOf(sc.today))}`);
    expect(f.problems).toEqual([]);
    expect(f.scroll.h).toBeLessThanOrEqual(1080);
    expect(f.focusMinShare).toBeGreaterThanOrEqual(0.023);
    await en.setViewportSize({ width: 1366, height: 768 });
    await settle(en);
    expect((await fit(en, tid('wall-satisfaction'))).problems).toEqual([]);
  });

  it('axe-core finds nothing serious or critical on the wall', async () => {
    expect(await seriousAxe(wall)).toEqual([]);
  });
});

describe('/reports', () => {
  let p: Page;
  let from: string;
  let today: string;

  beforeAll(async () => {
    p = await device(1366, 900);
    await signIn(p, lead, '/lead');
    // the scenario's week
    today = dateOf(server.clock.now());
    from = dateOf(server.clock.now() - 6 * 86_400_000);
    await p.goto(`${server.url}/reports?from=${from}&to=${today}`);
    await waitForStatus(p, 'live', '/reports to go live');
    await eventually(async () => (await byTid(p, 'day-row').count()) === 7, 'the week’s rows');
  }, 30_000);

  it('gives each day’s follow-ups and 满意率, and the range’s under the total', async () => {
    const cell = p.locator(`${tid('day-row')}[data-date="${today}"] [data-column="followup"]`);
    expect(Number(await cell.getAttribute('data-followups'))).toBe(sc.today.followups);
    expect(await cell.innerText()).toBe(`${sc.today.followups} / ${pctText(rateOf(sc.today))}`);
    // the range's: every follow-up of the week, and its rate (not a mean of the days' rates)
    expect(await p.locator(`${tid('days-total')} [data-column="followup"]`).innerText()).toBe(`${sc.all.followups} / ${pctText(rateOf(sc.all))}`);
    // a day without follow-ups has no rate
    expect(await p.locator(`${tid('day-row')}[data-date="${from}"] [data-column="followup"]`).innerText()).toBe('0 / —');
    expect(await byTid(p, 'days-table').locator('thead').innerText()).toContain('回访 / 满意率');
    // the trend's legend names the satisfaction line
    expect(await byTid(p, 'report-chart').innerText()).toContain('满意率');
    await byTid(p, 'report-chart').scrollIntoViewIfNeeded();
    await shot(p, 'reports-1366x900-trend');
    await byTid(p, 'days-section').scrollIntoViewIfNeeded();
    await shot(p, 'reports-1366x900-days');
  });

  it('prints on A4: the days table, its new column too, within the paper', async () => {
    await p.setViewportSize({ width: A4_CONTENT_PX, height: 1100 });
    await p.emulateMedia({ media: 'print' });
    try {
      const table = byTid(p, 'days-table');
      expect(await table.isVisible()).toBe(true);
      const right = await p.locator(`${tid('days-total')} [data-column="followup"]`).evaluate((e) => e.getBoundingClientRect().right);
      expect(right).toBeLessThanOrEqual(A4_CONTENT_PX);
      expect(await table.evaluate((e) => e.scrollWidth)).toBeLessThanOrEqual(A4_CONTENT_PX);
      expect(await p.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth))).toBeLessThanOrEqual(A4_CONTENT_PX);
      await shot(p, 'reports-print', true);
    } finally {
      await p.emulateMedia({ media: 'screen' });
      await p.setViewportSize({ width: 1366, height: 900 });
    }
  });
});

it('says nothing went wrong in the browser', () => {
  // refused on purpose: the 督办 of a case closed meanwhile (409)
  expect(kit.errors().filter((e) => !/status of 409/.test(e))).toEqual([]);
});
