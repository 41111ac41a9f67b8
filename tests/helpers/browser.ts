// (code passed to page.evaluate runs in the browser)
/**
 * Headless Chromium for the end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
 * (never a downloaded browser), screenshots kept under test-artifacts/screenshots/, and a few
 * things every browser test needs (console errors, axe-core).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_MISSING = `chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) to run the browser tests`;

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCREENSHOT_DIR = join(ROOT, 'test-artifacts', 'screenshots');
/** The built client (`vite build` puts it there; `npm test` builds it first). */
export const CLIENT_DIR = join(ROOT, 'dist', 'client');
export const CLIENT_MISSING = `the client is not built (${CLIENT_DIR}/index.html missing or incomplete): run \`npm run build\` (\`npm test\` does)`;

/** A one-line error: a stack would only bury the install hint. */
export function oneLine(message: string): Error {
  const err = new Error(message);
  err.stack = message;
  return err;
}

/**
 * Launches the system Chromium. A missing browser fails the test run with one line: browser tests
 * that skip silently would claim a coverage they do not have.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw oneLine(CHROMIUM_MISSING);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/** Saves a screenshot of the viewport as test-artifacts/screenshots/<name>.png; returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}

/** Collects the page's console errors and uncaught exceptions from now on. */
export function collectErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  return errors;
}

let axeSource: Promise<string> | null = null;

/** axe-core's axe.min.js, read once from node_modules. */
export function axeScript(): Promise<string> {
  const require = createRequire(import.meta.url);
  return (axeSource ??= readFile(join(dirname(require.resolve('axe-core')), 'axe.min.js'), 'utf8'));
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; summary: string }[];
}

/**
 * Runs axe-core on the page as it is now and returns its violations. The page's CSP forbids inline
 * scripts, so the context must be created with `bypassCSP: true`.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: await axeScript() });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: any[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id as string,
      impact: (v.impact ?? null) as string | null,
      help: v.help as string,
      nodes: (v.nodes as any[]).map((n) => ({ target: (n.target as unknown[]).map(String), summary: String(n.failureSummary ?? '') })),
    }));
  });
}
