/**
 * The daily archive records (server/core/archive.ts) over random multi-day streams:
 * - they are a pure function of the stream: a node restarted from the stored state at any point
 *   finalises and reads exactly the same records as one that never stopped;
 * - pruning changes no record: a day leaves the state as the record it read as, the others stay;
 * - every record is internally consistent (time in states adds up, reasons add up to busy time).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import { hotlineEvent, type HotlineEvent } from '../../shared/events';
import { endOfDay } from '../../shared/time';
import { dayArchive, daysHeld, holdsWholeDay, type DayArchive } from '../../server/core/archive';
import { Reducer } from '../../server/core/reduce';
import { decodeState, encodeState } from '../../server/core/state';
import { sh } from '../helpers/events';

const config = defaultConfig();
const HOUR = 3_600_000;

const agentArb = fc.constantFrom('1001', '1002', '1003');
const callArb = fc.integer({ min: 0, max: 400 }).map((n) => `c${n}`);
const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ type: fc.constant('call.queued'), callId: callArb, queue: fc.constant('general'), caller: fc.constant('13812345678') }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom('call.answered', 'call.rona'), callId: callArb, agentId: agentArb }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom('call.ended', 'call.abandoned'), callId: callArb }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('callback.completed'), callId: callArb, agentId: agentArb, reached: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ type: fc.constantFrom('agent.login', 'agent.ready', 'agent.signin', 'agent.signout', 'agent.logout'), agentId: agentArb }) },
  { weight: 2, arbitrary: fc.record({ type: fc.constant('agent.busy'), agentId: agentArb, reason: fc.constantFrom('meal', 'training', undefined) }).map((r) => (r.reason === undefined ? { type: r.type, agentId: r.agentId } : r)) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('incident.raised'), incidentId: callArb, title: fc.constant('燃气泄漏'), severity: fc.constantFrom('urgent', 'major') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('incident.acknowledged'), incidentId: callArb, by: fc.constant('lead1'), role: fc.constant('lead') }) },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('ticket.created'), ticketId: callArb, category: fc.constantFrom('sanitation', 'gas_heating'), kind: fc.constant('complaint') }) },
);
/** [event, gap since the previous one (ms)]: about a day every 16 events, so streams span one to two weeks and days leave the state */
const streamArb = fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 3 * HOUR })), { minLength: 150, maxLength: 260, size: 'max' });

function toEvents(stream: [Record<string, unknown>, number][]): { e: HotlineEvent; at: number }[] {
  let now = sh(2026, 11, 10, 21, 0);
  return stream.map(([fields, gap], i) => {
    now += gap;
    return { e: hotlineEvent.parse({ v: 1, id: `e${i}`, ts: now, ...fields }) as HotlineEvent, at: now };
  });
}

/** Every record the reducer can give now: those it finalised, and those of the days it holds whole (read at `now`). */
function held(r: Reducer, now: number): Map<string, DayArchive> {
  const out = new Map<string, DayArchive>();
  for (const d of daysHeld(r.state, config.timeZone)) if (holdsWholeDay(r.state, d)) out.set(String(d), dayArchive(r.state, d, now, config));
  return out;
}

describe('daily archive records', () => {
  it('are the same for a node restarted from its stored state at any point', () => {
    let finalised = 0;
    fc.assert(
      fc.property(streamArb, fc.nat(), (stream, k) => {
        const events = toEvents(stream);
        const restartAt = k % events.length;
        const a = new Reducer(config);
        let b = new Reducer(config);
        const finalA: DayArchive[] = [];
        const finalB: DayArchive[] = [];
        events.forEach(({ e, at }, i) => {
          a.apply(e, `${at}-${i}`);
          b.apply(e, `${at}-${i}`);
          finalA.push(...a.takeFinalized());
          finalB.push(...b.takeFinalized());
          if (i === restartAt) b = new Reducer(config, decodeState(encodeState(b.state), config)!);
        });
        const end = events.at(-1)!.at;
        expect(finalB).toEqual(finalA);
        expect(held(b, end)).toEqual(held(a, end));
        finalised += finalA.length;
      }),
      { seed: 11, numRuns: 150 },
    );
    // (the streams are long enough for days to leave the state and be finalised)
    expect(finalised).toBeGreaterThan(50);
  });

  it('are not changed by pruning: a day leaves as the record it was, the days kept read the same', () => {
    let pruned = 0;
    fc.assert(
      fc.property(streamArb, (stream) => {
        const events = toEvents(stream);
        const r = new Reducer(config);
        let prev = events[0]!.at;
        events.forEach(({ e, at }, i) => {
          const readAt = prev;
          const before = held(r, readAt);
          // an agent in wrap-up ends it with its next event: the leg's day (maybe an old one) changes
          const agentId = (e as { agentId?: string }).agentId;
          const wrapping = agentId !== undefined && !!r.state.agents.get(agentId)?.wrapCallId;
          r.apply(e, `${at}-${i}`);
          prev = at;
          const finalised = r.takeFinalized();
          pruned += finalised.length;
          // an event about a call or a callback may concern an old day itself, and so may the end of a wrap-up
          if (e.type.startsWith('call') || e.type.startsWith('callback') || wrapping) return;
          for (const f of finalised) expect(f).toEqual(before.get(String(f.start)));
          const after = held(r, at);
          for (const [d, rec] of after) if (endOfDay(Number(d), config.timeZone) <= readAt) expect(rec).toEqual(before.get(d));
        });
      }),
      { seed: 12, numRuns: 60 },
    );
    expect(pruned).toBeGreaterThan(20);
  });

  it('add up: state times, busy reasons, legs and calls', () => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        const events = toEvents(stream);
        const r = new Reducer(config);
        const records: DayArchive[] = [];
        events.forEach(({ e, at }, i) => {
          r.apply(e, `${at}-${i}`);
          records.push(...r.takeFinalized());
        });
        records.push(...held(r, events.at(-1)!.at).values());
        for (const day of records) {
          const length = endOfDay(day.start, config.timeZone) - day.start;
          expect(day.window.answered + day.window.abandoned).toBeLessThanOrEqual(day.window.offered);
          expect(day.intervals.reduce((n, i) => n + i.sums.offered, 0)).toBe(day.window.offered);
          expect(day.callbacks.returned).toBeLessThanOrEqual(day.callbacks.missed);
          expect(day.callbacks.returnedLate).toBeLessThanOrEqual(day.callbacks.returned);
          expect(day.incidents.major).toBeLessThanOrEqual(day.incidents.raised);
          for (const a of day.agents) {
            expect(a.signedInMs).toBeLessThanOrEqual(length);
            expect(a.availableMs + a.busyMs).toBeLessThanOrEqual(a.signedInMs);
            expect(a.busyByReason.reduce((n, [, ms]) => n + ms, 0)).toBe(a.busyMs);
            expect(a.handleN).toBeLessThanOrEqual(a.talkN);
            expect(a.handleMs).toBeGreaterThanOrEqual(a.wrapMs);
            for (const v of Object.values(a.violations)) expect(v).toBeGreaterThanOrEqual(0);
          }
        }
      }),
      { seed: 13, numRuns: 150 },
    );
  });
});
