/**
 * The layering rules of .dependency-cruiser.cjs (`npm run lint:layers`, part of `npm run check`):
 * run over a small fake tree (tests/fixtures/layers) they flag exactly the imports they should,
 * with a readable message; and the real tree passes them.
 */
import { fileURLToPath } from 'node:url';
import { cruise, format, type ICruiseOptions, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { beforeAll, describe, expect, it } from 'vitest';

const CONFIG = fileURLToPath(new URL('../../.dependency-cruiser.cjs', import.meta.url));
const FIXTURES = fileURLToPath(new URL('../fixtures/layers', import.meta.url));

let options: ICruiseOptions;
let tsConfig: ReturnType<typeof extractTSConfig> | undefined;

beforeAll(async () => {
  options = await extractDepcruiseOptions(CONFIG);
  tsConfig = options.tsConfig?.fileName ? extractTSConfig(options.tsConfig.fileName) : undefined;
});

async function run(roots: string[], baseDir?: string): Promise<ICruiseResult> {
  const result = await cruise(roots, { ...options, ...(baseDir ? { baseDir } : {}) }, {}, { tsConfig });
  if (typeof result.output === 'string') throw new Error('expected a JSON cruise result');
  return result.output;
}

/** `rule from → to`, an npm package's resolved file shortened to the package name. */
function violations(result: ICruiseResult): string[] {
  const pkg = (path: string) => path.replace(/^.*node_modules\/((?:@[^/]+\/)?[^/]+)\/.*$/, '$1');
  return result.summary.violations.map((v) => `${v.rule.name} ${v.from} → ${pkg(v.to)}`).sort();
}

describe('layering rules on a fake tree', () => {
  let result: ICruiseResult;
  beforeAll(async () => {
    result = await run(['server', 'shared', 'client'], FIXTURES);
  });

  it('flag every forbidden import and nothing else', () => {
    expect(violations(result)).toEqual([
      'client-not-server client/src/main.ts → server/adapters/store.ts',
      'core-is-pure server/core/bare-crypto.ts → crypto',
      'core-is-pure server/core/reads-disk.ts → fs',
      'core-is-pure server/core/uses-adapter.ts → server/adapters/store.ts',
      'core-is-pure server/core/uses-adapter.ts → server/app.ts',
      'core-is-pure server/core/uses-library.ts → redis',
      'core-is-pure server/core/uses-tests.ts → tests/clock.ts',
      'no-circular server/cycle-a.ts → server/cycle-b.ts',
      'server-not-client server/app.ts → client/src/ui.ts',
      'shared-is-pure shared/imports-server.ts → server/app.ts',
      'shared-is-pure shared/node-builtin.ts → path',
    ]);
    // core → core and core → shared, shared → zod and client → shared are allowed.
    const allowed = ['server/core/pure.ts', 'shared/text.ts', 'client/src/ui.ts'];
    expect(result.summary.violations.filter((v) => allowed.includes(v.from))).toEqual([]);
  });

  it('explain a violation in words', async () => {
    const report = await format(result, { outputType: 'err-long' });
    expect(report.exitCode).toBeGreaterThan(0); // the command's exit status
    expect(report.output).toContain('error core-is-pure: server/core/reads-disk.ts → fs');
    expect(report.output).toMatch(/may import only\s+server\/core\/ and shared\//);
  });
});

describe('the real tree', () => {
  it('passes the layering rules, .svelte components included', async () => {
    const result = await run(['server', 'shared', 'client/src']);
    expect(violations(result)).toEqual([]);
    expect(result.modules.some((m) => m.source.startsWith('client/src/') && m.source.endsWith('.svelte'))).toBe(true);
    expect(result.modules.some((m) => m.source.startsWith('server/core/'))).toBe(true);
  });
});
