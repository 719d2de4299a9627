import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { ActionRepository, ClaimLost, LeaseLapsed, retryTransientDb, type Claim } from '@grove/db';
import { EngineLease } from '../engine-lease';

interface Scope {
  readonly claim: Claim;
  /** The lease's generation when the action was claimed: a lapse since then ends its right to act. */
  readonly generation: number;
}

/**
 * The check before every cloud call that may change something (CloudConnector's beforeChange):
 * the engine's lease holds, has not lapsed since the calling action was claimed, and the action's
 * claim still holds in the database (one batched read for all the calls of a moment). The calling
 * action is known from the async context its runner opened (`run`), so profiles and policies need
 * not pass anything along. A call outside any action (a spec check) only needs the lease.
 */
@Injectable()
export class ClaimGuard {
  private readonly scope = new AsyncLocalStorage<Scope>();
  private readonly held: DataLoader<Claim, boolean, string>;

  constructor(
    private readonly lease: EngineLease,
    actions: ActionRepository,
  ) {
    this.held = new DataLoader(
      async (claims: readonly Claim[]) => {
        // A passing database error delays the check; it must not fail the cloud call it guards.
        const ours = new Set(await retryTransientDb.execute(() => actions.heldClaims(claims)));
        return claims.map((c) => ours.has(c.actionId));
      },
      {
        cache: false,
        cacheKeyFn: (c) => `${c.actionId}:${c.epoch}`,
        batchScheduleFn: (run) => setImmediate(run),
      },
    );
  }

  /** Runs an action's step with its claim as the context of its cloud calls. */
  run<T>(claim: Claim, step: () => Promise<T>): Promise<T> {
    return this.scope.run({ claim, generation: this.lease.generation }, step);
  }

  async assertMayChange(): Promise<void> {
    this.lease.assertFresh();
    const s = this.scope.getStore();
    if (!s) return;
    if (s.generation !== this.lease.generation) throw new LeaseLapsed(0);
    if (!(await this.held.load(s.claim))) throw new ClaimLost(s.claim);
  }
}
