/**
 * `npm run lint:layers`: checks the layering rules in .dependency-cruiser.cjs (docs/architecture.md)
 * and exits non-zero on any violation.
 *
 *   tsx scripts/lint-layers.ts [--config .dependency-cruiser.cjs] server shared client/src
 *
 * Runs dependency-cruiser through its API rather than its `depcruise` command: the command refuses
 * to start on Node < 22, and this project supports Node 20. On Node 22+ the same check is
 * `npx depcruise server shared client/src --config .dependency-cruiser.cjs`. Run from the repository
 * root (npm scripts do): the rules' paths are relative to the working directory.
 */
import { parseArgs } from 'node:util';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const { values, positionals } = parseArgs({
  options: { config: { type: 'string', default: '.dependency-cruiser.cjs' } },
  allowPositionals: true,
});
const roots = positionals.length > 0 ? positionals : ['server', 'shared', 'client/src'];
// A bare name would be resolved like a package; make it relative to the working directory.
const configFile = /^\.{0,2}\//.test(values.config) ? values.config : `./${values.config}`;

const options = await extractDepcruiseOptions(configFile);
const tsConfigFile = options.tsConfig?.fileName;
const result = await cruise(
  roots,
  { ...options, outputType: 'err-long' },
  {},
  { tsConfig: tsConfigFile ? extractTSConfig(tsConfigFile) : undefined },
);

if (typeof result.output === 'string') process.stdout.write(result.output);
if (result.exitCode > 0) {
  console.error(`lint:layers: ${result.exitCode} layering violation(s); the rules are in ${values.config}`);
  process.exitCode = 1;
}
