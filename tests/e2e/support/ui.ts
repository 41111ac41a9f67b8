// (code passed to page.evaluate runs in the browser)
/**
 * How the browser tests find things on the screens: by `data-testid` (and the `data-*` attributes
 * next to it), the contract between the UI and these tests. Nothing here depends on class names or
 * layout.
 */
import type { Locator, Page } from 'playwright-core';

/** A CSS selector for a test id. */
export function tid(id: string): string {
  return `[data-testid="${id}"]`;
}

export function byTid(page: Page | Locator, id: string): Locator {
  return page.locator(tid(id));
}

/** The text of an element with every run of white space removed ("57 .1%" → "57.1%"). */
export async function compactText(l: Locator): Promise<string> {
  return (await l.innerText()).replace(/\s+/g, '');
}

/** The big figure of a KPI tile (its `kpi-value`), white space removed. */
export function kpiValue(page: Page, id: string): Promise<string> {
  return compactText(page.locator(`${tid(id)} ${tid('kpi-value')}`).first());
}

export type LadderStepName = 'operator' | 'lead' | 'director' | 'report';
export type LadderState = 'done' | 'pending' | 'overdue';

/** The escalation ladder inside `root` (a wall incident banner, an incident card): step → state. */
export async function ladder(root: Locator): Promise<Partial<Record<LadderStepName, LadderState>>> {
  const steps = await root.first().locator(tid('ladder-step')).evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset['step'], (e as HTMLElement).dataset['state']]));
  return Object.fromEntries(steps) as Partial<Record<LadderStepName, LadderState>>;
}

/** The wall's banner of one incident. */
export function incidentBanner(page: Page, incidentId: string): Locator {
  return page.locator(`${tid('incident-banner')}[data-incident-id="${incidentId}"]`);
}

/** Agent ids of the seat tiles on the page, sorted. */
export function seatTileIds(page: Page): Promise<string[]> {
  return byTid(page, 'seat-tile').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['agentId'] ?? '').sort());
}

/** `data-status` of the live-status badge (null while there is none). */
export async function liveStatus(page: Page): Promise<string | null> {
  const b = byTid(page, 'status-badge').first();
  return (await b.count()) ? b.getAttribute('data-status') : null;
}

/** Waits until the page's live-status badge says `status`; fails with the last status seen. */
export async function waitForStatus(page: Page, status: string, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last: string | null = null;
  for (;;) {
    last = await liveStatus(page).catch((e: unknown) => `error: ${String(e)}`);
    if (last === status) return;
    if (Date.now() > until) {
      const text = await page.evaluate(() => document.body?.innerText.slice(0, 300)).catch(() => '');
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: status ${last}, url ${page.url()}, page text: ${JSON.stringify(text)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Signs in through the /login form as a person would, and waits for the role's page (`landing`) to go live. */
export async function signIn(page: Page, baseUrl: string, username: string, password: string, landing: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(password);
  await page.locator('form button[type="submit"]').click();
  await page.waitForURL(`${baseUrl}${landing}`, { timeout: 10_000 });
  await waitForStatus(page, 'live', `${landing} to go live`);
}

/** Polls until `check` returns a truthy value; fails naming `what` (with the last value) after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 10_000, everyMs = 100): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      last = await check();
      if (last) return last as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last: ${String(last)})`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
