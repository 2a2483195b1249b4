// Splits one row of a page text copy into its labelled blocks (Model:, Args:, ..., Thoughts:) without trusting look-alike lines.
import { parseJson } from "@/lib/trajectory/raw-json";
import { describeProblem } from "@/lib/trajectory/storable";
import { findValueEnd } from "./js-literal";

/** Block labels in the order the page prints them; each appears at most once per row. */
export const BLOCK_LABELS = ["Model", "Error", "Args", "Results", "Instruction", "Prompt", "Reply", "Tokens", "Thoughts"] as const;
export type BlockLabel = (typeof BLOCK_LABELS)[number];

const LABEL_LINE = /^(Model|Error|Args|Results|Instruction|Prompt|Reply|Tokens|Thoughts):[ \t]*$/;
const TOKEN_LINE = /^\s*(input|output|thoughts):\s*(\d+)\s*$/;

export type Block =
  | { label: "Args" | "Results"; value: unknown }
  | { label: "Tokens"; input?: number; output?: number; thoughts?: number }
  | { label: Exclude<BlockLabel, "Args" | "Results" | "Tokens">; text: string };

interface Node {
  pos: number; // line index of the label
  label: BlockLabel;
}

const order = (l: BlockLabel) => BLOCK_LABELS.indexOf(l);
const isBlank = (s: string | undefined) => s !== undefined && s.trim() === "";

/**
 * Where a structured block (JSON or token counts) ends: the line after its last content line.
 * These blocks have exactly one possible end, so only text blocks need a search. Returns a
 * reason string when the block is malformed.
 */
function structuredEnd(lines: readonly string[], node: Node, lineOf: (pos: number) => number): number | string {
  const start = node.pos + 1;
  if (node.label === "Tokens") {
    let i = start;
    while (i < lines.length && (TOKEN_LINE.test(lines[i] as string) || isBlank(lines[i]))) i++;
    return i;
  }
  // JSON ends where the value ends. The page prints indented JSON, which has no empty lines and no
  // line that is just a label, so the value lies within the first such run of lines: each line is
  // read by at most one block, even in text that quotes many "Args:" lines.
  let i = start;
  while (i < lines.length && isBlank(lines[i])) i++;
  let j = i;
  while (j < lines.length && !isBlank(lines[j]) && !LABEL_LINE.test(lines[j] as string)) j++;
  const text = lines.slice(i, j).join("\n");
  const end = findValueEnd(text, 0);
  // The block's own line: in a long row (or a copy cut off in the middle of one) the row's line is far from it.
  const at = `${node.label} at line ${lineOf(node.pos)}`;
  if (end < 0) return `${at} is not a complete JSON value${j >= lines.length ? " (the copy ends inside it: cut off?)" : ""}`;
  // Counted before it is parsed (lib/trajectory/raw-json.ts): a block is one span's Args or Results.
  const parsed = parseJson(text.slice(0, end), { maxDepth: Infinity });
  if (!parsed.ok && parsed.tooLarge) return `${at} ${describeProblem(parsed.problem)}`;
  if (!parsed.ok) return `${at} is not valid JSON (${parsed.problem.reason.slice(0, 80)})`;
  return i + text.slice(0, end).split("\n").length;
}

function blockOf(lines: readonly string[], node: Node, end: number): Block {
  const content = lines.slice(node.pos + 1, end);
  if (node.label === "Args" || node.label === "Results") {
    const value: unknown = JSON.parse(content.join("\n"));
    return { label: node.label, value };
  }
  if (node.label === "Tokens") {
    const b: Block = { label: "Tokens" };
    for (const l of content) {
      const m = TOKEN_LINE.exec(l);
      if (m) b[m[1] as "input" | "output" | "thoughts"] = Number(m[2]);
    }
    return b;
  }
  // The page ends every block with one empty line (the <br> after it); that line is not text.
  if (isBlank(content[content.length - 1])) content.pop();
  return { label: node.label, text: content.join("\n") };
}

export interface RowBlocks {
  blocks: Block[];
}

