/** Calendar arithmetic in any IANA zone: days, 30-minute buckets and shifts, including DST days. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildConfig } from '../../shared/config';
import { intervalStart, intervalStarts, localParts, shiftAt, shiftBoundaries, startOfDay, zonedEpoch } from '../../shared/time';

const iso = (ms: number) => new Date(ms).toISOString();

describe('days and intervals', () => {
  it('Asia/Shanghai: midnight is 16:00 UTC the day before; 48 buckets by the end of the day', () => {
    const t = Date.UTC(2026, 10, 29, 15, 59, 59); // 23:59:59 local
    expect(iso(startOfDay(t, 'Asia/Shanghai'))).toBe('2026-11-28T16:00:00.000Z');
    expect(intervalStarts(t, 'Asia/Shanghai')).toHaveLength(48);
    expect(iso(intervalStart(t, 'Asia/Shanghai'))).toBe('2026-11-29T15:30:00.000Z');
  });

  it('a bucket starts exactly at its boundary', () => {
    const t = Date.UTC(2026, 10, 29, 1, 30); // 09:30:00 local
    expect(intervalStart(t, 'Asia/Shanghai')).toBe(t);
    expect(intervalStart(t - 1, 'Asia/Shanghai')).toBe(t - 30 * 60_000);
  });

  it('Asia/Kathmandu (UTC+5:45): buckets follow the local wall clock', () => {
    const t = Date.UTC(2026, 10, 29, 4, 20); // 10:05 local
    expect(iso(intervalStart(t, 'Asia/Kathmandu'))).toBe('2026-11-29T04:15:00.000Z'); // 10:00 local
    expect(iso(startOfDay(t, 'Asia/Kathmandu'))).toBe('2026-11-28T18:15:00.000Z');
  });

  it('America/New_York, spring forward: a 23-hour day has 46 buckets', () => {
    const end = Date.UTC(2026, 2, 9, 3, 59); // 2026-03-08 23:59 EDT
    const starts = intervalStarts(end, 'America/New_York');
    expect(starts).toHaveLength(46);
    expect(iso(starts[0]!)).toBe('2026-03-08T05:00:00.000Z');
    // 02:00–02:59 does not exist on that wall clock: the bucket after 01:30 EST starts at 03:00 EDT
    expect(iso(starts[4]!)).toBe('2026-03-08T07:00:00.000Z');
  });

  it('America/New_York, fall back: the repeated hour joins its first bucket, the day still starts at midnight', () => {
    const end = Date.UTC(2026, 10, 2, 4, 59); // 2026-11-01 23:59 EST
    const starts = intervalStarts(end, 'America/New_York');
    expect(starts).toHaveLength(48);
    expect(iso(startOfDay(end, 'America/New_York'))).toBe('2026-11-01T04:00:00.000Z');
    // 01:15 EST (the second 01:15) belongs to the 01:00 bucket (the first one)
    expect(iso(intervalStart(Date.UTC(2026, 10, 1, 6, 15), 'America/New_York'))).toBe('2026-11-01T05:00:00.000Z');
  });

  it('zonedEpoch in a DST gap takes the later instant', () => {
    expect(iso(zonedEpoch(2026, 3, 8, 150, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
  });
});

describe('shifts', () => {
  const heze = buildConfig({}, 'Asia/Shanghai');
  it.each([
    [Date.UTC(2026, 10, 28, 16, 0), '夜班', '2026-11-28T16:00:00.000Z', '2026-11-29T00:00:00.000Z'], // 00:00 exactly
    [Date.UTC(2026, 10, 28, 23, 59, 59), '夜班', '2026-11-28T16:00:00.000Z', '2026-11-29T00:00:00.000Z'],
    [Date.UTC(2026, 10, 29, 0, 0), '早班', '2026-11-29T00:00:00.000Z', '2026-11-29T08:00:00.000Z'], // 08:00 exactly
    [Date.UTC(2026, 10, 29, 15, 59), '中班', '2026-11-29T08:00:00.000Z', '2026-11-29T16:00:00.000Z'], // 23:59
  ])('at %s the shift is %s', (t, name, start, end) => {
    const s = shiftAt(t, heze);
    expect([s.name, iso(s.start), iso(s.end)]).toEqual([name, start, end]);
  });

  it('shifts that wrap past midnight (白班 08:00, 夜班 20:00)', () => {
    const cfg = buildConfig({ shifts: [{ name: '夜班', start: '20:00' }, { name: '白班', start: '08:00' }] }, 'Asia/Shanghai');
    const s = shiftAt(Date.UTC(2026, 10, 28, 18, 0), cfg); // 02:00 local
    expect([s.name, iso(s.start), iso(s.end)]).toEqual(['夜班', '2026-11-28T12:00:00.000Z', '2026-11-29T00:00:00.000Z']);
    expect(cfg.shifts.map((x) => x.name)).toEqual(['白班', '夜班']); // sorted by start
  });

  it('a single 24-hour shift', () => {
    const cfg = buildConfig({ shifts: [{ name: '全天', start: '06:00' }] }, 'Asia/Shanghai');
    const s = shiftAt(Date.UTC(2026, 10, 29, 20, 0), cfg); // 04:00 local next day
    expect([s.name, iso(s.start), iso(s.end)]).toEqual(['全天', '2026-11-28T22:00:00.000Z', '2026-11-29T22:00:00.000Z']);
  });

  it('boundaries within a range', () => {
    expect(shiftBoundaries(Date.UTC(2026, 10, 28, 15, 0), Date.UTC(2026, 10, 29, 1, 0), heze).map(iso)).toEqual(['2026-11-28T16:00:00.000Z', '2026-11-29T00:00:00.000Z']);
  });

  it('a shift across a DST change lasts its wall-clock span', () => {
    const ny = buildConfig({}, 'America/New_York');
    const s = shiftAt(Date.UTC(2026, 2, 8, 8, 0), ny); // 04:00 EDT, in 夜班 00:00–08:00 (7 real hours)
    expect([s.name, (s.end - s.start) / 3_600_000]).toEqual(['夜班', 7]);
  });
});

describe('wall-clock fields from the cached quarter-hour offset', () => {
  const zones = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'America/St_Johns', 'Pacific/Chatham'];
  const formats = new Map(
    zones.map((tz) => [tz, new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' })]),
  );
  const intl = (ms: number, tz: string) => {
    const f = formats.get(tz)!;
    const o = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    return [Number(o.year), Number(o.month), Number(o.day), Number(o.hour), Number(o.minute), Number(o.second)];
  };
  it('agree with Intl at random instants of 2020–2030 in zones with DST, half-hour and 45-minute offsets', () => {
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), (tz, ms) => {
        const p = localParts(ms, tz);
        expect([p.year, p.month, p.day, p.hour, p.minute, p.second]).toEqual(intl(ms, tz));
      }),
      { seed: 15, numRuns: 3000 },
    );
  });
  it('agree with Intl a second either side of every transition of 2026', () => {
    const offsetOf = (ms: number, tz: string) => {
      const [y, mo, d, h, mi, sec] = intl(ms, tz) as [number, number, number, number, number, number];
      return Date.UTC(y, mo - 1, d, h, mi, sec) - ms;
    };
    let transitions = 0;
    for (const tz of zones) {
      for (let h = Date.UTC(2026, 0, 1); h < Date.UTC(2027, 0, 1); h += 3_600_000) {
        if (offsetOf(h, tz) === offsetOf(h + 3_600_000, tz)) continue;
        transitions++;
        for (let q = h; q <= h + 3_600_000; q += 15 * 60_000) {
          for (const at of [q - 1000, q, q + 1000]) {
            const p = localParts(at, tz);
            expect([p.year, p.month, p.day, p.hour, p.minute, p.second]).toEqual(intl(at, tz));
          }
        }
      }
    }
    expect(transitions).toBe(10); // two a year in New York, London, Lord Howe, St John's and Chatham
  }, 60_000);
});
