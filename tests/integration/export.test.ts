/** The day's figures as CSV for the lead's statistics (第四十二条): per interval, per category, no caller data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayScenario, fakeClock, request, startTestApp, stopAll, type TestApp } from '../helpers/app';

let t: TestApp;
let lead: string;
const clock = fakeClock();
const day = (ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(ms);

beforeAll(async () => {
  t = await startTestApp({ clock });
  lead = (await t.createUser('lead')).token;
  await t.ingest(dayScenario(clock.now()));
});
afterAll(stopAll);

describe('GET /api/v1/export/day.csv', () => {
  it("today's figures match the snapshot, line for line", async () => {
    const snap = await t.snapshot();
    const res = await request(t.url, `/api/v1/export/day.csv?date=${day(clock.now())}`, { token: lead });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    expect(res.headers.get('content-disposition')).toContain(`hotline-${day(clock.now())}.csv`);
    const lines = String(res.body).replace(/^\ufeff/, '').split('\r\n');
    const w = snap.today;
    expect(lines).toContain(`day,${day(clock.now())},${w.offered},${w.answered},${w.abandoned},${w.shortAbandoned},${w.answeredInSL},${(w.serviceLevel! * 100).toFixed(1)}`);
    expect(lines.filter((l) => l.startsWith('interval,'))).toHaveLength(snap.intervals.length);
    const offered = lines.filter((l) => l.startsWith('interval,')).reduce((n, l) => n + Number(l.split(',')[2]), 0);
    expect(offered).toBe(w.offered);
    for (const [c, n] of Object.entries(snap.categories)) expect(lines).toContain(`${c},${n}`);
    expect(String(res.body)).not.toMatch(/\d{7,}/);
  });

  it('yesterday is kept; older days are not; a bad date is 400', async () => {
    expect((await request(t.url, `/api/v1/export/day.csv?date=${day(clock.now() - 86_400_000)}`, { token: lead })).status).toBe(200);
    expect((await request(t.url, `/api/v1/export/day.csv?date=${day(clock.now() - 3 * 86_400_000)}`, { token: lead })).status).toBe(404);
    expect((await request(t.url, '/api/v1/export/day.csv?date=yesterday', { token: lead })).status).toBe(400);
  });
});
