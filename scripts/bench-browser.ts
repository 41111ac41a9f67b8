// (code passed to page.evaluate runs in the browser)
/**
 * `npm run bench:browser`: the wall in headless Chromium (Debian's /usr/bin/chromium driven by
 * playwright-core), figures printed, never asserted.
 * - first load: every response of a fresh /wall load: uncompressed, on the wire, and at gzip level 9,
 *   fonts apart (woff2 is compressed already, and only the unicode-range slices in use are fetched)
 * - patch → DOM: with 300 agents signed in, the wall at 1920×1080 with `?bench=1`, which makes the
 *   client's live state module leave User Timing measures per patch (client/src/lib/live.svelte.ts):
 *   `patch-dom` from the patch handed over by the connection to Svelte's DOM update (tick()), and
 *   `patch-frame` to the next frame. 50 single-agent state changes one at a time, then 300 agents
 *   changing in one patch; at the machine's speed and with the CPU slowed 4× (a modest wall PC).
 * The server runs in-process on the memory adapters and serves the built client (`vite build`).
 */
import { existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page, type Response } from 'playwright-core';
import { defaultConfig } from '../shared/config';
import type { HotlineEvent } from '../shared/events';
import { startApp, type RunningApp } from '../server/app';
import { sha256, TokenService } from '../server/auth';
import { createLogger } from '../server/logger';
import { compareStreamIds } from '../server/core/stream-id';
import { MemoryEventLog } from '../server/adapters/memory/memory-event-log';
import { MemorySnapshotStore } from '../server/adapters/memory/memory-snapshot-store';
import { MemoryAccounts } from '../server/adapters/memory/memory-accounts';
import { MemoryAuditLog } from '../server/adapters/memory/memory-audit-log';

const CHROMIUM = '/usr/bin/chromium';
const CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));
const AGENTS = 300;
const SINGLE_CHANGES = 50;
const BULK_CHANGES = 20;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const median = (xs: number[]) => pct(xs, 50);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
const sleep = (n: number) => new Promise<void>((r) => setTimeout(r, n));

