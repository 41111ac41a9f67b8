/**
 * An input of the live view worked out from the archive (today's staffing forecast, this month's
 * archived follow-ups): read when the node starts, when the day changes and every 10 minutes, never
 * on a derive. Listeners hear when the value changed; a failed read keeps the last value and is
 * retried at the next turn.
 */
import type { Logger } from 'pino';
import { startOfDay } from '../shared/time';
import type { Clock } from './ports';

export const ARCHIVE_INPUT_REFRESH_MS = 10 * 60_000;

export abstract class ArchiveInput<T> {
  private value: T | null = null;
  private valueKey = '';
  private timer: NodeJS.Timeout | null = null;
  private listeners = new Set<() => void>();

  constructor(
    protected readonly clock: Clock,
    protected readonly timeZone: string,
    protected readonly logger: Pick<Logger, 'warn'>,
    /** what is read, for the log line when it fails */
    private readonly what: string,
  ) {}

  /** The value now (null until first read). */
  current(): T | null {
    return this.value;
  }

  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async start(): Promise<void> {
    await this.refresh();
    // every minute: cheap unless the day changed or the 10 minutes are up
    let last = this.clock.now();
    this.timer = setInterval(() => {
      const now = this.clock.now();
      if (now - last >= ARCHIVE_INPUT_REFRESH_MS || startOfDay(now, this.timeZone) !== startOfDay(last, this.timeZone)) {
        last = now;
        void this.refresh();
      }
    }, 60_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the value again; listeners hear when it changed. */
  async refresh(): Promise<void> {
    try {
      const next = await this.read();
      const key = this.keyOf(next);
      if (this.value !== null && key === this.valueKey) return;
      this.value = next;
      this.valueKey = key;
      for (const fn of this.listeners) fn();
    } catch (err) {
      this.logger.warn({ err: String(err) }, `${this.what} not read from the archive; will retry`);
    }
  }

  protected abstract read(): Promise<T>;
  /** a text equal for equal values */
  protected abstract keyOf(value: T): string;
}
