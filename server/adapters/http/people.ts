/**
 * Sign-in and accounts: login (rate limited), logout, password change, users and wall devices.
 */
import express, { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { dummyPasswordHash, hashPassword, TokenService, verifyPassword } from '../../auth';
import type { Accounts, AuditLog, Clock } from '../../ports';
import { HttpError, sendError } from './errors';
import { requireRole } from './guard';

const username = z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}_.@-]+$/u, 'letters, digits and _ . @ - only');
const password = z.string().min(8, 'at least 8 characters').max(256);
const loginBody = z.object({ username: z.string().max(64), password: z.string().max(256) });
const newUserBody = z.object({ username, password, role: z.enum(['lead', 'director', 'admin']) });
const newDeviceBody = z.object({ name: z.string().trim().min(1).max(64) });
const passwordBody = z.object({ currentPassword: z.string().max(256), newPassword: password });
const userPatchBody = z.object({ disabled: z.boolean().optional(), password: password.optional() });

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
  const json = express.json({ limit: '16kb' });
  const limit = d.loginLimit ?? 10;
  const tooMany = (_req: Request, res: Response) => sendError(res, 429, 'too_many_attempts', 'too many sign-in attempts; wait a few minutes');
  const perAddress = rateLimit({ windowMs: 15 * 60_000, limit: limit * 3, skipSuccessfulRequests: true, handler: tooMany, standardHeaders: 'draft-8', legacyHeaders: false });
  const perUser = rateLimit({
    windowMs: 15 * 60_000,
    limit,
    skipSuccessfulRequests: true,
    handler: tooMany,
    standardHeaders: false,
    legacyHeaders: false,
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
    const user = await d.accounts.getUser(p.name);
    if (!user || !(await verifyPassword(body.currentPassword, user.passwordHash))) {
      return sendError(res, 401, 'invalid_credentials', 'the current password is wrong');
    }
    const now = d.clock.now();
    await d.accounts.updateUser({ ...user, passwordHash: await hashPassword(body.newPassword), tokensValidAfter: now });
    await d.audit.append({ at: now, actor: p.name, role: p.role, action: 'password.changed', subject: p.name });
    d.disconnect({ username: p.name });
    res.status(204).end();
  });

  const admin = requireRole(d.tokens, 'admin');
  r.post('/api/v1/users', json, admin, async (req, res) => {
    const body = parseBody(newUserBody, req.body);
    const now = d.clock.now();
    const created = await d.accounts.createUser({
      username: body.username,
      role: body.role,
      passwordHash: await hashPassword(body.password),
      disabled: false,
      createdAt: now,
      tokensValidAfter: 0,
    });
    if (!created) return sendError(res, 409, 'username_taken', 'that username is taken');
    await d.audit.append({ at: now, actor: req.principal!.name, role: 'admin', action: 'user.created', subject: body.username, detail: { role: body.role } });
    res.status(201).json({ username: body.username, role: body.role });
  });

  r.get('/api/v1/users', admin, async (_req, res) => {
    const users = await d.accounts.listUsers();
    res.json({ users: users.map((u) => ({ username: u.username, role: u.role, disabled: u.disabled, createdAt: u.createdAt })) });
  });

  r.patch('/api/v1/users/:username', json, admin, async (req, res) => {
    const body = parseBody(userPatchBody, req.body);
    const user = await d.accounts.getUser(String(req.params.username));
    if (!user) return sendError(res, 404, 'unknown_user', 'no such user');
    const now = d.clock.now();
    const next = { ...user };
    if (body.disabled !== undefined) next.disabled = body.disabled;
    if (body.password !== undefined) next.passwordHash = await hashPassword(body.password);
    if (body.disabled || body.password !== undefined) next.tokensValidAfter = now;
    if (next.disabled && user.role === 'admin' && !user.disabled) {
      const admins = (await d.accounts.listUsers()).filter((u) => u.role === 'admin' && !u.disabled);
      if (admins.length <= 1) return sendError(res, 409, 'last_admin', 'the last active admin cannot be disabled');
    }
    await d.accounts.updateUser(next);
    await d.audit.append({
      at: now,
      actor: req.principal!.name,
      role: 'admin',
      action: body.disabled ? 'user.disabled' : body.disabled === false ? 'user.enabled' : 'user.password_reset',
      subject: user.username,
    });
    if (next.tokensValidAfter === now) d.disconnect({ username: user.username });
    res.json({ username: next.username, role: next.role, disabled: next.disabled });
  });

  r.post('/api/v1/devices', json, admin, async (req, res) => {
    const body = parseBody(newDeviceBody, req.body);
    const { token, hash } = TokenService.newDeviceToken();
    const device = { id: randomUUID(), name: body.name, tokenHash: hash, createdAt: d.clock.now(), revokedAt: null };
    await d.accounts.createDevice(device);
    await d.audit.append({ at: device.createdAt, actor: req.principal!.name, role: 'admin', action: 'device.created', subject: device.id, detail: { name: device.name } });
    res.status(201).json({ id: device.id, name: device.name, token });
  });

  r.get('/api/v1/devices', admin, async (_req, res) => {
    const devices = await d.accounts.listDevices();
    res.json({ devices: devices.map((x) => ({ id: x.id, name: x.name, createdAt: x.createdAt, revokedAt: x.revokedAt })) });
  });

  r.delete('/api/v1/devices/:id', admin, async (req, res) => {
    const device = await d.accounts.getDevice(String(req.params.id));
    if (!device) return sendError(res, 404, 'unknown_device', 'no such device');
    if (device.revokedAt === null) {
      const now = d.clock.now();
      await d.accounts.updateDevice({ ...device, revokedAt: now });
      await d.audit.append({ at: now, actor: req.principal!.name, role: 'admin', action: 'device.revoked', subject: device.id, detail: { name: device.name } });
    }
    d.disconnect({ deviceId: device.id });
    res.status(204).end();
  });

  return r;
}
