/**
 * CSV as spreadsheets open it: UTF-8 with a byte-order mark (Excel reads Chinese headers right),
 * CRLF lines, RFC 4180 quoting. A text cell that a spreadsheet would run as a formula (it starts
 * with = + - @ or a control character) gets a leading apostrophe: names come from outside.
 * And the other way: `parseCsv` reads what a lead keeps in a spreadsheet (the roster).
 */
import type { Request, Response } from 'express';
import { sendError } from './errors';

/** Percent with one decimal, or an empty cell. */
export const pct = (x: number | null): string => (x === null ? '' : (x * 100).toFixed(1));
/** A figure with one decimal, or an empty cell. */
export const num = (x: number | null): string => (x === null ? '' : x.toFixed(1));

export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvDocument(rows: readonly (readonly unknown[])[]): string {
  return '\ufeff' + rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A CSV answer: the document above, not cached, as a download named `filename`. */
export function sendCsv(res: Response, filename: string, rows: unknown[][]): void {
  res.set('Cache-Control', 'no-store').type('text/csv; charset=utf-8').attachment(filename).send(csvDocument(rows));
}

/** `format=csv` or JSON (absent or `format=json`); anything else is answered `400 invalid_format` (null). */
export function responseFormat(req: Request, res: Response): 'csv' | 'json' | null {
  const f = req.query.format ?? 'json';
  if (f === 'csv' || f === 'json') return f;
  sendError(res, 400, 'invalid_format', 'format must be csv or json');
  return null;
}

export type CsvParse = { ok: true; rows: string[][] } | { ok: false; row: number; message: string };

/**
 * Reads CSV as spreadsheets write it (RFC 4180): a leading byte-order mark is dropped, records end
 * with CRLF or LF, a quoted cell may hold commas, quotes (doubled) and line breaks. A quote inside
 * an unquoted cell is kept as it is; an unterminated quoted cell, or text after a closing quote, is
 * an error naming the record (`row`, 0-based: the spreadsheet's row number less one). A last record
 * without a line break still counts; an empty text has no records.
 */
export function parseCsv(text: string): CsvParse {
  const s = text.startsWith('\ufeff') ? text.slice(1) : text;
  const rows: string[][] = [];
  const endOfCell = (i: number) => i >= s.length || s[i] === ',' || s[i] === '\n' || (s[i] === '\r' && s[i + 1] === '\n');
  let i = 0;
  while (i < s.length) {
    const row = rows.length;
    const cells: string[] = [];
    for (;;) {
      let cell = '';
      if (s[i] === '"') {
        i++;
        for (;;) {
          if (i >= s.length) return { ok: false, row, message: 'a quoted cell is not closed' };
          if (s[i] === '"') {
            if (s[i + 1] !== '"') break;
            i++;
          }
          cell += s[i++];
        }
        i++;
        if (!endOfCell(i)) return { ok: false, row, message: 'text after the closing quote of a cell' };
      } else {
        while (!endOfCell(i)) cell += s[i++];
      }
      cells.push(cell);
      if (s[i] !== ',') break;
      i++;
    }
    // the record ends: CRLF, LF or the end of the text
    if (s[i] === '\r') i++;
    if (s[i] === '\n') i++;
    rows.push(cells);
  }
  return { ok: true, rows };
}
