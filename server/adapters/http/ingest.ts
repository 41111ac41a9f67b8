/**
 * `POST /api/v1/events`: HTTP ingest exactly as the event contract says. All or nothing: every
 * event valid and appended in body order, or none.
 */
import { Router, type Request, type Response } from 'express';
import { eventTimeProblem, parseEvent, type EventIssue, type EventTimeLimits, type HotlineEvent } from '../../../shared/events';
import type { Clock, EventLog } from '../../ports';
import { requireIngestToken } from './guard';
import { sendError } from './errors';
import { jsonBody } from './json-body';

export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_BODY = '1mb';

export interface IngestDeps {
  log: EventLog;
  ingestToken: string | null;
  clock: Clock;
  /** an event whose `ts` is too far ahead of the clock, or older than the retention, is refused */
  eventTime: EventTimeLimits;
}

export function ingestRouter({ log, ingestToken, clock, eventTime }: IngestDeps): Router {
  const r = Router();
  r.post(
    '/api/v1/events',
    requireIngestToken(ingestToken),
    // read as text, depth-checked, then parsed: not JSON or nested deeper than 64 levels is 400 invalid_json
    jsonBody({ limit: MAX_BODY, strict: false, type: () => true }),
    async (req: Request, res: Response) => {
      const body: unknown = req.body;
      const items = Array.isArray(body) ? body : [body];
      if (Array.isArray(body) && body.length === 0) {
        return sendError(res, 400, 'invalid_event', 'no events in the body', { details: [{ index: 0, path: '', message: 'the array is empty' }] });
      }
      if (items.length > MAX_EVENTS_PER_REQUEST) {
        return sendError(res, 400, 'invalid_event', `at most ${MAX_EVENTS_PER_REQUEST} events per request`, {
          details: [{ index: MAX_EVENTS_PER_REQUEST, path: '', message: `more than ${MAX_EVENTS_PER_REQUEST} events` }],
        });
      }
      const details: EventIssue[] = [];
      const now = clock.now();
      items.forEach((item, index) => {
        const p = parseEvent(item, index);
        if (!p.ok) details.push(...p.issues);
        else {
          const late = eventTimeProblem(p.event.ts, now, eventTime);
          if (late) details.push({ index, path: 'ts', message: late });
        }
      });
      if (details.length) return sendError(res, 400, 'invalid_event', `${details.length} problem(s) in the body; nothing was appended`, { details: details.slice(0, 100) });
      // the original objects go to the log, unknown extra fields included: the stream is the record
      const ids = await log.append(items as HotlineEvent[]);
      res.status(202).json({ accepted: ids.length, cursor: ids[ids.length - 1] });
    },
  );
  return r;
}
