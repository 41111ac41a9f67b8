/**
 * Sign-in and accounts: login (rate limited), logout, password change, users and wall devices.
 * The account rules live in server/accounts-service.ts (shared with the admin CLI); this router
 * only reads bodies, checks roles and maps the service's error codes to the API's statuses.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';
import { jsonBody } from './json-body';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { AccountError, accountsService, deviceNameSchema, passwordSchema, roleSchema, usernameSchema, type AccountErrorCode } from '../../accounts-service';
import { dummyPasswordHash, TokenService, verifyPassword } from '../../auth';
import type { Accounts, AuditLog, Clock } from '../../ports';
import { HttpError, sendError } from './errors';
import { requireRole } from './guard';

// The body schemas reuse the service's field rules, so a bad field is a 400 with zod's details
// (every issue at once) before the service, which checks the same rules again for the CLI, is asked.
const loginBody = z.object({ username: z.string().max(64), password: z.string().max(256) });
const newUserBody = z.object({ username: usernameSchema, password: passwordSchema, role: roleSchema });
const newDeviceBody = z.object({ name: deviceNameSchema });
const passwordBody = z.object({ currentPassword: z.string().max(256), newPassword: passwordSchema });
const userPatchBody = z.object({ disabled: z.boolean().optional(), password: passwordSchema.optional() });

/** The API's answer to each refusal of the service: status, error code and message, as docs/api.md promises them. */
const HTTP_ERRORS: Record<AccountErrorCode, [number, string, string | null]> = {
  username_taken: [409, 'username_taken', 'that username is taken'],
  unknown_user: [404, 'unknown_user', 'no such user'],
  last_admin: [409, 'last_admin', 'the last active admin cannot be disabled'],
  wrong_password: [401, 'invalid_credentials', 'the current password is wrong'],
  unknown_device: [404, 'unknown_device', 'no such device'],
  // the body schemas catch these first; should one slip through, it is still a 400 with the service's message
  invalid_username: [400, 'invalid_request', null],
  weak_password: [400, 'invalid_request', null],
  invalid_password: [400, 'invalid_request', null],
  invalid_role: [400, 'invalid_request', null],
  invalid_device_name: [400, 'invalid_request', null],
};

export interface PeopleDeps {
  accounts: Accounts;
  audit: AuditLog;
  tokens: TokenService;
  clock: Clock;
  /** closes the open sockets of a revoked device or a disabled user */
  disconnect: (match: { deviceId?: string; username?: string }) => void;
  /** login attempts per window before 429 */
  loginLimit?: number;
}

export function parseBody<T>(schema: z.ZodType<T>, body: unknown, code = 'invalid_request'): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new HttpError(400, code, `${i.path.map(String).join('.') || 'body'}: ${i.message}`, {
      details: r.error.issues.map((x) => ({ path: x.path.map(String).join('.'), message: x.message })),
    });
  }
  return r.data;
}

export function peopleRouter(d: PeopleDeps): Router {
  const r = Router();
  const json = jsonBody({ limit: '16kb' });
  const service = accountsService({ accounts: d.accounts, audit: d.audit, clock: d.clock, disconnect: d.disconnect });
  const limit = d.loginLimit ?? 10;
  const tooMany = (_req: Request, res: Response) => sendError(res, 429, 'too_many_attempts', 'too many sign-in attempts; wait a few minutes');
  // per address: req.ip, which follows TRUST_PROXY (http-app.ts logs once when X-Forwarded-For is
  // ignored, instead of the library's stack trace on stderr)
  const perAddress = rateLimit({
    windowMs: 15 * 60_000,
    limit: limit * 3,
    skipSuccessfulRequests: true,
    handler: tooMany,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
  });
  const perUser = rateLimit({
    windowMs: 15 * 60_000,
    limit,
    skipSuccessfulRequests: true,
    handler: tooMany,
    standardHeaders: false,
    legacyHeaders: false,
    validate: { xForwardedForHeader: false },
    keyGenerator: (req) => `user:${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}`,
  });

  r.post('/api/v1/login', json, perAddress, perUser, async (req, res) => {
    const body = parseBody(loginBody, req.body);
    const user = await d.accounts.getUser(body.username);
    const ok = await verifyPassword(body.password, user?.passwordHash ?? (await dummyPasswordHash()));
    if (!user || !ok || user.disabled) {
      await d.audit.append({ at: d.clock.now(), actor: body.username.slice(0, 64), role: 'system', action: 'login.failed', subject: null });
      return sendError(res, 401, 'invalid_credentials', 'wrong username or password');
    }
    const t = await d.tokens.issue(user.username, user.role);
    await d.audit.append({ at: d.clock.now(), actor: user.username, role: user.role, action: 'login', subject: null });
    res.json({ token: t.token, role: user.role, expiresAt: t.expiresAt, username: user.username });
  });

  const anyPerson = requireRole(d.tokens, 'lead', 'director', 'admin');
  r.post('/api/v1/logout', anyPerson, async (req, res) => {
    const p = req.principal!;
    await d.accounts.revokeToken(p.id, p.expiresAt ?? d.clock.now());
    await d.audit.append({ at: d.clock.now(), actor: p.name, role: p.role, action: 'logout', subject: null });
    res.status(204).end();
  });

  r.get('/api/v1/me', requireRole(d.tokens, 'wall', 'lead', 'director', 'admin'), (req, res) => {
    const p = req.principal!;
    res.json({ name: p.name, role: p.role, kind: p.kind, expiresAt: p.expiresAt });
  });

  r.post('/api/v1/me/password', json, anyPerson, async (req, res) => {
    const body = parseBody(passwordBody, req.body);
    const p = req.principal!;
    await service.changeOwnPassword({ name: p.name, role: p.role }, body.currentPassword, body.newPassword);
    res.status(204).end();
  });

  const admin = requireRole(d.tokens, 'admin');
  const actor = (req: Request) => ({ name: req.principal!.name, role: 'admin' as const });

  r.post('/api/v1/users', json, admin, async (req, res) => {
    const body = parseBody(newUserBody, req.body);
    const created = await service.createUser(actor(req), body);
    res.status(201).json(created);
  });

  r.get('/api/v1/users', admin, async (_req, res) => {
    const users = await service.listUsers();
    res.json({ users: users.map((u) => ({ username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt })) });
  });

  r.patch('/api/v1/users/:username', json, admin, async (req, res) => {
    const body = parseBody(userPatchBody, req.body);
    const next = await service.changeUser(actor(req), String(req.params.username), body);
    res.json({ username: next.username, role: next.role, disabled: next.disabled });
  });

  r.post('/api/v1/devices', json, admin, async (req, res) => {
    const body = parseBody(newDeviceBody, req.body);
    const { device, token } = await service.createDevice(actor(req), body.name);
    res.status(201).json({ id: device.id, name: device.name, token });
  });

  r.get('/api/v1/devices', admin, async (_req, res) => {
    const devices = await service.listDevices();
    res.json({ devices: devices.map((x) => ({ id: x.id, name: x.name, createdAt: x.createdAt, revokedAt: x.revokedAt })) });
  });

  r.delete('/api/v1/devices/:id', admin, async (req, res) => {
    await service.revokeDevice(actor(req), String(req.params.id));
    res.status(204).end();
  });

  // Only errors of this router's own routes arrive here; the app's error handler sends the HttpError.
  r.use((err: unknown, _req: Request, _res: Response, next: NextFunction) => {
    if (!(err instanceof AccountError)) return next(err);
    const [status, code, message] = HTTP_ERRORS[err.code];
    next(new HttpError(status, code, message ?? err.message));
  });

  return r;
}
