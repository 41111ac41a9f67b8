/**
 * The day's figures for the lead's statistics and briefings (第四十二条): per 30-minute interval and
 * per ticket category, as CSV (opens in a spreadsheet). Aggregates only, no caller data. The state
 * keeps two days, so today and yesterday can be exported.
 */
import { Router } from 'express';
import type { CenterConfig } from '../../../shared/config';
import { CATEGORIES } from '../../../shared/events';
import { localParts, startOfDay, zonedEpoch } from '../../../shared/time';
import type { TokenService } from '../../auth';
import { derive } from '../../core/derive';
import type { Clock } from '../../ports';
import type { Replica } from '../../replica';
import { sendError } from './errors';
import { requireRole } from './guard';

const pad = (n: number) => String(n).padStart(2, '0');
const pct = (x: number | null) => (x === null ? '' : (x * 100).toFixed(1));
const num = (x: number | null) => (x === null ? '' : x.toFixed(1));

export function reportsRouter(d: { replica: Replica; tokens: TokenService; clock: Clock; config: CenterConfig }): Router {
  const r = Router();
  r.get('/api/v1/export/day.csv', requireRole(d.tokens, 'lead', 'director'), (req, res) => {
    const tz = d.config.timeZone;
    const now = d.clock.now();
    const today = startOfDay(now, tz);
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(req.query.date ?? ''));
    if (!m) return sendError(res, 400, 'invalid_date', 'date must be YYYY-MM-DD');
    const dayStart = zonedEpoch(Number(m[1]), Number(m[2]), Number(m[3]), 0, tz);
    const yesterday = startOfDay(today - 1, tz);
    if (dayStart !== today && dayStart !== yesterday) return sendError(res, 404, 'not_kept', 'only today and yesterday can be exported');
    // the view as it stood at the end of that day (or now, for today)
    const at = dayStart === today ? now : today - 1;
    const s = derive(d.replica.state, at, d.config, d.replica.cursor);
    const rows: string[] = ['section,start,offered,answered,abandoned,shortAbandoned,answeredInSL,serviceLevelPct'];
    for (const b of s.intervals) {
      const p = localParts(b.start, tz);
      const divisor = b.answered + b.abandoned - b.shortAbandoned;
      rows.push(['interval', `${pad(p.hour)}:${pad(p.minute)}`, b.offered, b.answered, b.abandoned, b.shortAbandoned, b.answeredInSL, pct(divisor > 0 ? b.answeredInSL / divisor : null)].join(','));
    }
    const w = s.today;
    rows.push(['day', m[0], w.offered, w.answered, w.abandoned, w.shortAbandoned, w.answeredInSL, pct(w.serviceLevel)].join(','));
    rows.push('', 'figure,value', `answerRatePct,${pct(w.answerRate)}`, `timelyRatePct,${pct(w.timelyRate)}`, `asaSec,${num(w.asaSec)}`, `maxWaitSec,${num(w.maxWaitSec)}`, `avgTalkSec,${num(w.avgTalkSec)}`, `avgHandleSec,${num(w.avgHandleSec)}`);
    rows.push('', 'category,tickets', ...CATEGORIES.map((c) => `${c},${s.categories[c]}`));
    res
      .set('Cache-Control', 'no-store')
      .type('text/csv; charset=utf-8')
      .attachment(`hotline-${m[0]}.csv`)
      .send('\ufeff' + rows.join('\r\n') + '\r\n');
  });
  return r;
}
