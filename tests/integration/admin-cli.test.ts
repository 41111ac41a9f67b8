/**
 * `npm run admin -- …` against the throwaway Redis, run as a person runs it (a child process, the
 * password on standard input), checked against what the HTTP routes do with the same request: the
 * two ways in share one accounts service and must refuse the same things.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type {} from '../helpers/provided-context';
import { hashPassword } from '../../server/auth';
import { RedisAccounts } from '../../server/adapters/redis/accounts';
import { RedisAuditLog } from '../../server/adapters/redis/audit-log';
import { redisClient, request, startTestApp, stopAll, uniquePrefix } from '../helpers/app';
import { runScript } from '../helpers/run-script';

const PASSWORD = 'cli-password-12319';

/** Runs the admin CLI on `prefix`, with `input` on standard input. */
const admin = (prefix: string, args: string[], input = '') =>
  runScript('server/admin-cli.ts', args, { REDIS_URL: inject('redisUrl'), REDIS_PREFIX: prefix }, { input });

let accountsOn: (prefix: string) => RedisAccounts;
let auditOn: (prefix: string) => RedisAuditLog;

beforeAll(async () => {
  const redis = await redisClient();
  accountsOn = (prefix) => new RedisAccounts(redis, prefix);
  auditOn = (prefix) => new RedisAuditLog(redis, prefix);
});
afterAll(stopAll);

async function seedAdmin(prefix: string, username: string): Promise<void> {
  const ok = await accountsOn(prefix).createUser({ username, role: 'admin', passwordHash: await hashPassword(PASSWORD), disabled: false, createdAt: Date.now(), tokensValidAfter: 0 });
  expect(ok).toBe(true);
}

describe('admin CLI', () => {
  it('refuses to disable the last active admin: one line, exit 2, the admin stays active; with a second admin it may', async () => {
    const prefix = uniquePrefix();
    await seedAdmin(prefix, 'root');
    // a disabled admin does not count as a second one
    await accountsOn(prefix).createUser({ username: 'old-admin', role: 'admin', passwordHash: await hashPassword(PASSWORD), disabled: true, createdAt: Date.now(), tokensValidAfter: 0 });

    const refused = await admin(prefix, ['disable-user', 'root']);
    expect(refused.code).toBe(2);
    expect(refused.err.trim().split('\n')).toEqual([expect.stringMatching(/^admin: .*last active admin/)]);
    expect(refused.out).toBe('');
    expect((await accountsOn(prefix).getUser('root'))?.disabled).toBe(false);

    await seedAdmin(prefix, 'root2');
    const done = await admin(prefix, ['disable-user', 'root']);
    expect(done.code).toBe(0);
    expect((await accountsOn(prefix).getUser('root'))?.disabled).toBe(true);
    const records = await auditOn(prefix).list(0, Date.now() + 60_000);
    expect(records).toEqual([expect.objectContaining({ actor: 'admin-cli', role: 'system', action: 'user.disabled', subject: 'root' })]);
  });

  it('refuses the usernames the HTTP route refuses, and creates none of them', async () => {
    const prefix = uniquePrefix();
    const node = await startTestApp({ prefix });
    const adminToken = await node.adminToken();
    for (const username of ['li si', 'zhang;rm', 'x'.repeat(65)]) {
      const http = await request(node.url, '/api/v1/users', { token: adminToken, body: { username, password: PASSWORD, role: 'lead' } });
      expect(http.status, username).toBe(400);
      expect(http.body).toMatchObject({ error: 'invalid_request', message: expect.stringMatching(/^username: /) });

      const cli = await admin(prefix, ['create-user', username, 'lead'], `${PASSWORD}\n`);
      expect(cli.code, username).toBe(2);
      expect(cli.err.trim().split('\n'), username).toEqual([expect.stringMatching(/^admin: username: /)]);
      expect(await accountsOn(prefix).getUser(username), username).toBeNull();
    }
    expect((await accountsOn(prefix).listUsers()).map((u) => u.username)).toEqual(['admin']);
  });

  it('creates a user the HTTP route would accept, with the same audit record, and refuses a short password', async () => {
    const prefix = uniquePrefix();
    const created = await admin(prefix, ['create-user', '张伟', 'lead'], `${PASSWORD}\n`);
    expect(created).toMatchObject({ code: 0, out: 'created lead 张伟\n', err: '' });
    expect(await accountsOn(prefix).getUser('张伟')).toMatchObject({ role: 'lead', disabled: false });
    expect(await auditOn(prefix).list(0, Date.now() + 60_000)).toEqual([
      expect.objectContaining({ actor: 'admin-cli', role: 'system', action: 'user.created', subject: '张伟', detail: { role: 'lead' } }),
    ]);

    const short = await admin(prefix, ['create-user', 'wang', 'lead'], 'short\n');
    expect(short.code).toBe(2);
    expect(short.err.trim().split('\n')).toEqual([expect.stringMatching(/^admin: password: at least 8 characters/)]);
    expect(await accountsOn(prefix).getUser('wang')).toBeNull();
  });
});
