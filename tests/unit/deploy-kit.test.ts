/**
 * The deployment kit (deploy/, OPERATIONS.md "Deployment kit"), linted lightly: no Docker, systemd or
 * nginx runs here. The last block keeps the kit and the docs in step with the variables the code
 * reads: a variable added to server/env.ts or to an adapter's settings must be documented.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readAdapterSettings } from '../../server/adapters/pbx/common/settings';
import { readSettings } from '../../server/env';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
/** trimmed lines without `#` comments and blank lines */
const code = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

const UNITS = ['hotline-wallboard', 'hotline-adapter-asterisk', 'hotline-adapter-freeswitch'];
const KIT = [
  'deploy/Dockerfile',
  'deploy/compose.yaml',
  'deploy/nginx/hotline.conf',
  'deploy/systemd/wallboard.env.example',
  'deploy/systemd/adapter-asterisk.env.example',
  'deploy/systemd/adapter-freeswitch.env.example',
  ...UNITS.map((u) => `deploy/systemd/${u}.service`),
  '.dockerignore',
];

describe('deploy kit: files', () => {
  it.each(KIT)('%s exists', (path) => expect(existsSync(join(root, path))).toBe(true));
});

describe('deploy/Dockerfile', () => {
  const lines = code(read('deploy/Dockerfile'));
  // instructions with their continuation lines joined
  const instructions = lines.join('\n').replace(/\\\n\s*/g, ' ').split('\n');
  const lastFrom = instructions.map((l) => /^FROM\b/i.test(l)).lastIndexOf(true);
  const runtime = instructions.slice(lastFrom);
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string>; dependencies: Record<string, string> };

  it('is multi-stage: a build stage and a runtime stage', () => {
    const froms = instructions.filter((l) => /^FROM\b/i.test(l));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    expect(froms.filter((l) => /\bAS\s+\w+/i.test(l)).length).toBe(froms.length);
    expect(instructions.some((l) => /^RUN\b.*npm run build/.test(l))).toBe(true);
  });

  it('installs production dependencies only for the runtime, and copies the built client', () => {
    expect(instructions.some((l) => /^RUN\b.*npm ci\b.*--omit=dev/.test(l))).toBe(true);
    expect(runtime.some((l) => /^COPY\s+--from=\S+\s+\S*node_modules\b/.test(l))).toBe(true);
    expect(runtime.some((l) => /^COPY\s+--from=\S+\s+\S*dist\/client\s+\S*dist\/client/.test(l))).toBe(true);
  });

  it('runs as a non-root user, with NODE_ENV=production and the port exposed', () => {
    const users = runtime.filter((l) => /^USER\b/i.test(l));
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^USER\s+(root|0)(:|\s|$)/i);
    expect(runtime.some((l) => /^ENV\b.*NODE_ENV=production/.test(l))).toBe(true);
    expect(runtime.some((l) => /^EXPOSE\s+8080\b/.test(l))).toBe(true);
  });

  it('checks its health on /healthz without curl', () => {
    const check = runtime.find((l) => /^HEALTHCHECK\b/.test(l));
    expect(check).toMatch(/\/healthz/);
    expect(check).toMatch(/\bnode\b.*fetch\(/);
    expect(check).not.toMatch(/\b(curl|wget)\b/);
  });

  it('starts the server through tsx, which is a production dependency', () => {
    expect(runtime.find((l) => /^CMD\b/.test(l))).toMatch(/"--import",\s*"tsx",\s*"server\/main\.ts"/);
    expect(pkg.dependencies.tsx).toBeDefined();
    expect(pkg.scripts.start).toMatch(/^tsx /);
  });

  it('every package the server and shared code import at run time is a production dependency', () => {
    const files = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
      );
    const used = new Set<string>();
    for (const f of [...files('server'), ...files('shared')]) {
      for (const m of read(f).matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^'.][^']*)'/gms)) {
        const spec = m[1]!;
        if (spec.startsWith('node:')) continue;
        used.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
    }
    expect(used.size).toBeGreaterThan(3);
    expect([...used].filter((p) => !pkg.dependencies[p]), 'imported but not in dependencies').toEqual([]);
  });

  it('.dockerignore keeps node_modules out and lets in what the Dockerfile copies', () => {
    const ignored = new Set(code(read('.dockerignore')).map((l) => l.replace(/^\/|\/$/g, '')));
    expect(ignored.has('node_modules')).toBe(true);
    const sources = instructions
      .filter((l) => /^COPY\s+(?!--from)/.test(l))
      .flatMap((l) => l.split(/\s+/).slice(1, -1))
      .map((s) => s.replace(/^\.\/|\/$/g, ''));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'server', 'shared', 'client']));
    for (const s of sources) {
      expect(ignored.has(s), `.dockerignore excludes ${s}`).toBe(false);
      expect(existsSync(join(root, s)), `${s} exists`).toBe(true);
    }
  });
});

