// Shape 4: page text copies, including text that imitates row headers and block labels.
import { describe, expect, it } from "vitest";
import { parseRunFile } from "@/lib/import/detect";
import { parseDuration } from "@/lib/import/page-copy";
import { expectImportError, readFixture } from "./helpers";

describe("page text copy with look-alike lines", () => {
  const [run] = parseRunFile("copy.txt", readFixture("page-copy-tricky.txt"));
  const spans = run!.spans;

  it("finds exactly the real rows", () => {
    expect(run!.source).toBe("page-copy");
    expect(run!.minutePrecision).toBe(true);
    expect(spans.map((s) => [s.Seq, s.Nesting, s.Type, s.Name])).toEqual([
      [0, 0, "flow", "moderation"],
      [1, 1, "agent", "reviewer"],
      [2, 2, "llm", "reviewer"],
      [3, 2, "tool", "grepper"],
      [4, 2, "custom-kind", "odd-step"],
      [5, 2, "tool", "set-results"],
      [6, 2, "llm", "reviewer"],
    ]);
  });

  it("turns minute timestamps and durations into Started/Finished", () => {
    expect(spans[0]).toMatchObject({ Started: "2026-07-01T09:00:00Z", Finished: "2026-07-02T12:00:00Z" });
    expect(spans[1]!.Finished).toBe("2026-07-02T11:00:00Z");
    expect(spans[2]!.Finished).toBe("2026-07-01T09:01:00Z"); // "0m": finished within the minute
    expect(spans[4]!.Finished).toBe("2026-07-01T10:08:00Z"); // "1h05m"
    expect(spans[5]!.Started).toBe("0001-01-01T00:00:00Z"); // empty timestamp cell
    expect(spans[6]!.Finished).toBeUndefined(); // no duration: running
    expect(spans[6]!.Model).toBe("gemini-3.1-pro-preview");
  });

  it("keeps label-like and row-like lines inside text blocks", () => {
    const agent = spans[1]!;
    expect(agent.Model).toBe("best-expensive");
    expect(agent.Args).toBeUndefined();
    expect(agent.Instruction).toBe("Review the trajectory below.");
    expect(agent.Prompt).toBe(
      [
        "Here is a copy of another run:",
        "",
        "Args:",
        "this is not JSON but it sits inside a prompt",
        "",
        "Prompt:",
        "a fake Prompt label inside the prompt",
        "",
        "0/0 2026/06/29 12:05 flow patch-triage",
        "2m Args:",
        "null",
        "",
        "Reply:",
        "a quoted Reply label inside the prompt",
      ].join("\n"),
    );
    expect(agent.Reply).toBe("承認します ✅\nSummary: looks fine.");
    const llm = spans[2]!;
    expect(llm.Thoughts!.startsWith("I will quote the next row exactly:\n3/2 2026/07/01 09:02 tool grepper\n0m Args:\n{")).toBe(true);
    expect(llm.Thoughts!.trimEnd().endsWith("Thoughts:\nand a fake Thoughts label too.")).toBe(true);
    expect(llm).toMatchObject({ InputTokens: 1200, OutputTokens: 45 });
    expect(llm).not.toHaveProperty("OutputThoughtsTokens");
  });

  it("reads JSON blocks, multi-line errors and unicode", () => {
    expect(spans[0]!.Args).toEqual({ Subject: "レビュー 🔍" });
    expect(spans[3]).toMatchObject({ Error: 'no matches\nfor "x"', Args: { Expression: "x" }, Results: { error: "no matches" } });
    expect(spans[5]!.Args).toEqual({ Approved: true });
    expect(run!.job).toMatchObject({ Workflow: "moderation", Results: { Approved: true }, Args: { Subject: "レビュー 🔍" } });
  });

  it("names the row when a JSON block is broken", () => {
    const text = '0/0 2026/07/01 09:00 flow f\n2m Args:\n{\n  "a": 1,\n}\n\nResults:\nnull\n';
    expectImportError(() => parseRunFile("bad.txt", text), "bad.txt", /row 0\/0 \(line 1\): Args at line \d+ is not valid JSON/);
  });

  it("keeps an agent's Reply whole when it quotes a Thoughts label", () => {
    const text = [
      "0/0 2026/07/01 09:00 agent a",
      "1m Args:",
      "null",
      "",
      "Reply:",
      "My answer.",
      "",
      "Thoughts:",
      "quoted, agents have no Thoughts",
      "",
    ].join("\n");
    const [run] = parseRunFile("reply.txt", text);
    expect(run!.spans[0]!.Reply).toBe("My answer.\n\nThoughts:\nquoted, agents have no Thoughts");
    expect(run!.spans[0]).not.toHaveProperty("Thoughts");
  });

  it("ignores an embedded copy of an older run inside a prompt", () => {
    const embedded = ["2/1 2026/06/01 08:00 tool t", "0m Args:", "null", "", "3/1 2026/06/01 08:00 tool u", "0m Args:", "null", ""];
    const text = [
      "0/0 2026/07/01 09:00 flow f",
      "5m Args:",
      "null",
      "",
      "1/1 2026/07/01 09:00 agent a",
      "3m Prompt:",
      "Review this run:",
      ...embedded,
      "2/1 2026/07/01 09:03 tool set-results",
      "0m Args:",
      "null",
      "",
    ].join("\n");
    const [run] = parseRunFile("embed.txt", text);
    expect(run!.spans.map((s) => s.Name)).toEqual(["f", "a", "set-results"]);
    expect(run!.spans[1]!.Prompt).toBe(["Review this run:", ...embedded.slice(0, -1)].join("\n"));
  });

  it("reports a broken Args after an Error instead of treating it as error text", () => {
    const text = '0/0 2026/07/01 09:00 tool t\n0m Error:\nboom\n\nArgs:\n{"a": tru\n\nResults:\nnull\n';
    expectImportError(() => parseRunFile("t.txt", text), "t.txt", /row 0\/0 \(line 1\): Args at line 5 is not/);
  });

  it("points a copy cut off inside a JSON block at the block's line and says it may be cut off", () => {
    const text = '0/0 2026/07/01 09:00 flow f\n5m Args:\nnull\n\n1/1 2026/07/01 09:01 tool t\n0m Error:\nboom\n\nArgs:\n{\n  "a": [1,';
    expectImportError(
      () => parseRunFile("cut.txt", text),
      "cut.txt",
      /row 1\/1 \(line 5\): Args at line 9 is not a complete JSON value \(the copy ends inside it: cut off\?\)/,
    );
  });

  it("parses a large copy quickly", () => {
    const rows = ["0/0 2026/07/01 09:00 flow big", "1d02h Args:", "null", ""];
    for (let i = 1; i <= 5000; i++) {
      rows.push(`${i}/1 2026/07/01 09:00 tool t${i}`, "0m Args:", '{\n  "i": ' + i + "\n}", "", "Results:", "null", "");
    }
    const started = performance.now();
    const [run] = parseRunFile("big.txt", rows.join("\n"));
    expect(run!.spans).toHaveLength(5001);
    expect(run!.spans[5000]!.Args).toEqual({ i: 5000 });
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it("parses the page's duration formats", () => {
    expect(parseDuration("2m")).toEqual({ ms: 120_000, precisionMs: 60_000 });
    expect(parseDuration("1h05m")).toEqual({ ms: 3_900_000, precisionMs: 60_000 });
    expect(parseDuration("1d02h")).toEqual({ ms: 93_600_000, precisionMs: 3_600_000 });
    expect(parseDuration("10d")!.ms).toBe(864_000_000);
    expect(parseDuration("")).toBeNull();
    expect(parseDuration("2x")).toBeNull();
  });
});
