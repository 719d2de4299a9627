import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { ActionRepository, EventRepository, type EventEntity } from '@grove/db';

/** Up to this many writes share one statement. */
const MAX_BATCH = 1000;

/**
 * Writes that many actions make at about the same moment, each outside any transaction, gathered
 * into one statement per turn of the event loop: a cluster of 1000 nodes runs hundreds of
 * NODE_CREATEs at once, and each used to cost a round trip for its start event and another to
 * wake its parent. A caller still waits for its own write and sees its own error.
 */
@Injectable()
export class BatchedWrites {
  private readonly startEvents: DataLoader<EventEntity, true>;
  private readonly wakes: DataLoader<string, boolean>;

  constructor(actions: ActionRepository, events: EventRepository) {
    const options = { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run: () => void) => setImmediate(run) };
    this.startEvents = new DataLoader(async (batch: readonly EventEntity[]) => {
      await events.insert(batch);
      return batch.map(() => true as const);
    }, options);
    this.wakes = new DataLoader(async (ids: readonly string[]) => {
      const woken = new Set(await actions.wake([...new Set(ids)]));
      // A parent two children woke in one batch is woken (and announced) once.
      return ids.map((id) => woken.delete(id));
    }, options);
  }

  async insertEvent(event: EventEntity): Promise<void> {
    await this.startEvents.load(event);
  }

  /** Wakes the WAITING parents with nothing left to wait for; returns those woken by this call. */
  async wake(parentIds: readonly string[]): Promise<string[]> {
    const woken = await Promise.all(parentIds.map((id) => this.wakes.load(id)));
    return parentIds.filter((_, i) => woken[i]);
  }
}
