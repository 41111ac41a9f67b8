/**
 * At most one run per period: a request when the last run is older than the period runs at once;
 * one made sooner runs once when the period is over (however many came meanwhile). For reloads
 * triggered by live changes, which can come many times a second.
 */
export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export interface Throttle {
  /** asks for a run: now, or at the end of the period */
  request(): void;
  /** drops a pending run (the component is gone) */
  cancel(): void;
}

export function throttle(run: () => void, periodMs: number, timers: Timers = realTimers): Throttle {
  let last: number | null = null;
  let pending: unknown = null;
  const fire = () => {
    pending = null;
    last = timers.now();
    run();
  };
  return {
    request() {
      if (pending !== null) return;
      const wait = last === null ? 0 : last + periodMs - timers.now();
      if (wait <= 0) fire();
      else pending = timers.setTimeout(fire, wait);
    },
    cancel() {
      if (pending !== null) timers.clearTimeout(pending);
      pending = null;
    },
  };
}
