/**
 * Erlang C (server/core/erlang.ts) against published figures, a log-space computation done another
 * way, large traffic, the search's boundaries and random inputs:
 * - Pw, service level and ASA of the standard worked example, and the staffing it leads to;
 * - entries of a printed Erlang C table;
 * - finite results in (0, 1) at 1500 and 2000 Erlangs, quickly;
 * - Pw in [0, 1] and falling with agents, service level rising, the search's answer the first that
 *   meets the target (fast-check, seeded);
 * - exactly-at-target, no calls, caps and invalid inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asa, erlangC, MAX_AGENTS, requiredAgents, serviceLevel, trafficIntensity } from '../../server/core/erlang';

/** The smallest double above x (x ≥ 0). */
function nextUp(x: number): number {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x);
  buf.setBigUint64(0, buf.getBigUint64(0) + 1n);
  return buf.getFloat64(0);
}

/** Pw summed in log space from the Poisson terms A^k/k! (the textbook formula, without the recursion). */
function erlangCLogSpace(n: number, a: number): number {
  const logTerms: number[] = [0];
  for (let k = 1; k <= n; k++) logTerms.push(logTerms[k - 1]! + Math.log(a) - Math.log(k));
  const logTop = logTerms[n]! + Math.log(n / (n - a));
  const all = [...logTerms.slice(0, n), logTop];
  const max = Math.max(...all);
  const sum = all.reduce((s, l) => s + Math.exp(l - max), 0);
  return Math.exp(logTop - max) / sum;
}

describe('Erlang C against published figures', () => {
  // The worked example of Call Centre Helper's "Erlang C Formula – Made Simple With an Easy Worked
  // Example" (100 calls in 30 minutes, AHT 180 s: 10 Erlangs; 80 % answered within 20 s), as
  // computed and printed, 11 to 14 agents, by the CRAN package ErlangC 0.1.0 (README, `$process`):
  //   https://stat.ethz.ch/CRAN/web/packages/ErlangC/readme/README.html
  //   https://rdocumentation.org/packages/ErlangC/versions/0.1.0
  // The service level for 11 agents is 0.3896 (39.0 %), not 39.7 %: 1 − 0.6821182 · e^(−20/180).
  const example = { callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, targetSl: 0.8, targetSec: 20 };
  const published = [
    { agents: 11, pw: 0.6821182, sl: 0.3896138, asaSec: 122.78127684408 },
    { agents: 12, pw: 0.4493882, sl: 0.640158, asaSec: 40.4449401868444 },
    { agents: 13, pw: 0.2852705, sl: 0.7955948, asaSec: 17.1162271821896 },
    { agents: 14, pw: 0.1741319, sl: 0.88835002, asaSec: 7.83593701177724 },
  ];

  it('the example is 10 Erlangs', () => {
    expect(trafficIntensity(100, 1800, 180)).toBe(10);
  });

  it.each(published)('$agents agents: Pw $pw, service level $sl, ASA $asaSec s', ({ agents, pw, sl, asaSec }) => {
    expect(erlangC(agents, 10)).toBeCloseTo(pw, 7);
    expect(serviceLevel(agents, 10, 20, 180)).toBeCloseTo(sl, 6);
    expect(asa(agents, 10, 180)).toBeCloseTo(asaSec, 8);
  });

  it('the example needs 14 agents (13 give 79.6 %, 14 give 88.8 %)', () => {
    expect(requiredAgents(example)).toBe(14);
  });

  it('15 agents: Pw 0.102, service level 0.941 (pyworkforce, tests/test_erlang.py, same example)', () => {
    // https://github.com/rodrigo-arenas/pyworkforce — pyworkforce/queuing/tests/test_erlang.py
    expect(erlangC(15, 10)).toBeCloseTo(0.102, 3);
    expect(serviceLevel(15, 10, 20, 180)).toBeCloseTo(0.941, 3);
  });

  // Dunlop, Girma & Irvine, "Digital Mobile Communications and the TETRA System" (Wiley, 1999),
  // appendix A.4 "Erlang C table (for blocked-calls-queued)", p. 424, as scanned at
  //   https://www.scribd.com/document/831962299/TABLE-C  (also https://ro.scribd.com/document/325651828/Erlang-C-pdf)
  // Worked example: 8 channels at 5 % delayed carry A = 3.87 Erlangs; for 1 % or less, 10 channels
  // (A = 4.08 in the table); a queued call waits longer than the mean holding time T with
  // probability 0.016 on 8 channels and 0.0022 on 10 (at A = 3.87).
  it('Erlang C table: 8 channels, 3.87 Erlangs → 5 %; 10 channels, 4.08 Erlangs → 1 %', () => {
    // the table gives A to two decimals: ±0.005 Erlang moves Pw by less than 0.0004 here
    expect(erlangC(8, 3.87)).toBeCloseTo(0.05, 3);
    expect(erlangC(10, 4.08)).toBeCloseTo(0.01, 3);
  });

  it('Erlang C table: 1 % delayed at 3.87 Erlangs needs 10 channels', () => {
    // with a target time of 0 the service level is 1 − Pw: "99 % not delayed"
    const input = { callsPerInterval: 387, intervalSec: 3600, ahtSec: 36, targetSl: 0.99, targetSec: 0 };
    expect(trafficIntensity(387, 3600, 36)).toBeCloseTo(3.87, 12);
    expect(requiredAgents(input)).toBe(10);
    expect(erlangC(9, 3.87)).toBeGreaterThan(0.01);
  });

  it('Erlang C table: a queued call waits beyond T with probability 0.016 (8 channels) and 0.0022 (10)', () => {
    // P(wait > t | waits) = (1 − SL(t)) / Pw = e^(−(N − A)·t/T)
    const beyondT = (n: number) => (1 - serviceLevel(n, 3.87, 100, 100)) / erlangC(n, 3.87);
    expect(beyondT(8)).toBeCloseTo(0.016, 3);
    expect(beyondT(10)).toBeCloseTo(0.0022, 4);
  });
});

