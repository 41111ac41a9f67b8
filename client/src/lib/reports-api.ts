/**
 * The reports routes (GET /api/v1/reports/*, shared/reports.ts) and their CSV downloads. A CSV
 * needs the bearer token, which a plain link does not send: it is fetched, then saved from a Blob
 * through an object URL and a temporary <a download>.
 */
import type { AgentDaysReport, AgentsReport, DaysReport } from '../../../shared/reports';
import { api, apiFile } from './api';
import type { DateRange } from './report-range';
import { csvFilename, reportPath, type ReportKind } from './report-view';

export const fetchDays = (r: DateRange) => api<DaysReport>(reportPath('days', r));
export const fetchAgents = (r: DateRange) => api<AgentsReport>(reportPath('agents', r));
export const fetchAgentDays = (agentId: string, r: DateRange) => api<AgentDaysReport>(reportPath('agent', r, { agentId }));

/** Hands a Blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // the download has taken the bytes by the next turn; a little later to be safe
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Downloads a report as CSV; the file's name (the server's, or ours). Throws an ApiError. */
export async function downloadCsv(kind: ReportKind, r: DateRange, agentId?: string): Promise<string> {
  const file = await apiFile(reportPath(kind, r, { agentId, csv: true }), 'text/csv');
  const name = file.filename ?? csvFilename(kind, r, agentId);
  saveBlob(file.blob, name);
  return name;
}
