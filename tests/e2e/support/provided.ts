/** What the browser tests' global setup (tests/e2e/global-setup.ts) hands to every test file. */
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** this run's private copy of the built client, or '' when dist/client is not built */
    clientDir: string;
  }
}
