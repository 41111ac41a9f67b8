import { defineConfig } from 'vitest/config';
import SummaryReporter from './tests/helpers/summary-reporter.ts';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    reporters: ['default', new SummaryReporter()],
    globalSetup: ['tests/global-setup.ts', 'tests/e2e/global-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
