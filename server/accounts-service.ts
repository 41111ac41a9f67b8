/**
 * The account rules, in one place for every way in: the HTTP routes (server/adapters/http/people.ts)
 * and the admin CLI (server/admin-cli.ts). Both once carried their own copy and drifted (the CLI let
 * the last active admin be disabled and took any username), so neither may touch Accounts for a
 * change directly: they call this service, and only map its errors to a status or an exit code.
 *
 * Every change writes its audit record here, so no way in can forget it.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { hashPassword, TokenService, verifyPassword } from './auth';
import type { Accounts, AuditLog, Clock, DeviceRecord, PersonRole, Role, UserRecord } from './ports';

/** Usernames appear in audit records, URLs and on screens: a conservative alphabet, no spaces. */
export const usernameSchema = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_.@-]+$/u, 'letters, digits and _ . @ - only');
export const passwordSchema = z.string().min(8, 'at least 8 characters').max(256);
export const roleSchema = z.enum(['lead', 'director', 'admin']);
export const deviceNameSchema = z.string().trim().min(1).max(64);

export type AccountErrorCode =
  | 'invalid_username'
  | 'weak_password'
  | 'invalid_password'
  | 'invalid_role'
  | 'invalid_device_name'
  | 'username_taken'
  | 'unknown_user'
  | 'last_admin'
  | 'wrong_password'
  | 'unknown_device';

/** A refused account action: `code` is stable (callers map it), `message` is one line for a person. */
export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AccountError';
  }
}

function check<T>(schema: z.ZodType<T>, value: unknown, code: AccountErrorCode, what: string): T {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new AccountError(code, `${what}: ${r.error.issues[0]!.message}`);
}

/** The username as it will be stored (trimmed), or `invalid_username`. */
export const parseUsername = (raw: unknown): string => check(usernameSchema, raw, 'invalid_username', 'username');

export function parseRole(raw: unknown): PersonRole {
  const r = roleSchema.safeParse(raw);
  if (r.success) return r.data;
  throw new AccountError('invalid_role', `role: ${JSON.stringify(raw)} is not lead, director or admin`);
}

/** The password, or `weak_password` when it is too short (`invalid_password` when not a string or too long). */
export function parsePassword(raw: unknown): string {
  const r = passwordSchema.safeParse(raw);
  if (r.success) return r.data;
  const tooShort = typeof raw === 'string' && raw.length < 8;
  throw new AccountError(tooShort ? 'weak_password' : 'invalid_password', `password: ${r.error.issues[0]!.message}`);
}

/** Who acts, as the audit log names them: a signed-in admin, or `admin-cli` as `system`. */
export interface Actor {
  name: string;
  role: Role | 'system';
}

export interface AccountsServiceDeps {
  accounts: Accounts;
  audit: AuditLog;
  clock: Clock;
  /**
   * Closes the open sockets of a disabled user or a revoked device on this node. Optional: the CLI
   * runs no sockets, and every node re-checks its sockets' tokens within 15 s anyway.
   */
  disconnect?: (match: { deviceId?: string; username?: string }) => void;
}

/** What PATCH /users/:username can change; the CLI's set-password, disable-user and enable-user are one field each. */
export interface UserChange {
  disabled?: boolean;
  password?: string;
}

export type AccountsService = ReturnType<typeof accountsService>;

