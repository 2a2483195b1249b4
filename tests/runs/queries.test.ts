// The run page's queries on a real PostgreSQL: outline without payloads, one span, search in payloads.
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { getOutlineHead, getOutlineRows, getRunHeader, getSpan, searchSpans } from "@/lib/runs/queries";
import { getOutlineJson } from "@/lib/runs/outline-cache";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { decodeOutline, encodeOutline } from "@/lib/trajectory/outline";
import type { ImportedRun } from "@/lib/trajectory/span";
import { END_BEFORE_START, NO_START, UNFINISHED, VALID } from "@/lib/trajectory/timing";

afterAll(disconnectDb);

const t = (s: number) => new Date(Date.UTC(2026, 5, 29, 12, 5, s)).toISOString();
const BIG = "needle-in-payload " + "x".repeat(300_000);
const run: ImportedRun = {
  job: { Workflow: "patch-triage", Description: "run-queries test" },
  source: "trajectory-file",
  minutePrecision: false,
  spans: [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(50), Results: { WorthFuzzing: true } },
    {
      Seq: 1,
      Nesting: 1,
      Type: "agent",
      Name: "patch-evaluator",
      Model: "best-expensive",
      Started: t(1),
      Finished: t(40),
      Prompt: "100% sure_under",
    },
    {
      Seq: 2,
      Nesting: 2,
      Type: "llm",
      Name: "patch-evaluator",
      Model: "gemini-3.1-pro-preview",
      Started: t(2),
      Finished: t(9),
      InputTokens: 5066,
      OutputTokens: 30,
      OutputThoughtsTokens: 337,
    },
    {
      Seq: 3,
      Nesting: 2,
      Type: "tool",
      Name: "read-file",
      Started: t(9),
      Finished: t(10),
      Args: { File: "fs/ext4/file.c" },
      Results: { Contents: BIG },
    },
    { Seq: 4, Nesting: 2, Type: "tool", Name: "grepper", Started: t(10), Error: "no matches for ext4_foo" },
  ],
};

// Tool output as terminals write it, and text in several scripts: search matches what a reader sees.
const textRun: ImportedRun = {
  job: { Workflow: "patch-triage", Description: "run-queries visible text" },
  source: "trajectory-file",
  minutePrecision: false,
  spans: [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(50) },
    {
      Seq: 1,
      Nesting: 1,
      Type: "tool",
      Name: "run-tests",
      Started: t(11),
      Finished: t(12),
      Args: { Expression: "kmalloc\\(size" },
      Results: { Output: 'said "quoted"\nbuild  10%\rbuild  55%\rbuild 100%\n\u001b[1;31mFAILED\u001b[0m tests', Note: "Kiểm tra xong" },
    },
  ],
};

describe("search in a run matches visible, decoded, folded text", async () => {
  const saved = await saveImportedRun(textRun);
  const find = (q: string) => searchSpans(db(), saved.id, { q });

  it("finds decoded strings, not their JSON escapes", async () => {
    expect(await find('"quoted"')).toEqual([1]);
    expect(await find("kmalloc\\(size")).toEqual([1]);
    expect(await find('\\"quoted')).toEqual([]);
  });

  it("finds what a terminal shows: no ANSI escapes, carriage-return progress collapsed", async () => {
    expect(await find("build 100%")).toEqual([1]);
    expect(await find("FAILED tests")).toEqual([1]);
    expect(await find("55%")).toEqual([]);
    expect(await find("[1;31m")).toEqual([]);
  });

  it("folds case and accents beyond ASCII", async () => {
    expect(await find("KIỂM TRA")).toEqual([1]);
    expect(await find("kiem tra")).toEqual([1]);
  });
});

// Dictionaries may be in another order: compare what each span's codes stand for.
const view = (o: ReturnType<typeof decodeOutline>) =>
  Array.from({ length: o.count }, (_, i) => ({
    seq: o.seq[i],
    nesting: o.nesting[i],
    type: o.types[o.type[i]!],
    name: o.names[o.name[i]!],
    model: o.models[o.model[i]!],
    start: o.start[i],
    dur: o.dur[i],
    timing: o.timing[i],
    tokens: [o.tokIn[i], o.tokOut[i], o.tokThoughts[i]],
    size: o.size[i],
    error: o.errors.get(i),
    summary: o.summaries.get(i),
    parent: o.parent[i],
  }));

