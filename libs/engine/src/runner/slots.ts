/**
 * At most `size` holders at once; the rest wait in order, each for a bounded time. The engine's own
 * bound on the actions it runs: the broker's prefetch resets with every reconnect while actions
 * started before it still run, so it cannot be the bound.
 */
export class Slots {
  private held = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly size: number) {}

  get inUse(): number {
    return this.held;
  }

  /** Resolves true once a slot is this caller's, or false after `waitMs` without one. */
  acquire(waitMs: number): Promise<boolean> {
    if (this.held < this.size) {
      this.held++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        resolve(false);
      }, waitMs);
      timer.unref();
      this.waiting.push(entry);
    });
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next.grant();
    else this.held--;
  }
}
