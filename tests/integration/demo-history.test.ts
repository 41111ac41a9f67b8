/**
 * `npm run demo` on a fresh machine (issue 11): the 28 simulated days before today are in the archive
 * before the wallboard starts, so /reports has a month to show, on Redis and on the in-process log.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import type {} from '../helpers/provided-context';
import { startScript } from '../helpers/run-script';
import { dateOf } from '../../server/core/archive';
import { localParts, startOfDay, zonedEpoch } from '../../shared/time';
import type { AgentsReport, DaysReport } from '../../shared/reports';

const TZ = 'Asia/Shanghai';

async function reportsOfDemo(env: Record<string, string>) {
  const demo = await startScript('server/demo.ts', { PORT: '0', TZ, DEMO_SPEED: '1', ...env }, /Ctrl\+C/, 60_000);
  try {
    const base = /Lead \(值班长\): +(http:\/\/localhost:\d+)\/login/.exec(demo.out)![1]!;
    const login = await fetch(`${base}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'zhang', password: 'demo-lead-12319' }) });
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const today = startOfDay(Date.now(), TZ);
    const p = localParts(today, TZ);
    const query = `from=${dateOf(zonedEpoch(p.year, p.month, p.day - 28, 0, TZ), TZ)}&to=${dateOf(today, TZ)}`;
    const get = async <T>(path: string): Promise<T> => {
      const res = await fetch(`${base}/api/v1/reports/${path}?${query}`, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      return (await res.json()) as T;
    };
    return { out: demo.out, days: await get<DaysReport>('days'), agents: await get<AgentsReport>('agents') };
  } finally {
    await demo.stop();
  }
}

function expectMonth(days: DaysReport, agents: AgentsReport): void {
  expect(days.days).toHaveLength(29);
  const past = days.days.slice(0, 28);
  expect(past.every((d) => !d.partial && d.offered > 300 && d.answered <= d.offered && d.intervals.length > 20)).toBe(true);
  expect(days.days[28]!.partial).toBe(true);
  // every day is a day of its own
  expect(new Set(past.map((d) => d.offered)).size).toBeGreaterThan(20);
  expect(agents.agents.length).toBeGreaterThan(20);
  expect(agents.agents.every((a) => a.signedInSec > 3600)).toBe(true);
}

describe('the demo starts with a month of history', () => {
  it('28 archived days and today, the same on the in-process log and on Redis', async () => {
    const memory = await reportsOfDemo({ REDIS_URL: 'redis://127.0.0.1:1' });
    expect(memory.out).toMatch(/^demo: no Redis at /m);
    expect(memory.out).toMatch(/^demo: 28 days of history archived in \d+\.\d s; the last 6 days. tickets go on in the stream/m);
    expectMonth(memory.days, memory.agents);

    const redis = await reportsOfDemo({ REDIS_URL: inject('redisUrl'), REDIS_PREFIX: `itest-demo:${randomBytes(4).toString('hex')}:` });
    expect(redis.out).toMatch(/^demo: using Redis at /m);
    expectMonth(redis.days, redis.agents);
    // one seed, one history, whichever store holds it
    expect(redis.days.days.slice(0, 28)).toEqual(memory.days.days.slice(0, 28));
  }, 60_000);
});
