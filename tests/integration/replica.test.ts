/**
 * The replica against the in-memory log, for what needs a hand on the log's timing: a log identity
 * that comes back while the reader has moved on must not look like a lost log.
 */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../shared/config';
import type { HotlineEvent } from '../../shared/events';
import { Replica } from '../../server/replica';
import { MemoryEventLog } from '../../server/adapters/memory/memory-event-log';
import { MemorySnapshotStore } from '../../server/adapters/memory/memory-snapshot-store';
import { pino } from 'pino';
import type { LogIdentity } from '../../server/ports';

const login = (n: number, ts: number): HotlineEvent => ({ v: 1, id: `e${n}`, type: 'agent.login', ts, agentId: `a${n}` });

describe('replica', () => {
  it('a snapshot check whose answer arrives after newer entries were applied does not rebuild the node', async () => {
    let t = Date.now();
    const log = new MemoryEventLog({ now: () => t++ });
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const replica = new Replica({ log, snapshots: new MemorySnapshotStore(), logger, config: defaultConfig(), blockMs: 20, snapshotEveryMs: 3_600_000 });
    await log.append([login(1, Date.now())]);
    await replica.start();
    // the identity is read, then the reader applies more before the answer comes back
    const real = log.identity.bind(log);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    log.identity = async (): Promise<LogIdentity> => {
      const answer = await real();
      await held;
      return answer;
    };
    const saving = replica.saveSnapshot();
    const last = (await log.append([login(2, Date.now()), login(3, Date.now())]))[1]!;
    while (replica.cursor !== last) await new Promise((r) => setTimeout(r, 5));
    release();
    await saving;
    log.identity = real;
    await new Promise((r) => setTimeout(r, 100));
    expect(replica.cursor).toBe(last);
    expect([...replica.state.agents.keys()]).toEqual(['a1', 'a2', 'a3']);
    // the node went on where it was: no rebuild from the start of the log
    expect(lines.filter((l) => /rebuilding/.test(l))).toEqual([]);
    expect(replica.state.counters.applied).toBe(3);
    await replica.stop();
    await log.close();
  });

  it('a save under way when the log is found lost and the node rebuilds does not store the old state as the new log\'s', async () => {
    let t = Date.now();
    const log = new MemoryEventLog({ now: () => t++ });
    const snapshots = new MemorySnapshotStore();
    const replica = new Replica({ log, snapshots, logger: pino({ level: 'silent' }), config: defaultConfig(), blockMs: 20, snapshotEveryMs: 3_600_000 });
    await log.append([login(1, Date.now())]);
    await replica.start();
    const real = log.identity.bind(log);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first = true;
    log.identity = async (): Promise<LogIdentity> => {
      const hold = first;
      first = false;
      const answer = await real();
      if (hold) await held;
      return answer;
    };
    const saving = replica.saveSnapshot(); // reads the identity, then waits
    // the log is lost (Redis restarted empty), one read fails, and the node notices after the outage
    log.lose();
    const read = log.read.bind(log);
    let failed = false;
    log.read = async (...args) => {
      if (!failed) {
        failed = true;
        throw new Error('connection lost');
      }
      return read(...args);
    };
    await log.append([login(9, Date.now())]);
    while (!(replica.state.agents.has('a9') && !replica.state.agents.has('a1'))) await new Promise((r) => setTimeout(r, 5));
    release();
    await saving;
    const stored = await snapshots.load();
    // either nothing was stored, or what was stored is the new log's state
    if (stored) expect(JSON.parse(stored.state).agents.map(([id]: [string]) => id)).toEqual(['a9']);
    await replica.saveSnapshot();
    const after = await snapshots.load();
    expect(JSON.parse(after!.state).agents.map(([id]: [string]) => id)).toEqual(['a9']);
    expect(after!.generation).toBe((await real()).generation);
    await replica.stop();
    await log.close();
  });
});
