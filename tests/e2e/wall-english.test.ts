/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// (code passed to page.evaluate runs in the browser)
/**
 * The wall in English (`?lang=en`): alerts are sentences built in English from their figures (not
 * the server's Chinese `message`), and nothing of the wall's own is Chinese; only what people typed
 * or were called (agent names, an incident's title and place) may be. Ids from outside that are
 * the names of JavaScript's own properties (a queue `__proto__`, an agent `constructor`) are shown
 * and patched like any other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { collectErrors, launchBrowser, saveScreenshot } from '../helpers/browser';
import { ev, sh } from '../helpers/events';
import type { HotlineEvent } from '../../shared/events';
import { followClock, startServer, type E2eServer } from './support/server';
import { EXPECTED, wallScenario } from './support/scenario';
import { byTid, eventually, tid, waitForStatus } from './support/ui';

const BASE = sh(2026, 11, 27, 10, 30, 0);
/** CJK ideographs, CJK punctuation and full-width forms */
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u;
/** the Chinese the English wall may show: names and the incident, as people entered them */
const PEOPLES_WORDS = ['王芳', '李强', '赵敏', '孙丽', '周杰', '吴霞', '郑伟', EXPECTED.incident.title, EXPECTED.incident.location];

let browser: Browser;
let server: E2eServer;
let page: Page;
let errors: string[];
let hostileCalls: [string, string];

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer({ store: 'memory', clock: followClock(BASE) })]);
  const now = server.clock.now();
  hostileCalls = [`proto-1-${now.toString(36)}`, `proto-2-${now.toString(36)}`];
  const hostile: HotlineEvent[] = [
    ev('agent.login', now - 600_000, { agentId: 'constructor' }),
    ev('agent.signin', now - 599_000, { agentId: 'constructor', seat: '__proto__' }),
    ev('call.queued', now - 30_000, { callId: hostileCalls[0], queue: '__proto__' }),
    ev('call.queued', now - 35_000, { callId: hostileCalls[1], queue: '__proto__' }),
  ];
  await server.ingest([...wallScenario(now), ...hostile].sort((a, b) => a.ts - b.ts));
  const token = await server.createDevice();
  page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  errors = collectErrors(page);
  await page.goto(`${server.url}/wall?token=${encodeURIComponent(token)}&lang=en`);
  await waitForStatus(page, 'live', 'the English wall to go live');
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The wall's visible text with the people's own (Chinese) words taken out. */
async function wallTextWithoutPeoplesWords(): Promise<string> {
  let text = await page.evaluate(() => document.body.innerText);
  for (const w of PEOPLES_WORDS) text = text.split(w).join('');
  return text;
}

describe('wall in English', () => {
  it('is in English', async () => {
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    expect(await byTid(page, 'status-badge').first().innerText()).toContain('Live');
  });

  it('writes the overdue incident alert in English from its figures', async () => {
    const item = page.locator(`${tid('alert-item')}[data-rule="incident_unacknowledged"]`);
    const message = await eventually(async () => ((await item.count()) ? item.first().locator(tid('alert-message')).innerText() : ''), 'the incident alert');
    expect(message).toBe(`Major incident “${EXPECTED.incident.title}” not acknowledged by the shift lead within 120 s: escalated to the director`);
  });

  it('writes every alert in English, with no Chinese but the quoted names and titles', async () => {
    // every alert's sentence, also of those the strip has no room for (hidden, so no innerText)
    const messages = await byTid(page, 'alert-message').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
    expect(messages.length).toBeGreaterThanOrEqual(2); // the incident, and calls waiting over 15 s
    for (const m of messages) {
      let rest = m;
      for (const w of PEOPLES_WORDS) rest = rest.split(w).join('');
      expect(rest, m).not.toMatch(CJK);
      expect(m, m).toMatch(/^[A-Z]/);
    }
    expect(messages.some((m) => m.startsWith('A call in the general queue has waited over 15 s'))).toBe(true);
  });

  it('shows no Chinese of its own anywhere on the wall (header, shift, KPIs, seat map, lists)', async () => {
    const text = await wallTextWithoutPeoplesWords();
    const found = [...text.matchAll(new RegExp(`.{0,12}${CJK.source}+.{0,12}`, 'gu'))].map((m) => m[0]);
    expect(found).toEqual([]);
    expect(text).toContain('Heze 12319');
    expect(text).toContain('Day shift');
  });

  it('shows a queue named "__proto__" and an agent named "constructor" like any other, and patches them', async () => {
    // the panel lists the three longest waits: 40 s (general), then these two (35 s, 30 s)
    const waitingQueues = () => byTid(page, 'waiting-calls').innerText().then((t) => t.split('__proto__').length - 1);
    expect(await waitingQueues()).toBe(2);
    expect(await page.locator(`${tid('seat-tile')}[data-agent-id="constructor"]`).count()).toBe(1);
    // answering one call sets queue.byQueue["__proto__"] to a new value (and moves the agent)…
    await server.ingest([ev('call.answered', server.clock.now(), { callId: hostileCalls[0], agentId: 'constructor' })]);
    await expect
      .poll(() => page.locator(`${tid('seat-tile')}[data-agent-id="constructor"]`).getAttribute('data-state'), { timeout: 3_000, interval: 50 })
      .toBe('talking');
    await expect.poll(waitingQueues, { timeout: 3_000, interval: 50 }).toBe(1);
    // …and the other one leaving the queue removes the key
    await server.ingest([ev('call.abandoned', server.clock.now(), { callId: hostileCalls[1] })]);
    await expect.poll(waitingQueues, { timeout: 3_000, interval: 50 }).toBe(0);
    expect(await byTid(page, 'status-badge').first().getAttribute('data-status')).toBe('live');
    await saveScreenshot(page, 'wall-english');
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
