// Synthetic patch-triage trajectories for load runs, and the order a real agent would send their span copies in.
import type { Span } from "@/lib/trajectory/span";

/** A small deterministic PRNG (mulberry32), so a job's trajectory and send order can be reproduced from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const filler = (rand: () => number, n: number) => {
  const words = ["ext4", "inode", "block", "buffer", "write", "check", "bounds", "iomap", "folio", "lock", "page", "dio"];
  return Array.from({ length: n }, () => words[Math.floor(rand() * words.length)]).join(" ");
};

/**
 * The finished copies of one job's spans: flow → read-patch-diff, agent → alternating llm and tool calls, set-results last.
 * At least 4 spans; llm spans carry thoughts and tokens, tool spans args and results of a few hundred bytes, some tool errors.
 */
export function makeTrajectory(spanCount: number, seed: number, start = Date.now()): Span[] {
  const rand = rng(seed);
  const n = Math.max(4, spanCount);
  const spans: Span[] = [];
  let t = start;
  const at = () => new Date((t += 1 + Math.floor(rand() * 40))).toISOString();
  const add = (s: Omit<Span, "Started">) => spans.push({ ...s, Started: at() } as Span);
  add({ Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Args: { KernelSrc: "/src/linux", TargetArch: "amd64" } });
  add({ Seq: 1, Nesting: 1, Type: "action", Name: "read-patch-diff", Results: { PatchDiff: filler(rand, 120) } });
  add({
    Seq: 2,
    Nesting: 1,
    Type: "agent",
    Name: "patch-evaluator",
    Model: "best-expensive",
    Instruction: filler(rand, 60),
    Prompt: filler(rand, 80),
  });
  for (let seq = 3; seq < n; seq++) {
    const last = seq === n - 1;
    if (last)
      add({
        Seq: seq,
        Nesting: 2,
        Type: "tool",
        Name: "set-results",
        Args: { WorthFuzzing: false, Reasoning: filler(rand, 30) },
        Results: { ok: true },
      });
    else if ((seq - 3) % 2 === 0)
      add({
        Seq: seq,
        Nesting: 2,
        Type: "llm",
        Name: "patch-evaluator",
        Model: "gemini-3.1-pro-preview",
        Thoughts: filler(rand, 90),
        InputTokens: 1000 + seq * 10,
        OutputTokens: 20 + (seq % 50),
        OutputThoughtsTokens: 5 + (seq % 7),
      });
    else if (rand() < 0.15)
      add({ Seq: seq, Nesting: 2, Type: "tool", Name: "grepper", Args: { Expression: filler(rand, 2) }, Error: "no matches" });
    else
      add({
        Seq: seq,
        Nesting: 2,
        Type: "tool",
        Name: "read-file",
        Args: { File: "fs/ext4/file.c", FirstLine: seq, LastLine: seq + 40 },
        Results: { Contents: filler(rand, 60) },
      });
  }
  // Finish times, last span first: a span ends after its own children (the spans up to the next one at its depth or above).
  const end: number[] = [];
  for (let i = spans.length - 1; i >= 0; i--) {
    const s = spans[i]!;
    let latest = Date.parse(s.Started) + 1 + Math.floor(rand() * 30);
    for (let j = i + 1; j < spans.length && spans[j]!.Nesting > s.Nesting; j++) latest = Math.max(latest, end[j]! + 1);
    end[i] = latest;
    s.Finished = new Date(latest).toISOString();
  }
  return spans;
}

/** The copy an agent sends when a span starts: no Finished, results, error, tokens, thoughts or reply yet. */
export function startCopy(s: Span): Span {
  const {
    Finished: _f,
    Results: _r,
    Error: _e,
    InputTokens: _i,
    OutputTokens: _o,
    OutputThoughtsTokens: _t,
    Thoughts: _th,
    Reply: _re,
    ...start
  } = s;
  return start as Span;
}

/**
 * Start copies in Seq order, each finish copy when the span and its children are done (as an agent streams a run),
 * then what real networks and retries do: about `dupRate` of the copies sent twice, about `swapRate` of neighbours
 * swapped, so some finish copies arrive before their start copy.
 */
export function sendOrder(finished: Span[], rand: () => number, dupRate = 0.1, swapRate = 0.05): Span[] {
  const out: Span[] = [];
  const open: Span[] = [];
  for (const s of finished) {
    while (open.length && open[open.length - 1]!.Nesting >= s.Nesting) out.push(open.pop()!);
    out.push(startCopy(s));
    open.push(s);
  }
  while (open.length) out.push(open.pop()!);
  for (let i = 0; i + 1 < out.length; i++) {
    if (rand() < swapRate) [out[i], out[i + 1]] = [out[i + 1]!, out[i]!];
  }
  return out.flatMap((s) => (rand() < dupRate ? [s, s] : [s]));
}
