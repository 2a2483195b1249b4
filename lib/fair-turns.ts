// Turns shared fairly between parties: at most `total` at once, at most `perKey` for one party (an agent client, a
// client address), and when a turn frees, the waiting party that holds the fewest goes first (the earliest of equals).
// One FIFO queue let one party's requests take every turn and everyone else wait behind them: four OTLP bombs from one
// key held both worker threads (attack5 A9), eight anonymous slow uploads held every page turn (attack6 G1).

/** A turn taken: call it once when the work is done (calling it again does nothing). */
export type Release = () => void;

export class FairTurns {
  private running = 0;
  private readonly held = new Map<string, number>();
  /** Waiting turns per party. */
  private readonly waiting = new Map<string, number>();
  /** Parties waiting for a turn, in the order they came. */
  private readonly queue: { key: string; start: (release: Release) => void }[] = [];

  /** `total` turns at once; `perKey` of them at most for one party (at least 1). */
  constructor(
    readonly total: number,
    readonly perKey: number,
  ) {}

  /** Turns taken now. */
  get active(): number {
    return this.running;
  }

  /** Parties waiting for a turn now. */
  get pending(): number {
    return this.queue.length;
  }

  /** Turns `key` waits for now (admission refuses a party past its share of the queue). */
  pendingFor(key: string): number {
    return this.waiting.get(key) ?? 0;
  }

  /**
   * Resolves with the release of a turn for `key`: at once when a turn is free and `key` holds fewer than `perKey`,
   * else when one frees and `key` is the waiting party holding the fewest. Waits as long as it takes: callers bound
   * the queue (`pending`) themselves.
   */
  take(key: string): Promise<Release> {
    return new Promise((start) => {
      this.queue.push({ key, start });
      this.waiting.set(key, this.pendingFor(key) + 1);
      this.startWaiting();
    });
  }

  private startWaiting(): void {
    while (this.running < this.total) {
      let next = -1;
      let fewest = this.perKey;
      for (let i = 0; i < this.queue.length && fewest > 0; i++) {
        const held = this.held.get(this.queue[i]!.key) ?? 0;
        if (held < fewest) [next, fewest] = [i, held];
      }
      if (next < 0) return;
      const [w] = this.queue.splice(next, 1);
      const left = this.pendingFor(w!.key) - 1;
      if (left) this.waiting.set(w!.key, left);
      else this.waiting.delete(w!.key);
      this.running++;
      this.held.set(w!.key, fewest + 1);
      let released = false;
      w!.start(() => {
        if (released) return;
        released = true;
        this.running--;
        const left = this.held.get(w!.key)! - 1;
        if (left) this.held.set(w!.key, left);
        else this.held.delete(w!.key);
        this.startWaiting();
      });
    }
  }
}
