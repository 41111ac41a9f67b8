/**
 * How an adapter process ends on SIGINT / SIGTERM, the same for every PBX: log off, give the
 * wallboard up to `drainMs` to take what is pending, close the sinks, exit 0 when everything was
 * delivered and 1 when some was not (the next start's resync repairs the states); a second signal
 * exits 1 at once. A stop that hangs (a peer that never lets go) is cut off after `drainMs` + 5 s.
 */

export interface ShutdownOptions {
  name: string;
  logger: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
  adapter: { stop(drainMs?: number): Promise<void>; feed: { backlog: number } };
  /** closes the sinks (Redis clients); errors are logged, not fatal */
  close?: () => Promise<void>;
  /** how long the wallboard may take the last events (default 10 s) */
  drainMs?: number;
  /** the process (tests pass a stand-in) */
  proc?: { on(signal: 'SIGINT' | 'SIGTERM', fn: () => void): unknown; exit(code: number): void };
  timers?: { set(fn: () => void, ms: number): unknown };
}

/** Installs the signal handlers; returns the shutdown itself (what a signal runs). */
export function handleShutdown(o: ShutdownOptions): () => Promise<void> {
  const proc = o.proc ?? process;
  const drainMs = o.drainMs ?? 10_000;
  const set =
    o.timers?.set ??
    ((fn: () => void, ms: number) => {
      const t = setTimeout(fn, ms);
      t.unref?.();
      return t;
    });
  let stopping = false;
  let exited = false;
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    proc.exit(code);
  };
  const shutdown = async () => {
    if (stopping) {
      // a second signal: do not wait for the wallboard any longer
      o.logger.warn({ undelivered: o.adapter.feed.backlog }, `${o.name}: stopped at once (second signal)${o.adapter.feed.backlog ? ' without delivering everything' : ''}`);
      exit(1);
      return;
    }
    stopping = true;
    o.logger.info({}, `${o.name}: stopping (log off, deliver what is pending)`);
    set(() => {
      o.logger.warn({ undelivered: o.adapter.feed.backlog }, `${o.name}: did not stop within ${Math.round(drainMs / 1000) + 5} s; stopping anyway`);
      exit(1);
    }, drainMs + 5000);
    await o.adapter.stop(drainMs);
    const undelivered = o.adapter.feed.backlog;
    await o.close?.().catch((err: unknown) => o.logger.warn({ err: String(err) }, `${o.name}: could not close the sink`));
    if (undelivered > 0) {
      o.logger.warn({ undelivered }, `${o.name}: the wallboard did not take the last events within ${Math.round(drainMs / 1000)} s; stopped without them (the next start's resync repairs the states)`);
      exit(1);
      return;
    }
    o.logger.info({}, `${o.name}: stopped`);
    exit(0);
  };
  proc.on('SIGINT', () => void shutdown());
  proc.on('SIGTERM', () => void shutdown());
  return shutdown;
}
