/** The day's figures as CSV for the lead's statistics (第四十二条): per interval, per category, no caller data. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayScenario, ev, fakeClock, request, startTestApp, stopAll, type TestApp } from '../helpers/app';
import type { HotlineEvent } from '../../shared/events';
import { startOfDay } from '../../shared/time';

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

  it('any day begun can be exported (older ones from the archive); a day to come is 404; a bad date is 400', async () => {
    expect((await request(t.url, `/api/v1/export/day.csv?date=${day(clock.now() - 86_400_000)}`, { token: lead })).status).toBe(200);
    expect((await request(t.url, `/api/v1/export/day.csv?date=${day(clock.now() - 30 * 86_400_000)}`, { token: lead })).status).toBe(200);
    expect((await request(t.url, `/api/v1/export/day.csv?date=${day(clock.now() + 86_400_000)}`, { token: lead })).status).toBe(404);
    expect((await request(t.url, '/api/v1/export/day.csv?date=yesterday', { token: lead })).status).toBe(400);
  });
});

describe("yesterday's CSV", () => {
  it("counts only yesterday's calls and tickets, not today's", async () => {
    // every ts is in the past (the log refuses a ts ahead of its clock): today's events in the first
    // minute after midnight, yesterday's at 10:00; in the first minutes of a day, "today" is yesterday
    const HOUR = 3_600_000;
    const c = fakeClock();
    if (c.t - startOfDay(c.t, 'Asia/Shanghai') < 2 * 60_000) c.t = startOfDay(c.t, 'Asia/Shanghai') - 1000;
    const todayStart = startOfDay(c.t, 'Asia/Shanghai');
    const yesterdayStart = startOfDay(todayStart - 1, 'Asia/Shanghai');
    const node = await startTestApp({ clock: c });
    const lead2 = (await node.createUser('lead')).token;
    const y = (sec: number) => yesterdayStart + 10 * HOUR + sec * 1000;
    const d = (sec: number) => todayStart + sec * 1000;
    const events: HotlineEvent[] = [
      ev('agent.login', y(0), { agentId: '3001' }),
      ev('agent.signin', y(1), { agentId: '3001', seat: 'C01' }),
      // yesterday: 2 offered, 1 answered in 5 s, 1 abandoned after a minute; 1 sanitation ticket
      ev('call.queued', y(10), { callId: 'y1' }),
      ev('call.answered', y(15), { callId: 'y1', agentId: '3001' }),
      ev('ticket.created', y(60), { ticketId: 'ty1', category: 'sanitation', kind: 'complaint', callId: 'y1', agentId: '3001' }),
      ev('call.ended', y(120), { callId: 'y1' }),
      ev('agent.ready', y(130), { agentId: '3001' }),
      ev('call.queued', y(200), { callId: 'y2' }),
      ev('call.abandoned', y(260), { callId: 'y2' }),
      ev('agent.logout', y(3600), { agentId: '3001' }),
      // today: 3 offered, all answered; 2 city_order tickets and 1 municipal
      ev('agent.login', d(0), { agentId: '3001' }),
      ev('agent.signin', d(1), { agentId: '3001', seat: 'C01' }),
    ];
    for (const [i, callId] of ['d1', 'd2', 'd3'].entries()) {
      const t0 = 5 + i * 15;
      events.push(
        ev('call.queued', d(t0), { callId }),
        ev('call.answered', d(t0 + 3), { callId, agentId: '3001' }),
        ev('ticket.created', d(t0 + 6), { ticketId: `t-${callId}`, category: i < 2 ? 'city_order' : 'municipal', kind: 'complaint', callId, agentId: '3001' }),
        ev('call.ended', d(t0 + 9), { callId }),
        ev('agent.ready', d(t0 + 10), { agentId: '3001' }),
      );
    }
    await node.ingest(events);

    const csv = async (date: string) => {
      const res = await request(node.url, `/api/v1/export/day.csv?date=${date}`, { token: lead2 });
      expect(res.status).toBe(200);
      return String(res.body).replace(/^\ufeff/, '').split('\r\n');
    };
    const intervalOffered = (lines: string[]) => lines.filter((l) => l.startsWith('interval,')).reduce((n, l) => n + Number(l.split(',')[2]), 0);

    const yLines = await csv(day(yesterdayStart));
    // day,date,offered,answered,abandoned,shortAbandoned,answeredInSL,serviceLevelPct
    expect(yLines.find((l) => l.startsWith('day,'))).toBe(`day,${day(yesterdayStart)},2,1,1,0,1,50.0`);
    expect(intervalOffered(yLines)).toBe(2);
    expect(yLines).toContain('sanitation,1');
    expect(yLines).toContain('city_order,0');
    expect(yLines).toContain('municipal,0');

    // today's export, for contrast: only today's
    const dLines = await csv(day(todayStart));
    expect(dLines.find((l) => l.startsWith('day,'))).toBe(`day,${day(todayStart)},3,3,0,0,3,100.0`);
    expect(intervalOffered(dLines)).toBe(3);
    expect(dLines).toContain('sanitation,0');
    expect(dLines).toContain('city_order,2');
    expect(dLines).toContain('municipal,1');
  });
});
