/**
 * The layering of this project, checked by `npm run lint:layers` (part of `npm run check`).
 * See docs/architecture.md for what each layer is and why.
 *
 *   server/core/  pure heart: may import only server/core/ and shared/
 *   shared/       used by server and browser: may import only shared/ and zod
 *   client/       never server/
 *   server/       never client/
 *
 * Rules for core and shared are allow-lists ("anything that is not …"), so node built-ins
 * (`node:fs` and bare `fs` alike), npm packages, server/adapters, server/*.ts, tests/ and
 * scripts/ are all caught without being named one by one.
 *
 * Type-only imports count (tsPreCompilationDeps): a layer that needs another's types should get
 * them from shared/.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-is-pure',
      severity: 'error',
      comment:
        'server/core is pure (reduce, derive, rules, diff): it may import only server/core/ and shared/. ' +
        'No node built-ins, no npm packages (redis, socket.io, express, pino, …), no server/adapters, ' +
        'no server/*.ts outside core, no tests/ or scripts/. Pass what it needs in (clock, config) or ' +
        'move the I/O to an adapter.',
      from: { path: '^server/core/' },
      to: { pathNot: '^(server/core|shared)/' },
    },
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment:
        'shared/ runs on the server and in the browser: it may import only shared/ and zod. ' +
        'No node built-ins, no server/ or client/ code, no other npm packages, no tests/ or scripts/.',
      from: { path: '^shared/' },
      // zod wherever node_modules is (the test's fixture tree resolves it from further up).
      to: { pathNot: ['^shared/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'client-not-server',
      severity: 'error',
      comment: 'client/ must not import server/: what both sides need lives in shared/.',
      from: { path: '^client/' },
      to: { path: '^server/' },
    },
    {
      name: 'server-not-client',
      severity: 'error',
      comment: 'server/ must not import client/: what both sides need lives in shared/.',
      from: { path: '^server/' },
      to: { path: '^client/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles (type-only imports included) make load order and layering fragile.',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` too: type-only imports across layers are still layering leaks.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // .svelte files are parsed with the installed svelte compiler. Its output keeps only
    // value imports, so type-only imports inside <script lang="ts"> are not seen there.
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.svelte', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['types', 'svelte', 'import', 'require', 'node', 'default'],
      mainFields: ['types', 'typings', 'module', 'main'],
    },
    reporterOptions: {
      text: { highlightFocused: true },
    },
  },
};
