/**
 * The browser's estimate of the server clock. A wall PC's clock is often minutes off, so every
 * timer on screen (clock, longest wait, time in state) runs from server time instead.
 *
 * Each snapshot or patch carries `serverTime`; `serverTime - receivedAt` underestimates the true
 * offset by the message's transit delay, so the largest recent sample is the best estimate. A short
 * window lets a server clock correction (NTP step) take effect within a few messages.
 */
export interface ServerClock {
  /** record a message's serverTime, received at `receivedAt` on the browser clock */
  sample(serverTime: number, receivedAt?: number): void;
  /** server time minus browser time, in ms (0 before any sample) */
  offsetMs(): number;
  /** the current server time, estimated */
  now(): number;
}

export function createServerClock(browserNow: () => number = Date.now, windowSize = 20): ServerClock {
  const samples: number[] = [];
  let best = 0;
  return {
    sample(serverTime, receivedAt = browserNow()) {
      if (!Number.isFinite(serverTime)) return;
      samples.push(serverTime - receivedAt);
      if (samples.length > windowSize) samples.shift();
      best = Math.max(...samples);
    },
    offsetMs: () => best,
    now: () => browserNow() + best,
  };
}
