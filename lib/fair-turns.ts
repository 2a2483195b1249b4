// Turns shared fairly between parties: at most `total` at once, at most `perKey` for one party (an agent client, a
// client address), and when a turn frees, the waiting party that holds the fewest goes first; of equals, the one served
// longest ago (never served first), then the earliest come. Without that last rule the parties holding none were
// served first come: 250 addresses flooding pages made a new reader wait 17 s behind all of them, round after round
// (attack7 F1); now a party that has not been served lately goes before those that just were.
// One FIFO queue let one party's requests take every turn and everyone else wait behind them: four OTLP bombs from one
// key held both worker threads (attack5 A9), eight anonymous slow uploads held every page turn (attack6 G1).

/** Parties whose last turn is remembered (a forgotten one counts as never served, so it only goes sooner). */
const REMEMBERED = 10_000;

/** A turn taken: call it once when the work is done (calling it again does nothing). */
export type Release = () => void;

export class FairTurns {
  private running = 0;
  private readonly held = new Map<string, number>();
  /** Waiting turns per party. */
  private readonly waiting = new Map<string, number>();
  /** When each party was last given a turn (a count of turns given), oldest first; the oldest forgotten past REMEMBERED. */
  private readonly lastServed = new Map<string, number>();
  private served = 0;
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
    return new Promise((start) => this.enqueue({ key, start }));
  }

  /** Notes that `key` is served now; past REMEMBERED parties the one served longest ago is forgotten. */
  private remember(key: string): void {
    this.lastServed.delete(key);
    this.lastServed.set(key, this.served++);
    if (this.lastServed.size > REMEMBERED) this.lastServed.delete(this.lastServed.keys().next().value!);
  }

  /**
   * As `take`, but gives up after `ms`: the promise rejects with `late()` and the party leaves the queue (a caller
   * whose client would time out anyway, as a database connection's wait does).
   */
  takeWithin(key: string, ms: number, late: () => Error): Promise<Release> {
    return new Promise((resolve, reject) => {
      const entry = {
        key,
        start: (release: Release) => {
          clearTimeout(timer);
          resolve(release);
        },
      };
      const timer = setTimeout(() => {
        const i = this.queue.indexOf(entry);
        if (i < 0) return;
        this.unqueue(i);
        reject(late());
      }, ms);
      this.enqueue(entry);
    });
  }

  private enqueue(entry: { key: string; start: (release: Release) => void }): void {
    this.queue.push(entry);
    this.waiting.set(entry.key, this.pendingFor(entry.key) + 1);
    this.startWaiting();
  }

  /** Takes the i-th waiting party out of the queue and returns it. */
  private unqueue(i: number): { key: string; start: (release: Release) => void } {
    const [w] = this.queue.splice(i, 1);
    const left = this.pendingFor(w!.key) - 1;
    if (left) this.waiting.set(w!.key, left);
    else this.waiting.delete(w!.key);
    return w!;
  }

  private startWaiting(): void {
    while (this.running < this.total) {
      let next = -1;
      let fewest = this.perKey;
      let longestAgo = Infinity;
      for (let i = 0; i < this.queue.length && !(fewest === 0 && longestAgo === -1); i++) {
        const key = this.queue[i]!.key;
        const held = this.held.get(key) ?? 0;
        const servedAt = this.lastServed.get(key) ?? -1;
        if (held < fewest || (held === fewest && next >= 0 && servedAt < longestAgo)) [next, fewest, longestAgo] = [i, held, servedAt];
      }
      if (next < 0) return;
      const w = this.unqueue(next);
      this.remember(w.key);
      this.running++;
      this.held.set(w.key, fewest + 1);
      let released = false;
      w.start(() => {
        if (released) return;
        released = true;
        this.running--;
        const left = this.held.get(w.key)! - 1;
        if (left) this.held.set(w.key, left);
        else this.held.delete(w.key);
        this.startWaiting();
      });
    }
  }
}
