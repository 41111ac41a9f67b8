/**
 * The client's pure helpers: the wall's chime (new critical alerts only), the count axis that fits
 * the data, the thresholds-driven levels, the ladder's deadlines, the lead's agent list and the
 * seat map's layout.
 */
import { describe, expect, it } from 'vitest';
import { createChime, chimeSetting } from '../../client/src/lib/chime';
import { niceMax } from '../../client/src/lib/charts-scale';
import { agentList, awaitsDirector } from '../../client/src/lib/ops-view';
import { DEFAULT_THRESHOLDS, rateLevel, slBounds, thresholdsOf, waitLevel } from '../../client/src/lib/targets';
import { compactDuration } from '../../client/src/lib/format';
import { denseTileEm, incidentLadder, ladderLimits, seatLayout, textEm } from '../../client/src/lib/wall-view';
import type { AgentView, IncidentView } from '../../shared/snapshot';

describe('chime', () => {
  it('stays quiet for the alerts already there, then beeps once per new critical alert', () => {
    let beeps = 0;
    const chime = createChime(() => beeps++);
    expect(chime.update(['a', 'b'])).toBe(false); // the wall starts: no beep for what is there
    expect(chime.update(['a', 'b'])).toBe(false);
    expect(chime.update(['a', 'b', 'c'])).toBe(true);
    expect(chime.update(['c'])).toBe(false); // one cleared: silence
    expect(chime.update(['c', 'a'])).toBe(false); // seen before (same episode id)
    expect(chime.update(['c', 'd', 'e'])).toBe(true); // two new at once: one beep
    expect(beeps).toBe(2);
  });

  it('is off by default and follows ?chime=1 / ?chime=0 (remembered)', () => {
    const store = new Map<string, string>();
    const g = globalThis as { localStorage?: unknown };
    const saved = g.localStorage;
    g.localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    try {
      expect(chimeSetting('')).toBe(false);
      expect(chimeSetting('?chime=1')).toBe(true);
      expect(chimeSetting('')).toBe(true);
      expect(chimeSetting('?chime=0')).toBe(false);
      expect(chimeSetting('')).toBe(false);
    } finally {
      g.localStorage = saved;
    }
  });
});

describe('count axis', () => {
  it('fits the data on a round step instead of a fixed 0–100', () => {
    expect(niceMax(0)).toEqual({ max: 4, step: 1 });
    expect(niceMax(3)).toEqual({ max: 4, step: 1 });
    expect(niceMax(7)).toEqual({ max: 8, step: 2 });
    expect(niceMax(19)).toEqual({ max: 20, step: 5 });
    expect(niceMax(75)).toEqual({ max: 80, step: 20 });
    expect(niceMax(120).max).toBe(125);
    for (const v of [1, 9, 33, 64, 99, 250, 999]) {
      const { max, step } = niceMax(v);
      expect(max).toBeGreaterThanOrEqual(v);
      expect(max / step).toBeLessThanOrEqual(5);
      expect(Number.isInteger(step)).toBe(true);
    }
  });
});

describe('levels from the thresholds in force', () => {
  it('colours the wait and the service level by the snapshot thresholds', () => {
    const th = thresholdsOf({ center: { thresholds: { ...DEFAULT_THRESHOLDS, waitWarnSec: 20, waitCriticalSec: 90, serviceLevelTarget: 0.9 } } });
    expect(waitLevel(19, th)).toBe('ok');
    expect(waitLevel(20, th)).toBe('warn');
    expect(waitLevel(89, th)).toBe('warn');
    expect(waitLevel(90, th)).toBe('bad');
    expect(rateLevel(0.85, slBounds(th))).toBe('warn');
    expect(rateLevel(0.9, slBounds(th))).toBe('ok');
    expect(rateLevel(0.69, slBounds(th))).toBe('bad');
    expect(rateLevel(null, slBounds(th))).toBe('none');
    expect(thresholdsOf(null)).toEqual(DEFAULT_THRESHOLDS);
  });
});

function incident(over: Partial<IncidentView> = {}): IncidentView {
  return {
    incidentId: 'i1',
    title: '供水主管道爆裂',
    severity: 'major',
    location: null,
    raisedAt: 0,
    raisedBy: '1001',
    status: 'open',
    acknowledgements: [],
    escalatedTo: null,
    reportedAt: null,
    resolvedAt: null,
    report: null,
    resolvedBy: null,
    ...over,
  };
}

