/**
 * JSON request bodies with a nesting limit. `express.json` parses any depth, and a body nested a few
 * thousand levels deep then overflows the stack of whatever walks it next (JSON.stringify on the way
 * to the log), which would be a 500. This reads the body as text with the same size limit, charset
 * rule and empty-body reading as `express.json`, then parses it with `parseJson`, which measures the
 * depth on the text first. Text that is not JSON, or nests deeper than MAX_JSON_DEPTH, is
 * `400 invalid_json` (RFC 9110 §15.5.1); a body not declared JSON is left unread (`req.body`
 * undefined), as `express.json` leaves it.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { IncomingMessage } from 'node:http';
import { MAX_JSON_DEPTH, parseJson } from '../../../shared/json';
import { HttpError } from './errors';

export interface JsonBodyOptions {
  /** largest body, as body-parser reads it ('64kb', '1mb'); over it: 413 */
  limit: string | number;
  /** which requests are read: a content type (default `application/json`) or a predicate */
  type?: string | ((req: IncomingMessage) => boolean);
  /** only an object or an array at the top (express.json's default); false accepts any JSON value */
  strict?: boolean;
  maxDepth?: number;
}

/** The charset parameter of the Content-Type, lower case, or null. */
export function charsetOf(req: Request): string | null {
  const m = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(req.get('content-type') ?? '');
  return m ? m[1]!.toLowerCase() : null;
}

/** Middleware in place of `express.json`: `r.post(path, jsonBody({ limit: '64kb' }), handler)`. */
export function jsonBody(o: JsonBodyOptions): RequestHandler {
  const strict = o.strict !== false;
  const maxDepth = o.maxDepth ?? MAX_JSON_DEPTH;
  const read = express.text({ limit: o.limit, type: o.type ?? 'application/json', defaultCharset: 'utf-8' });
  const parse = (req: Request, _res: Response, next: NextFunction): void => {
    const text: unknown = req.body;
    // not read: no body, or not declared JSON
    if (typeof text !== 'string') return next();
    // JSON is UTF-8 (RFC 8259 §8.1); express.json refuses other charsets the same way
    const charset = charsetOf(req);
    if (charset !== null && !charset.startsWith('utf-')) {
      return next(new HttpError(415, 'unsupported_media_type', `unsupported charset "${charset}"; send UTF-8`));
    }
    // an empty body is read as {}, as express.json reads it (a common client-side habit)
    if (text.length === 0) {
      req.body = {};
      return next();
    }
    const p = parseJson(text, maxDepth);
    if (!p.ok) {
      const message = p.error === 'too_deep' ? `the body nests arrays/objects deeper than ${maxDepth} levels` : `the body is ${p.message}`;
      return next(new HttpError(400, 'invalid_json', message));
    }
    if (strict && (typeof p.value !== 'object' || p.value === null)) {
      return next(new HttpError(400, 'invalid_json', 'the body must be a JSON object or array'));
    }
    req.body = p.value;
    next();
  };
  return (req, res, next) => read(req, res, (err?: unknown) => (err ? next(err) : parse(req, res, next)));
}