describe('deploy/compose.yaml', () => {
  const text = read('deploy/compose.yaml');

  it('runs Redis with AOF (appendfsync everysec) on a named volume', () => {
    expect(text).toMatch(/--appendonly["',\s]+yes\b/);
    expect(text).toMatch(/--appendfsync["',\s]+everysec\b/);
    const named = /^volumes:\n((?:[ ]+\S.*\n?)+)/m.exec(text)?.[1] ?? '';
    const volume = /^[ ]+([\w-]+):/m.exec(named)?.[1];
    expect(volume).toBeDefined();
    expect(text).toContain(`- ${volume}:/data`);
  });

  it('builds the wallboard from deploy/Dockerfile, with healthchecks and restart policies', () => {
    expect(text).toMatch(/dockerfile:\s*deploy\/Dockerfile/);
    expect(text.match(/^\s+healthcheck:/gm)?.length).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/redis-cli["',\s]+ping/);
    expect(text).toMatch(/\/healthz/);
    expect(text.match(/^\s+restart:\s*(unless-stopped|always|on-failure)/gm)?.length).toBeGreaterThanOrEqual(2);
  });
});

describe('deploy/nginx/hotline.conf', () => {
  const conf = code(read('deploy/nginx/hotline.conf')).join('\n');

  it('upgrades WebSockets and keeps each browser on one node', () => {
    expect(conf).toMatch(/proxy_set_header\s+Upgrade\s+\$http_upgrade;/);
    expect(conf).toMatch(/proxy_set_header\s+Connection\s+\$\w+;/);
    expect(conf).toMatch(/proxy_http_version\s+1\.1;/);
    expect(conf).toMatch(/location\s+\/socket\.io\/\s*\{/);
    expect(conf).toMatch(/upstream\s+\w+\s*\{[^}]*\bip_hash;/);
    expect(conf).toMatch(/proxy_read_timeout\s+\d+s;/);
  });

  it('serves TLS, redirects HTTP, passes the client address', () => {
    expect(conf).toMatch(/listen\s+443\s+ssl\b/);
    expect(conf).toMatch(/return\s+301\s+https:\/\//);
    expect(conf).toMatch(/proxy_set_header\s+X-Forwarded-For\s+\$\w+;/);
    expect(conf).toMatch(/proxy_set_header\s+X-Forwarded-Proto\s+\$scheme;/);
    expect(conf).toMatch(/max_fails=\d+\s+fail_timeout=\d+s/);
  });

  it('says how /readyz and TRUST_PROXY come in', () => {
    const text = read('deploy/nginx/hotline.conf');
    expect(text).toContain('/readyz');
    expect(text).toContain('TRUST_PROXY');
  });
});

/** A systemd unit as sections of key → values (a key may repeat). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | null = null;
  for (const line of code(text).filter((l) => !l.startsWith(';'))) {
    const section = /^\[([A-Za-z]+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const kv = /^([A-Za-z][A-Za-z0-9]*)=(.*)$/.exec(line);
    if (!kv || !current) throw new Error(`not INI: ${line}`);
    current.set(kv[1]!, [...(current.get(kv[1]!) ?? []), kv[2]!]);
  }
  return sections;
}

describe('deploy/systemd', () => {
  it.each(UNITS)('%s.service parses, runs its entry point as a service user, hardened', (unit) => {
    const s = parseUnit(read(`deploy/systemd/${unit}.service`));
    expect([...s.keys()]).toEqual(['Unit', 'Service', 'Install']);
    const svc = s.get('Service')!;
    const one = (k: string) => svc.get(k)?.at(-1);
    const exec = one('ExecStart') ?? '';
    expect(exec).toMatch(/^\/\S+/);
    const entry = /\b(server\/[\w-]+\.ts)\b/.exec(exec)?.[1];
    expect(entry && existsSync(join(root, entry)), `${exec} names an existing entry point`).toBe(true);
    expect(one('User')).toMatch(/^(?!root$)\w+/);
    expect(one('EnvironmentFile')).toMatch(/^\/etc\//);
    expect(one('WorkingDirectory')).toMatch(/^\//);
    expect(one('Restart')).toBe('on-failure');
    expect(one('NoNewPrivileges')).toBe('true');
    expect(one('ProtectSystem')).toBe('strict');
    expect(one('PrivateTmp')).toBe('true');
    expect(one('MemoryDenyWriteExecute')).toBeUndefined(); // V8's JIT
    expect(s.get('Install')!.get('WantedBy')).toEqual(['multi-user.target']);
  });
});

describe('every variable the code reads is documented', () => {
  /** `env.X`, `process.env.X`, and `env[\`${P}_X\`]` with P expanded to its values */
  function variables(path: string, prefixes: string[] = []): Set<string> {
    const text = read(path);
    const names = new Set([...text.matchAll(/\benv\.([A-Z][A-Z0-9_]*)\b/g)].map((m) => m[1]!));
    for (const m of text.matchAll(/env\[`\$\{\w+\}_([A-Z0-9_]+)`\]/g)) for (const p of prefixes) names.add(`${p}_${m[1]}`);
    return names;
  }
  const union = (...sets: Set<string>[]) => new Set(sets.flatMap((s) => [...s]));

  const server = union(variables('server/env.ts'), variables('server/main.ts'));
  const asterisk = union(variables('server/adapters/pbx/common/settings.ts', ['AMI']), variables('server/adapter-asterisk.ts'));
  const freeswitch = union(variables('server/adapters/pbx/common/settings.ts', ['ESL']), variables('server/adapter-freeswitch.ts'));
  // the settings keep the other PBX's variables behind `kind`: each adapter is checked against its own
  for (const v of [...asterisk]) if (v.startsWith('ESL_')) asterisk.delete(v);
  for (const v of [...freeswitch]) if (v.startsWith('AMI_')) freeswitch.delete(v);

  const docs = [read('README.md'), ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => read(`docs/${f}`))].join('\n');
  /** the variables an env file sets or shows commented out */
  const listed = (path: string) => new Set([...read(path).matchAll(/^#?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));

  it('the scan finds the variables (it is not vacuous)', () => {
    expect([...server]).toEqual(expect.arrayContaining(['PORT', 'REDIS_URL', 'TZ', 'METRICS_TOKEN', 'TRUST_PROXY', 'REDIS_SENTINELS', 'REDIS_SENTINEL_NAME', 'SMTP_URL', 'PUBLIC_URL']));
    expect([...asterisk]).toEqual(expect.arrayContaining(['AMI_HOST', 'AMI_PORT', 'AMI_USERNAME', 'AMI_SECRET', 'AMI_QUEUES', 'AMI_WRAPUP_SEC', 'ADAPTER_NAME', 'INGEST_URL']));
    expect([...freeswitch]).toEqual(expect.arrayContaining(['ESL_HOST', 'ESL_PORT', 'ESL_PASSWORD', 'ESL_QUEUES', 'ADAPTER_NAME']));
  });

  it.each([
    ['the server', server, 'deploy/systemd/wallboard.env.example'],
    ['the Asterisk adapter', asterisk, 'deploy/systemd/adapter-asterisk.env.example'],
    ['the FreeSWITCH adapter', freeswitch, 'deploy/systemd/adapter-freeswitch.env.example'],
  ])('%s: every variable is in its env example and in the docs, and the example names no other', (_who, vars, example) => {
    const inExample = listed(example);
    expect([...vars].filter((v) => !inExample.has(v)), `missing from ${example}`).toEqual([]);
    expect([...inExample].filter((v) => !vars.has(v)), `${example} names variables the code does not read`).toEqual([]);
    expect([...vars].filter((v) => !new RegExp(`\\b${v}\\b`).test(docs)), 'missing from README.md and docs/').toEqual([]);
  });

  /** an env file's settings; `commented`: also the commented-out lines that carry a value */
  const envFile = (path: string, commented: boolean, skip: string[] = []) =>
    Object.fromEntries(
      [...read(path).matchAll(/^(#?)([A-Z][A-Z0-9_]*)=(.*)$/gm)]
        .filter((m) => (m[1] === '' || (commented && m[3] !== '')) && !skip.includes(m[2]!))
        .map((m) => [m[2]!, m[3]!]),
    );

  it.each([false, true])('the env examples hold valid settings (commented-out examples too: %s)', (commented) => {
    // CONFIG_FILE names a file of the target machine; INGEST_URL wants a token the example leaves empty
    expect(() => readSettings(envFile('deploy/systemd/wallboard.env.example', commented, ['CONFIG_FILE']))).not.toThrow();
    expect(() => readAdapterSettings('asterisk', envFile('deploy/systemd/adapter-asterisk.env.example', commented, ['INGEST_URL']))).not.toThrow();
    expect(() => readAdapterSettings('freeswitch', envFile('deploy/systemd/adapter-freeswitch.env.example', commented, ['INGEST_URL']))).not.toThrow();
  });

  it('compose passes only variables the code reads', () => {
    const text = read('deploy/compose.yaml');
    const blocks = text.split(/^ {2}(?=[\w-]+:\s*$)/m);
    const envOf = (service: string) => {
      const block = blocks.find((b) => b.startsWith(`${service}:`)) ?? '';
      const env = /^ {4}environment:\n((?: {6}.*\n)+)/m.exec(block)?.[1] ?? '';
      return [...env.matchAll(/^ {6}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1]!);
    };
    const wallboard = envOf('wallboard');
    const adapter = envOf('adapter-asterisk');
    expect(wallboard).toEqual(expect.arrayContaining(['REDIS_URL', 'TRUST_PROXY']));
    expect(adapter).toEqual(expect.arrayContaining(['AMI_HOST', 'REDIS_URL']));
    expect(wallboard.filter((v) => !server.has(v))).toEqual([]);
    expect(adapter.filter((v) => !asterisk.has(v))).toEqual([]);
  });
});