// Which blocks the engine writes for each span type. Only a preference: an unexpected label is
// used when the structure leaves no other choice (JSON must be followed by a label).
const EXPECTED: Record<string, readonly BlockLabel[]> = {
  agent: ["Model", "Error", "Args", "Results", "Instruction", "Prompt", "Reply"],
  llm: ["Model", "Error", "Args", "Results", "Tokens", "Thoughts"],
  tool: ["Error", "Args", "Results"],
  action: ["Error", "Args", "Results"],
  flow: ["Error", "Args", "Results"],
};

interface Score {
  /** +1 per expected block, -1 per unexpected one */
  blocks: number;
  /** label-like lines left inside Instruction text: instructions are fixed templates, rarely quoting labels */
  swallowed: number;
}
const better = (a: Score, b: Score) => a.blocks > b.blocks || (a.blocks === b.blocks && a.swallowed <= b.swallowed);
const NONE: Score = { blocks: -Infinity, swallowed: 0 };

/**
 * `lines` are the row's lines after its summary line; `firstLabel` is the label printed on the
 * summary line itself ("2m Args:"), if any. Every label line is a possible block start, but text
 * blocks (Instruction, Prompt, Reply, Thoughts, ...) may quote label lines. Among the splits that
 * keep labels in page order and JSON/token blocks well-formed, the best scores most blocks the
 * span type is expected to have, then fewest label lines inside an Instruction, then the latest
 * boundaries (a quoted label in earlier text precedes the real one).
 */
