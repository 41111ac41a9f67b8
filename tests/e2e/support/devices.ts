/**
 * Pages on devices of their own for the browser tests: each in its own context (its own
 * localStorage, as on its own tablet or wall PC), its console errors collected, screenshots into
 * one folder. The context bypasses CSP: axe-core is injected as an inline script.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { collectErrors } from '../../helpers/browser';

export interface Devices {
  /** a page on a new device, `touch` for a tablet or phone */
  open(width: number, height: number, touch?: boolean): Promise<Page>;
  /** a screenshot into the folder (after the fonts), as `<name>.png` */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
  /** every device's console errors and uncaught exceptions so far */
  errors(): string[];
  close(): Promise<void>;
}

export function devices(browser: () => Browser, shotsDir: string): Devices {
  const contexts: BrowserContext[] = [];
  const logs: string[][] = [];
  return {
    async open(width, height, touch = false) {
      const context = await browser().newContext({ viewport: { width, height }, deviceScaleFactor: 1, hasTouch: touch, bypassCSP: true });
      contexts.push(context);
      const page = await context.newPage();
      logs.push(collectErrors(page));
      return page;
    },
    async shot(page, name, fullPage = false) {
      await mkdir(shotsDir, { recursive: true });
      await page.evaluate(() => document.fonts.ready.then(() => undefined));
      await page.screenshot({ path: join(shotsDir, `${name}.png`), animations: 'disabled', caret: 'hide', fullPage });
    },
    errors: () => logs.flat(),
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
    },
  };
}
