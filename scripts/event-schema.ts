/** The JSON Schema of the v1 events, generated from the zod schemas (for integrators in other languages). */
import { z } from 'zod';
import { hotlineEvent } from '../shared/events';

export const SCHEMA_PATH = new URL('../docs/events.schema.json', import.meta.url);

export function eventJsonSchema(): string {
  const schema = z.toJSONSchema(hotlineEvent, { target: 'draft-2020-12', io: 'input' });
  const doc = {
    $id: 'https://hotline-wallboard.local/schemas/events-v1.json',
    title: '12319 hotline wallboard event, version 1',
    description: 'One event of the ingest contract (docs/events.md). Unknown extra fields are allowed and ignored.',
    ...schema,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}