if (!existsSync(join(CLIENT_DIR, 'index.html'))) {
  console.error(`bench:browser: the client is not built (${CLIENT_DIR}): run \`npm run build\``);
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.error(`bench:browser: chromium not found at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(2);
}

interface Server {
  app: RunningApp;
  log: MemoryEventLog;
  token: string;
  /** appends events and waits until the reader applied them */
  append(events: HotlineEvent[]): Promise<void>;
  stop(): Promise<void>;
}

let evNo = 0;
const ev = (type: HotlineEvent['type'], fields: Record<string, unknown>): HotlineEvent => ({ v: 1, id: `bb-${++evNo}`, type, ts: Date.now(), ...fields }) as unknown as HotlineEvent;
const agentId = (i: number) => String(3000 + i);

async function startServer(): Promise<Server> {
  const clock = { now: () => Date.now() };
  const log = new MemoryEventLog(clock);
  const accounts = new MemoryAccounts(clock);
  const app = await startApp(
    { log, snapshots: new MemorySnapshotStore(), accounts, audit: new MemoryAuditLog(), clock, logger: createLogger('silent') },
    { config: defaultConfig(), port: 0, host: '127.0.0.1', ingestToken: null, adminPassword: null, clientDir: CLIENT_DIR, snapshotEveryMs: 600_000 },
  );
  const { token, hash } = TokenService.newDeviceToken();
  await accounts.createDevice({ id: sha256(token).slice(0, 12), name: 'bench wall', tokenHash: hash, createdAt: clock.now(), revokedAt: null });
  const append = async (events: HotlineEvent[]) => {
    const ids = await log.append(events);
    const last = ids.at(-1);
    while (last && compareStreamIds(app.replica.cursor, last) < 0) await sleep(2);
  };
  return {
    app,
    log,
    token,
    append,
    async stop() {
      await app.stop();
      await log.close();
    },
  };
}

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

async function waitLive(page: Page): Promise<void> {
  await page.waitForSelector('[data-testid="status-badge"][data-status="live"]', { timeout: 20_000 });
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

// ---------------------------------------------------------------------------------------------
// (a) first load

interface Loaded {
  url: string;
  kind: 'document' | 'script' | 'stylesheet' | 'font' | 'api' | 'other';
  raw: number;
  /** bytes of the response body as transferred (after the server's own compression) */
  wire: number;
  gz: number;
}

function kindOf(r: Response): Loaded['kind'] {
  const u = new URL(r.url());
  if (/\.(woff2?|ttf|otf)$/.test(u.pathname)) return 'font';
  if (u.pathname.startsWith('/socket.io/') || u.pathname.startsWith('/api/')) return 'api';
  const type = r.request().resourceType();
  if (type === 'document') return 'document';
  if (type === 'script' || u.pathname.endsWith('.js')) return 'script';
  if (type === 'stylesheet' || u.pathname.endsWith('.css')) return 'stylesheet';
  return 'other';
}

async function firstLoad(browser: Browser, server: Server): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const pending: Promise<Loaded | null>[] = [];
  page.on('response', (r) => {
    pending.push(
      Promise.all([r.body(), r.request().sizes()]).then(
        ([body, sizes]) => ({ url: new URL(r.url()).pathname, kind: kindOf(r), raw: body.length, wire: sizes.responseBodySize, gz: gzipSync(body, { level: 9 }).length }),
        () => null, // redirects and the like have no body
      ),
    );
  });
  const t0 = Date.now();
  await page.goto(`${server.app.url}/wall?token=${encodeURIComponent(server.token)}`);
  await waitLive(page);
  const liveMs = Date.now() - t0;
  await sleep(500);
  const nav = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { domContentLoaded: n?.domContentLoadedEventEnd ?? 0, load: n?.loadEventEnd ?? 0, fcp: fcp?.startTime ?? 0 };
  });
  const loaded = (await Promise.all(pending)).filter((x): x is Loaded => x !== null);
  await context.close();

  const sum = (xs: Loaded[], k: 'raw' | 'gz' | 'wire') => xs.reduce((n, x) => n + x[k], 0);
  const code = loaded.filter((x) => x.kind !== 'font' && x.kind !== 'api');
  const fonts = loaded.filter((x) => x.kind === 'font');
  const api = loaded.filter((x) => x.kind === 'api');
  console.log(`first load of /wall (fresh context, 1920×1080; ${server.app.url})`);
  console.log(`  app (html, js, css): ${code.length} files, ${kib(sum(code, 'raw'))} uncompressed, ${kib(sum(code, 'wire'))} on the wire (server compression), ${kib(sum(code, 'gz'))} at gzip level 9`);
  for (const kind of ['document', 'script', 'stylesheet', 'other'] as const) {
    const xs = code.filter((x) => x.kind === kind);
    if (xs.length === 0) continue;
    console.log(`    ${kind.padEnd(10)} ${String(xs.length).padStart(2)} files  ${kib(sum(xs, 'raw')).padStart(10)}  gz ${kib(sum(xs, 'gz')).padStart(9)}`);
  }
  for (const x of [...code].sort((a, b) => b.gz - a.gz).slice(0, 6)) console.log(`      ${x.url.padEnd(44)} ${kib(x.raw).padStart(10)}  gz ${kib(x.gz).padStart(9)}`);
  console.log(`  fonts: ${fonts.length} unicode-range slices (woff2), ${kib(sum(fonts, 'raw'))}, ${kib(sum(fonts, 'wire'))} on the wire`);
  if (api.length) console.log(`  api / socket.io over HTTP: ${api.length} responses, ${kib(sum(api, 'raw'))} (not counted above)`);
  console.log(`  DOMContentLoaded ${ms(nav.domContentLoaded)}, load ${ms(nav.load)}, first contentful paint ${ms(nav.fcp)}, live with fonts ready ${liveMs} ms (loopback)`);
}

// ---------------------------------------------------------------------------------------------
// (b) patch → DOM

/** Measures since `from` (index into the page's list of `name` measures). */
function measures(page: Page, name: string): Promise<number[]> {
  return page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((e) => e.duration), name);
}

async function waitForMeasures(page: Page, name: string, count: number, timeoutMs = 5_000): Promise<number[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = await measures(page, name);
    if (m.length >= count) return m;
    if (Date.now() > until) throw new Error(`no ${name} measure within ${timeoutMs} ms (have ${m.length}, want ${count})`);
    await sleep(5);
  }
}

interface PatchFigures {
  dom: number[];
  frame: number[];
  /** changes that arrived as more than one patch (or met a time-driven one) */
  split: number;
}

async function patchTimes(browser: Browser, server: Server, cpuSlowdown: number): Promise<{ single: PatchFigures; bulk: PatchFigures; tiles: number; kind: string }> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.app.url}/wall?bench=1&token=${encodeURIComponent(server.token)}`);
  await waitLive(page);
  await sleep(1000);
  const cdp = await context.newCDPSession(page);
  if (cpuSlowdown > 1) await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdown });
  const shown = await page.evaluate(() => ({
    tiles: document.querySelectorAll('[data-testid="seat-tile"]').length,
    kind: (document.querySelector('[data-testid="seat-map"] [data-tiles]') as HTMLElement | null)?.dataset['tiles'] ?? '?',
  }));
  const run = async (events: () => HotlineEvent[], times: number): Promise<PatchFigures> => {
    const dom: number[] = [];
    const frame: number[] = [];
    let split = 0;
    for (let i = 0; i < times; i++) {
      // quiet first: every patch so far has its frame measure
      let before = -1;
      for (let tries = 0; tries < 200; tries++) {
        const [d, f] = [(await measures(page, 'patch-dom')).length, (await measures(page, 'patch-frame')).length];
        if (d === f) {
          before = d;
          break;
        }
        await sleep(5);
      }
      if (before < 0) throw new Error('the page never settled');
      await server.append(events());
      const d = await waitForMeasures(page, 'patch-dom', before + 1);
      const f = await waitForMeasures(page, 'patch-frame', before + 1);
      // the first patch after `before` is the one these events caused (a burst within 20 ms is one patch)
      dom.push(d[before]!);
      frame.push(f[before]!);
      await sleep(80);
      if ((await measures(page, 'patch-dom')).length > before + 1) split++;
    }
    return { dom, frame, split };
  };
  // single-agent changes on agents whose tiles are on the page shown (the first seats), busy ↔ ready
  let n = 0;
  const single = await run(() => {
    const i = n % 40;
    const busy = Math.floor(n / 40) % 2 === 0;
    n++;
    return [busy ? ev('agent.busy', { agentId: agentId(i), reason: 'bench' }) : ev('agent.ready', { agentId: agentId(i) })];
  }, SINGLE_CHANGES);
  let b = 0;
  const bulk = await run(() => {
    const busy = b++ % 2 === 0;
    return Array.from({ length: AGENTS }, (_, i) => (busy ? ev('agent.busy', { agentId: agentId(i), reason: 'bench' }) : ev('agent.ready', { agentId: agentId(i) })));
  }, BULK_CHANGES);
  if (errors.length) console.log(`  page errors: ${errors.join('; ')}`);
  await cdp.detach();
  await context.close();
  return { single, bulk, ...shown };
}

