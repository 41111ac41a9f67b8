/**
 * `DEMO_FEED=asterisk`: half a simulated day played on the scripted Asterisk, read back over AMI by
 * the real adapter. The calls must reach the wall as the simulation made them: the same offered,
 * answered, abandoned, waits and talks, missed calls, tickets and incidents; nothing refused, no
 * anomaly. (Agent details differ where AMI says less: no seats, the member's wrap-up time.)
 */
import { describe, expect, it } from 'vitest';
import { startAsteriskDemo } from '../../server/adapters/pbx/asterisk/demo-feed';
import { createSimulation } from '../../server/simulator';
import { Reducer } from '../../server/core/reduce';
import { derive } from '../../server/core/derive';
import { hotlineEvent, type HotlineEvent } from '../../shared/events';
import { defaultConfig } from '../../shared/config';
import { startOfDay } from '../../shared/time';
import { waitUntil } from '../helpers/app';

const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function wall(events: HotlineEvent[], at: number) {
  const config = defaultConfig();
  const r = new Reducer(config);
  for (const e of events) r.apply(e);
  const s = derive(r.state, at, config, '1-0');
  const { offered, answered, abandoned, shortAbandoned, answeredInSL, asaSec, maxWaitSec, avgTalkSec } = s.today;
  return {
    today: { offered, answered, abandoned, shortAbandoned, answeredInSL, asaSec, maxWaitSec, avgTalkSec },
    missed: s.missedCalls.map((m) => m.callId).sort(),
    categories: s.categories,
    incidents: s.incidents.map((i) => i.incidentId).sort(),
    callbacks: s.callbacks,
    agents: s.agents.map((a) => [a.id, a.name]),
    anomalies: s.ingest.anomalies,
  };
}

describe('the Asterisk demo feed', () => {
  it('brings a simulated morning through Asterisk and the AMI adapter to the wall unchanged', async () => {
    const day = startOfDay(Date.UTC(2026, 2, 10, 4), 'Asia/Shanghai');
    const until = day + 12 * 3_600_000;
    const events = createSimulation({ seed: 20260310, start: day, incidentsPerDay: 6 }).nextUntil(until);
    const got: HotlineEvent[] = [];
    const log = {
      append: async (e: readonly HotlineEvent[]) => {
        got.push(...e);
        return [];
      },
    };
    const demo = await startAsteriskDemo({ log, now: () => until, speed: 1000, logger: quiet });
    try {
      await demo.log.append(events);
      await waitUntil(() => demo.adapter.mapper.messagesHeard >= demo.pbx.messagesWritten, 'the adapter to read all Asterisk sent');
      await demo.adapter.feed.drain();
      expect(demo.skipped).toBe(0);
      expect(got.every((e) => hotlineEvent.safeParse(e).success)).toBe(true);
      const expected = wall(events, until);
      const actual = wall(got, until);
      expect(expected.today.offered).toBeGreaterThan(50);
      expect(actual).toEqual({ ...expected, anomalies: 0 });
      expect(got.some((e) => e.type === 'call.transferred')).toBe(events.some((e) => e.type === 'call.transferred'));
    } finally {
      await demo.stop();
    }
  });
});
