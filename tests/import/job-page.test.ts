// Shape 2: job page JSON with display spans, job fields and the Args list.
import { describe, expect, it } from "vitest";
import { parseRunFile } from "@/lib/import/detect";
import { readFixture } from "./helpers";

describe("job page JSON ({Job, Trajectory, Args})", () => {
  const [run] = parseRunFile("job.json", readFixture("job-page.json"));
  const spans = run!.spans;

  it("converts display spans to spans", () => {
    expect(run!.source).toBe("job-page");
    expect(spans).toHaveLength(4);
    const [flow, agent, llm, tool] = spans;
    expect(flow!.Args).toEqual({ KernelSrc: "/src/linux", TargetArch: "amd64" });
    expect(flow!.Results).toMatchObject({ WorthFuzzing: true, Reasoning: "a <b> & c — 测试 🎯" });
    expect(flow!.Finished).toBe("2026-07-02T08:02:05.123456789Z");
    // "null" Args text is no Args; Duration keeps nanoseconds; empty strings are dropped
    expect(agent!.Args).toBeUndefined();
    expect(agent!.Finished).toBe("2026-07-02T08:00:01.62345679Z");
    expect(agent!.Instruction).toBe("Look for </script> tricks.");
    expect(agent!.Prompt).toBe("Diff:\n+ if (a < b && c > d)");
    expect(agent).not.toHaveProperty("Error");
    expect(agent).not.toHaveProperty("Thoughts");
    // Duration 0 means running; ToolCalls is derived and not kept
    expect(llm!.Finished).toBeUndefined();
    expect(llm).not.toHaveProperty("ToolCalls");
    expect(llm).toMatchObject({ InputTokens: 5066, OutputTokens: 30, OutputThoughtsTokens: 337, Thoughts: "still thinking… 🤔" });
    expect(tool).toMatchObject({ Started: "0001-01-01T00:00:00Z", Finished: "0001-01-01T00:00:02Z", Error: "no matches" });
    expect(tool!.Args).toEqual({ Expression: "x < y" });
  });

  it("takes job fields from Job, Args from the Args list, the rest from the flow span", () => {
    const job = run!.job;
    expect(job.ID).toBe("5b7c1f0e-1111-4c2a-9a57-0d6e7f8a9b0c");
    expect(job.Workflow).toBe("patch-triage"); // empty in Job: the flow's name
    expect(job.Correct).toBe(true);
    expect(job.AgentName).toBe("agent-1");
    expect(job.Created).toBe("2026-07-02T07:59:00Z");
    expect(job.Started).toBe("2026-07-02T08:00:00Z");
    expect(job.Finished).toBe("2026-07-02T08:02:05.123456789Z"); // zero time in Job means unset
    // Results come as display items [{Name, IsBool, Value}] and are stored as the object they list, like every
    // other source's results.
    expect(job.Results).toEqual({ WorthFuzzing: true, Reasoning: "a <b> & c — 测试 🎯" });
    // Link on the page is the page itself (/ai_job?id=…), not the job's link.
    expect(job.DashboardLink).toBe("/ai_job?id=5b7c1f0e");
    expect(job.Link).toBeUndefined();
    expect(job.Args).toEqual({ KernelSrc: "/src/linux", TargetArch: "amd64" });
    expect(job).not.toHaveProperty("Error");
  });

  it("accepts a job that has no spans yet and an array of job pages", () => {
    const page = { Job: { ID: "j1", Workflow: "patch-triage" }, Trajectory: null, Args: [] };
    const runs = parseRunFile("jobs.json", JSON.stringify([page, { ...page, Job: { ID: "j2" } }]));
    expect(runs.map((r) => [r.job.ID, r.spans.length])).toEqual([
      ["j1", 0],
      ["j2", 0],
    ]);
    expect(runs[0]!.job.Workflow).toBe("patch-triage");
  });
});