describe('Erlang C: numeric care', () => {
  it('agrees with the formula summed in log space (relative error < 1e-9)', () => {
    for (const a of [0.5, 3.87, 10, 47.3, 120, 480]) {
      for (const d of [1, 2, 5, 20, 60]) {
        const n = Math.floor(a) + d;
        const want = erlangCLogSpace(n, a);
        expect(Math.abs(erlangC(n, a) - want) / want).toBeLessThan(1e-9);
      }
    }
  });

  it.each([1500, 2000, 1999.5])('%d Erlangs: finite results in (0, 1), no NaN or Infinity', (a) => {
    for (const d of [1, 10, 50, 100, 200]) {
      const n = Math.floor(a) + d;
      const pw = erlangC(n, a);
      const sl = serviceLevel(n, a, 20, 180);
      const wait = asa(n, a, 180);
      expect(Number.isFinite(pw)).toBe(true);
      expect(pw).toBeGreaterThan(0);
      expect(pw).toBeLessThan(1);
      expect(Number.isFinite(sl)).toBe(true);
      expect(sl).toBeGreaterThan(0);
      // 200 agents over 1500 Erlangs: 1 − SL ≈ 5e-17, which is 1 in doubles
      if (d <= 100) expect(sl).toBeLessThan(1);
      else expect(sl).toBeLessThanOrEqual(1);
      expect(Number.isFinite(wait)).toBe(true);
      expect(wait).toBeGreaterThan(0);
    }
  });

  it('2000 Erlangs: the search is fast, lands above the traffic and meets the target', () => {
    // 20,000 calls in 30 minutes at 180 s: 2000 Erlangs
    const input = { callsPerInterval: 20_000, intervalSec: 1800, ahtSec: 180, targetSl: 0.8, targetSec: 20 };
    const t0 = performance.now();
    const n = requiredAgents(input);
    for (let i = 0; i < 20; i++) requiredAgents({ ...input, callsPerInterval: 15_000 + i * 250 });
    const ms = performance.now() - t0;
    expect(n).not.toBeNull();
    expect(n!).toBeGreaterThan(2000);
    expect(n!).toBeLessThan(2100);
    expect(serviceLevel(n!, 2000, 20, 180)).toBeGreaterThanOrEqual(0.8);
    expect(serviceLevel(n! - 1, 2000, 20, 180)).toBeLessThan(0.8);
    // 21 searches of ~2000 steps each; O(N²) would be ~40 million steps
    expect(ms).toBeLessThan(200);
  });

  it('far more agents than traffic: Pw underflows towards 0, never NaN', () => {
    expect(erlangC(10_000, 1)).toBe(0);
    expect(serviceLevel(10_000, 1, 20, 180)).toBe(1);
    expect(asa(10_000, 1, 180)).toBe(0);
  });
});