/** Spans of every timing; microsecond times are written straight into the table, whatever precision the write path keeps. */
const timingRun: ImportedRun = {
  job: { Workflow: "patch-triage", Description: "run-queries timing" },
  source: "trajectory-file",
  minutePrecision: false,
  spans: [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: t(0), Finished: t(50) },
    { Seq: 1, Nesting: 1, Type: "tool", Name: "sub-ms", Started: t(1), Finished: t(2) },
    { Seq: 2, Nesting: 1, Type: "tool", Name: "zero-start", Started: "0001-01-01T00:00:00Z", Finished: t(11) },
    { Seq: 3, Nesting: 1, Type: "llm", Name: "no-end", Started: t(3) },
    { Seq: 4, Nesting: 1, Type: "tool", Name: "backwards", Started: t(5), Finished: t(4) },
  ],
};

/** Upstream's golden trajectories run on a stub clock: every event one second after the last, from year 1. */
const stubClockRun: ImportedRun = {
  job: { Workflow: "patch-triage", Description: "run-queries stub clock" },
  source: "trajectory-file",
  minutePrecision: false,
  spans: [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "test", Started: "0001-01-01T00:00:01Z", Finished: "0001-01-01T00:00:06Z" },
    { Seq: 1, Nesting: 1, Type: "action", Name: "a", Started: "0001-01-01T00:00:02Z", Finished: "0001-01-01T00:00:03Z" },
    { Seq: 2, Nesting: 1, Type: "tool", Name: "zero", Started: "0001-01-01T00:00:00Z", Finished: "0001-01-01T00:00:05Z" },
  ],
};

