/**
 * `GET /metrics`: the Prometheus text format, for a scraper holding `Authorization: Bearer
 * $METRICS_TOKEN` (OPERATIONS.md). Without METRICS_TOKEN the route does not exist (404, like any
 * unknown path); a missing or wrong token is 401.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Metrics } from '../../metrics';
import { sendError } from './errors';
import { bearer } from './guard';

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function metricsRouter(d: { token: string | null; metrics: Metrics | null }): Router {
  const r = Router();
  const { token, metrics } = d;
  if (!token || !metrics) return r;
  r.get('/metrics', async (req, res) => {
    const given = bearer(req);
    if (given === null || !sameSecret(given, token)) {
      res.set('WWW-Authenticate', 'Bearer realm="metrics"');
      return sendError(res, 401, 'unauthorized', 'missing or wrong metrics token');
    }
    const { contentType, body } = await metrics.scrape();
    res.set('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  });
  return r;
}
