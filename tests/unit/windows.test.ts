/**
 * The running totals against a full recomputation. Property: over random streams (answers,
 * abandons, transfers, wrap-ups, late and out-of-order events, across midnight and shift changes,
 * with a restart from the stored state halfway), today's, the shift's and every interval's figures
 * and the waiting-calls history equal what one pass over every call gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { hotlineEvent, type HotlineEvent } from '../../shared/events';
import type { Snapshot } from '../../shared/snapshot';
import { derive } from '../../server/core/derive';
import { Reducer } from '../../server/core/reduce';
import { decodeState, encodeState } from '../../server/core/state';
import { referenceWindows } from '../helpers/reference-windows';
import { sh } from '../helpers/events';

const config = defaultConfig();

const agentArb = fc.constantFrom('1001', '1002', '1003', '1004');
const callArb = fc.integer({ min: 0, max: 150 }).map((n) => `c${n}`);
const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('call.queued'), callId: callArb, queue: fc.constantFrom('general', 'specialist'), caller: fc.constant('13812345678') }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom('call.ringing', 'call.answered', 'call.rona'), callId: callArb, agentId: agentArb }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom('call.ended', 'call.abandoned'), callId: callArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('call.transferred'), callId: callArb, agentId: agentArb, queue: fc.constant('specialist') }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constantFrom('agent.ready', 'agent.busy', 'agent.signin', 'agent.signout'), agentId: agentArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ticket.created'), ticketId: callArb, category: fc.constantFrom('sanitation', 'gas_heating'), kind: fc.constant('complaint') }) },
);
/** [event, gap since the previous one (ms), how far its ts lies before its position (skew, ms)] */
const streamArb = fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 240_000 }), fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40_000 }))), {
  minLength: 1,
  maxLength: 300,
});

/** Floats summed in another order differ in the last bits: compare to 9 decimals. */
function rounded<T>(v: T): T {
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isInteger(x) ? Math.round(x * 1e9) / 1e9 : x)));
}

function windowsOf(s: Snapshot) {
  const { name: _n, start: _s, end: _e, ...shift } = s.shift;
  return rounded({ today: s.today, shift, intervals: s.intervals, waitingHistory: s.waitingHistory, categories: s.categories });
}

describe('running totals', () => {
  it('equal a full recomputation over every call, before and after a restart from the stored state', () => {
    fc.assert(
      fc.property(streamArb, fc.integer({ min: 0, max: 299 }), (stream, restartAt) => {
        let reducer = new Reducer(config);
        let now = sh(2026, 11, 28, 19, 30); // evening: crosses the 00:00 and 08:00 shift changes
        const tickets = new Map<string, { ts: number; category: string }>();
        const check = (at: number) => {
          const got = windowsOf(derive(reducer.state, at, config, 'x'));
          const ref = referenceWindows(reducer.state, at, config);
          const day = derive(reducer.state, at, config, 'x');
          const categories = { ...day.categories };
          for (const k of Object.keys(categories)) categories[k as keyof typeof categories] = 0;
          const dayStart = day.intervals[0]!.start; // local midnight (Shanghai has no DST)
          for (const t of tickets.values()) if (t.ts >= dayStart && t.ts < dayStart + 86_400_000) categories[t.category as keyof typeof categories]++;
          expect(got).toEqual(rounded({ today: ref.today, shift: ref.shift, intervals: ref.intervals, waitingHistory: ref.waitingHistory, categories }));
        };
        stream.forEach(([fields, gap, skew], i) => {
          now += gap;
          const e = hotlineEvent.parse({ v: 1, id: `e${i}`, ts: now - skew, ...fields }) as HotlineEvent;
          if (e.type === 'ticket.created' && !tickets.has(e.ticketId)) tickets.set(e.ticketId, { ts: e.ts, category: e.category });
          reducer.apply(e, `${now}-${i}`);
          if (i % 20 === 0) check(now);
          if (i === restartAt) {
            check(now);
            reducer = new Reducer(config, decodeState(encodeState(reducer.state), config)!);
          }
        });
        check(now);
        check(now + 30 * 60_000);
      }),
      { seed: 9, numRuns: 200 },
    );
  });

  it('a day of 20,000 calls keeps a handful of totals, not the calls, for its windows', () => {
    const r = new Reducer(config);
    const t0 = sh(2026, 11, 29, 0, 0);
    for (let i = 0; i < 20_000; i++) {
      const ts = t0 + i * 4000;
      r.apply(hotlineEvent.parse({ v: 1, id: `q${i}`, type: 'call.queued', ts, callId: `k${i}` }) as HotlineEvent, `${ts}-0`);
      r.apply(hotlineEvent.parse({ v: 1, id: `a${i}`, type: 'call.answered', ts: ts + 3000, callId: `k${i}`, agentId: '1001' }) as HotlineEvent, `${ts + 3000}-0`);
      r.apply(hotlineEvent.parse({ v: 1, id: `e${i}`, type: 'call.ended', ts: ts + 3500, callId: `k${i}` }) as HotlineEvent, `${ts + 3500}-0`);
    }
    expect(r.state.windows.days.size).toBe(1);
    expect(r.state.windows.intervals.size).toBe(45); // 20,000 × 4 s ≈ 22.2 h
    expect(r.state.waiting.size).toBe(0);
    const s = derive(r.state, t0 + 20_000 * 4000, config, 'x');
    expect(s.today).toMatchObject({ offered: 20_000, answered: 20_000, answeredInSL: 20_000, asaSec: 3, avgTalkSec: 0.5 });
  });
});
