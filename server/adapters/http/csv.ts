/**
 * CSV as spreadsheets open it: UTF-8 with a byte-order mark (Excel reads Chinese headers right),
 * CRLF lines, RFC 4180 quoting. A text cell that a spreadsheet would run as a formula (it starts
 * with = + - @ or a control character) gets a leading apostrophe: names come from outside.
 */

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
