/**
 * Feed health, as the telephony adapters report it: every 10 s an adapter writes
 * `<prefix>feeds:<name>` = `{"name","connected","since","lastEventAt","pbx"}` with a 30 s expiry,
 * or, without Redis access, `PUT /api/v1/feeds/:name` with the ingest token and the server writes the
 * key on its behalf. These schemas check both: the HTTP body and a key's value read back.
 * Unknown extra fields are accepted and stripped, as in the event contract.
 */
import { z } from 'zod';
import { INVISIBLE_CHARS, stripInvisible } from './events';

/** How long a health report lasts: a feed that stops reporting is down after this. */
export const FEED_TTL_MS = 30_000;
/** How often a node reads the feed keys. */
export const FEED_POLL_MS = 5_000;
export const MAX_FEED_NAME = 64;

/** A feed's name (ADAPTER_NAME): 1–64 characters, none of them invisible or reordering. */
export const feedNameSchema = z
  .string()
  .min(1)
  .max(MAX_FEED_NAME)
  .refine((v) => !INVISIBLE_CHARS.test(v), { message: 'must not contain control, zero-width or bidirectional-override characters' });

const ms = z.number().int().nonnegative().max(8.64e15);

/** What an adapter reports: the body of `PUT /api/v1/feeds/:name`, and a key's value without its name. */
export const feedReportSchema = z.object({
  connected: z.boolean(),
  since: ms,
  lastEventAt: ms.nullable(),
  /** the PBX's own name and version ("Asterisk Call Manager/9.0.0"); null or absent while unknown */
  pbx: z
    .string()
    .max(200)
    .transform((v) => stripInvisible(v).trim() || null)
    .nullable()
    .optional()
    .transform((v) => v ?? null),
});

export type FeedReport = z.output<typeof feedReportSchema>;
