// The conversation view's reading order (components/run/Conversation.tsx): the outline cut into outermost blocks —
// an agent with its subtree, or one line — and the binary searches that find a span's block and a seq's index.
import type { Outline } from "@/lib/trajectory/outline";

export type Block = { kind: "agent"; index: number } | { kind: "step"; index: number };

/** The outline in reading order: each outermost agent as one block (its subtree), every other span as a line. */
export function conversationBlocks(o: Outline): Block[] {
  const agent = o.types.indexOf("agent");
  const blocks: Block[] = [];
  for (let i = 0; i < o.count;) {
    if (o.type[i] === agent) {
      blocks.push({ kind: "agent", index: i });
      i = o.end[i]!;
    } else blocks.push({ kind: "step", index: i++ });
  }
  return blocks;
}

/** The first outline index in [lo, hi) whose Seq is ≥ `seq` (Seqs rise with the index), or hi. */
export function seqIndex(o: Outline, lo: number, hi: number, seq: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (o.seq[mid]! < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The last block that starts at or before outline index `i` (blocks are in outline order). */
export function blockOf(blocks: Block[], i: number): number {
  let lo = 0;
  let hi = blocks.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (blocks[mid]!.index <= i) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
