/**
 * Test scaffolding shared by the adapter stories: a story clock whose timers fire as the story's time
 * passes them (the PBX's clock and the adapter's, no real waiting), and a logger that keeps its lines.
 */
import type { Timers } from '../../server/adapters/pbx/common/feed';

/** The PBX's and the adapter's clock; the adapter's timers fire when the story clock passes them. */
export interface StoryClock {
  t: number;
  now(): number;
  timers: Timers;
  set(to: number): void;
}

export function storyClock(t: number): StoryClock {
  const due: { at: number; fn: () => void }[] = [];
  const c: StoryClock = {
    t,
    now: () => c.t,
    timers: {
      set: (fn: () => void, ms: number) => {
        const h = { at: c.t + ms, fn };
        due.push(h);
        return h;
      },
      clear: (h: unknown) => {
        const i = due.indexOf(h as (typeof due)[number]);
        if (i >= 0) due.splice(i, 1);
      },
    },
    set(to: number) {
      c.t = to;
      for (;;) {
        const next = due.filter((d) => d.at <= to).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        due.splice(due.indexOf(next), 1);
        next.fn();
      }
    },
  };
  return c;
}

export type LogLine = { level: string; msg: string; o: Record<string, unknown> };

/** A logger for the adapters that keeps every line, to assert on what was said. */
export function captureLogger() {
  const lines: LogLine[] = [];
  const at = (level: string) => (o: object, msg: string) => void lines.push({ level, msg, o: o as Record<string, unknown> });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

/** Timers the test fires by hand: `due` lists what is set (with its delay), `fireAll` runs them all. */
export function manualTimers(): Timers & { due: { fn: () => void; ms: number }[]; fireAll(): void } {
  const due: { fn: () => void; ms: number }[] = [];
  return {
    due,
    set: (fn, ms) => {
      const t = { fn, ms };
      due.push(t);
      return t;
    },
    clear: (h) => {
      const i = due.indexOf(h as (typeof due)[number]);
      if (i >= 0) due.splice(i, 1);
    },
    fireAll() {
      for (const t of due.splice(0)) t.fn();
    },
  };
}