export function accountsService(d: AccountsServiceDeps) {
  const disconnect = d.disconnect ?? (() => {});

  async function userOrThrow(username: string): Promise<UserRecord> {
    const user = await d.accounts.getUser(username);
    if (!user) throw new AccountError('unknown_user', `no user "${username}"`);
    return user;
  }

  return {
    async createUser(actor: Actor, input: { username: unknown; password: unknown; role: unknown }): Promise<{ username: string; role: PersonRole }> {
      const username = parseUsername(input.username);
      const role = parseRole(input.role);
      const password = parsePassword(input.password);
      const now = d.clock.now();
      const created = await d.accounts.createUser({ username, role, passwordHash: await hashPassword(password), disabled: false, createdAt: now, tokensValidAfter: 0 });
      if (!created) throw new AccountError('username_taken', `the username "${username}" is taken`);
      await d.audit.append({ at: now, actor: actor.name, role: actor.role, action: 'user.created', subject: username, detail: { role } });
      return { username, role };
    },

    listUsers: (): Promise<UserRecord[]> => d.accounts.listUsers(),

    /**
     * Disables, enables or resets the password of a user (any combination). Disabling or a new
     * password ends the user's sessions. The last active admin cannot be disabled: nobody could
     * manage accounts from the browser any more.
     */
    async changeUser(actor: Actor, username: string, change: UserChange): Promise<UserRecord> {
      const password = change.password === undefined ? undefined : parsePassword(change.password);
      const user = await userOrThrow(username);
      const now = d.clock.now();
      const next = { ...user };
      if (change.disabled !== undefined) next.disabled = change.disabled;
      if (password !== undefined) next.passwordHash = await hashPassword(password);
      if (change.disabled || password !== undefined) next.tokensValidAfter = now;
      if (next.disabled && user.role === 'admin' && !user.disabled) {
        // Not atomic with the update below: two admins disabling each other at the same instant could
        // both pass. Accepted: it needs two admins acting within milliseconds, and ADMIN_PASSWORD
        // recreates an admin on start.
        const admins = (await d.accounts.listUsers()).filter((u) => u.role === 'admin' && !u.disabled);
        if (admins.length <= 1) throw new AccountError('last_admin', `"${user.username}" is the last active admin and cannot be disabled`);
      }
      await d.accounts.updateUser(next);
      await d.audit.append({
        at: now,
        actor: actor.name,
        role: actor.role,
        action: change.disabled ? 'user.disabled' : change.disabled === false ? 'user.enabled' : 'user.password_reset',
        subject: user.username,
      });
      if (next.tokensValidAfter === now) disconnect({ username: user.username });
      return next;
    },

    /** A person changes their own password: the current one must be right; every session ends. */
    async changeOwnPassword(actor: Actor, currentPassword: string, newPassword: unknown): Promise<void> {
      const password = parsePassword(newPassword);
      const user = await d.accounts.getUser(actor.name);
      if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) throw new AccountError('wrong_password', 'the current password is wrong');
      const now = d.clock.now();
      await d.accounts.updateUser({ ...user, passwordHash: await hashPassword(password), tokensValidAfter: now });
      await d.audit.append({ at: now, actor: actor.name, role: actor.role, action: 'password.changed', subject: actor.name });
      disconnect({ username: actor.name });
    },

    /** A wall device; its token is returned here once and only its hash is stored. */
    async createDevice(actor: Actor, rawName: unknown): Promise<{ device: DeviceRecord; token: string }> {
      const name = check(deviceNameSchema, rawName, 'invalid_device_name', 'device name');
      const { token, hash } = TokenService.newDeviceToken();
      const device: DeviceRecord = { id: randomUUID(), name, tokenHash: hash, createdAt: d.clock.now(), revokedAt: null };
      await d.accounts.createDevice(device);
      await d.audit.append({ at: device.createdAt, actor: actor.name, role: actor.role, action: 'device.created', subject: device.id, detail: { name } });
      return { device, token };
    },

    listDevices: (): Promise<DeviceRecord[]> => d.accounts.listDevices(),

    /**
     * Revokes a device and closes its sockets. Revoking twice keeps the first time and writes no
     * second audit record; its sockets are closed again all the same (one may have slipped in).
     */
    async revokeDevice(actor: Actor, id: string): Promise<{ device: DeviceRecord; alreadyRevoked: boolean }> {
      const device = await d.accounts.getDevice(id);
      if (!device) throw new AccountError('unknown_device', `no device "${id}"`);
      const alreadyRevoked = device.revokedAt !== null;
      if (!alreadyRevoked) {
        device.revokedAt = d.clock.now();
        await d.accounts.updateDevice(device);
        await d.audit.append({ at: device.revokedAt, actor: actor.name, role: actor.role, action: 'device.revoked', subject: device.id, detail: { name: device.name } });
      }
      disconnect({ deviceId: device.id });
      return { device, alreadyRevoked };
    },
  };
}
