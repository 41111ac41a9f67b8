/**
 * The Express application: security headers, the API routers, health, and the built client.
 */
import compression from 'compression';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { errorHandler, sendError } from './errors';
import { requireRole, ALL_ROLES } from './guard';
import type { TokenService } from '../../auth';
import type { LiveView } from '../../live-view';

export const PAGES = ['/wall', '/lead', '/director', '/login', '/admin', '/reports'];

export interface HttpAppDeps {
  logger: Logger;
  tokens: TokenService;
  view: LiveView;
  routers: express.Router[];
  ready: () => Promise<{ ok: true } | { ok: false; reason: string }>;
  clientDir: string | null;
  allowedOrigins: string[];
  /** recognises errors of an unreachable store (answered 503, not 500) */
  isUnavailable?: (err: unknown) => boolean;
  /**
   * Express `trust proxy` (TRUST_PROXY): which proxies' X-Forwarded-For is believed for `req.ip`,
   * the address the sign-in rate limit counts by. Default false: the connection's own address.
   */
  trustProxy?: boolean | number | string;
}

export function createHttpApp(d: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', d.trustProxy ?? false);
  if (!d.trustProxy) {
    // a proxy in front that TRUST_PROXY does not name: every client shares the proxy's address
    // (one sign-in limit for all). Said once, in the log, rather than on every request.
    let told = false;
    app.use((req, _res, next) => {
      if (!told && req.headers['x-forwarded-for'] !== undefined) {
        told = true;
        d.logger.warn({ address: req.socket.remoteAddress }, 'X-Forwarded-For ignored: TRUST_PROXY is off, so rate limits count the proxy\'s address (set TRUST_PROXY to the proxies, e.g. loopback or 1)');
      }
      next();
    });
  }
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'font-src': ["'self'", 'data:'],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'object-src': ["'none'"],
          'base-uri': ["'none'"],
          'frame-ancestors': ["'none'"],
          'form-action': ["'self'"],
        },
      },
      crossOriginEmbedderPolicy: false,
      strictTransportSecurity: false,
    }),
  );
  // a wall's first load is mostly text (scripts, styles): gzip cuts it to under half on the wire
  app.use(compression());
  app.use('/api', (req, res, next) => {
    res.set('Cache-Control', 'no-store');
    const origin = req.get('origin');
    if (origin && d.allowedOrigins.includes(origin)) {
      res.set('Access-Control-Allow-Origin', origin);
      res.set('Vary', 'Origin');
      res.set('Access-Control-Allow-Headers', 'Authorization, Content-Type');
      res.set('Access-Control-Allow-Methods', 'GET, POST, PUT, PATCH, DELETE');
      if (req.method === 'OPTIONS') return void res.status(204).end();
    }
    next();
  });

  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const r = await d.ready();
    if (r.ok) res.json({ status: 'ready' });
    else res.status(503).json({ status: 'not_ready', reason: r.reason });
  });
  app.get('/api/v1/snapshot', requireRole(d.tokens, ...ALL_ROLES), (_req, res) => void res.json(d.view.current()));
  for (const r of d.routers) app.use(r);
  app.use('/api', (_req, res) => sendError(res, 404, 'not_found', 'no such API route'));

  if (d.clientDir && existsSync(join(d.clientDir, 'index.html'))) {
    const index = join(d.clientDir, 'index.html');
    // express.static refuses paths that climb out of its root (path traversal) and dotfiles
    app.use('/assets', express.static(join(d.clientDir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false, dotfiles: 'deny' }));
    app.use(express.static(d.clientDir, { index: false, dotfiles: 'deny', maxAge: 0 }));
    app.get('/', (_req, res) => res.redirect(302, '/wall'));
    app.get(PAGES, (_req, res) => {
      res.set('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  } else {
    app.get('/', (_req, res) => void res.type('text').send('client not built: run `npm run build`'));
  }
  app.use((_req, res) => sendError(res, 404, 'not_found', 'not found'));
  app.use(errorHandler(d.logger, d.isUnavailable));
  return app;
}
