// (code passed to page.evaluate runs in the browser)
/**
 * The wall fits its screens exactly (docs: WALL.md): 1920×1080 and 3840×2160, no scroll bars, no
 * text outside the screen, nothing smaller than ~2.3 % of the screen height, headline numbers ~9 %,
 * Chinese drawn with the self-hosted Noto Sans SC. The data is a busy morning: the seeded simulator's
 * day up to 10:30 with a large roster (about a hundred agents on duty) and two open incidents with
 * long names. The server runs on the memory adapters: Redis adds nothing to a layout test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, saveScreenshot } from '../helpers/browser';
import { ev, sh } from '../helpers/events';
import { createSimulation } from '../../server/simulator';
import { followClock, startServer, type E2eServer } from './support/server';
import { tid, waitForStatus } from './support/ui';

const BASE = sh(2026, 11, 27, 10, 30, 0);
/** below this share of the screen height, text is too small to read across the hall */
const MIN_TEXT_SHARE = 0.023;
const MIN_HEADLINE_SHARE = 0.088;

let browser: Browser;
let server: E2eServer;
let token: string;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'memory', clock: followClock(BASE) })]);
  const now = server.clock.now();
  const sim = createSimulation({ seed: 12319, start: sh(2026, 11, 27, 0, 0), agents: 300, incidentsPerDay: 6 });
  const history = sim.nextUntil(now - 60_000);
  await server.ingest([
    ...history,
    ev('incident.raised', now - 50_000, { incidentId: 'fit-1', title: '室外燃气管道泄漏并伴有明火', severity: 'major', location: '牡丹区中华路与人民路交叉口东北角加油站旁' }),
    ev('incident.raised', now - 40_000, { incidentId: 'fit-2', title: '供水主管道爆裂', severity: 'urgent', location: '开发区长江路' }),
  ]);
  token = await server.createDevice();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

interface FitReport {
  innerWidth: number;
  innerHeight: number;
  scrollWidth: number;
  scrollHeight: number;
  bodyScrollWidth: number;
  bodyScrollHeight: number;
  /** texts with a box outside the viewport */
  outside: string[];
  minFontPx: number;
  minFontSample: string;
  headlineMinPx: number;
  /** KPI figures wider than their content box (into the tile's padding: cramped, not cut): reported */
  cutFigures: string[];
  /** texts partly hidden by a container, without an ellipsis */
  cutOff: string[];
  /** elements whose text is cut with an ellipsis: reported, not failed */
  ellipsized: string[];
  textNodes: number;
}

