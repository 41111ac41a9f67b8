/** The two commands a person runs: `npm start` refuses to run without Redis; the demo falls back. */
import { describe, expect, it } from 'vitest';
import { runScript } from '../helpers/run-script';

const run = (script: string, env: Record<string, string>, until?: RegExp) => runScript(script, [], env, { until });

describe('entry points', () => {
  it('npm start without Redis: one clear line and a non-zero exit', async () => {
    const r = await run('server/main.ts', { REDIS_URL: 'redis://127.0.0.1:1', PORT: '0' });
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toEqual([expect.stringMatching(/^wallboard: Redis is not reachable at 127\.0\.0\.1:1/)]);
  });

  it('npm start with a bad setting: one line naming it, exit 2', async () => {
    const r = await run('server/main.ts', { PORT: 'eighty' });
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('wallboard: PORT: "eighty" is not a port number (0–65535)');
  });

  it('the demo without Redis runs on the in-process log and says so', async () => {
    const r = await run('server/demo.ts', { REDIS_URL: 'redis://127.0.0.1:1', PORT: '0', DEMO_SPEED: '1' }, /Ctrl\+C/);
    expect(r.out).toMatch(/^demo: no Redis at 127\.0\.0\.1:1; running on an in-process event log/m);
    expect(r.out).toMatch(/Wall \(大屏\): +http:\/\/localhost:\d+\/wall\?token=dev_/);
    expect(r.out).toContain('zhang / demo-lead-12319');
    expect(r.err).toBe('');
  });
});
