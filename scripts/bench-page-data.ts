// The run page benchmark's data: a patch-triage run of any size with code-like payloads, and the same run as a
// static page in the original page's style (every span in one table, every payload in a collapsed <details>).
import { prng } from "@/lib/demo/trajectory-builder";
import type { ImportedRun, Span } from "@/lib/trajectory/span";

const WORDS =
  "struct inode file page folio ext4 iomap dio write read lock unlock mutex spin rcu buffer block offset len pos err ret flags map blk size count kiocb iter sb sbi journal handle extent bio".split(
    " ",
  );

/** Code-like lines from a fixed pool: compresses about as well as real source does. */
function textMaker(seed: number) {
  const rnd = prng(seed);
  const word = () => WORDS[Math.floor(rnd() * WORDS.length)]!;
  const pool = Array.from({ length: 6000 }, () => {
    const n = 2 + Math.floor(rnd() * 6);
    return (
      "\t".repeat(1 + Math.floor(rnd() * 3)) + Array.from({ length: n }, word).join(rnd() < 0.5 ? "_" : " ") + (rnd() < 0.6 ? ";" : " {")
    );
  });
  return (bytes: number) => {
    const out: string[] = [];
    for (let size = 0; size < bytes;) {
      const line = pool[Math.floor(rnd() * pool.length)]!;
      out.push(line);
      size += line.length + 1;
    }
    return out.join("\n");
  };
}

/** flow › read-patch-diff, then agents looping llm › tool calls, as a patch-triage run does at scale. */
export function makeRun(spanCount: number, toolBytes: number, seed: number): ImportedRun {
  const text = textMaker(seed);
  const t0 = Date.UTC(2026, 5, 29, 12, 0, 0);
  const spans: Span[] = [];
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  let clock = 0;
  const add = (s: Omit<Span, "Seq" | "Started">, ms: number): Span => {
    const span = { Seq: spans.length, Started: at(clock), Finished: at(clock + ms), ...s } as Span;
    spans.push(span);
    clock += ms;
    return span;
  };
  const flow = add({ Nesting: 0, Type: "flow", Name: "patch-triage", Args: { KernelSrc: "/src/linux", TargetArch: "amd64" } }, 0);
  add(
    {
      Nesting: 1,
      Type: "action",
      Name: "read-patch-diff",
      Results: {
        PatchDiff: `commit ${"ab".repeat(20)}\n\ndiff --git a/fs/ext4/file.c b/fs/ext4/file.c\n--- a/fs/ext4/file.c\n+++ b/fs/ext4/file.c\n@@ -1,3 +1,3 @@\n-${text(200)}\n+${text(200)}\n`,
      },
    },
    500,
  );
  let agentNo = 0;
  while (spans.length < spanCount) {
    const agent = add(
      { Nesting: 1, Type: "agent", Name: `evaluator-${agentNo % 4}`, Model: "best-expensive", Instruction: text(600), Prompt: text(400) },
      0,
    );
    const agentStart = clock;
    for (let step = 0; step < 48 && spans.length < spanCount - 1; step++) {
      add(
        {
          Nesting: 2,
          Type: "llm",
          Name: agent.Name,
          Model: "gemini-3.1-pro-preview",
          Thoughts: text(Math.min(400, toolBytes / 4)),
          InputTokens: 5000 + step * 300,
          OutputTokens: 40,
          OutputThoughtsTokens: 300,
        },
        3000,
      );
      add(
        {
          Nesting: 2,
          Type: "tool",
          Name: step % 3 ? "read-file" : "grepper",
          Args: { File: `fs/ext4/f${step}.c` },
          Results: { Contents: text(toolBytes) },
          ...(step % 17 === 5 ? { Error: "no matches" } : {}),
        },
        200,
      );
    }
    agent.Finished = at(clock);
    agent.Started = at(agentStart);
    agentNo++;
  }
  flow.Finished = at(clock);
  flow.Results = {
    WorthFuzzing: true,
    NeedsKMSAN: false,
    FocusSymbols: ["ext4_dio_write_checks"],
    EnableConfigs: ["EXT4_FS"],
    Reasoning: "bench",
  };
  return {
    job: { Workflow: "patch-triage", Description: `bench ${spanCount} spans` },
    spans: spans.slice(0, spanCount),
    source: "trajectory-file",
    minutePrecision: false,
  };
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The original page's style: one table, every span a row, every payload inlined in a collapsed <details>. */
export function originalPage(run: ImportedRun): string {
  const rows = run.spans.map((s) => {
    const fields = (["Model", "Error", "Args", "Results", "Instruction", "Prompt", "Reply", "Thoughts"] as const)
      .filter((f) => s[f] !== undefined)
      .map((f) => `${f}:\n${esc(typeof s[f] === "string" ? (s[f] as string) : JSON.stringify(s[f], null, 2))}`)
      .join("\n\n");
    const dur = s.Finished ? `${Math.round((Date.parse(s.Finished) - Date.parse(s.Started)) / 60000)}m` : "";
    return `<tr id="span-${s.Seq}"><td>${s.Seq}/${s.Nesting}</td><td>${s.Started.slice(0, 16)}</td><td>${s.Type}</td><td style="padding-left:${s.Nesting * 16}px"><details><summary>${esc(s.Name)} ${dur}</summary><pre>${fields}</pre></details></td></tr>`;
  });
  return `<!doctype html><html><head><meta charset="utf-8"><title>AI Trajectory</title></head><body><h1>AI Trajectory</h1><button onclick="document.querySelectorAll('details').forEach(d=>d.open=!d.open)">Expand/Collapse All</button><table><tr><th>Seq</th><th>Timestamp</th><th>Type</th><th>Name</th></tr>${rows.join("\n")}</table></body></html>`;
}
