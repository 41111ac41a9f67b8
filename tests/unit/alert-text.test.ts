/**
 * Alerts carry data (rule, subject, figures) and every screen writes them in its own language
 * (shared/alert-text.ts): every rule has a Chinese and an English sentence, an English sentence has
 * no Chinese in it but the names and titles it quotes, and the wall's rendering path blanks out
 * anything phone-like. Also here: the client's vocabulary is the shared one, and the client's view
 * helpers take ids from outside (`__proto__`, `constructor`, …) as plain values.
 */
import fc from 'fast-check';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBothLanguages, type I18n } from '../helpers/i18n';
import { alertText, type TextLang } from '../../shared/alert-text';
import { configFileSchema, thresholdsSchema } from '../../shared/config';
import { CATEGORIES, SEVERITIES, TICKET_KINDS } from '../../shared/events';
import { applyPatch } from '../../shared/patch';
import { AGENT_STATES, ALERT_RULES, type AgentView, type AlertParams, type AlertRule, type AlertView, type Snapshot } from '../../shared/snapshot';
import * as vocabulary from '../../shared/vocabulary';
import { ALL_ROLES } from '../../server/adapters/http/guard';
import { agentList, agentStateCounts, alertSubject } from '../../client/src/lib/ops-view';
import { DEFAULT_THRESHOLDS, thresholdsOf } from '../../client/src/lib/targets';
import {
  agentAlertSeverity,
  alertMessage,
  DEFAULT_LADDER_LIMITS,
  ladderLimits,
  longestWaitSec,
  overdueCallbacks,
  seatMapAgents,
  sortAlerts,
  wallAlertMessage,
} from '../../client/src/lib/wall-view';

/** CJK ideographs, kana, CJK punctuation and full-width forms: what an English screen must not show of its own. */
const CJK = /[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]/u;

/** Figures for every rule, with Chinese where a screen quotes a name or a title. */
const PARAMS: Record<AlertRule, AlertParams> = {
  call_waiting: { queue: 'general', waitSec: 60 },
  no_agent_available: { queue: 'specialist' },
  missed_call_overdue: { dueMin: 30 },
  rona: { agentId: '3001', name: '王芳', count: 2, windowMin: 10 },
  not_signed_in: { agentId: '3005', name: '周杰', minutes: 5 },
  busy_too_long: { agentId: '3003', name: null, minutes: 15 },
  restricted_window: { agentId: '3006', name: '郑伟', action: 'signout', windowMin: 30 },
  handover_gap: { seat: 'A07', gapSec: 30 },
  incident_unacknowledged: { incidentId: 'inc-1', title: '室外燃气泄漏', severity: 'major', ackSec: 120 },
  incident_director_pending: { incidentId: 'inc-1', title: '室外燃气泄漏', severity: 'major' },
  incident_report_overdue: { incidentId: 'inc-1', title: '室外燃气泄漏', severity: 'major', dueMin: 60 },
  service_level_low: { serviceLevel: 0.571, target: 0.8 },
  late_signin: { agentId: '3002', name: '李娜', shift: '早班', at: '08:00' },
  absent: { agentId: '3002', name: '李娜', shift: '早班', minutes: 30 },
  left_early: { agentId: '3004', name: null, shift: '中班', action: 'signout' },
  handover_not_submitted: { shift: '早班', at: '08:00' },
  handover_unaccepted: { shift: '早班', at: '08:00', minutes: 15 },
  understaffed: { at: '10:00', signedIn: 8, required: 11 },
  ticket_returned_twice: { ticketId: 'T-1001', agentId: '3001', name: '王芳' },
  dispatch_overdue: { ticketId: 'T-1002', unit: '市城管局', days: 5 },
  special_task_stalled: { ticketId: 'T-1003', unit: '市住建局', days: 3 },
};

/** The text with every string figure that is itself Chinese (a name, a title) taken out. */
function withoutQuoted(text: string, params: AlertParams): string {
  let out = text;
  for (const v of Object.values(params)) if (typeof v === 'string' && CJK.test(v)) out = out.split(v).join('');
  return out;
}

