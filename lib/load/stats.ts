// Counts and latencies of every request a load run sends, by kind, and the errors by status, for the bench's report.

export type RequestKind = "poll" | "log" | "done" | "page" | "outline" | "span" | "history";
export const REQUEST_KINDS: readonly RequestKind[] = ["poll", "log", "done", "page", "outline", "span", "history"];

export class LoadStats {
  private readonly latencies = new Map<RequestKind, number[]>();
  /** "503", "500", "ECONNREFUSED", … → how many requests ended so */
  readonly errors = new Map<string, number>();

  /** One request's outcome: its HTTP status, or the network error's code when there was no answer. */
  record(kind: RequestKind, ms: number, outcome: number | string): void {
    let list = this.latencies.get(kind);
    if (!list) this.latencies.set(kind, (list = []));
    list.push(ms);
    if (outcome !== 200) {
      const key = String(outcome);
      this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
    }
  }

  count(kind?: RequestKind): number {
    if (kind) return this.latencies.get(kind)?.length ?? 0;
    let n = 0;
    for (const l of this.latencies.values()) n += l.length;
    return n;
  }

  /** The q-quantile (0..1) of a kind's latencies in ms, nearest-rank; undefined when none were sent. */
  quantile(kind: RequestKind, q: number): number | undefined {
    const list = this.latencies.get(kind);
    if (!list?.length) return undefined;
    const sorted = [...list].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  }

  errorSummary(): string {
    if (this.errors.size === 0) return "none";
    return [...this.errors.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}×${n}`)
      .join(", ");
  }
}
