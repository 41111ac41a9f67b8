/**
 * GET /api/v1/snapshot as API.md and METRICS.md define it, for a morning whose figures are worked
 * out by hand here: every documented field present (null, not missing, when optional), and the
 * metric formulas as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayScenario, fakeClock, startTestApp, stopAll, type TestApp } from '../helpers/app';
import { localParts } from '../../shared/time';
import type { Snapshot } from '../../shared/snapshot';

let node: TestApp;
let now: number;
let s: Snapshot;
/** the scenario's times: t0 + sec */
let at: (sec: number) => number;

const WINDOW_FIELDS = [
  'offered',
  'answered',
  'abandoned',
  'shortAbandoned',
  'answeredInSL',
  'serviceLevel',
  'answerRate',
  'timelyRate',
  'asaSec',
  'maxWaitSec',
  'avgTalkSec',
  'avgHandleSec',
].sort();

const keys = (o: object) => Object.keys(o).sort();

beforeAll(async () => {
  // the scenario spans the 40 minutes before now: keep them inside one calendar day
  const clock = fakeClock();
  const p = localParts(clock.now(), 'Asia/Shanghai');
  if (p.hour * 60 + p.minute < 45) clock.advance(45 * 60_000);
  now = clock.now();
  at = (sec) => now - 40 * 60_000 + sec * 1000;
  node = await startTestApp({ clock });
  await node.ingest(dayScenario(now));
  s = await node.snapshot();
});

afterAll(stopAll);