describe("run queries", async () => {
  const saved = await saveImportedRun(run);
  const timed = await saveImportedRun(timingRun);
  const stub = await saveImportedRun(stubClockRun);
  await db().$executeRaw`UPDATE spans SET started_at = '2026-06-29T12:05:01.000250Z', finished_at = '2026-06-29T12:05:01.000850Z'
    WHERE job_id = ${timed.id}::uuid AND seq = 1`;

  it("reads the header from the job's totals", async () => {
    const header = await getRunHeader(db(), saved.id);
    expect(header).toMatchObject({ workflow: "patch-triage", spanCount: 5, llmCalls: 1, toolCalls: 2, toolErrors: 1 });
    expect(header && "spans" in header).toBe(false);
  });

  it("builds the outline with sizes, tokens and error heads, and no payload text", async () => {
    const rows = (await getOutlineRows(db(), saved.id))!;
    expect(rows.map((r) => r.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(rows[3]!.size).toBeGreaterThan(0);
    expect(rows[1]!.size).toBe("100% sure_under".length);
    expect(rows[2]).toMatchObject({
      model: "gemini-3.1-pro-preview",
      inputTokens: 5066,
      thoughtsTokens: 337,
      finishUs: Date.parse(t(9)) * 1000,
    });
    expect(rows[4]).toMatchObject({ error: "no matches for ext4_foo", finishUs: null });
    const wire = JSON.stringify(encodeOutline(rows));
    expect(wire).not.toContain("needle-in-payload");
    expect(wire.length).toBeLessThan(2000);
    expect(decodeOutline(JSON.parse(wire)).count).toBe(5);
    expect(await getOutlineRows(db(), "00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("writes the same outline in PostgreSQL as encodeOutline does in the app", async () => {
    for (const id of [saved.id, timed.id, stub.id]) {
      const fromDb = decodeOutline(JSON.parse((await getOutlineJson(db(), id))!));
      const fromApp = decodeOutline(encodeOutline((await getOutlineRows(db(), id))!));
      expect(view(fromDb)).toEqual(view(fromApp));
      expect([fromDb.t0, fromDb.t1]).toEqual([fromApp.t0, fromApp.t1]);
      expect(fromDb.models[0]).toBe("");
    }
    // What each step did travels in the outline: the read file, the agent's prompt; none for a step with nothing to say.
    const o = decodeOutline(JSON.parse((await getOutlineJson(db(), saved.id))!));
    expect([...o.summaries]).toEqual([
      [1, "100% sure_under"],
      [3, "fs/ext4/file.c"],
    ]);
    expect(decodeOutline(await getOutlineHead(db(), saved.id, 5)).summaries).toEqual(o.summaries);
    expect(await getOutlineJson(db(), "00000000-0000-4000-8000-000000000000")).toBeNull();
  });

  it("times a stub-clock run by its own clock, in the outline, its head and the stored duration", async () => {
    const o = decodeOutline(JSON.parse((await getOutlineJson(db(), stub.id))!));
    expect([o.dur[0], o.dur[1]]).toEqual([5_000_000, 1_000_000]);
    expect(Number.isNaN(o.start[2]!)).toBe(true);
    const head = decodeOutline(await getOutlineHead(db(), stub.id, 2));
    expect([head.dur[0], head.dur[1]]).toEqual([5_000_000, 1_000_000]);
    expect((await getRunHeader(db(), stub.id))!.durationMs).toBe(5000);
  });

  it("carries microseconds and every kind of timing: zero starts, no finish, an end before the start", async () => {
    const o = decodeOutline(JSON.parse((await getOutlineJson(db(), timed.id))!));
    const T = Date.parse(t(0)) * 1000;
    expect(o.start[1]).toBe(T + 1_000_250);
    expect(o.dur[1]).toBe(600);
    expect(Number.isNaN(o.start[2]!)).toBe(true);
    expect(o.start[3]).toBe(T + 3_000_000);
    expect([...o.timing]).toEqual([VALID, VALID, NO_START, UNFINISHED, END_BEFORE_START]);
    expect([o.t0, o.t1]).toEqual([T, T + 50_000_000]);
    const head = decodeOutline(await getOutlineHead(db(), timed.id, 2));
    expect([head.t0, head.t1]).toEqual([o.t0, o.t1]);
  });

  it("reads the outline's head: the first spans as the whole outline has them, on the whole run's time scale", async () => {
    const whole = decodeOutline(JSON.parse((await getOutlineJson(db(), saved.id))!));
    const head = decodeOutline(await getOutlineHead(db(), saved.id, 3));
    expect([...head.seq]).toEqual([0, 1, 2]);
    expect([head.t0, head.t1]).toEqual([whole.t0, whole.t1]);
    for (let i = 0; i < 3; i++) {
      expect([head.start[i], head.dur[i], head.parent[i], head.size[i], head.tokIn[i]]).toEqual([
        whole.start[i],
        whole.dur[i],
        whole.parent[i],
        whole.size[i],
        whole.tokIn[i],
      ]);
      expect([head.types[head.type[i]!], head.names[head.name[i]!], head.models[head.model[i]!]]).toEqual([
        whole.types[whole.type[i]!],
        whole.names[whole.name[i]!],
        whole.models[whole.model[i]!],
      ]);
    }
    expect((await getOutlineHead(db(), "00000000-0000-4000-8000-000000000000", 3)).seq).toEqual([]);
  });

  it("reads one span in the wire shape, times to the microsecond, payloads as the JSON text stored", async () => {
    const found = await getSpan(db(), saved.id, 3);
    expect(found!.span).toMatchObject({
      Seq: 3,
      Name: "read-file",
      Started: "2026-06-29T12:05:09.000000Z",
      Finished: "2026-06-29T12:05:10.000000Z",
    });
    expect(JSON.parse(found!.json.Args!)).toEqual({ File: "fs/ext4/file.c" });
    expect((JSON.parse(found!.json.Results!) as { Contents: string }).Contents).toBe(BIG);
    const sub = await getSpan(db(), timed.id, 1);
    expect([sub!.span.Started, sub!.span.Finished]).toEqual(["2026-06-29T12:05:01.000250Z", "2026-06-29T12:05:01.000850Z"]);
    expect((await getSpan(db(), timed.id, 2))!.span.Started).toBe("0001-01-01T00:00:00.000000Z");
    expect(await getSpan(db(), saved.id, 99)).toBeNull();
  });

  it("searches names, errors and payloads, with % and _ taken literally", async () => {
    expect(await searchSpans(db(), saved.id, { q: "NEEDLE-in" })).toEqual([3]);
    expect(await searchSpans(db(), saved.id, { q: "ext4_foo" })).toEqual([4]);
    expect(await searchSpans(db(), saved.id, { q: "grepper" })).toEqual([4]);
    expect(await searchSpans(db(), saved.id, { q: "100% sure_under" })).toEqual([1]);
    expect(await searchSpans(db(), saved.id, { q: "0%" })).toEqual([1]);
    expect(await searchSpans(db(), saved.id, { q: "s_re" })).toEqual([]);
  });
});
