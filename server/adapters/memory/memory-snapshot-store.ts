/** The snapshot store in process memory: survives nothing but a reconnect, which is all the demo needs. */
import type { SnapshotStore, StoredSnapshot } from '../../ports';

/** SnapshotStore in memory. */
export class MemorySnapshotStore implements SnapshotStore {
  #snapshot: StoredSnapshot | null = null;

  async load(): Promise<StoredSnapshot | null> {
    return this.#snapshot && { ...this.#snapshot };
  }

  async save(snapshot: StoredSnapshot): Promise<void> {
    this.#snapshot = { cursor: snapshot.cursor, state: snapshot.state, generation: snapshot.generation };
  }
}
