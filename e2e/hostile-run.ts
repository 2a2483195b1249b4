// Hostile runs for the untrusted-content test (e2e/untrusted-content.spec.ts): every field of a job page (shape 2) and of
// every span type carries script tags, event handlers, SVG, srcdoc frames and javascript: URLs, in plain text, markdown,
// JSON keys and values and a diff, so a test can open it in every view and expect to read each payload as text.
export const TAG = "untrustedq7";
export const JS_URL = "javascript:window.__pwned=1";
/** Short enough for the fields with a length limit (Workflow, Type: 200 characters). */
export const SHORT = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;
/** The full set, each a different way into a page: script, event handlers, SVG, srcdoc frame, javascript: URLs. */
export const hostile = (field: string) =>
  `${field} <script>window.__pwned=1</script> <img src=x onerror="window.__pwned=1;alert(1)"> <svg onload="window.__pwned=1"></svg> ` +
  `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe> <a href="${JS_URL}">a</a> ${JS_URL} </span></pre></code>`;

/** Markdown with raw HTML, SVG, and every way markdown makes a link or an image. */
export const markdown = (field: string) =>
  [
    `**bold ${field}** <img src=x onerror="window.__pwned=1"> <script>window.__pwned=1</script>`,
    `[js link](${JS_URL}) [caps](JaVaScRiPt:window.__pwned=1) [data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) <${JS_URL}> [ref link][r]`,
    `![image](${JS_URL}) ![remote](https://example.org/x.png)`,
    `<svg onload="window.__pwned=1"><a xlink:href="${JS_URL}"><text>svg link</text></a></svg>`,
    `<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>`,
    `<details open ontoggle="window.__pwned=1"><summary>x</summary></details>`,
    `[r]: ${JS_URL}`,
  ].join("\n\n");

const diffText = [
  `diff --git a/<img src=x onerror=alert(1)>.c b/<img src=x onerror=alert(1)>.c`,
  `--- a/<img src=x onerror=alert(1)>.c`,
  `+++ b/<img src=x onerror=alert(1)>.c`,
  `@@ -1,2 +1,2 @@`,
  ` <svg onload="window.__pwned=1">`,
  `-<script>window.__pwned=1</script>`,
  `+<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe> ${JS_URL}`,
  ``,
].join("\n");

const at = (s: number) => new Date(Date.UTC(2026, 5, 29, 13, 0, s)).toISOString();

/** Args/Results with hostile keys and values, nested, and folded out of the JSON (multi-line, long, a diff). */
export const hostileObject = (field: string) => ({
  [`<img src=x onerror="window.__pwned=1"> ${field} key`]: hostile(`${field} value`),
  [JS_URL]: [hostile(`${field} list`), { [`<script>window.__pwned=1</script>`]: JS_URL }],
  Folded: `${hostile(`${field} folded`)}\nsecond line ${hostile("line 2")}\n`,
  Diff: diffText,
});

/** One job page (shape 2): every job field and every field of every span type hostile. */
export function hostileRun(side: "A" | "B"): string {
  const results = {
    WorthFuzzing: true,
    NeedsKMSAN: true,
    KMSANReasoning: hostile(`KMSANReasoning ${side}`),
    FocusSymbols: [hostile("FocusSymbols"), JS_URL],
    EnableConfigs: [hostile("EnableConfigs"), SHORT],
    Reasoning: hostile(`Reasoning ${side}`),
  };
  const spans = [
    {
      Seq: 0,
      Nesting: 0,
      Type: "flow",
      Name: hostile("flow Name"),
      Started: at(0),
      Finished: at(50),
      Args: hostileObject("flow Args"),
      Results: results,
      ...(side === "B" ? { Error: hostile("flow Error") } : {}),
    },
    {
      Seq: 1,
      Nesting: 1,
      Type: "action",
      Name: hostile("action Name"),
      Started: at(1),
      Finished: at(2),
      Args: hostileObject("action Args"),
      Results: { PatchDiff: diffText },
    },
    {
      Seq: 2,
      Nesting: 1,
      Type: "agent",
      Name: hostile("agent Name"),
      Model: hostile("agent Model"),
      Started: at(2),
      Finished: at(40),
      Instruction: hostile("Instruction"),
      Prompt: hostile("Prompt"),
      Reply: `${hostile("Reply")}\n\n${markdown("Reply")}`,
      Error: hostile("agent Error"),
    },
    {
      Seq: 3,
      Nesting: 2,
      Type: "llm",
      Name: hostile("llm Name"),
      Model: hostile("llm Model"),
      Started: at(3),
      Finished: at(9),
      Thoughts: markdown(`Thoughts ${side}`),
      Error: hostile("llm Error"),
      InputTokens: 1200,
      OutputTokens: 30,
      OutputThoughtsTokens: 40,
    },
    {
      Seq: 4,
      Nesting: 2,
      Type: "tool",
      Name: hostile("tool Name"),
      Started: at(9),
      Finished: at(10),
      Args: hostileObject("tool Args"),
      Results: hostileObject(`tool Results ${side}`),
      Error: hostile("tool Error"),
    },
    {
      Seq: 5,
      Nesting: 2,
      Type: SHORT,
      Name: hostile("odd Name"),
      Model: SHORT,
      Started: at(10),
      Finished: at(12),
      Args: hostileObject("odd Args"),
      Results: { Out: hostile(`odd Results ${side}`) },
    },
  ];
  return JSON.stringify({
    Job: {
      Workflow: side === "A" ? "patch-triage" : SHORT,
      Description: `${TAG} ${side} ${hostile("Description")}`,
      Link: JS_URL,
      AgentName: hostile("AgentName"),
      CodeRevision: hostile("CodeRevision"),
      ...(side === "B" ? { Error: hostile("job Error") } : {}),
      Args: { [`<img src=x onerror="window.__pwned=1">`]: hostile("job Args"), KernelSrc: JS_URL },
    },
    Trajectory: spans,
  });
}
