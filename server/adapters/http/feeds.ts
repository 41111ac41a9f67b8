/**
 * Feed health over HTTP. `PUT /api/v1/feeds/:name`: an adapter without Redis access reports its
 * health with the ingest token, and the server writes the key `<prefix>feeds:<name>` on its behalf,
 * with the contract's 30 s expiry. `GET /api/v1/feeds` (admin): the feeds as this node knows them,
 * with their PBX, for /admin.
 */
import { Router, type Request, type Response } from 'express';
import { feedNameSchema, feedReportSchema, FEED_TTL_MS } from '../../../shared/feeds';
import type { TokenService } from '../../auth';
import type { FeedMonitor } from '../../feed-monitor';
import type { FeedStore } from '../../ports';
import { requireIngestToken, requireRole } from './guard';
import { sendError } from './errors';
import { jsonBody } from './json-body';

export interface FeedsDeps {
  store: FeedStore;
  monitor: FeedMonitor;
  ingestToken: string | null;
  tokens: TokenService;
  /** the key's expiry (default 30 s, as the contract says; shorter in tests) */
  ttlMs?: number;
}

type Issue = { path: string; message: string };

const issuesOf = (error: { issues: { path: PropertyKey[]; message: string }[] }, prefix = ''): Issue[] =>
  error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message }));

export function feedsRouter({ store, monitor, ingestToken, tokens, ttlMs = FEED_TTL_MS }: FeedsDeps): Router {
  const r = Router();
  r.put('/api/v1/feeds/:name', requireIngestToken(ingestToken), jsonBody({ limit: '4kb' }), async (req: Request, res: Response) => {
    const details: Issue[] = [];
    const name = feedNameSchema.safeParse(req.params['name']);
    if (!name.success) details.push(...issuesOf(name.error, 'name'));
    const body: unknown = req.body;
    const report = feedReportSchema.safeParse(body);
    if (!report.success) details.push(...issuesOf(report.error));
    // the path names the feed; a body that names another is a mistake worth saying
    const named = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { name?: unknown }).name : undefined;
    if (named !== undefined && named !== req.params['name']) details.push({ path: 'name', message: 'differs from the name in the path' });
    if (details.length || !name.success || !report.success) {
      return sendError(res, 400, 'invalid_feed', `${details.length} problem(s) in the feed report; nothing was written`, { details });
    }
    await store.put({ name: name.data, ...report.data }, ttlMs);
    // this node shows it at once; the others at their next read
    void monitor.poll();
    res.status(204).end();
  });
  r.get('/api/v1/feeds', requireRole(tokens, 'admin'), (_req, res) => void res.json({ feeds: monitor.details() }));
  return r;
}
