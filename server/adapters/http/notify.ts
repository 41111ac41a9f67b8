/**
 * Notification channels for /admin (docs/notifications.md). `GET /api/v1/notify/channels` lists
 * them without their secrets or URLs (the host only, and whether a secret is set);
 * `POST /api/v1/notify/channels/:name/test` sends a test message now (not claimed, one attempt,
 * audited as `notify.test`) and answers with the outcome: 200 `{channel, ok, status, error, at}`,
 * also when the channel refused it (`ok: false`), 404 for an unknown channel.
 */
import { Router } from 'express';
import type { TokenService } from '../../auth';
import type { Notifier } from '../../notify/notifier';
import { requireRole } from './guard';
import { sendError } from './errors';

export interface NotifyDeps {
  notifier: Notifier;
  tokens: TokenService;
}

export function notifyRouter({ notifier, tokens }: NotifyDeps): Router {
  const r = Router();
  const admin = requireRole(tokens, 'admin');
  r.get('/api/v1/notify/channels', admin, (_req, res) => void res.json({ channels: notifier.channels() }));
  r.post('/api/v1/notify/channels/:name/test', admin, async (req, res) => {
    const result = await notifier.test(String(req.params['name']), req.principal!.name);
    if (!result) return sendError(res, 404, 'unknown_channel', 'no notification channel of that name');
    res.json(result);
  });
  return r;
}
