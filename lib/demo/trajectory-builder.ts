// A small builder that writes trajectories the way the engine emits them (seq order, nesting, timings).
import type { Span } from "@/lib/trajectory/span";

type Fields = Omit<Span, "Seq" | "Nesting" | "Type" | "Name" | "Started" | "Finished">;

/** Deterministic pseudo-random numbers so demo data is the same on every machine. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class TrajectoryBuilder {
  readonly spans: Span[] = [];
  private depth = 0;
  private clock: number;

  constructor(start: Date) {
    this.clock = start.getTime();
  }

  /** Moves the clock forward by ms. */
  wait(ms: number): void {
    this.clock += Math.round(ms);
  }

  now(): Date {
    return new Date(this.clock);
  }

  /** A span with children: opens it, runs body, then finishes it with the fields body returns. */
  group(type: string, name: string, fields: Fields, body: () => Fields | void, opts: { unfinished?: boolean } = {}): Span {
    const span = this.open(type, name, fields);
    this.depth++;
    const more = body() ?? {};
    this.depth--;
    Object.assign(span, more);
    if (!opts.unfinished) span.Finished = this.now().toISOString();
    return span;
  }

  /** A leaf span that takes ms. */
  leaf(type: string, name: string, ms: number, fields: Fields, opts: { unfinished?: boolean } = {}): Span {
    const span = this.open(type, name, fields);
    this.wait(ms);
    if (!opts.unfinished) span.Finished = this.now().toISOString();
    return span;
  }

  private open(type: string, name: string, fields: Fields): Span {
    const span: Span = {
      Seq: this.spans.length,
      Nesting: this.depth,
      Type: type,
      Name: name,
      Started: this.now().toISOString(),
      ...fields,
    };
    this.spans.push(span);
    return span;
  }
}
