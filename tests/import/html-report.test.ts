// Shape 3: reading rawData out of AI Trajectory HTML reports, as JSON or via the safe literal reader.
import { describe, expect, it } from "vitest";
import { parseRunFile } from "@/lib/import/detect";
import { expectImportError, readFixture } from "./helpers";

describe("HTML report (const rawData = [...])", () => {
  it("reads the JSON literal with \\u003c escapes", () => {
    const [run] = parseRunFile("report.html", readFixture("report.html"));
    expect(run!.source).toBe("html-report");
    expect(run!.spans.map((s) => s.Type)).toEqual(["flow", "agent", "llm", "tool"]);
    expect(run!.spans[1]!.Instruction).toBe("Look for </script> tricks.");
    expect(run!.spans[0]!.Results).toMatchObject({ Reasoning: "a <b> & c — 测试 🎯" });
    expect(run!.job.Workflow).toBe("patch-triage");
    expect(run!.job.Results).toMatchObject({ WorthFuzzing: true, FocusSymbols: ["ext4_write"] });
  });

  it("falls back to a safe literal reader for non-JSON JavaScript", () => {
    const [run] = parseRunFile("hand.html", readFixture("report-js-literal.html"));
    const [flow, tool] = run!.spans;
    expect(flow).toMatchObject({ Type: "flow", Name: "repro", Finished: "2026-07-03T00:01:00Z" });
    expect(flow!.Results).toEqual({ Reproduced: true, Note: "it's done </script>" });
    expect(tool).toMatchObject({ Finished: "2026-07-03T00:00:11Z", Reply: "line one\nline two — A" });
  });

  it("never runs code in the literal", () => {
    const html = `<title>AI Trajectory</title><script>const rawData = [{Seq: 0, Name: (() => { throw 1 })()}];</script>`;
    expectImportError(() => parseRunFile("evil.html", html), "evil.html", /rawData.*neither JSON nor a plain JavaScript literal/);
  });

  it("does not read past </script> and reports a missing rawData", () => {
    const cut = `<html><script>const rawData = [{"Seq": 0, "Name": "a</script><script>"}];</script></html>`;
    expectImportError(() => parseRunFile("cut.html", cut), "cut.html", /never ends inside its <script>/);
    const none = `<!doctype html><html><head><title>AI Trajectory</title></head><body><script>var x = 1;</script></body></html>`;
    expectImportError(() => parseRunFile("none.html", none), "none.html", /without "const rawData = \[\.\.\.\]"/);
  });

  it("reads a page of unclosed <script tags in linear time", () => {
    // `<script\b[^>]*>` rescans the rest of the text from each of these: minutes for this megabyte (the app's thread).
    const html = `<p>rawData=1</p>${"<script ".repeat(110_000)}`;
    const started = performance.now();
    expectImportError(() => parseRunFile("tags.html", html), "tags.html", /no "const rawData = \[\.\.\.\]" in any <script>/);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
