/**
 * Authentication and role checks for routes: 401 for no or bad credentials, 403 for the wrong role.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Principal, TokenService } from '../../auth';
import type { Role } from '../../ports';
import { sendError } from './errors';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

export function bearer(req: Request): string | null {
  const h = req.get('authorization');
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m ? m[1]! : null;
}

/** Lets through a signed-in principal whose role is one of `roles`. */
export function requireRole(tokens: TokenService, ...roles: Role[]) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const p = await tokens.verify(bearer(req));
    if (!p) return sendError(res, 401, 'unauthorized', 'sign in first');
    if (!roles.includes(p.role)) return sendError(res, 403, 'forbidden', 'your role may not do this');
    req.principal = p;
    next();
  };
}

export const ALL_ROLES: Role[] = ['wall', 'lead', 'director', 'admin'];
