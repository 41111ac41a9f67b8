/**
 * The page's live state: the snapshot (replaced on `snapshot`, patched in place on `patch` so only
 * what changed re-renders), the connection status and a server-time clock that ticks every second.
 * The protocol logic lives in connection.ts; this module only holds reactive state.
 */
import { tick as flushed } from 'svelte';
import { applyPatch, type Patch } from '../../../shared/patch';
import type { Snapshot } from '../../../shared/snapshot';
import { createConnection, type Connection, type ConnectionOptions, type ConnectionStatus } from './connection';
import { thresholdsOf } from './targets';
import { ladderLimits, longestWaitSec } from './wall-view';

class LiveState {
  /** the current snapshot; null until the first one arrives */
  snapshot = $state<Snapshot | null>(null);
  status = $state<ConnectionStatus>('connecting');
  unauthorized = $state(false);
  closingCode = $state<string | null>(null);
  /** browser clock (ms) of the last data received */
  lastDataAt = $state<number | null>(null);
  /** server time (ms) of the last data received: "showing data from HH:MM:SS" */
  lastServerTime = $state<number | null>(null);
  /** server time now (ms), ticking once a second on the second */
  now = $state(Date.now());
  /** whole seconds since the last data arrived (browser clock) */
  silentSec = $state(0);

  /**
   * The time that elapsed-time figures run to. While offline it stops at the last data's time, so
   * a wall that lost its feed does not keep counting waits and states up as if it were live.
   */
  timerNow = $derived(this.status === 'offline' && this.lastServerTime !== null ? this.lastServerTime : this.now);

  /** the center's time zone (Asia/Shanghai until the first snapshot) */
  timeZone = $derived(this.snapshot?.center.timeZone ?? 'Asia/Shanghai');
  /** the thresholds in force: the snapshot's, completed by the defaults */
  thresholds = $derived(thresholdsOf(this.snapshot));
  /** the incident ladder's time limits, from the thresholds */
  limits = $derived(ladderLimits(this.thresholds));
  /** the longest wait of a call waiting now, in seconds (to `timerNow`) */
  longestWait = $derived(this.snapshot ? longestWaitSec(this.snapshot.queue, this.timerNow) : 0);
}

export const live = new LiveState();

/**
 * `?bench=1` (npm run bench:browser): each patch leaves two User Timing measures, `patch-dom` (the
 * patch handed over → Svelte has updated the DOM) and `patch-frame` (→ the next frame has run).
 * Off otherwise: a wall runs for weeks, and the timing buffer would only grow.
 */
const BENCH = typeof location !== 'undefined' && new URLSearchParams(location.search).get('bench') === '1';

function applyTimed(snapshot: Snapshot, p: Patch): void {
  const start = `patch-${p.seq}`;
  performance.mark(start);
  applyPatch(snapshot, p);
  void flushed().then(() => {
    performance.measure('patch-dom', start);
    requestAnimationFrame(() => setTimeout(() => performance.measure('patch-frame', start), 0));
  });
}

let connection: Connection | null = null;
let tickTimer: ReturnType<typeof setTimeout> | null = null;
let appliedOffsetMs = 0;

function tick(): void {
  const serverNow = connection ? connection.serverNow() : Date.now();
  live.now = serverNow;
  live.silentSec = live.lastDataAt === null ? 0 : Math.max(0, Math.floor((Date.now() - live.lastDataAt) / 1000));
  // next tick just after the server clock's next whole second, so the clock changes on the second
  tickTimer = setTimeout(tick, 1000 - (serverNow % 1000) + 10);
}

/**
 * Opens the page's connection (once) and starts the clock. Returns a stop function.
 * `options.getToken` is called on every connection attempt.
 */
export function startLive(options: Pick<ConnectionOptions, 'getToken' | 'url'>): () => void {
  if (connection) return stopLive;
  connection = createConnection(
    {
      snapshot(s) {
        live.snapshot = s;
      },
      patch(p) {
        if (!live.snapshot) return;
        if (BENCH) applyTimed(live.snapshot, p);
        else applyPatch(live.snapshot, p);
      },
      state(s) {
        live.status = s.status;
        live.unauthorized = s.unauthorized;
        live.closingCode = s.closingCode;
        live.lastDataAt = s.lastDataAt;
        live.lastServerTime = s.lastServerTime;
        // a first or corrected clock offset shows at once instead of at the next tick
        if (Math.abs(s.serverOffsetMs - appliedOffsetMs) > 250) {
          appliedOffsetMs = s.serverOffsetMs;
          live.now = Date.now() + s.serverOffsetMs;
        }
        if (s.lastDataAt !== null) live.silentSec = Math.max(0, Math.floor((Date.now() - s.lastDataAt) / 1000));
      },
    },
    options,
  );
  connection.start();
  tick();
  return stopLive;
}

export function stopLive(): void {
  connection?.stop();
  connection = null;
  if (tickTimer) clearTimeout(tickTimer);
  tickTimer = null;
}

/** Ask the server for a fresh snapshot. */
export function resyncLive(): void {
  connection?.resync();
}
