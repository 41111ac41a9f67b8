/** Axis scaling for the charts (pure, testable without Chart.js). */

/**
 * An axis maximum that fits the data with a little headroom: the smallest round step (1, 2, 2.5, 5
 * × 10ⁿ, whole numbers only) that covers it in at most `maxSteps` steps; never below `min`.
 */
export function niceMax(maxValue: number, maxSteps = 5, min = 4): { max: number; step: number } {
  const top = Math.max(min, maxValue * 1.03);
  for (let pow = 1; ; pow *= 10) {
    for (const m of [1, 2, 2.5, 5]) {
      const step = m * pow;
      if (!Number.isInteger(step)) continue;
      const n = Math.ceil(top / step);
      if (n <= maxSteps) return { max: n * step, step };
    }
  }
}
