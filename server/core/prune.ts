/**
 * Bounded memory: what no window, rule or idempotency check can need any more is dropped, at
 * points fixed by the stream so every replica prunes identically.
 */
import type { CenterConfig } from '../../shared/config';
import { startOfDay } from '../../shared/time';
import { dateOf, dayArchive, daysHeld, type DayArchive } from './archive';
import type { CallRec, State } from './state';
import { ticketOpen } from './tickets';

const HOUR = 3_600_000;
/** Idempotency memory: at least 24 h of event ids (the contract's minimum), plus margin. */
const SEEN_KEEP_MS = 25 * HOUR;
export const SEEN_MAX = 2_000_000;
/** Finished calls, tickets, acks and resolved incidents are kept two days: today's windows need yesterday's night shift. */
const HISTORY_KEEP_MS = 50 * HOUR;
/**
 * A call that ended or was abandoned has left its figures in the windows' totals; its record only
 * serves late events about it (an out-of-order end, a duplicate from a second source), so it is kept
 * two hours, not two days: calls are most of the state, and the state is what a snapshot writes.
 */
const FINISHED_KEEP_MS = 2 * HOUR;
const DAY = 24 * HOUR;
/** An open ticket (dispatched without reply, a special task) silent this long is forgotten. */
const TICKET_OPEN_KEEP_MS = 90 * DAY;
/** Ended waits: the waiting-calls history looks back one hour. */
const WAITS_KEEP_MS = 2 * HOUR;
/** how many event ids past SEEN_MAX make a pruning point of their own (a burst) */
export const PRUNE_EVERY = 10_000;
/**
 * Pruning runs at the first entry of every such period of stream time (5 minutes: every time zone's
 * midnight is on this grid, so a day leaves the state at the first entry after its cut).
 */
export const PRUNE_PERIOD_MS = 5 * 60_000;

/**
 * Drops old ids (by stream time) and old records (by event time), in place. Returns the days it
 * dropped, as archive records: a day is kept whole (windows, intervals, categories, missed calls,
 * incidents, agents' figures and restricted-window records) until it is older than the archive
 * horizon, `retentionDays` plus one day: by then no event can change it (older events are refused
 * at ingest), so its record is final.
 */
export function pruneState(s: State, seen: Set<string>, config: CenterConfig): DayArchive[] {
  const now = s.latestTs;
  let cut = 0;
  const ids = s.seen.ids;
  const at = s.seen.at;
  while (cut < ids.length && (at[cut]! < now - SEEN_KEEP_MS || ids.length - cut > SEEN_MAX)) {
    seen.delete(ids[cut]!);
    cut++;
  }
  if (cut) {
    ids.splice(0, cut);
    at.splice(0, cut);
  }
  // records are judged on event times; a source clock running ahead cannot push "now" past the log's own time
  const recordsNow = Math.min(now, s.maxEventTs ?? now);
  const old = recordsNow - HISTORY_KEEP_MS;
  // (deleting the current entry while iterating a Map is safe)
  for (const [id, c] of s.calls) {
    // a call silent for two days is over, whatever its last event said
    const finished = c.status === 'ended' || c.status === 'abandoned';
    if (c.lastTs < (finished ? recordsNow - FINISHED_KEEP_MS : old) && !isWrapPending(s, c)) {
      s.calls.delete(id);
      s.waiting.delete(id);
      if (finished) s.forgottenCalls.set(id, c.lastTs);
    }
  }
  for (const [id, ts] of s.forgottenCalls) if (ts < old) s.forgottenCalls.delete(id);
  s.recentWaits = s.recentWaits.filter(([, end]) => end >= recordsNow - WAITS_KEEP_MS);

  // whole days leave together, after their archive record was taken (a day before `historyFrom`
  // was never whole here: its record is the archive's already, and is not overwritten)
  const dayCut = startOfDay(recordsNow - (config.eventTime.retentionDays * DAY + DAY), config.timeZone);
  const finalized: DayArchive[] = [];
  for (const day of daysHeld(s, config.timeZone)) if (day < dayCut && day >= s.historyFrom) finalized.push(dayArchive(s, day, Number.MAX_SAFE_INTEGER, config));
  if (dayCut > s.historyFrom) s.historyFrom = dayCut;
  for (const m of [s.windows.days, s.windows.shifts, s.windows.intervals, s.categoriesByDay, s.agentDays, s.signedInByInterval, s.followupsByDay]) {
    for (const key of m.keys()) if (key < dayCut) m.delete(key);
  }
  for (const [id, ts] of s.ticketIds) if (ts < old) s.ticketIds.delete(id);
  // a missed call not returned stays (the callback is still owed); an incident not resolved stays
  for (const [id, m] of s.missed) if (m.returnedAt !== null && m.returnedAt < old && m.abandonedAt < dayCut) s.missed.delete(id);
  for (const [id, i] of s.incidents) if (i.resolvedAt !== null && i.resolvedAt < old && i.raisedAt < dayCut) s.incidents.delete(id);
  for (const [id, ack] of s.alertAcks) if (ack.at < old && ack.at < dayCut) s.alertAcks.delete(id);
  // a ticket with nothing open leaves with its day; one still open (a dispatch, a special task) stays
  // up to TICKET_OPEN_KEEP_MS after its last event
  for (const [id, t] of s.tickets) if (t.lastEventAt < (ticketOpen(s, t) ? recordsNow - TICKET_OPEN_KEEP_MS : dayCut)) s.tickets.delete(id);
  const cutDate = dateOf(dayCut, config.timeZone);
  for (const date of s.rosters.keys()) if (date < cutDate) s.rosters.delete(date);
  for (const [id, h] of s.handovers) if (h.shiftStart < dayCut) s.handovers.delete(id);
  for (const [id, a] of s.agents) {
    if (a.restricted.length && a.restricted[0]!.ts < dayCut) a.restricted = a.restricted.filter((r) => r.ts >= dayCut);
    // the last change before the cut stays: it tells whether the agent was signed in at the cut
    let firstKept = a.presence.findIndex(([ts]) => ts >= dayCut);
    if (firstKept === -1) firstKept = a.presence.length;
    if (firstKept > 1) a.presence.splice(0, firstKept - 1);
    if (a.state === 'offline' && a.since < dayCut && a.restricted.length === 0) s.agents.delete(id);
  }
  return finalized;
}

function isWrapPending(s: State, c: CallRec): boolean {
  return c.legs.some((l) => l.wrapEnd === null && s.agents.get(l.agentId)?.wrapCallId === c.id);
}