/** Measures the page as it is rendered now. */
function measure(page: Page, kpiValueSelector: string): Promise<FitReport> {
  return page.evaluate((kpiSel) => {
    const W = innerWidth;
    const H = innerHeight;
    const de = document.documentElement;
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : ''}`;
    const visible = (el: Element) => {
      for (let e: Element | null = el; e; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.display === 'none' || cs.visibility === 'hidden' || cs.opacity === '0') return false;
      }
      return true;
    };
    // The part of a box its ancestors let through. Containers as large as the screen (html, body,
    // the wall) are left out: text they cut off is text cut off at the screen's edge.
    const clipped = (el: Element, r: DOMRect) => {
      let { left, top, right, bottom } = r;
      for (let e: Element | null = el; e && e !== de; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
        const b = e.getBoundingClientRect();
        if (b.width >= W - 1 && b.height >= H - 1) continue;
        // overflow is clipped at the padding box (inside the border)
        const l = b.left + e.clientLeft;
        const t = b.top + e.clientTop;
        if (cs.overflowX !== 'visible') (left = Math.max(left, l)), (right = Math.min(right, l + e.clientWidth));
        if (cs.overflowY !== 'visible') (top = Math.max(top, t)), (bottom = Math.min(bottom, t + e.clientHeight));
      }
      return right - left > 1 && bottom - top > 1 ? { left, top, right, bottom } : null;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const outside: string[] = [];
    const cutOff: string[] = [];
    let minFontPx = Infinity;
    let minFontSample = '';
    let textNodes = 0;
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const el = n.parentElement;
      if (!text || !el || el.closest('script, style, title')) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      // boxes of 1 px or less are visually hidden text (sr-only), not drawn
      const rects = [...range.getClientRects()].filter((r) => r.width > 1 && r.height > 1);
      if (rects.length === 0 || !visible(el)) continue;
      const pairs = rects.map((r) => ({ full: r, shown: clipped(el, r) }));
      const shown = pairs.flatMap((p) => (p.shown ? [p.shown] : []));
      if (shown.length === 0) continue; // entirely inside a container's hidden overflow
      textNodes++;
      const size = parseFloat(getComputedStyle(el).fontSize);
      if (size < minFontPx) {
        minFontPx = size;
        minFontSample = `"${text.slice(0, 24)}" in ${describe(el)}`;
      }
      const sample = `"${text.slice(0, 40)}" in ${describe(el)}`;
      if (shown.some((r) => r.left < -0.5 || r.top < -0.5 || r.right > W + 0.5 || r.bottom > H + 0.5)) outside.push(sample);
      // Cut by a container, other than with an ellipsis (which says that it cut): reported. A text
      // box is taller than its glyphs (line gap), so a sliver off the top or bottom is not a cut.
      let ellipsis = false;
      for (let e: Element | null = el; e && !ellipsis; e = e.parentElement) ellipsis = getComputedStyle(e).textOverflow === 'ellipsis';
      const cut = pairs.some(({ full, shown: v }) => v && (full.width - (v.right - v.left) > 0.3 * size || full.height - (v.bottom - v.top) > 0.45 * size));
      if (!ellipsis && cut) cutOff.push(sample);
    }
    const figures = [...document.querySelectorAll<HTMLElement>(kpiSel)];
    const cutFigures = figures.filter((f) => f.scrollWidth > f.clientWidth + 1).map((f) => f.innerText.replace(/\s+/g, ''));
    const ellipsized = [...document.querySelectorAll<HTMLElement>('body *')]
      .filter((e) => getComputedStyle(e).textOverflow === 'ellipsis' && e.scrollWidth > e.clientWidth + 1 && visible(e))
      .map((e) => `"${e.innerText.slice(0, 30)}" in ${describe(e)}`);
    return {
      innerWidth: W,
      innerHeight: H,
      scrollWidth: de.scrollWidth,
      scrollHeight: de.scrollHeight,
      bodyScrollWidth: document.body.scrollWidth,
      bodyScrollHeight: document.body.scrollHeight,
      outside,
      minFontPx,
      minFontSample,
      headlineMinPx: Math.min(...figures.map((f) => parseFloat(getComputedStyle(f).fontSize))),
      cutFigures,
      cutOff,
      ellipsized,
      textNodes,
    };
  }, kpiValueSelector);
}

/** The fonts Chromium actually used to draw an element's text (DevTools protocol). */
async function platformFonts(context: BrowserContext, page: Page, selector: string): Promise<{ familyName: string; isCustomFont: boolean; glyphCount: number }[]> {
  const cdp = await context.newCDPSession(page);
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts;
  } finally {
    await cdp.detach();
  }
}

const KPI_IDS = ['kpi-waiting', 'kpi-longest-wait', 'kpi-sl-today', 'kpi-sl-shift', 'kpi-answer-rate', 'kpi-abandoned', 'kpi-missed'];
/** the big figure of each KPI tile */
const KPI_VALUES = KPI_IDS.map((id) => `${tid(id)} ${tid('kpi-value')}`).join(', ');

/** Three telephony feeds down, with the longest names a feed may have: the band must fit on one line. */
async function feedsDown(): Promise<void> {
  const now = server.clock.now();
  for (const [i, name] of ['ami-heze-mudan-district-main-exchange-primary-link-0000000000001', 'ami-heze-dingtao', 'ami-heze-caoxian'].entries()) {
    await server.feeds.put({ name, connected: false, since: now - (i + 1) * 60_000, lastEventAt: null, pbx: null }, 600_000);
  }
  await server.app.feeds.poll();
}

describe.each([
  { width: 1920, height: 1080, shot: 'wall-1080', feeds: false },
  { width: 3840, height: 2160, shot: 'wall-2160', feeds: false },
  // last: the feeds stay down for the rest of the file
  { width: 1920, height: 1080, shot: 'wall-1080-feed-down', feeds: true },
])('wall at $width×$height (telephony feeds down: $feeds)', ({ width, height, shot, feeds }) => {
  let context: BrowserContext;
  let page: Page;
  let report: FitReport;

  beforeAll(async () => {
    if (feeds) await feedsDown();
    context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1 });
    page = await context.newPage();
    await page.goto(`${server.url}/wall?token=${encodeURIComponent(token)}`);
    await waitForStatus(page, 'live', 'the wall to go live');
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    // the seat map sizes its tiles from its box: let it settle
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    report = await measure(page, KPI_VALUES);
    console.log(
      `[wall-fit ${width}×${height}] smallest text ${report.minFontPx.toFixed(1)} px = ${((report.minFontPx / height) * 100).toFixed(2)} % of the height (${report.minFontSample}); ` +
        `headline figures ${((report.headlineMinPx / height) * 100).toFixed(2)} %; ${report.textNodes} texts; ${report.ellipsized.length} cut with an ellipsis` +
        (report.ellipsized.length ? `: ${report.ellipsized.slice(0, 8).join('; ')}` : '') +
        (report.cutOff.length ? `; cut off without an ellipsis: ${report.cutOff.join('; ')}` : '') +
        (report.cutFigures.length ? `; headline figures wider than their content box: ${report.cutFigures.join(', ')}` : ''),
    );
    await saveScreenshot(page, shot);
  }, 30_000);

  afterAll(() => context?.close());

  it('has data worth fitting: a full seat map and the incident band', async () => {
    // about a hundred agents on duty: the seat map fills its page (and pages)
    expect(await page.locator(tid('seat-tile')).count()).toBeGreaterThanOrEqual(30);
    expect(await page.locator(tid('incident-banner')).count()).toBeGreaterThanOrEqual(1);
    expect(await page.locator(tid('feed-down')).count()).toBe(feeds ? 3 : 0);
  });

  it('has no scroll bars', () => {
    expect(report.scrollHeight).toBeLessThanOrEqual(report.innerHeight);
    expect(report.scrollWidth).toBeLessThanOrEqual(report.innerWidth);
    expect(report.bodyScrollHeight).toBeLessThanOrEqual(report.innerHeight);
    expect(report.bodyScrollWidth).toBeLessThanOrEqual(report.innerWidth);
  });

  it('has no text outside the screen, and none cut off by its box (bar an ellipsis)', () => {
    expect(report.outside).toEqual([]);
    expect(report.cutOff).toEqual([]);
  });

  it(`has no text smaller than ${MIN_TEXT_SHARE * 100} % of the screen height, headline figures ≥ ${MIN_HEADLINE_SHARE * 100} %`, () => {
    expect(report.textNodes).toBeGreaterThan(50);
    expect(report.minFontPx / height, report.minFontSample).toBeGreaterThanOrEqual(MIN_TEXT_SHARE);
    expect(report.headlineMinPx / height).toBeGreaterThanOrEqual(MIN_HEADLINE_SHARE);
  });

  it('draws Chinese with the self-hosted Noto Sans SC', async () => {
    const fonts = await page.evaluate(() => {
      // the header's center name, in the weight it is drawn in: every unicode-range slice it needs is loaded
      const h1 = document.querySelector('.header h1') ?? document.querySelector('h1')!;
      return {
        check: document.fonts.check(`${getComputedStyle(h1).fontWeight} 16px "Noto Sans SC"`, (h1 as HTMLElement).innerText),
        loaded: [...document.fonts].filter((f) => f.family.replace(/["']/g, '') === 'Noto Sans SC' && f.status === 'loaded').length,
      };
    });
    expect(fonts.check).toBe(true);
    expect(fonts.loaded).toBeGreaterThan(0);
    // what Chromium really drew the header's center name with: the web font, not a system one
    const used = await platformFonts(context, page, '.header h1');
    expect(used.length).toBeGreaterThan(0);
    const glyphs = used.reduce((n, f) => n + f.glyphCount, 0);
    const webFont = used.filter((f) => f.isCustomFont && /Noto Sans SC/i.test(f.familyName)).reduce((n, f) => n + f.glyphCount, 0);
    expect(webFont, JSON.stringify(used)).toBe(glyphs);
  });
});
