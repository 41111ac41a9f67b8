/**
 * Once per run: a private copy of the built client (hard links under test-artifacts/client-copies/,
 * removed when the run ends) for the browser tests' servers, provided as `clientDir`. A `vite build`
 * started meanwhile (it empties dist/client first) then cannot pull the files from under a running
 * test. When the client is not built, `clientDir` is '' and the browser tests fail with a hint (the
 * unit and integration tests still run).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { copyFile, link, mkdir, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { CLIENT_DIR, ROOT } from '../helpers/browser';
import type {} from './support/provided';

/** Hard-links (or copies) every file under `from` into `to`. */
async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = join(from, entry.name);
    const dst = join(to, entry.name);
    if (entry.isDirectory()) await linkTree(src, dst);
    else await link(src, dst).catch(() => copyFile(src, dst));
  }
}

/** True when index.html and every asset it names are there. */
async function complete(dir: string): Promise<boolean> {
  try {
    const html = await readFile(join(dir, 'index.html'), 'utf8');
    return [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].every((m) => existsSync(join(dir, m[1]!)));
  } catch {
    return false;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  // Not a dot-directory: Express will not serve files from under one.
  const parent = join(ROOT, 'test-artifacts', 'client-copies');
  for (const name of existsSync(parent) ? await readdir(parent) : []) {
    const pid = Number(name.split('-')[0]);
    if (!(pid > 0) || !alive(pid)) rmSync(join(parent, name), { recursive: true, force: true });
  }
  const dir = join(parent, `${process.pid}-${randomBytes(3).toString('hex')}`);
  const remove = () => rmSync(dir, { recursive: true, force: true });
  let provided = '';
  // a build running right now may have emptied dist/client: wait a little for it
  for (let attempt = 0; attempt < 20 && !provided; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 500));
    if (!(await complete(CLIENT_DIR))) continue;
    try {
      await linkTree(CLIENT_DIR, dir);
      if (await complete(dir)) provided = dir;
    } catch {
      // files replaced while linking: try again
    }
    if (!provided) remove();
  }
  project.provide('clientDir', provided);
  return remove;
}