function line(label: string, xs: number[]): string {
  return `${label.padEnd(34)} median ${ms(median(xs)).padStart(9)}  p95 ${ms(pct(xs, 95)).padStart(9)}  max ${ms(Math.max(...xs)).padStart(9)}  (n=${xs.length})`;
}

// ---------------------------------------------------------------------------------------------

const server = await startServer();
const browser = await launch();
try {
  // 300 agents logged in and signed in at seats S0…S299 (the seat map shows them in seat order)
  const setup: HotlineEvent[] = [];
  for (let i = 0; i < AGENTS; i++) {
    setup.push(ev('agent.login', { agentId: agentId(i), name: `坐席${i}` }));
    setup.push(ev('agent.signin', { agentId: agentId(i), seat: `S${i}` }));
  }
  await server.append(setup);
  console.log(`bench:browser — Chromium ${browser.version()}, ${AGENTS} agents signed in`);
  await firstLoad(browser, server);
  for (const slowdown of [1, 4]) {
    const r = await patchTimes(browser, server, slowdown);
    console.log(`patch → DOM on /wall at 1920×1080 (${r.tiles} ${r.kind} tiles on the page, ${AGENTS} agents)${slowdown > 1 ? `, CPU slowed ${slowdown}×` : ''}`);
    console.log(`  ${line('one agent changes (patch-dom)', r.single.dom)}`);
    console.log(`  ${line('one agent changes (next frame)', r.single.frame)}`);
    console.log(`  ${line(`${AGENTS} agents in one patch (patch-dom)`, r.bulk.dom)}`);
    console.log(`  ${line(`${AGENTS} agents in one patch (next frame)`, r.bulk.frame)}`);
    const split = r.single.split + r.bulk.split;
    if (split) console.log(`  (${split} change(s) were followed by a second patch within 80 ms; the first one is counted)`);
  }
} finally {
  await browser.close();
  await server.stop();
}
process.exit(0);
