/**
 * Ends the run with one plain line, `N passed, N failed` (", N skipped" when any), which CI and
 * people read at a glance whatever the default reporter printed above it.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const count = { passed: 0, failed: 0, skipped: 0 };
    for (const m of modules) {
      for (const test of m.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') count.passed++;
        else if (state === 'failed') count.failed++;
        else count.skipped++;
      }
      // a file that failed to load counts as a failure, not as zero tests
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) count.failed++;
    }
    const line = `${count.passed} passed, ${count.failed} failed${count.skipped ? `, ${count.skipped} skipped` : ''}`;
    process.stdout.write(`\n${line}\n`);
  }
}
