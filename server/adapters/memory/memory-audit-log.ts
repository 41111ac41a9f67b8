/** The audit log in process memory. */
import type { AuditLog, AuditRecord } from '../../ports';

/** AuditLog in memory. */
export class MemoryAuditLog implements AuditLog {
  readonly #records: AuditRecord[] = [];

  async append(record: AuditRecord): Promise<void> {
    this.#records.push(structuredClone(record));
  }

  async list(from: number, to: number): Promise<AuditRecord[]> {
    // Stable sort: records with the same `at` keep the order they were written in.
    return this.#records
      .filter((r) => r.at >= from && r.at < to)
      .map((r) => structuredClone(r))
      .sort((a, b) => a.at - b.at);
  }
}
