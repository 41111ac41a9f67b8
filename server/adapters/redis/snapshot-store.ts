/** The newest snapshot of the core state, in the hash `<prefix>snapshot` (fields `cursor`, `state`, `generation`). */
import type { SnapshotStore, StoredSnapshot } from '../../ports';
import type { RedisClient } from './connect';

/** SnapshotStore on Redis: one hash, overwritten by every save. */
export class RedisSnapshotStore implements SnapshotStore {
  readonly key: string;

  constructor(
    private readonly main: RedisClient,
    prefix: string,
  ) {
    this.key = `${prefix}snapshot`;
  }

  async load(): Promise<StoredSnapshot | null> {
    const [cursor, state, generation] = await this.main.hmGet(this.key, ['cursor', 'state', 'generation']);
    // Half a snapshot is no snapshot: start-up then replays the whole stream, which is always correct.
    if (typeof cursor !== 'string' || typeof state !== 'string' || typeof generation !== 'string') return null;
    return { cursor, state, generation };
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    // One HSET writes the fields atomically, so a reader never pairs a cursor with another state.
    await this.main.hSet(this.key, { cursor: snapshot.cursor, state: snapshot.state, generation: snapshot.generation });
  }
}
