import { fileURLToPath } from 'node:url';

/** Where `npm run build` puts the client. */
export const CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));
