/** The audit log in process memory. */
import { systemClock, type AuditLog, type AuditRecord, type Clock } from '../../ports';

/** AuditLog in memory. Like the Redis stream, a record is placed by the time it was appended (the clock's). */
export class MemoryAuditLog implements AuditLog {
  readonly #records: AuditRecord[] = [];
  readonly #appendedAt: number[] = [];

  constructor(private readonly clock: Clock = systemClock) {}

  async append(record: AuditRecord): Promise<void> {
    this.#records.push(structuredClone(record));
    this.#appendedAt.push(this.clock.now());
  }

  async trim(beforeMs: number): Promise<number> {
    let n = 0;
    while (n < this.#appendedAt.length && this.#appendedAt[n]! < beforeMs) n++;
    this.#records.splice(0, n);
    this.#appendedAt.splice(0, n);
    return n;
  }

  async list(from: number, to: number): Promise<AuditRecord[]> {
    // Stable sort: records with the same `at` keep the order they were written in.
    return this.#records
      .filter((r) => r.at >= from && r.at < to)
      .map((r) => structuredClone(r))
      .sort((a, b) => a.at - b.at);
  }
}
