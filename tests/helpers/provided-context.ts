/** Values the global setup hands to every test file through `inject`. */
import type {} from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the throwaway redis-server started for this run */
    redisUrl: string;
  }
}
