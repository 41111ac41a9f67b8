/**
 * The account rules (server/accounts-service.ts) on the in-memory ports: what both the HTTP routes
 * and the admin CLI get, so each rule is pinned once here.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AccountError, accountsService, type AccountErrorCode, type AccountsService } from '../../server/accounts-service';
import { hashPassword, sha256, verifyPassword } from '../../server/auth';
import { MemoryAccounts } from '../../server/adapters/memory/memory-accounts';
import { MemoryAuditLog } from '../../server/adapters/memory/memory-audit-log';
import type { PersonRole } from '../../server/ports';

const T0 = Date.UTC(2026, 10, 30, 1, 0, 0);
const PASSWORD = 'long-enough-12319';
const ADMIN = { name: 'admin', role: 'admin' as const };

let now: number;
let accounts: MemoryAccounts;
let audit: MemoryAuditLog;
let closed: { deviceId?: string; username?: string }[];
let service: AccountsService;

beforeEach(() => {
  now = T0;
  const clock = { now: () => now };
  accounts = new MemoryAccounts(clock);
  audit = new MemoryAuditLog();
  closed = [];
  service = accountsService({ accounts, audit, clock, disconnect: (m) => closed.push(m) });
});

const records = () => audit.list(0, Number.MAX_SAFE_INTEGER);

/** The error code `p` rejects with (fails if it resolves or throws something else). */
async function refusal(p: Promise<unknown>): Promise<AccountErrorCode> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AccountError);
  return (err as AccountError).code;
}

async function seed(username: string, role: PersonRole, disabled = false): Promise<void> {
  await accounts.createUser({ username, role, passwordHash: await hashPassword(PASSWORD), disabled, createdAt: T0 - 1000, tokensValidAfter: 0 });
}

describe('creating users', () => {
  it('stores the trimmed name, a password hash (never the password) and writes user.created', async () => {
    expect(await service.createUser(ADMIN, { username: '  zhang.wei@12319 ', password: PASSWORD, role: 'lead' })).toEqual({ username: 'zhang.wei@12319', role: 'lead' });
    const user = (await accounts.getUser('zhang.wei@12319'))!;
    expect(user).toMatchObject({ role: 'lead', disabled: false, createdAt: T0, tokensValidAfter: 0 });
    expect(user.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(PASSWORD, user.passwordHash)).toBe(true);
    expect(await records()).toEqual([{ at: T0, actor: 'admin', role: 'admin', action: 'user.created', subject: 'zhang.wei@12319', detail: { role: 'lead' } }]);
  });

  it.each([
    ['', 'invalid_username'],
    ['   ', 'invalid_username'],
    ['li si', 'invalid_username'],
    ['a/b', 'invalid_username'],
    ['x'.repeat(65), 'invalid_username'],
  ] as const)('refuses the username %j', async (username, code) => {
    expect(await refusal(service.createUser(ADMIN, { username, password: PASSWORD, role: 'lead' }))).toBe(code);
    expect(await accounts.listUsers()).toEqual([]);
    expect(await records()).toEqual([]);
  });

  it('accepts names in Chinese and up to 64 characters', async () => {
    await service.createUser(ADMIN, { username: '张伟', password: PASSWORD, role: 'director' });
    await service.createUser(ADMIN, { username: 'y'.repeat(64), password: PASSWORD, role: 'admin' });
    expect((await accounts.listUsers()).map((u) => u.username)).toEqual(['y'.repeat(64), '张伟'].sort((a, b) => a.localeCompare(b)));
  });

  it('refuses a short or overlong password, a role that is not a person’s, and a taken name', async () => {
    expect(await refusal(service.createUser(ADMIN, { username: 'wang', password: '1234567', role: 'lead' }))).toBe('weak_password');
    expect(await refusal(service.createUser(ADMIN, { username: 'wang', password: 'p'.repeat(257), role: 'lead' }))).toBe('invalid_password');
    expect(await refusal(service.createUser(ADMIN, { username: 'wang', password: PASSWORD, role: 'wall' }))).toBe('invalid_role');
    await seed('wang', 'director');
    expect(await refusal(service.createUser(ADMIN, { username: 'wang', password: PASSWORD, role: 'lead' }))).toBe('username_taken');
    expect((await accounts.getUser('wang'))?.role).toBe('director');
    expect(await records()).toEqual([]);
  });
});