describe('GET /api/v1/snapshot', () => {
  it('carries every documented field, optional ones as null', () => {
    for (const k of ['cursor', 'serverTime', 'center', 'shift', 'today', 'intervals', 'queue', 'agents', 'agentCounts', 'missedCalls', 'categories', 'incidents', 'alerts', 'ingest']) {
      expect(s, k).toHaveProperty(k);
    }
    expect(s.serverTime).toBe(now);
    expect(s.center).toMatchObject({ name: '菏泽市12319城市管理服务热线', timeZone: 'Asia/Shanghai' });
    expect(keys(s.today)).toEqual(WINDOW_FIELDS);
    for (const k of [...WINDOW_FIELDS, 'name', 'start']) expect(s.shift, k).toHaveProperty(k);
    for (const b of s.intervals) expect(keys(b)).toEqual(['abandoned', 'answered', 'answeredInSL', 'offered', 'shortAbandoned', 'start'].sort());
    expect(keys(s.queue)).toEqual(expect.arrayContaining(['byQueue', 'calls', 'longestWaitSec', 'waiting']));
    for (const q of ['general', 'specialist']) expect(keys(s.queue.byQueue[q]!), q).toEqual(['longestWaitSec', 'waiting'].sort());
    for (const c of s.queue.calls) expect(keys(c)).toEqual(['agentId', 'callId', 'caller', 'queue', 'since'].sort());
    for (const a of s.agents) expect(keys(a)).toEqual(['callId', 'id', 'name', 'reason', 'seat', 'since', 'state'].sort());
    expect(keys(s.agentCounts)).toEqual(['available', 'busy', 'logged_in', 'offline', 'ringing', 'talking', 'wrapup'].sort());
    for (const m of s.missedCalls) expect(keys(m)).toEqual(['abandonedAt', 'caller', 'callId', 'due', 'overdue'].sort());
    expect(keys(s.categories)).toEqual(['city_order', 'gas_heating', 'illegal_construction', 'landscaping', 'municipal', 'other', 'sanitation'].sort());
    for (const i of s.incidents) {
      expect(keys(i)).toEqual(
        expect.arrayContaining(['acknowledgements', 'escalatedTo', 'incidentId', 'location', 'raisedAt', 'raisedBy', 'reportedAt', 'resolvedAt', 'severity', 'status', 'title']),
      );
    }
    expect(s.alerts.length).toBeGreaterThan(0);
    for (const a of s.alerts) expect(keys(a)).toEqual(['acknowledgedAt', 'acknowledgedBy', 'id', 'message', 'params', 'rule', 'severity', 'since', 'subject'].sort());
    expect(keys(s.ingest)).toEqual(['anomalies', 'duplicates', 'rejected'].sort());
  });

  it("computes today's window as METRICS.md defines it", () => {
    // offered c1…c8; answered c1 (6 s), c2 (30 s, its transfer's second wait not counted), c6 (5 s);
    // abandoned c3 (40 s), c4 (2 s: short), c5 (40 s); c7 and c8 still waiting
    expect(s.today).toMatchObject({ offered: 8, answered: 3, abandoned: 3, shortAbandoned: 1, answeredInSL: 2, maxWaitSec: 40 });
    expect(s.today.serviceLevel).toBeCloseTo(2 / 5, 10);
    expect(s.today.answerRate).toBeCloseTo(3 / 5, 10);
    expect(s.today.timelyRate).toBeCloseTo(2 / 3, 10);
    expect(s.today.asaSec).toBeCloseTo((6 + 30 + 5) / 3, 10);
    // finished legs: c1/1001 134 s, c2/1003 70 s, c2/1004 80 s (c6 still talking)
    expect(s.today.avgTalkSec).toBeCloseTo((134 + 70 + 80) / 3, 10);
    // wrap-up finished: c1/1001 (30 s, until agent.ready), c2/1003 (1985 s, until its next ringing);
    // c2/1004 is still in wrap-up
    expect(s.today.avgHandleSec).toBeCloseTo((134 + 30 + (70 + 1985)) / 2, 10);
    const sum = (k: 'offered' | 'answered' | 'abandoned' | 'shortAbandoned' | 'answeredInSL') => s.intervals.reduce((n, b) => n + b[k], 0);
    expect([sum('offered'), sum('answered'), sum('abandoned'), sum('shortAbandoned'), sum('answeredInSL')]).toEqual([8, 3, 3, 1, 2]);
  });

  it('shows the queue, agents, missed calls, categories and incidents right now', () => {
    expect(s.queue.waiting).toBe(2);
    expect(s.queue.longestWaitSec).toBe(50);
    expect(s.queue.byQueue['general']).toEqual({ waiting: 1, longestWaitSec: 20 });
    expect(s.queue.byQueue['specialist']).toEqual({ waiting: 1, longestWaitSec: 50 });
    expect(s.queue.calls).toEqual([
      { callId: 'c7', queue: 'specialist', since: at(2350), caller: '186****5678', agentId: null },
      { callId: 'c8', queue: 'general', since: at(2380), caller: '*****08', agentId: '1003' },
    ]);
    expect(s.agentCounts).toEqual({ offline: 0, logged_in: 1, available: 0, ringing: 1, talking: 1, wrapup: 1, busy: 2 });
    const agent = (id: string) => s.agents.find((a) => a.id === id);
    expect(agent('1001')).toEqual({ id: '1001', name: '坐席1001', seat: 'A01', state: 'talking', since: at(2305), reason: null, callId: 'c6' });
    expect(agent('1002')).toMatchObject({ state: 'busy', reason: 'training', since: at(1010), callId: null });
    expect(agent('1003')).toMatchObject({ state: 'ringing', since: at(2385), callId: 'c8' });
    expect(agent('1004')).toMatchObject({ state: 'wrapup', since: at(500), callId: 'c2' });
    expect(agent('1005')).toMatchObject({ state: 'logged_in', since: at(1100) });
    expect(s.agents.map((a) => a.id)).toEqual(['1001', '1002', '1003', '1004', '1005', '1006']);

    // c4 was returned, c5 had no caller
    expect(s.missedCalls).toEqual([{ callId: 'c3', caller: '139****1111', abandonedAt: at(640), due: at(640) + 30 * 60_000, overdue: false }]);
    expect(s.categories).toEqual({ city_order: 1, sanitation: 1, landscaping: 0, municipal: 0, illegal_construction: 0, gas_heating: 1, other: 0 });

    expect(s.incidents.map((i) => [i.incidentId, i.status])).toEqual([
      ['inc1', 'acknowledged'],
      ['inc2', 'resolved'],
    ]);
    expect(s.incidents[0]).toMatchObject({
      title: '燃气泄漏',
      severity: 'urgent',
      location: '牡丹区中华路',
      raisedAt: at(1200),
      raisedBy: '1004',
      acknowledgements: [{ by: 'lead-zhang', role: 'lead', at: at(1260) }],
      escalatedTo: null,
      reportedAt: null,
      resolvedAt: null,
    });
    expect(s.incidents[1]).toMatchObject({ location: null, raisedBy: null, resolvedAt: at(1500), acknowledgements: [] });

    const waiting = s.alerts.filter((a) => a.rule === 'call_waiting').map((a) => [a.subject, a.severity]);
    expect(waiting.sort()).toEqual([
      ['c7', 'warning'],
      ['c8', 'warning'],
    ]);
    expect(s.ingest).toEqual({ rejected: 0, duplicates: 0, anomalies: 0 });
  });
});
