/** `npm run schema`: writes docs/events.schema.json from the zod schemas. */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { eventJsonSchema, SCHEMA_PATH } from './event-schema';

writeFileSync(SCHEMA_PATH, eventJsonSchema());
console.log(`wrote ${fileURLToPath(SCHEMA_PATH)}`);
