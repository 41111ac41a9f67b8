/** Settings from the environment: defaults, and one clear line for every bad value. */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSettings } from '../../server/env';

describe('readSettings', () => {
  it('defaults', () => {
    const s = readSettings({});
    expect(s).toMatchObject({ port: 8080, host: '0.0.0.0', redisUrl: 'redis://127.0.0.1:6379', redisPrefix: 'hotline:', ingestToken: null, adminPassword: null, tokenTtlMs: 12 * 3_600_000 });
    expect(s.config.timeZone).toBe('Asia/Shanghai');
    expect(s.config.shifts.map((x) => x.name)).toEqual(['夜班', '早班', '中班']);
    expect(Object.isFrozen(s.config.thresholds)).toBe(true);
  });

  it.each([
    [{ PORT: 'abc' }, /^PORT/],
    [{ PORT: '70000' }, /^PORT/],
    [{ REDIS_URL: 'http://x' }, /^REDIS_URL/],
    [{ REDIS_PREFIX: 'has space' }, /^REDIS_PREFIX/],
    [{ TZ: 'Mars/Base' }, /^TZ/],
    [{ INGEST_TOKEN: 'short' }, /^INGEST_TOKEN/],
    [{ ADMIN_PASSWORD: '1234' }, /^ADMIN_PASSWORD/],
    [{ CONFIG_FILE: '/nonexistent/x.json' }, /^CONFIG_FILE: cannot read/],
    [{ TOKEN_TTL_HOURS: '0' }, /^TOKEN_TTL_HOURS/],
    [{ ALLOWED_ORIGINS: 'not an origin' }, /^ALLOWED_ORIGINS/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL/],
  ])('%j is refused with one line naming it', (env, message) => {
    expect(() => readSettings(env)).toThrow(message);
    try {
      readSettings(env);
    } catch (e) {
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('a config file: valid keys apply, a bad one is named', () => {
    const dir = tmpdir();
    const good = join(dir, `cfg-good-${process.pid}.json`);
    writeFileSync(good, JSON.stringify({ center: { name: '测试中心' }, shifts: [{ name: '白班', start: '08:30' }, { name: '夜班', start: '20:30' }], thresholds: { waitWarnSec: 20 } }));
    const s = readSettings({ CONFIG_FILE: good, TZ: 'America/New_York' });
    expect(s.config).toMatchObject({ centerName: '测试中心', timeZone: 'America/New_York', shifts: [{ name: '白班', startMin: 510 }, { name: '夜班', startMin: 1230 }] });
    expect(s.config.thresholds.waitWarnSec).toBe(20);
    expect(s.config.thresholds.waitCriticalSec).toBe(60);
    const bad = join(dir, `cfg-bad-${process.pid}.json`);
    writeFileSync(bad, JSON.stringify({ thresholds: { busyTooLongMin: -3 } }));
    expect(() => readSettings({ CONFIG_FILE: bad })).toThrow(/thresholds\.busyTooLongMin/);
    writeFileSync(bad, '{ not json');
    expect(() => readSettings({ CONFIG_FILE: bad })).toThrow(/not valid JSON/);
  });
});
