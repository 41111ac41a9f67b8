/**
 * hotline_reader_lag_seconds (docs/metrics.md, "Prometheus"): 0 when the reader holds every entry
 * of the log, else now − the time of the last applied entry; behind, too, when the log cannot be read.
 */
import { describe, expect, it } from 'vitest';
import { readerLagSeconds } from '../../server/metrics';

const NOW = 1_764_400_000_000;
const at = (msAgo: number, seq = 0) => `${NOW - msAgo}-${seq}`;

describe('readerLagSeconds', () => {
  it('is 0 when the cursor is at the newest entry, however long ago that was (a quiet night)', async () => {
    expect(await readerLagSeconds({ cursor: at(6 * 3_600_000), connected: true }, async () => at(6 * 3_600_000), NOW)).toBe(0);
    expect(await readerLagSeconds({ cursor: '0-0', connected: true }, async () => '0-0', NOW)).toBe(0);
  });

  it('is now − the time of the last applied entry while entries wait', async () => {
    expect(await readerLagSeconds({ cursor: at(45_000), connected: true }, async () => at(1_000), NOW)).toBe(45);
    // the same millisecond, a later sequence number: behind by the time of that millisecond
    expect(await readerLagSeconds({ cursor: at(2_500, 0), connected: true }, async () => at(2_500, 1), NOW)).toBe(2.5);
  });

  it('counts the reader behind when the log cannot be read (it cannot tell what it misses)', async () => {
    let asked = false;
    expect(await readerLagSeconds({ cursor: at(90_000), connected: false }, async () => ((asked = true), at(90_000)), NOW)).toBe(90);
    expect(asked).toBe(false);
    expect(
      await readerLagSeconds({ cursor: at(30_000), connected: true }, async () => {
        throw new Error('redis: gone');
      }, NOW),
    ).toBe(30);
  });

  it('is never negative (a Redis clock ahead of this node)', async () => {
    expect(await readerLagSeconds({ cursor: `${NOW + 5_000}-0`, connected: true }, async () => `${NOW + 9_000}-0`, NOW)).toBe(0);
  });
});
