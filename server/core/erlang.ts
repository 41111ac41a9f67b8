/**
 * Erlang C, for the staffing forecast (issue 12): how many agents an interval needs for its calls
 * to meet a service-level target, with the waiting probability, service level and average speed of
 * answer behind that figure. Pure.
 *
 * The model is M/M/N: calls arrive at random (Poisson), handling times are exponential with mean
 * AHT, nobody abandons, N agents take calls from one queue. The offered traffic A (in Erlangs) is
 * calls × AHT / interval. Pw is computed through the Erlang B recursion (B(0) = 1,
 * B(n) = A·B(n−1) / (n + A·B(n−1)), then C = N·B / (N − A·(1 − B))): every step stays in [0, 1], so
 * no factorial or power overflows, however large the traffic (a 2000-Erlang province-wide peak
 * included). With N ≤ A the queue never settles: every caller waits, and no service level is met.
 */

/** Default cap on the agents `requiredAgents` looks at. */
export const MAX_AGENTS = 10_000;

/** The offered traffic in Erlangs: calls × AHT / interval (seconds and seconds). */
export function trafficIntensity(callsPerInterval: number, intervalSec: number, ahtSec: number): number {
  return (callsPerInterval * ahtSec) / intervalSec;
}

/**
 * Pw: the probability that a call has to wait. 0 without traffic; 1 when agents ≤ traffic (an
 * unstable queue). Throws a RangeError unless `agents` is a non-negative integer and
 * `trafficErlangs` a non-negative finite number.
 */
export function erlangC(agents: number, trafficErlangs: number): number {
  checkAgents(agents, 'agents');
  checkNonNegative(trafficErlangs, 'trafficErlangs');
  if (trafficErlangs === 0) return 0;
  if (agents <= trafficErlangs) return 1;
  let b = 1;
  for (let n = 1; n <= agents; n++) b = nextErlangB(b, n, trafficErlangs);
  return cFromB(b, agents, trafficErlangs);
}

/**
 * The share of calls answered within `targetSec`: 1 − Pw·exp(−(N − A)·target / AHT).
 * 1 without traffic, 0 when agents ≤ traffic. Throws a RangeError on a negative or non-finite
 * target, or an AHT that is not a positive finite number.
 */
export function serviceLevel(agents: number, trafficErlangs: number, targetSec: number, ahtSec: number): number {
  checkAgents(agents, 'agents');
  checkNonNegative(trafficErlangs, 'trafficErlangs');
  checkNonNegative(targetSec, 'targetSec');
  checkPositive(ahtSec, 'ahtSec');
  if (trafficErlangs === 0) return 1;
  if (agents <= trafficErlangs) return 0;
  return slFromC(erlangC(agents, trafficErlangs), agents, trafficErlangs, targetSec, ahtSec);
}

/**
 * Average speed of answer in seconds, over all calls (those answered at once count 0):
 * Pw·AHT / (N − A). 0 without traffic, Infinity when agents ≤ traffic. Throws a RangeError on an
 * AHT that is not a positive finite number.
 */
export function asa(agents: number, trafficErlangs: number, ahtSec: number): number {
  checkAgents(agents, 'agents');
  checkNonNegative(trafficErlangs, 'trafficErlangs');
  checkPositive(ahtSec, 'ahtSec');
  if (trafficErlangs === 0) return 0;
  if (agents <= trafficErlangs) return Infinity;
  return (erlangC(agents, trafficErlangs) * ahtSec) / (agents - trafficErlangs);
}

export interface StaffingInput {
  /** calls expected in the interval */
  callsPerInterval: number;
  /** the interval's length, seconds (1800 for the wallboard's 30-minute intervals) */
  intervalSec: number;
  /** average handling time, seconds (talk + wrap-up) */
  ahtSec: number;
  /** the service-level target as a fraction, 0.8 for 80 % */
  targetSl: number;
  /** answered within this many seconds */
  targetSec: number;
  /** the most agents looked at (default MAX_AGENTS) */
  maxAgents?: number;
}

/**
 * The fewest agents whose service level is at least `targetSl` (exactly the target counts as met).
 * Always more agents than the traffic: an unstable queue meets no target. 0 when no calls are
 * expected. null when the figure cannot be given: an AHT ≤ 0 with calls expected, a target of 100 %
 * (never met under Erlang C), or more than `maxAgents` agents needed.
 *
 * Throws a RangeError on inputs that are not numbers of the right kind: negative or non-finite
 * calls, an interval that is not positive, a non-finite AHT, `targetSl` outside [0, 1], a negative
 * target time, a `maxAgents` that is not a non-negative integer.
 *
 * B is carried from one agent count to the next, so the whole search costs O(answer), not
 * O(answer²): about 2000 steps for 2000 Erlangs.
 */
export function requiredAgents(input: StaffingInput): number | null {
  const { callsPerInterval: calls, intervalSec, ahtSec, targetSl, targetSec } = input;
  const maxAgents = input.maxAgents ?? MAX_AGENTS;
  checkNonNegative(calls, 'callsPerInterval');
  checkPositive(intervalSec, 'intervalSec');
  if (!Number.isFinite(ahtSec)) throw new RangeError(`ahtSec must be a finite number, got ${ahtSec}`);
  if (!(targetSl >= 0 && targetSl <= 1)) throw new RangeError(`targetSl must be in [0, 1], got ${targetSl}`);
  checkNonNegative(targetSec, 'targetSec');
  checkAgents(maxAgents, 'maxAgents');

  if (calls === 0) return 0;
  if (ahtSec <= 0 || targetSl === 1) return null;
  const a = trafficIntensity(calls, intervalSec, ahtSec);
  if (!Number.isFinite(a)) return null;

  // the first stable count: ceil(A), or A + 1 when A is a whole number
  const first = Math.floor(a) + 1;
  if (first > maxAgents) return null;
  let b = 1;
  for (let n = 1; n <= first; n++) b = nextErlangB(b, n, a);
  for (let n = first; ; ) {
    if (slFromC(cFromB(b, n, a), n, a, targetSec, ahtSec) >= targetSl) return n;
    n++;
    if (n > maxAgents) return null;
    b = nextErlangB(b, n, a);
  }
}

/** Erlang B for n agents from Erlang B for n − 1. */
function nextErlangB(prev: number, n: number, a: number): number {
  const x = a * prev;
  return x / (n + x);
}

/** Erlang C from Erlang B, for n > a > 0. */
function cFromB(b: number, n: number, a: number): number {
  return (n * b) / (n - a * (1 - b));
}

/** Service level from Erlang C, for n > a > 0 (one expression, so the search and serviceLevel agree to the bit). */
function slFromC(c: number, n: number, a: number, targetSec: number, ahtSec: number): number {
  return 1 - c * Math.exp((-(n - a) * targetSec) / ahtSec);
}

function checkAgents(v: number, name: string): void {
  if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer, got ${v}`);
}

function checkNonNegative(v: number, name: string): void {
  if (!Number.isFinite(v) || v < 0) throw new RangeError(`${name} must be a non-negative finite number, got ${v}`);
}

function checkPositive(v: number, name: string): void {
  if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${name} must be a positive finite number, got ${v}`);
}