describe('Erlang C: properties', () => {
  const traffic = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 300, noNaN: true }), fc.integer({ min: 1, max: 300 }));

  it('Pw is in [0, 1] and falls as agents are added; the service level rises', () => {
    fc.assert(
      fc.property(traffic, fc.integer({ min: 0, max: 400 }), fc.double({ min: 0, max: 600, noNaN: true }), fc.double({ min: 1, max: 1200, noNaN: true }), (a, n, t, aht) => {
        const pw = erlangC(n, a);
        const pwNext = erlangC(n + 1, a);
        expect(pw).toBeGreaterThanOrEqual(0);
        expect(pw).toBeLessThanOrEqual(1);
        expect(pwNext).toBeLessThanOrEqual(pw);
        if (a > 0 && n + 1 > a && pw > 1e-300) expect(pwNext).toBeLessThan(pw);
        if (a > 0 && n <= a) expect(pw).toBe(1);
        if (a === 0) expect(pw).toBe(0);
        const sl = serviceLevel(n, a, t, aht);
        expect(sl).toBeGreaterThanOrEqual(0);
        expect(sl).toBeLessThanOrEqual(1);
        expect(serviceLevel(n + 1, a, t, aht)).toBeGreaterThanOrEqual(sl);
      }),
      { seed: 12, numRuns: 400 },
    );
  });

  it('the required agents are above the traffic, meet the target, and one fewer does not', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.constantFrom(900, 1800, 3600),
        fc.double({ min: 1, max: 600, noNaN: true }),
        fc.double({ min: 0.01, max: 0.999, noNaN: true }),
        fc.integer({ min: 0, max: 120 }),
        (calls, intervalSec, ahtSec, targetSl, targetSec) => {
          const n = requiredAgents({ callsPerInterval: calls, intervalSec, ahtSec, targetSl, targetSec });
          const a = trafficIntensity(calls, intervalSec, ahtSec);
          expect(n).not.toBeNull();
          expect(n!).toBeGreaterThanOrEqual(Math.ceil(a));
          expect(n!).toBeGreaterThan(a);
          expect(serviceLevel(n!, a, targetSec, ahtSec)).toBeGreaterThanOrEqual(targetSl);
          expect(serviceLevel(n! - 1, a, targetSec, ahtSec)).toBeLessThan(targetSl);
        },
      ),
      { seed: 1212, numRuns: 300 },
    );
  });
});

