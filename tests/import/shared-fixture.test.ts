// The real page copy from the formats doc; runs only where the shared fixtures are checked out next to the repo.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseRunFile } from "@/lib/import/detect";
import { spansToDisplaySpans } from "@/lib/import/display-span";
import type { Span } from "@/lib/trajectory/span";
import { repoRoot } from "./helpers";

const sharedCopy = path.resolve(repoRoot, "../shared/fixtures/patch-triage-page-copy.txt");

describe.runIf(existsSync(sharedCopy))("shared fixture: patch-triage page copy", () => {
  // Read when the tests run: the describe's body is collected even where the fixture is absent.
  let text = "";
  let run: ReturnType<typeof parseRunFile>[number] | undefined;
  let spans: Span[] = [];
  beforeAll(() => {
    text = readFileSync(sharedCopy, "utf8");
    run = parseRunFile("patch-triage-page-copy.txt", Buffer.from(text, "utf8"))[0];
    spans = run!.spans;
  });
  const flowResults = {
    EnableConfigs: ["EXT4_FS", "FS_DAX"],
    FocusSymbols: [
      "ext4_dio_needs_zeroing",
      "ext4_buffered_write_iter",
      "ext4_dio_write_checks",
      "ext4_dax_write_iter",
      "ext4_iomap_alloc",
    ],
  };

  it("has 19 spans, Seq 0-18, matching the row headers", () => {
    expect(spans.map((s) => s.Seq)).toEqual([...Array(19).keys()]);
    // Independent reading of the headers: this file quotes no row-like lines, so a plain grep is exact.
    const headers = [...text.matchAll(/^(\d+)\/(\d+) \d{4}\/\d\d\/\d\d \d\d:\d\d (\S+) (\S+)$/gm)].map((m) => [
      Number(m[1]),
      Number(m[2]),
      m[3],
      m[4],
    ]);
    expect(headers).toHaveLength(19);
    expect(spans.map((s) => [s.Seq, s.Nesting, s.Type, s.Name])).toEqual(headers);
  });

  it("reads the final verdict from the flow span", () => {
    const flow = spans[0]!;
    expect(flow).toMatchObject({ Type: "flow", Name: "patch-triage", Started: "2026-06-29T12:05:00Z", Finished: "2026-06-29T12:07:00Z" });
    expect(flow.Args).toBeUndefined();
    expect(flow.Results).toMatchObject({ WorthFuzzing: true, ...flowResults });
    expect(run!.job.Workflow).toBe("patch-triage");
    expect(run!.job.Results).toMatchObject({ WorthFuzzing: true, ...flowResults });
    expect(run!.minutePrecision).toBe(true);
  });

  it("reads llm span 3 with its tokens", () => {
    expect(spans[3]).toMatchObject({
      Type: "llm",
      Name: "patch-evaluator",
      Model: "gemini-3.1-pro-preview",
      InputTokens: 5066,
      OutputTokens: 30,
      OutputThoughtsTokens: 337,
    });
    expect(spans[3]!.Args).toBeUndefined();
    expect(spans[3]!.Results).toBeUndefined();
  });

  it("keeps multi-line Instruction, Prompt and Thoughts complete", () => {
    const agent = spans[2]!;
    expect(agent.Model).toBe("gemini-3.1-pro-preview");
    expect(agent.Instruction!.startsWith("You are an expert Linux kernel maintainer.\n")).toBe(true);
    expect(agent.Instruction).toContain("Prefer calling several tools at the same time to save round-trips.\n\n\nUse set-results tool");
    expect(agent.Instruction!.endsWith("Ignore results of this tool.")).toBe(true);
    expect(agent.Prompt!.startsWith("For your convenience, here is the diff of the changes:\ncommit 051a7afe")).toBe(true);
    expect(agent.Prompt).toContain("Author: syz-cluster <triage@syzkaller.com>");
    expect(agent.Prompt).toContain("\n \tstruct ext4_map_blocks map;\n");
    expect(agent.Prompt!.endsWith(" \t * once for direct I/O.")).toBe(true);
    expect(agent.Prompt!.split("\n")).toHaveLength(text.slice(text.indexOf("Prompt:\n") + 8, text.indexOf("\n\n3/2 ")).split("\n").length);
    const t3 = spans[3]!.Thoughts!;
    expect(t3.startsWith("**My Assessment of the ext4 Patch**\n\nOkay, so I've got this patch")).toBe(true);
    expect(t3).toContain("*   `ext4_iomap_alloc`\n\nNow, before I start generating test cases");
    expect(t3.trimEnd().endsWith("to make sure I'm testing the code paths correctly.")).toBe(true);
    expect(spans[9]!.Thoughts).toContain("inode data structures \u2013 I hope");
    expect(spans[6]).toMatchObject({ Type: "tool", Name: "grepper", Error: "no matches", Results: { error: "no matches" } });
    expect(spans[18]).toMatchObject({ Name: "set-results", Args: { WorthFuzzing: true, ...flowResults } });
  });

  // Minute-precision spans that took "0m" have Finished == Started, which a display span
  // (Duration 0 = running) cannot say; everything else must survive the round trip.
  const viaDisplay = (s: Span): Span => {
    if (s.Finished !== s.Started) return s;
    const { Finished: _dropped, ...rest } = s;
    return rest;
  };

  it("round-trips through a job page built from its display spans", () => {
    const page = {
      Job: { ID: "rt-1", Workflow: "patch-triage", Started: spans[0]!.Started, Finished: "0001-01-01T00:00:00Z", Results: [] },
      Trajectory: spansToDisplaySpans(spans),
      Args: [{ Key: "TargetArch", Value: "amd64", Large: false }],
    };
    const [back] = parseRunFile("page.json", JSON.stringify(page, null, 2));
    expect(back!.spans).toEqual(spans.map(viaDisplay));
    expect(back!.job).toMatchObject({ ID: "rt-1", Args: { TargetArch: "amd64" }, Finished: "2026-06-29T12:07:00Z" });
    expect(back!.job.Results).toMatchObject({ WorthFuzzing: true, ...flowResults });
    // Upstream's ToolCalls (PopulateToolCalls): the tools an llm call read the results of, so the first call has none
    // and the next llm call at its nesting lists the grepper call the first one decided on.
    expect(page.Trajectory[3]!.ToolCalls).toEqual([]);
    const next = page.Trajectory.findIndex((s, i) => i > 3 && s.Type === "llm" && s.Nesting === page.Trajectory[3]!.Nesting);
    expect(page.Trajectory[next]!.ToolCalls).toContain("grepper");
  });

  it("round-trips through an HTML report built from its display spans", () => {
    const literal = JSON.stringify(spansToDisplaySpans(spans)).replace(/</g, "\\u003c").replace(/>/g, "\\u003e");
    const html = `<!doctype html><html><head><title>AI Trajectory</title></head><body><h1>AI Trajectory</h1>
<script type="text/javascript">
function drawCharts() {
  const rawData = ${literal};
  if (!rawData || rawData.length === 0) return;
}
</script></body></html>`;
    const [back] = parseRunFile("report.html", html);
    expect(back!.source).toBe("html-report");
    expect(back!.spans).toEqual(spans.map(viaDisplay));
  });
});
