/**
 * Errors as the API promises them: JSON `{error, message}` with a typed code, never a stack.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function sendError(res: Response, status: number, code: string, message: string, extra: Record<string, unknown> = {}): void {
  res.status(status).json({ error: code, message, ...extra });
}

/**
 * Express error handler: known errors keep their code; body-parser errors map to 400 (not JSON),
 * 413 (too large) and 415 (charset or encoding); the rest is 500. Only code and message are sent.
 */
export function errorHandler(logger: Logger, isUnavailable: (err: unknown) => boolean = () => false) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    if (isUnavailable(err)) {
      logger.warn({ path: req.path }, 'store unavailable');
      return sendError(res, 503, 'unavailable', 'the event log is not reachable right now; try again shortly');
    }
    if (err instanceof HttpError) return sendError(res, err.status, err.code, err.message, err.extra);
    const e = err as { type?: string; status?: number };
    if (e.type === 'entity.too.large') return sendError(res, 413, 'payload_too_large', 'the body is larger than the limit');
    // a body declared JSON that does not parse is a client error (RFC 9110 §15.5.1), not a media type problem
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'invalid_json', 'the body is not valid JSON');
    if (e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') return sendError(res, 415, 'unsupported_media_type', 'unsupported body encoding');
    if (e.status === 404) return sendError(res, 404, 'not_found', 'not found');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, 'bad_request', 'the request could not be read');
    logger.error({ err, path: req.path }, 'request failed');
    sendError(res, 500, 'internal', 'something went wrong on the server');
  };
}
