/** The daily archive in process memory (the demo without Redis, and the contract tests). */

import { compareStreamIds } from '../../core/stream-id';
import type { ArchiveStore } from '../../ports';
import { parseArchiveRecord, type DayArchive } from '../../core/archive';

export class MemoryArchiveStore implements ArchiveStore {
  /** date → [asOf, the record's JSON text] (stored as text, like Redis, so no caller shares an object) */
  readonly #days = new Map<string, [string, string]>();

  async put(day: DayArchive, asOf: string): Promise<void> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day.date) || !/^\d+-\d+$/.test(asOf)) throw new Error(`archive: bad date or position (${day.date}, ${asOf})`);
    const cur = this.#days.get(day.date);
    if (cur && compareStreamIds(cur[0], asOf) > 0) return;
    this.#days.set(day.date, [asOf, JSON.stringify(day)]);
  }

  async get(dates: readonly string[]): Promise<Map<string, DayArchive>> {
    const out = new Map<string, DayArchive>();
    for (const d of dates) {
      const cur = this.#days.get(d);
      const day = cur ? parseArchiveRecord(cur[1]) : null;
      if (day) out.set(d, day);
    }
    return out;
  }

  async dates(): Promise<string[]> {
    return [...this.#days.keys()].sort();
  }

  async deleteBefore(date: string): Promise<number> {
    let n = 0;
    for (const d of [...this.#days.keys()]) if (d < date && this.#days.delete(d)) n++;
    return n;
  }
}