describe('changing users', () => {
  it('refuses to disable the last active admin, and leaves it and the audit log untouched', async () => {
    await seed('root', 'admin');
    await seed('old-admin', 'admin', true); // disabled: does not count
    const before = await accounts.getUser('root');
    expect(await refusal(service.changeUser(ADMIN, 'root', { disabled: true }))).toBe('last_admin');
    expect(await accounts.getUser('root')).toEqual(before);
    expect(await records()).toEqual([]);
    expect(closed).toEqual([]);
  });

  it('disables an admin while another is active: sessions end, sockets close, user.disabled is written', async () => {
    await seed('root', 'admin');
    await seed('root2', 'admin');
    now = T0 + 5000;
    expect(await service.changeUser(ADMIN, 'root', { disabled: true })).toMatchObject({ username: 'root', disabled: true, tokensValidAfter: T0 + 5000 });
    expect(closed).toEqual([{ username: 'root' }]);
    expect(await records()).toEqual([{ at: T0 + 5000, actor: 'admin', role: 'admin', action: 'user.disabled', subject: 'root' }]);
    // the other one is now the last
    expect(await refusal(service.changeUser(ADMIN, 'root2', { disabled: true }))).toBe('last_admin');
  });

  it('enabling keeps sessions issued since (there are none) and closes nothing', async () => {
    await seed('li', 'lead', true);
    expect(await service.changeUser({ name: 'admin-cli', role: 'system' }, 'li', { disabled: false })).toMatchObject({ disabled: false, tokensValidAfter: 0 });
    expect(closed).toEqual([]);
    expect(await records()).toEqual([{ at: T0, actor: 'admin-cli', role: 'system', action: 'user.enabled', subject: 'li' }]);
  });

  it('resets a password: the new one works, old sessions end, a short one is refused first', async () => {
    await seed('li', 'lead');
    expect(await refusal(service.changeUser(ADMIN, 'li', { password: 'short' }))).toBe('weak_password');
    await service.changeUser(ADMIN, 'li', { password: 'a-new-password-9' });
    const user = (await accounts.getUser('li'))!;
    expect(await verifyPassword('a-new-password-9', user.passwordHash)).toBe(true);
    expect(user.tokensValidAfter).toBe(T0);
    expect(closed).toEqual([{ username: 'li' }]);
    expect((await records()).map((r) => r.action)).toEqual(['user.password_reset']);
  });

  it('an unknown user is unknown_user', async () => {
    expect(await refusal(service.changeUser(ADMIN, 'nobody', { disabled: true }))).toBe('unknown_user');
  });

  it('changing one’s own password needs the current one', async () => {
    await seed('li', 'lead');
    const li = { name: 'li', role: 'lead' as const };
    expect(await refusal(service.changeOwnPassword(li, 'wrong-password', 'a-new-password-9'))).toBe('wrong_password');
    await service.changeOwnPassword(li, PASSWORD, 'a-new-password-9');
    expect(await verifyPassword('a-new-password-9', (await accounts.getUser('li'))!.passwordHash)).toBe(true);
    expect(await records()).toEqual([{ at: T0, actor: 'li', role: 'lead', action: 'password.changed', subject: 'li' }]);
  });
});

describe('devices', () => {
  it('stores only the token’s hash, revokes once (one audit record) and closes the sockets each time', async () => {
    const { device, token } = await service.createDevice(ADMIN, ' 大厅大屏 ');
    expect(device).toMatchObject({ name: '大厅大屏', tokenHash: sha256(token), revokedAt: null });
    expect(await accounts.getDeviceByTokenHash(sha256(token))).toEqual(device);
    expect(await refusal(service.createDevice(ADMIN, '  '))).toBe('invalid_device_name');

    now = T0 + 1000;
    expect(await service.revokeDevice(ADMIN, device.id)).toMatchObject({ alreadyRevoked: false, device: { revokedAt: T0 + 1000 } });
    now = T0 + 2000;
    expect(await service.revokeDevice(ADMIN, device.id)).toMatchObject({ alreadyRevoked: true, device: { revokedAt: T0 + 1000 } });
    expect(closed).toEqual([{ deviceId: device.id }, { deviceId: device.id }]);
    expect((await records()).map((r) => [r.action, r.subject, r.detail])).toEqual([
      ['device.created', device.id, { name: '大厅大屏' }],
      ['device.revoked', device.id, { name: '大厅大屏' }],
    ]);
    expect(await refusal(service.revokeDevice(ADMIN, 'none'))).toBe('unknown_device');
  });
});