describe('Erlang C: boundaries', () => {
  const example = { callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, targetSl: 0.8, targetSec: 20 };

  it('a target equal to the service level to the bit is met; the next double above is not', () => {
    const sl14 = serviceLevel(14, 10, 20, 180);
    expect(requiredAgents({ ...example, targetSl: sl14 })).toBe(14);
    expect(requiredAgents({ ...example, targetSl: nextUp(sl14) })).toBe(15);
    const sl13 = serviceLevel(13, 10, 20, 180);
    expect(requiredAgents({ ...example, targetSl: sl13 })).toBe(13);
    expect(requiredAgents({ ...example, targetSl: nextUp(sl13) })).toBe(14);
  });

  it('exactly integral traffic: the search starts at A + 1, never at A', () => {
    expect(erlangC(10, 10)).toBe(1);
    expect(serviceLevel(10, 10, 20, 180)).toBe(0);
    expect(asa(10, 10, 180)).toBe(Infinity);
    // a target of 0 is met by the first stable count
    expect(requiredAgents({ ...example, targetSl: 0 })).toBe(11);
    expect(requiredAgents({ ...example, callsPerInterval: 101, targetSl: 0 })).toBe(11); // 10.1 Erlangs
  });

  it('no traffic: nobody waits', () => {
    expect(erlangC(0, 0)).toBe(0);
    expect(erlangC(5, 0)).toBe(0);
    expect(serviceLevel(0, 0, 20, 180)).toBe(1);
    expect(asa(0, 0, 180)).toBe(0);
    expect(requiredAgents({ ...example, callsPerInterval: 0 })).toBe(0);
    // no calls: whatever the AHT
    expect(requiredAgents({ ...example, callsPerInterval: 0, ahtSec: 0 })).toBe(0);
    expect(requiredAgents({ ...example, callsPerInterval: 0, ahtSec: -5 })).toBe(0);
  });

  it('a single call needs one agent', () => {
    expect(requiredAgents({ ...example, callsPerInterval: 1 })).toBe(1);
  });

  it('unusable inputs give null: AHT ≤ 0 with calls, a 100 % target, more agents than the cap', () => {
    expect(requiredAgents({ ...example, ahtSec: 0 })).toBeNull();
    expect(requiredAgents({ ...example, ahtSec: -180 })).toBeNull();
    expect(requiredAgents({ ...example, targetSl: 1 })).toBeNull();
    expect(requiredAgents({ ...example, maxAgents: 13 })).toBeNull();
    expect(requiredAgents({ ...example, maxAgents: 14 })).toBe(14);
    expect(requiredAgents({ ...example, maxAgents: 10 })).toBeNull(); // the first stable count is already past the cap
    // 200,000 calls in 30 minutes at 180 s: 20,000 Erlangs, past the default cap
    expect(MAX_AGENTS).toBe(10_000);
    expect(requiredAgents({ ...example, callsPerInterval: 200_000 })).toBeNull();
    expect(requiredAgents({ ...example, callsPerInterval: 200_000, maxAgents: 20_200 })).toBeGreaterThan(20_000);
  });

  it.each([
    ['negative agents', () => erlangC(-1, 5)],
    ['fractional agents', () => erlangC(2.5, 1)],
    ['NaN agents', () => erlangC(Number.NaN, 1)],
    ['infinite agents', () => erlangC(Infinity, 1)],
    ['negative traffic', () => erlangC(3, -1)],
    ['NaN traffic', () => erlangC(3, Number.NaN)],
    ['infinite traffic', () => erlangC(3, Infinity)],
    ['service level: negative target time', () => serviceLevel(12, 10, -1, 180)],
    ['service level: AHT 0', () => serviceLevel(12, 10, 20, 0)],
    ['service level: NaN AHT', () => serviceLevel(12, 10, 20, Number.NaN)],
    ['service level: fractional agents', () => serviceLevel(11.5, 10, 20, 180)],
    ['ASA: negative AHT', () => asa(12, 10, -180)],
    ['ASA: negative traffic', () => asa(12, -10, 180)],
    ['required: negative calls', () => requiredAgents({ callsPerInterval: -1, intervalSec: 1800, ahtSec: 180, targetSl: 0.8, targetSec: 20 })],
    ['required: NaN calls', () => requiredAgents({ callsPerInterval: Number.NaN, intervalSec: 1800, ahtSec: 180, targetSl: 0.8, targetSec: 20 })],
    ['required: interval 0', () => requiredAgents({ callsPerInterval: 100, intervalSec: 0, ahtSec: 180, targetSl: 0.8, targetSec: 20 })],
    ['required: NaN AHT', () => requiredAgents({ callsPerInterval: 100, intervalSec: 1800, ahtSec: Number.NaN, targetSl: 0.8, targetSec: 20 })],
    ['required: target 1.5', () => requiredAgents({ callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, targetSl: 1.5, targetSec: 20 })],
    ['required: target −0.1', () => requiredAgents({ callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, targetSl: -0.1, targetSec: 20 })],
    ['required: NaN target', () => requiredAgents({ callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, targetSl: Number.NaN, targetSec: 20 })],
    ['required: negative target time', () => requiredAgents({ callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, targetSl: 0.8, targetSec: -20 })],
    ['required: fractional cap', () => requiredAgents({ callsPerInterval: 100, intervalSec: 1800, ahtSec: 180, targetSl: 0.8, targetSec: 20, maxAgents: 14.5 })],
  ])('%s throws a RangeError', (_name, call) => {
    expect(call).toThrow(RangeError);
  });
});