export function splitBlocks(lines: readonly string[], firstLabel: BlockLabel | null, spanType: string, firstLine = 1): RowBlocks | string {
  // all[p] (below) is the file's line firstLine + p - 1 for p ≥ 1; all[0] stands for the summary line before them.
  const lineOf = (pos: number) => firstLine + pos - 1;
  // A virtual line for the summary's label keeps indices uniform: content starts at pos + 1.
  const all = firstLabel ? [`${firstLabel}:`, ...lines] : ["", ...lines];
  const nodes: Node[] = [];
  if (firstLabel) nodes.push({ pos: 0, label: firstLabel });
  for (let i = 1; i < all.length; i++) {
    const m = LABEL_LINE.exec(all[i] as string);
    if (m) nodes.push({ pos: i, label: m[1] as BlockLabel });
  }
  const firstContent = all.findIndex((l, i) => i > 0 && !isBlank(l));
  if (firstContent < 0) return { blocks: [] };

  const expected = EXPECTED[spanType];
  const worth = (l: BlockLabel) => (!expected || expected.includes(l) ? 1 : -1);
  const byPos = new Map(nodes.map((n, i) => [n.pos, i]));
  // quotedBefore[m]: label lines after an empty line among nodes[0..m), for the Instruction penalty.
  const quotedBefore = [0];
  nodes.forEach((n, i) => quotedBefore.push((quotedBefore[i] as number) + (n.pos > 0 && isBlank(all[n.pos - 1]) ? 1 : 0)));
  // Text content of a block ending before line `end`, without the page's one empty separator line.
  const textLines = (node: Node, end: number) => {
    const n = end - node.pos - 1;
    return n > 0 && isBlank(all[end - 1]) ? n - 1 : n;
  };
  // best[k]: the best split from node k to the end, and the successor it uses (-1 = last block).
  const best: { score: Score; next: number; end: number }[] = new Array(nodes.length);
  const failures = new Map<number, string>();
  // suffix.get(label) = [best successor for text blocks, best for Instruction] among nodes >= added.
  const suffix = new Map<BlockLabel, [number, number]>();
  let added = nodes.length;
  const rank = (m: number, mode: number): [number, number, number] => {
    const sc = (best[m] as { score: Score }).score;
    return [sc.blocks, -(sc.swallowed + (mode ? (quotedBefore[m] as number) : 0)), (nodes[m] as Node).pos];
  };
  const outranks = (a: [number, number, number], b: [number, number, number]) =>
    a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2];
  const addSuffix = (m: number) => {
    const n = nodes[m] as Node;
    if (!isBlank(all[n.pos - 1]) || (best[m]?.score.blocks ?? -Infinity) === -Infinity) return;
    const cur = suffix.get(n.label);
    if (!cur) return void suffix.set(n.label, [m, m]);
    for (const mode of [0, 1]) if (outranks(rank(m, mode), rank(cur[mode] as number, mode))) cur[mode] = m;
  };
  for (let k = nodes.length - 1; k >= 0; k--) {
    const node = nodes[k] as Node;
    let choice = { score: NONE, next: -1, end: all.length };
    const consider = (next: number, end: number) => {
      const rest = next < 0 ? { blocks: 0, swallowed: 0 } : (best[next] as { score: Score }).score;
      const upTo = next < 0 ? nodes.length : next;
      const swallowed = node.label === "Instruction" ? (quotedBefore[upTo] as number) - (quotedBefore[k + 1] as number) : 0;
      const score = { blocks: worth(node.label) + rest.blocks, swallowed: swallowed + rest.swallowed };
      if (better(score, choice.score)) choice = { score, next, end }; // ties: later boundaries win
    };
    const viable = (m: number | undefined) =>
      m !== undefined && order((nodes[m] as Node).label) > order(node.label) && (best[m]?.score.blocks ?? -Infinity) > -Infinity;
    if (node.label === "Args" || node.label === "Results" || node.label === "Tokens") {
      const end = structuredEnd(all, node, lineOf);
      if (typeof end === "string") {
        failures.set(k, end);
      } else {
        let i = end;
        while (i < all.length && isBlank(all[i])) i++;
        const m = byPos.get(i);
        if (i >= all.length) consider(-1, end);
        else if (m !== undefined && viable(m)) consider(m, i);
        else failures.set(k, `unexpected text after the ${node.label} block: ${JSON.stringify((all[i] as string).slice(0, 60))}`);
      }
    } else if (node.label === "Model") {
      // A model name is one line: the block is that line and, if another block follows, its separator.
      const m = byPos.get(node.pos + 3);
      if (textLines(node, all.length) === 1) consider(-1, all.length);
      if (m !== undefined && viable(m) && isBlank(all[node.pos + 2])) consider(m, node.pos + 3);
    } else {
      // Text may end before any later label line that follows an empty separator line, leaving at
      // least one line of text (the page hides empty blocks). Successors come from per-label
      // suffix bests, so a prompt quoting thousands of labels stays linear.
      for (; added > k + 1 && (nodes[added - 1] as Node).pos >= node.pos + 3; added--) addSuffix(added - 1);
      if (textLines(node, all.length) >= 1) consider(-1, all.length);
      const mode = node.label === "Instruction" ? 1 : 0;
      const options: number[] = [];
      for (const [label, pair] of suffix) if (order(label) > order(node.label)) options.push(pair[mode]);
      for (const m of options.sort((a, b) => a - b)) consider(m, (nodes[m] as Node).pos);
    }
    best[k] = choice;
  }

  const start = nodes.findIndex((n) => n.pos >= firstContent || n.pos === 0);
  const head = nodes[start];
  // Nothing but blank lines may come between the summary and the first block.
  if (!head || (head.pos !== 0 && head.pos !== firstContent)) {
    return `unexpected text before the first block: ${JSON.stringify((all[firstContent] as string).slice(0, 60))}`;
  }
  if ((best[start]?.score.blocks ?? -Infinity) === -Infinity) {
    const earliest = [...failures.entries()].sort((a, b) => a[0] - b[0])[0];
    return earliest?.[1] ?? "could not split the row into blocks";
  }
  const blocks: Block[] = [];
  for (let k = start; k >= 0;) {
    const b = best[k] as { next: number; end: number };
    const node = nodes[k] as Node;
    const end = b.next < 0 ? b.end : (nodes[b.next] as Node).pos;
    // A broken Args/Results that text would swallow is an error, not text: it sits where a real
    // block would (after an empty line, in page order), so say what is wrong with it.
    for (let m = k + 1; m < nodes.length && (nodes[m] as Node).pos < end; m++) {
      const n = nodes[m] as Node;
      const why = failures.get(m);
      if (why && order(n.label) > order(node.label) && isBlank(all[n.pos - 1])) return why;
    }
    blocks.push(blockOf(all, node, end));
    k = b.next;
  }
  return { blocks };
}
