// Small generated trajectories of each kind that breaks trace viewers (the kinds of ../shared/cases, made here so the
// project's own tests need nothing beside the repo): zero and missing times, sub-millisecond and backwards spans, clock
// skew, terminal output, hidden characters in names, a value longer than the details show, key order and big
// integers, deep nesting, and a patch with CRLF line endings and its LF twin. Used by tests/runs and e2e specs alike.

const T0 = Date.UTC(2026, 2, 2, 10, 0, 0);
/** RFC 3339 at `s` seconds (fractions allowed, down to µs) after the run's start. */
export const at = (s: number): string => {
  const ms = T0 + Math.floor(s * 1000);
  const micros = Math.round((s * 1_000_000) % 1000);
  return new Date(ms).toISOString().replace("Z", `${String(micros).padStart(3, "0")}Z`);
};
export const ZERO_TIME = "0001-01-01T00:00:00Z";

type Span = Record<string, unknown>;

const PATCH = [
  "commit 0123456789abcdef0123456789abcdef01234567",
  "",
  "    mm/slab: check size before kmalloc in demo_alloc()",
  "",
  "diff --git a/mm/demo.c b/mm/demo.c",
  "--- a/mm/demo.c",
  "+++ b/mm/demo.c",
  "@@ -10,3 +10,5 @@ static void *demo_alloc(size_t size)",
  " {",
  "+\tif (size > DEMO_MAX)",
  "+\t\treturn NULL;",
  " \treturn p;",
  "",
];

function flow(tag: string, extra: Span = {}): Span {
  return {
    Seq: 0,
    Nesting: 0,
    Type: "flow",
    Name: "patch-triage",
    Started: at(0),
    Finished: at(60),
    Args: { KernelSrc: `/src/${tag}` },
    Results: { WorthFuzzing: true, Reasoning: `case ${tag}` },
    ...extra,
  };
}

/** Zero start, missing finish, sub-ms, end before start, and a child outside its parent, in one finished run. */
export function timingCase(tag: string): Span[] {
  return [
    flow(tag),
    { Seq: 1, Nesting: 1, Type: "agent", Name: "patch-evaluator", Started: at(1), Finished: at(50) },
    {
      Seq: 2,
      Nesting: 2,
      Type: "llm",
      Name: "patch-evaluator",
      Model: "gemini-3.1-pro-preview",
      Started: at(2),
      Finished: at(8),
      InputTokens: 1200,
      OutputTokens: 80,
    },
    { Seq: 3, Nesting: 2, Type: "tool", Name: "zero-start", Started: ZERO_TIME, Finished: at(11), Results: { Output: "ok" } },
    { Seq: 4, Nesting: 2, Type: "tool", Name: "no-end", Started: at(12) },
    { Seq: 5, Nesting: 2, Type: "tool", Name: "sub-ms", Started: at(13), Finished: at(13.00085) },
    { Seq: 6, Nesting: 2, Type: "tool", Name: "backwards", Started: at(20), Finished: at(19) },
    { Seq: 7, Nesting: 2, Type: "tool", Name: "skewed", Started: at(45), Finished: at(55) },
  ];
}

/** A run whose flow never finished, imported from a file: incomplete, never live. */
export function unfinishedCase(tag: string): Span[] {
  return [
    { ...flow(tag), Finished: undefined, Results: undefined },
    { Seq: 1, Nesting: 1, Type: "tool", Name: "grepper", Started: at(1), Finished: at(2) },
    { Seq: 2, Nesting: 1, Type: "llm", Name: "patch-evaluator", Started: at(3) },
  ];
}

/** Terminal output (colours, erase-line, carriage-return progress), a name with a bidi override, and RTL prose. */
export const ANSI_OUTPUT =
  "\u001b[1mmm/demo.c:12:\u001b[0m \u001b[1;31merror:\u001b[0m implicit declaration of function '\u001b[1mdemo_check\u001b[0m'\n" +
  "\u001b[32m  CC      mm/demo.o\u001b[0m\nprogress 10%\r\rprogress 100%\u001b[K\n";
export const BIDI_NAME = "grepper-\u202Egnp.exe";
export const RTL_PROSE = "התיקון בודק את הגודל לפני ההקצאה.";

export function textCase(tag: string): Span[] {
  return [
    flow(tag),
    {
      Seq: 1,
      Nesting: 1,
      Type: "agent",
      Name: "patch-evaluator",
      Started: at(1),
      Finished: at(50),
      Prompt: RTL_PROSE,
      Reply: `The build says \u001b[1;31merror:\u001b[0m ${tag}`,
    },
    {
      Seq: 2,
      Nesting: 2,
      Type: "tool",
      Name: "build",
      Started: at(2),
      Finished: at(3),
      Args: { Target: "mm/" },
      Results: { Output: ANSI_OUTPUT },
      Error: "\u001b[31mbuild failed\u001b[0m: exit status 2",
    },
    { Seq: 3, Nesting: 2, Type: "tool", Name: BIDI_NAME, Started: at(4), Finished: at(5), Args: { ["\u202Ekey"]: "value" } },
  ];
}

/** Characters of the long value: more than the details show (lib/trajectory/truncate.ts TEXT_LIMIT, 200,000). */
export const LONG_LENGTH = 300_000;

/** Key order as the agent wrote it: integer-like keys among names, and an integer past 2^53 (raw JSON text). */
export const KEY_ORDER_ARGS =
  '{"Expression":"demo_alloc","Path":"mm/","10":"ten","CaseInsensitive":false,"2":"two","MaxResults":50,"Big":123456789012345678901}';

/** Key order and big integers (raw JSON text), and one value longer than the details show (its tail marked). */
export function payloadCase(tag: string): string {
  const spans: Span[] = [
    flow(tag),
    { Seq: 1, Nesting: 1, Type: "tool", Name: "grepper", Started: at(1), Finished: at(2), Args: "@ARGS@", Results: { Summary: "1 match" } },
    {
      Seq: 2,
      Nesting: 1,
      Type: "tool",
      Name: "read-file",
      Started: at(3),
      Finished: at(4),
      Args: { File: "mm/demo.c" },
      Results: { Contents: "x".repeat(LONG_LENGTH - 11) + "TAIL-MARKER" },
    },
  ];
  // JSON.stringify would reorder the integer-like keys and round the big integer: the raw text goes in as written.
  return JSON.stringify(spans).replace('"@ARGS@"', KEY_ORDER_ARGS);
}

/** A chain `depth` levels deep under the flow, the deepest span carrying a marker in its Results. */
export function deepCase(tag: string, depth: number): Span[] {
  const spans: Span[] = [flow(tag)];
  for (let n = 1; n <= depth; n++) {
    spans.push({
      Seq: n,
      Nesting: n,
      Type: n % 2 ? "agent" : "action",
      Name: `level-${n}`,
      Started: at(n / 1000),
      Finished: at(59 - n / 1000),
      ...(n === depth ? { Results: { Output: `DEEPEST-${tag}` } } : {}),
    });
  }
  return spans;
}

/** The patch of read-patch-diff with the given line ending: a CRLF run and its LF twin differ in nothing else. */
export function patchCase(tag: string, eol: "\n" | "\r\n"): Span[] {
  return [
    flow(tag),
    {
      Seq: 1,
      Nesting: 1,
      Type: "action",
      Name: "read-patch-diff",
      Started: at(1),
      Finished: at(2),
      Results: { PatchDiff: PATCH.join(eol) },
    },
  ];
}
