// The demo's triage runs as `npm start` stores them: their tool outputs are what the built-in agent's tools give on the
// demo checkouts, so a replay of a demo run (Rerun with no model key) makes the same calls and gets the same answers.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDemoKernels } from "@/lib/demo/git-repo";
import { demoRuns } from "@/lib/demo/runs";
import { recordToolOutputs } from "@/lib/triage-agent/record-outputs";
import { toolCaps } from "@/lib/triage-agent/config";
import type { Span } from "@/lib/trajectory/span";

const root = mkdtempSync(path.join(os.tmpdir(), "demo-outputs-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("recordToolOutputs on the demo checkouts", async () => {
  ensureDemoKernels(root);
  const triage = demoRuns(new Date(Date.UTC(2026, 3, 1)), root).filter((r) => r.job.Workflow === "patch-triage");
  const recorded = await Promise.all(triage.map((r) => recordToolOutputs(r, toolCaps({}))));
  const codeTools = (spans: Span[]) => spans.filter((s) => s.Type === "tool" && s.Name !== "set-results");

  it("gives every code-tool span the real tool's answer, and leaves every other span as it was", () => {
    expect(triage.length).toBeGreaterThan(3);
    recorded.forEach((run, k) => {
      const before = triage[k]!.spans;
      expect(run.spans.map((s) => [s.Seq, s.Type, s.Name, s.Args])).toEqual(before.map((s) => [s.Seq, s.Type, s.Name, s.Args]));
      run.spans.forEach((s, i) => {
        if (s.Type === "tool" && s.Name !== "set-results")
          expect(Boolean(s.Results) !== Boolean(s.Error), `${s.Name} #${s.Seq}`).toBe(true);
        else expect(s).toEqual(before[i]);
      });
    });
  });

  it("reads the real file's lines, and the failing steps fail as the tools do on this tree", () => {
    const all = recorded.flatMap((r) => codeTools(r.spans).map((s) => ({ s, src: (r.job.Args as { KernelSrc: string }).KernelSrc })));
    const read = all.find(({ s }) => s.Name === "read-file" && s.Results)!;
    const args = read.s.Args as { File: string; FirstLine: number; LastLine: number };
    const lines = readFileSync(path.join(read.src, args.File), "utf8").split("\n");
    expect((read.s.Results as { Contents: string }).Contents).toBe(lines.slice(args.FirstLine - 1, args.LastLine).join("\n"));
    // The net run fails at its steps 1 and 4 (runs.ts toolErrorSteps): what the tree lacks, said by the tool.
    const net = recorded.find((r) => (r.job.Args as { KernelSrc: string }).KernelSrc.endsWith(`${path.sep}net`))!;
    const errors = codeTools(net.spans).filter((s) => s.Error);
    expect(errors.length).toBe(2);
    for (const e of errors)
      expect(e.Error).toMatch(/has only \d+ lines$|^no matches for "\w+_gone" under net$|\/gone does not exist in the kernel tree$/);
    expect(errors.some((e) => e.Error === "file net/ipv4/tcp.c has only 96 lines")).toBe(false);
  });
});