describe('alert texts', () => {
  it('has a Chinese and an English sentence for every rule', () => {
    expect(Object.keys(PARAMS).sort()).toEqual([...ALERT_RULES].sort());
    for (const rule of ALERT_RULES) {
      for (const lang of ['zh-CN', 'en'] as TextLang[]) {
        const text = alertText({ rule, params: PARAMS[rule] }, lang);
        expect(text, `${rule} ${lang}`).not.toBe(rule);
        expect(text.length, `${rule} ${lang}`).toBeGreaterThan(10);
        expect(text, `${rule} ${lang}`).not.toMatch(/undefined|null|NaN|\[object/);
      }
      expect(alertText({ rule, params: PARAMS[rule] }, 'zh-CN'), rule).toMatch(CJK);
    }
  });

  it('writes English without Chinese, except the names and titles it quotes', () => {
    for (const rule of ALERT_RULES) {
      const text = alertText({ rule, params: PARAMS[rule] }, 'en');
      expect(withoutQuoted(text, PARAMS[rule]), `${rule}: ${text}`).not.toMatch(CJK);
      expect(text, rule).toMatch(/^[A-Z]/); // a sentence on its own line starts with a capital
    }
    // the quoted names and titles are there
    expect(alertText({ rule: 'rona', params: PARAMS.rona }, 'en')).toBe('Agent 3001 王芳 left 2 calls ringing unanswered in 10 min');
    expect(alertText({ rule: 'rona', params: { ...PARAMS.rona, count: 1 } }, 'en')).toContain('left 1 call ringing');
    expect(alertText({ rule: 'incident_report_overdue', params: PARAMS.incident_report_overdue }, 'en')).toContain('室外燃气泄漏');
    expect(alertText({ rule: 'service_level_low', params: PARAMS.service_level_low }, 'en')).toBe('Shift service level 57.1%, below the 80% target');
  });

  it('never puts Chinese of its own, or "undefined", into English, whatever the figures', () => {
    const value = fc.oneof(fc.constant(null), fc.integer({ min: -5, max: 10_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.string({ maxLength: 12 }));
    const params = fc.dictionary(fc.constantFrom('queue', 'waitSec', 'dueMin', 'agentId', 'name', 'count', 'windowMin', 'minutes', 'action', 'seat', 'gapSec', 'title', 'severity', 'ackSec', 'serviceLevel', 'target'), value);
    fc.assert(
      fc.property(fc.constantFrom(...ALERT_RULES), params, (rule, p) => {
        const text = alertText({ rule, params: p }, 'en');
        expect(withoutQuoted(text, p)).not.toMatch(CJK);
        expect(text).not.toMatch(/undefined|\[object/);
      }),
      { numRuns: 300 },
    );
  });

  it('falls back to the rule id for a rule this build does not know, also for prototype names', () => {
    for (const rule of ['new_rule', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(alertText({ rule, params: {} }, 'en')).toBe(rule);
      expect(alertText({ rule, params: {} }, 'zh-CN')).toBe(rule);
    }
  });
});

function alert(over: Partial<AlertView> & Pick<AlertView, 'rule'>): AlertView {
  const params = over.params ?? PARAMS[over.rule];
  return {
    id: `${over.rule}:x:1`,
    severity: 'critical',
    subject: 'x',
    since: 1,
    params,
    message: alertText({ rule: over.rule, params }, 'zh-CN'),
    acknowledgedBy: null,
    acknowledgedAt: null,
    ...over,
  };
}

describe("the screens' alert sentence", () => {
  it('is written in the page language from the figures, not taken from the Chinese message', () => {
    const a = alert({ rule: 'busy_too_long' });
    expect(alertMessage(a, 'en')).toBe('Agent 3003 has been busy for over 15 min');
    expect(alertMessage(a, 'zh-CN')).toBe(a.message);
    expect(alertMessage({ ...a, message: '别的文字' }, 'en')).not.toContain('别的文字');
  });

  it('falls back to the Chinese message on a Chinese screen only, when an alert has no figures', () => {
    const old = { ...alert({ rule: 'handover_gap' }), params: undefined } as unknown as AlertView;
    expect(alertMessage(old, 'zh-CN')).toBe(old.message);
    expect(alertMessage(old, 'en')).toBe('');
    expect(alertMessage({ ...old, params: null } as unknown as AlertView, 'en')).toBe('');
  });

  it('on the wall, blanks out anything phone-like a name or title may hold', () => {
    const a = alert({ rule: 'rona', params: { agentId: '3001', name: '王芳 13812345678', count: 2, windowMin: 10 } });
    for (const lang of ['en', 'zh-CN'] as TextLang[]) {
      const text = wallAlertMessage(a, lang);
      expect(text).not.toMatch(/\d{7,}/);
      expect(text).toContain('•••');
    }
    const t = alert({ rule: 'incident_unacknowledged', params: { ...PARAMS.incident_unacknowledged, title: '来电 138****5678 反映燃气泄漏' } });
    expect(wallAlertMessage(t, 'en')).not.toContain('**');
    expect(wallAlertMessage(t, 'en')).toMatch(/^Major incident “来电 ••• 反映燃气泄漏” not acknowledged/);
  });
});

describe('the shared vocabulary', () => {
  it('is one list, re-exported by the event schemas', () => {
    expect(CATEGORIES).toBe(vocabulary.CATEGORIES);
    expect(TICKET_KINDS).toBe(vocabulary.TICKET_KINDS);
    expect(SEVERITIES).toBe(vocabulary.SEVERITIES);
    expect([...vocabulary.ROLES].sort()).toEqual([...ALL_ROLES].sort());
  });

  it('reaches the browser without zod: no module the client imports for its values imports zod', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const seen = new Map<string, string>(); // module → the module that imported it
    const zodFrom: string[] = [];
    const resolveImport = (from: string, spec: string): string | null => {
      if (!spec.startsWith('.')) return null;
      const base = resolve(dirname(from), spec);
      for (const f of [base, `${base}.ts`, join(base, 'index.ts')]) if (existsSync(f) && /\.(ts|svelte)$/.test(f)) return f;
      return null;
    };
    const visit = (file: string, by: string) => {
      if (seen.has(file)) return;
      seen.set(file, by);
      const src = readFileSync(file, 'utf8');
      // value imports and re-exports; `import type …`, `export type …` and all-`type` braces are erased
      for (const m of src.matchAll(/^\s*(import|export)\s+(?!type\b)([^'";]*?)\s*from\s*['"]([^'"]+)['"]/gm)) {
        const names = /\{([^}]*)\}/.exec(m[2]!)?.[1];
        const bare = m[2]!.replace(/\{[^}]*\}/, '').replace(/[\s,]/g, '');
        if (names !== undefined && !bare && names.split(',').every((n) => !n.trim() || /^type\s/.test(n.trim()))) continue;
        if (m[3] === 'zod' || m[3]!.startsWith('zod/')) zodFrom.push(relative(root, file));
        const next = resolveImport(file, m[3]!);
        if (next) visit(next, file);
      }
      for (const m of src.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const next = resolveImport(file, m[1]!);
        if (next) visit(next, file);
      }
    };
    visit(join(root, 'client/src/main.ts'), '');
    const reached = [...seen.keys()].map((f) => relative(root, f));
    expect(reached).toContain('client/src/pages/Wall.svelte');
    expect(reached).toContain('shared/vocabulary.ts');
    expect(reached).toContain('shared/alert-text.ts');
    expect(zodFrom).toEqual([]);
    expect(reached).not.toContain('shared/events.ts');
    expect(reached).not.toContain('shared/config.ts');
  });

  it("keeps the client's threshold defaults (used before the first snapshot) equal to the configuration's", () => {
    expect(DEFAULT_THRESHOLDS).toEqual(thresholdsSchema.parse({}));
    expect(DEFAULT_LADDER_LIMITS).toEqual(ladderLimits(thresholdsSchema.parse({})));
  });
});

describe('words for the vocabulary, in both languages', () => {
  let langs: Record<string, I18n> = {};

  beforeAll(async () => {
    langs = await loadBothLanguages();
  });

  it('has a word for every state, category, rule and role in Chinese and in English', () => {
    expect(Object.keys(langs).sort()).toEqual(['en', 'zh-CN']);
    for (const [lang, m] of Object.entries(langs)) {
      expect(m.CATEGORY_ORDER, lang).toEqual(CATEGORIES);
      for (const s of AGENT_STATES) expect(m.stateWord(s), `${lang} ${s}`).not.toBe(s);
      for (const c of CATEGORIES) expect(m.categoryName(c), `${lang} ${c}`).not.toBe(c);
      for (const r of ALERT_RULES) expect(m.ruleName(r), `${lang} ${r}`).not.toBe(r);
      for (const r of vocabulary.ROLES) expect(m.roleName(r), `${lang} ${r}`).not.toBe(r);
      for (const q of ['general', 'specialist']) expect(m.queueName(q), `${lang} ${q}`).not.toBe(q);
    }
    for (const s of AGENT_STATES) expect(langs['en']!.stateWord(s)).not.toMatch(CJK);
    for (const r of ALERT_RULES) expect(langs['en']!.ruleName(r)).not.toMatch(CJK);
  });

  it("shows the default configuration's Chinese center and shift names in English on an English screen", () => {
    const defaults = configFileSchema.parse({});
    const en = langs['en']!;
    const zh = langs['zh-CN']!;
    expect(en.centerTitle(defaults.center.name)).not.toMatch(CJK);
    expect(en.centerTitle('某市热线')).toBe('某市热线'); // a name the center chose itself stays
    expect(zh.centerTitle(defaults.center.name)).toBe(defaults.center.name);
    expect(en.centerTitle(undefined)).toBe(en.t('centerName'));
    for (const s of defaults.shifts) {
      expect(en.shiftName(s.name), s.name).not.toMatch(CJK);
      expect(zh.shiftName(s.name)).toBe(s.name);
    }
    expect(en.shiftName('__proto__')).toBe('__proto__');
  });

  it('takes values from outside that are the names of built-in properties as plain values', () => {
    for (const m of Object.values(langs)) {
      for (const x of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
        expect(m.queueName(x)).toBe(x);
        expect(m.categoryName(x)).toBe(x);
        expect(m.categoryShort(x)).toBe(x);
        expect(m.ruleName(x)).toBe(x);
        expect(m.roleName(x)).toBe(x);
        expect(m.actionName(x)).toBe(x);
        expect(m.stateWord(x as AgentView['state'])).toBe(x);
        expect(m.stateTiny(x as AgentView['state'])).toBe(x);
      }
      // a placeholder is filled only from the parameters' own keys
      expect(m.t('withReason', { what: 'a', reason: 'b' })).toMatch(/^a.*b$/);
    }
  });
});

describe('client view helpers with ids from outside', () => {
  const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype'];
  const agent = (id: string, state: AgentView['state'], since: number, seat: string | null = id): AgentView => ({ id, name: id, seat, state, since, reason: id, callId: null });

  /** A snapshot as the socket delivers it: JSON, so `__proto__` is an own key like any other. */
  function hostileSnapshot(): Snapshot {
    const byQueue = Object.fromEntries(HOSTILE.map((q, i) => [q, { waiting: i + 1, longestWaitSec: 10 * (i + 1) }]));
    const json = JSON.stringify({
      cursor: '1-0',
      serverTime: 100_000,
      center: { name: 'x', timeZone: 'Asia/Shanghai', thresholds: DEFAULT_THRESHOLDS, shifts: [] },
      queue: { waiting: 6, longestWaitSec: 60, byQueue, calls: HOSTILE.map((q, i) => ({ callId: q, queue: q, since: 40_000 + i, caller: null, agentId: null })) },
      agents: HOSTILE.map((id, i) => agent(id, i % 2 ? 'busy' : 'available', i * 1000)),
      missedCalls: HOSTILE.map((id) => ({ callId: id, caller: '138****5678', abandonedAt: 0, due: 1, overdue: true })),
      incidents: [],
      alerts: HOSTILE.map((id, i) => alert({ rule: 'busy_too_long', id: `busy_too_long:${id}:1`, subject: id, since: i, severity: i % 2 ? 'critical' : 'warning' })),
      callbacks: { returnedToday: 0, returnedLateToday: 0, overdueNow: 6 },
    });
    return JSON.parse(json) as Snapshot;
  }

  it('lists, counts and sorts agents whose ids are prototype names', () => {
    const s = hostileSnapshot();
    expect(Object.hasOwn(s.queue.byQueue, '__proto__')).toBe(true);
    expect(agentList(s.agents, 'online', 'id').map((a) => a.id).sort()).toEqual([...HOSTILE].sort());
    expect(seatMapAgents(s.agents)).toHaveLength(HOSTILE.length);
    const counts = agentStateCounts(s.agents);
    expect(counts).toEqual({ online: 6, byState: { offline: 0, logged_in: 0, available: 3, ringing: 0, talking: 0, wrapup: 0, busy: 3 } });
    // a state the build does not know (or a prototype name) counts as online, never as a key
    const odd = agentStateCounts([agent('1', '__proto__' as AgentView['state'], 0), agent('2', 'constructor' as AgentView['state'], 0)]);
    expect(odd.online).toBe(2);
    expect(Object.keys(odd.byState).sort()).toEqual([...AGENT_STATES].sort());
    expect(Object.getPrototypeOf(odd.byState)).toBe(Object.prototype);
  });

  it('finds alert subjects and badges for prototype-named agents', () => {
    const s = hostileSnapshot();
    const bySeverity = agentAlertSeverity(s.alerts);
    expect([...bySeverity.keys()].sort()).toEqual([...HOSTILE].sort());
    expect(bySeverity.get('constructor')).toBe('critical');
    for (const a of sortAlerts(s.alerts)) expect(alertSubject(a, s)).toBe(`${a.subject} ${a.subject} ${a.subject}`);
    const missed = alert({ rule: 'missed_call_overdue', subject: '__proto__' });
    expect(alertSubject(missed, s)).toBe('138****5678');
    const waiting = alert({ rule: 'call_waiting', subject: 'constructor' });
    expect(alertSubject(waiting, s)).toBe('constructor');
  });

  it('keeps a "__proto__" queue a queue through patches, and the wall figures sound', () => {
    const s = hostileSnapshot();
    applyPatch(s, {
      cursor: '2-0',
      serverTime: 101_000,
      ops: [
        { op: 'set', path: ['queue', 'byQueue', '__proto__'], value: { waiting: 9, longestWaitSec: 99 } },
        { op: 'del', path: ['queue', 'byQueue', 'constructor'] },
        { op: 'list', path: ['agents'], key: 'id', upsert: [{ ...agent('__proto__', 'talking', 5) }], remove: ['toString'] },
      ],
    });
    expect(Object.getPrototypeOf(s.queue.byQueue)).toBe(Object.prototype);
    expect(Object.hasOwn(s.queue.byQueue, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(s.queue.byQueue, '__proto__')?.value).toEqual({ waiting: 9, longestWaitSec: 99 });
    expect(Object.hasOwn(s.queue.byQueue, 'constructor')).toBe(false);
    expect(s.agents.map((a) => a.id)).not.toContain('toString');
    expect(s.agents.find((a) => a.id === '__proto__')?.state).toBe('talking');
    expect(longestWaitSec(s.queue, 100_000)).toBe(60);
    expect(overdueCallbacks(s)).toBe(6);
    expect(thresholdsOf(s)).toEqual(DEFAULT_THRESHOLDS);
    expect(({} as Record<string, unknown>)['waiting']).toBeUndefined(); // no prototype was touched
  });
});
