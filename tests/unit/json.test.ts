/** JSON text from outside, parsed with a nesting limit measured on the text before JSON.parse runs. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_JSON_DEPTH, parseJson } from '../../shared/json';

const arrays = (n: number, inner = '') => '['.repeat(n) + inner + ']'.repeat(n);
const objects = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

afterEach(() => vi.restoreAllMocks());

describe('parseJson', () => {
  it('parses ordinary JSON: an event, an array of events, scalars', () => {
    const e = { v: 1, id: 'x', type: 'agent.login', ts: 1764374400000, agentId: '1', extra: { a: [1, { b: null }] } };
    expect(parseJson(JSON.stringify(e))).toEqual({ ok: true, value: e });
    expect(parseJson(JSON.stringify([e, e]))).toEqual({ ok: true, value: [e, e] });
    expect(parseJson(' 42 ')).toEqual({ ok: true, value: 42 });
    expect(parseJson('"text"')).toEqual({ ok: true, value: 'text' });
    expect(parseJson('null')).toEqual({ ok: true, value: null });
  });

  it('the limit is 64 levels by default', () => {
    expect(MAX_JSON_DEPTH).toBe(64);
    expect(parseJson(arrays(64)).ok).toBe(true);
    expect(parseJson(arrays(65))).toMatchObject({ ok: false, error: 'too_deep' });
  });

  it('exactly maxDepth levels pass, maxDepth + 1 are refused, for arrays, objects and a mix', () => {
    for (const max of [1, 3, 10]) {
      expect(parseJson(arrays(max), max).ok, `arrays ${max}`).toBe(true);
      expect(parseJson(arrays(max + 1), max), `arrays ${max + 1}`).toMatchObject({ ok: false, error: 'too_deep', message: expect.stringContaining(String(max)) });
      expect(parseJson(objects(max), max).ok, `objects ${max}`).toBe(true);
      expect(parseJson(objects(max + 1), max), `objects ${max + 1}`).toMatchObject({ ok: false, error: 'too_deep' });
    }
    expect(parseJson('{"a":[{"b":[1]}]}', 4).ok).toBe(true);
    expect(parseJson('{"a":[{"b":[[1]]}]}', 4)).toMatchObject({ ok: false, error: 'too_deep' });
    // depth is nesting, not the number of brackets: siblings do not add up
    expect(parseJson(JSON.stringify([[1], [2], { a: [3] }, [[4]]]), 3).ok).toBe(true);
    // scalars have depth 0
    expect(parseJson('1', 0).ok).toBe(true);
    expect(parseJson('[]', 0)).toMatchObject({ ok: false, error: 'too_deep' });
  });

  it('does not count brackets inside strings, nor after escaped quotes and backslashes', () => {
    const deepLooking = '['.repeat(500) + '{'.repeat(500);
    expect(parseJson(JSON.stringify({ note: deepLooking }), 2)).toEqual({ ok: true, value: { note: deepLooking } });
    // an escaped quote does not end the string: the brackets after it are still inside
    const s = 'say \\"[[[[[[\\" twice';
    expect(parseJson(`{"note":"${s}"}`, 1)).toEqual({ ok: true, value: { note: 'say "[[[[[[" twice' } });
    // an escaped backslash right before the closing quote does end the string: what follows counts
    expect(parseJson('["a\\\\",[1]]', 2)).toEqual({ ok: true, value: ['a\\', [1]] });
    expect(parseJson('["a\\\\",[[1]]]', 2)).toMatchObject({ ok: false, error: 'too_deep' });
    // keys are strings too; \u escapes of brackets are just characters
    expect(parseJson('{"[[[[":"\\u005b\\u007b"}', 1)).toEqual({ ok: true, value: { '[[[[': '[{' } });
    expect(parseJson(JSON.stringify({ s: '"]]]]}}}}"' }), 1).ok).toBe(true);
  });

  it('answers invalid_json for text that is not JSON, and never throws', () => {
    for (const bad of ['', '   ', '{"v":1,', '{v:1}', "{'a':1}", '[1,]', 'undefined', 'NaN', '{"a":1}}', ']', '][', '"open', '[1] [2]', '\u0000']) {
      const r = parseJson(bad);
      expect(r, JSON.stringify(bad)).toMatchObject({ ok: false, error: 'invalid_json', message: expect.any(String) });
    }
    // closing more than was opened cannot hide depth from the scan
    expect(parseJson(']]]' + arrays(100), 64)).toMatchObject({ ok: false, error: 'invalid_json' });
    expect(() => parseJson(undefined as unknown as string)).not.toThrow();
    expect(parseJson(undefined as unknown as string)).toMatchObject({ ok: false, error: 'invalid_json' });
  });

  it('refuses 100,000 and 1,000,000 levels quickly, without calling JSON.parse', () => {
    const parse = vi.spyOn(JSON, 'parse');
    for (const n of [100_000, 1_000_000]) {
      const text = `{"v":1,"id":"x","type":"agent.login","ts":1,"agentId":"1","extra":${arrays(n)}}`;
      const t0 = performance.now();
      const r = parseJson(text);
      const ms = performance.now() - t0;
      expect(r).toMatchObject({ ok: false, error: 'too_deep' });
      expect(ms, `${n} levels took ${ms.toFixed(1)} ms`).toBeLessThan(100);
    }
    expect(parse).not.toHaveBeenCalled();
    // unclosed deep text is refused the same way
    expect(parseJson('['.repeat(1_000_000))).toMatchObject({ ok: false, error: 'too_deep' });
    expect(parse).not.toHaveBeenCalled();
  });

  it('scans a 1 MiB body of shallow JSON in linear time', () => {
    const body = JSON.stringify(Array.from({ length: 1000 }, (_, i) => ({ v: 1, id: `e${i}`, type: 'agent.login', ts: i, agentId: String(i), pad: '[{"x'.repeat(250) })));
    expect(body.length).toBeGreaterThan(1_000_000);
    const t0 = performance.now();
    const r = parseJson(body);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(r.ok && Array.isArray(r.value) && r.value.length).toBe(1000);
  });
});