describe('incident ladder', () => {
  const limits = ladderLimits({ ...DEFAULT_THRESHOLDS, incidentLeadAckSec: 60 });
  const states = (i: IncidentView, now: number) => Object.fromEntries(incidentLadder(i, now, limits).map((s) => [s.role, s.status]));

  it('uses the configured deadlines', () => {
    expect(states(incident(), 59_000)).toEqual({ operator: 'done', lead: 'pending', director: 'pending', report: 'pending' });
    expect(states(incident(), 61_000)).toEqual({ operator: 'done', lead: 'overdue', director: 'pending', report: 'pending' });
    const acked = incident({ acknowledgements: [{ by: 'zhang', role: 'lead', at: 30_000 }], reportedAt: 40_000 });
    expect(states(acked, 700_000)).toEqual({ operator: 'done', lead: 'done', director: 'overdue', report: 'done' });
  });

  it('gives an urgent incident escalated to the director no director deadline', () => {
    const urgent = incident({ severity: 'urgent', escalatedTo: 'director' });
    expect(states(urgent, 3_600_000)).toEqual({ operator: 'done', lead: 'overdue', director: 'pending' });
    expect(states(incident({ severity: 'urgent' }), 1000)).toEqual({ operator: 'done', lead: 'pending' });
  });

  it('says when an incident waits for the director', () => {
    expect(awaitsDirector(incident())).toBe(true);
    expect(awaitsDirector(incident({ severity: 'urgent' }))).toBe(false);
    expect(awaitsDirector(incident({ severity: 'urgent', escalatedTo: 'director' }))).toBe(true);
    expect(awaitsDirector(incident({ acknowledgements: [{ by: 'liu', role: 'director', at: 1 }] }))).toBe(false);
    expect(awaitsDirector(incident({ status: 'resolved' }))).toBe(false);
  });
});

describe("the lead's agent list", () => {
  const a = (id: string, state: AgentView['state'], since: number): AgentView => ({ id, name: null, seat: null, state, since, reason: null, callId: null });
  const agents = [a('1010', 'available', 500), a('1002', 'busy', 100), a('1003', 'offline', 0), a('1001', 'busy', 300)];

  it('filters by state and sorts by time in state or by work number', () => {
    expect(agentList(agents, 'online', 'time').map((x) => x.id)).toEqual(['1002', '1001', '1010']);
    expect(agentList(agents, 'online', 'id').map((x) => x.id)).toEqual(['1001', '1002', '1010']);
    expect(agentList(agents, 'busy', 'id').map((x) => x.id)).toEqual(['1001', '1002']);
    expect(agentList(agents, 'offline', 'time').map((x) => x.id)).toEqual(['1003']);
  });
});

describe('the seat map layout', () => {
  // the seat map's box on a 1920×1080 wall without an incident band (1 % of the height = 10.8 px)
  const u = 10.8;
  const W = 1416;
  const H = 514;
  const opts = { minPx: 2.4 * u, maxPx: 3.8 * u, denseMinPx: 2.31 * u, idEm: textEm('3001'), wordEm: textEm('未签') };

  it('keeps two-line tiles while they fit, at the largest font', () => {
    const few = seatLayout(W, H, 12, opts);
    expect(few.kind).toBe('normal');
    expect(few.fontPx).toBeGreaterThan(opts.minPx);
    const l = seatLayout(W, H, 45, opts);
    expect(l).toMatchObject({ kind: 'normal' });
    expect(l.perPage).toBeGreaterThanOrEqual(45);
  });

  it('switches to one-line tiles with the state word, then the glyph, when two-line tiles do not fit', () => {
    const word = seatLayout(W, H, 75, opts);
    expect(word.kind).toBe('word');
    expect(word.perPage).toBeGreaterThanOrEqual(75);
    expect(word.fontPx).toBeGreaterThanOrEqual(opts.denseMinPx);
    const glyph = seatLayout(W, H, 90, opts);
    expect(glyph.kind).toBe('glyph');
    expect(glyph.perPage).toBeGreaterThanOrEqual(90);
    expect(glyph.fontPx).toBeGreaterThanOrEqual(opts.denseMinPx);
  });

  it('pages with the layout that holds the most, never below the smallest font', () => {
    const l = seatLayout(W, H, 300, opts);
    expect(l).toMatchObject({ kind: 'glyph', fontPx: opts.denseMinPx });
    expect(l.perPage).toBeGreaterThanOrEqual(70);
    expect(l.perPage).toBeLessThan(300);
    // tiles and gaps stay inside the box
    expect(l.cols * denseTileEm(opts.idEm, 1) * l.fontPx + (l.cols - 1) * l.gapEm * l.fontPx).toBeLessThanOrEqual(W);
    expect(l.rows * l.hEm * l.fontPx + (l.rows - 1) * l.gapEm * l.fontPx).toBeLessThanOrEqual(H);
  });

  it('makes room for a long 工号 and long state words', () => {
    const long = seatLayout(W, H, 300, { ...opts, idEm: textEm('A20260001') });
    expect(long.cols).toBeLessThan(seatLayout(W, H, 300, opts).cols);
    expect(textEm('Login')).toBeGreaterThan(textEm('空闲'));
  });

  it('writes time in state in at most five characters', () => {
    expect(compactDuration(5)).toBe('0:05');
    expect(compactDuration(59 * 60 + 59)).toBe('59:59');
    expect(compactDuration(99 * 60 + 59)).toBe('99:59');
    expect(compactDuration(100 * 60)).toBe('1h40');
    expect(compactDuration(9 * 3600 + 59 * 60)).toBe('9h59');
    expect(compactDuration(12 * 3600)).toBe('12h');
    expect(compactDuration(-3)).toBe('0:00');
  });
});
