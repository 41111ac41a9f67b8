/**
 * Authentication and role checks for routes: 401 for no or bad credentials, 403 for the wrong role.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
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

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The adapters' routes (`POST /api/v1/events`, `PUT /api/v1/feeds/:name`): the ingest token as a
 * bearer token, and a JSON body. 503 `ingest_disabled` when INGEST_TOKEN is not set, 401 for no or a
 * wrong token, 415 for a body not declared JSON.
 */
export function requireIngestToken(ingestToken: string | null): RequestHandler {
  return (req, res, next) => {
    if (!ingestToken) return sendError(res, 503, 'ingest_disabled', 'HTTP ingest is not configured (INGEST_TOKEN)');
    const t = bearer(req);
    if (!t || !sameToken(t, ingestToken)) return sendError(res, 401, 'unauthorized', 'missing or wrong ingest token');
    if (!req.is('application/json')) return sendError(res, 415, 'unsupported_media_type', 'send Content-Type: application/json');
    next();
  };
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
