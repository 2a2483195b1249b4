// Every run as it really happened, end to end through import and the run page's queries on a real PostgreSQL, with
// generated inputs of each kind (tests/runs/cases.ts): durations and marks, search hits, key order, copy length,
// deep nesting, incomplete imports.
import { COMMAND_LINE } from "@/lib/audit/log";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { importFiles } from "@/lib/import/import-files";
import { getOutlineHead, getRunHeader, getSpan, searchSpans } from "@/lib/runs/queries";
import { getOutlineJson } from "@/lib/runs/outline-cache";
import { getJobSummary, jobSummaryResponse } from "@/lib/runs/export";
import { decodeOutline } from "@/lib/trajectory/outline";
import { END_BEFORE_START, NO_START, SKEWED, UNFINISHED, VALID } from "@/lib/trajectory/timing";
import { textAtPath, truncateSpan, TEXT_LIMIT } from "@/lib/trajectory/truncate";
import { parseJsonText } from "@/lib/text/json";
import { isLive } from "@/lib/runs/status";
import { averageUs, runTotals, summarySpans, timeSplit, usageGroups } from "@/lib/trajectory/summary";
import { BIDI_NAME, deepCase, KEY_ORDER_ARGS, LONG_LENGTH, payloadCase, textCase, timingCase, unfinishedCase } from "./cases";

afterAll(disconnectDb);

async function importJson(name: string, content: string): Promise<string> {
  const outcome = await importFiles([{ name, content: Buffer.from(content) }], COMMAND_LINE);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.jobs[0]!.id;
}

const outlineOf = async (id: string) => decodeOutline(JSON.parse((await getOutlineJson(db(), id))!));

describe("time", async () => {
  const id = await importJson("timing.json", JSON.stringify(timingCase("fidelity-timing")));
  // The read side keeps whatever precision is stored: the finish is written here with its microseconds, as the write
  // path stores them (timestamptz(6)).
  await db().$executeRaw`UPDATE spans SET finished_at = '2026-03-02T10:00:13.000850Z' WHERE job_id = ${id}::uuid AND seq = 5`;

  it("takes the run's duration from the flow span: a zero start never makes it 739676 days", async () => {
    const run = (await getRunHeader(db(), id))!;
    expect(run.durationMs).toBe(60_000);
  });

  it("judges each span: zero start, no end, sub-ms, end before start, skew", async () => {
    const o = await outlineOf(id);
    expect([...o.timing]).toEqual([VALID, VALID, VALID, NO_START, UNFINISHED, VALID, END_BEFORE_START, SKEWED]);
    // 850 µs, not "0ms"
    expect(o.dur[5]).toBe(850);
    // the window is the run's minute: nothing squeezed against the right edge
    expect(o.t1 - o.t0).toBe(60_000_000);
    const head = decodeOutline(await getOutlineHead(db(), id, 3));
    expect([head.t0, head.t1]).toEqual([o.t0, o.t1]);
  });

  it("gives the details Started and Finished to the microsecond, with the zone", async () => {
    const sub = (await getSpan(db(), id, 5))!;
    expect([sub.span.Started, sub.span.Finished]).toEqual(["2026-03-02T10:00:13.000000Z", "2026-03-02T10:00:13.000850Z"]);
    expect((await getSpan(db(), id, 3))!.span.Started).toBe("0001-01-01T00:00:00.000000Z");
    expect((await getSpan(db(), id, 4))!.span.Finished).toBeUndefined();
  });

  it("leaves invalid and unfinished spans out of the cost tab's sums and averages", async () => {
    const spans = summarySpans(await outlineOf(id));
    expect(runTotals(spans).durationMs).toBe(60_000);
    const split = timeSplit(spans);
    expect(split.untimed).toBe(3);
    // tools: sub-ms (850 µs) and skewed (10 s); the zero-start, no-end and backwards tools add nothing
    expect(split.toolUs).toBe(10_000_850);
    const tools = usageGroups(spans, "tool");
    expect(tools.map((g) => [g.key, g.calls, g.timedCalls, averageUs(g)])).toEqual([
      ["skewed", 1, 1, 10_000_000],
      ["sub-ms", 1, 1, 850],
      ["backwards", 1, 0, null],
      ["no-end", 1, 0, null],
      ["zero-start", 1, 0, null],
    ]);
  });
});

describe("imported runs that never finished", async () => {
  const id = await importJson("unfinished.json", JSON.stringify(unfinishedCase("fidelity-unfinished")));

  it("are incomplete, never live", async () => {
    const run = (await getRunHeader(db(), id))!;
    expect(run.status).toBe("incomplete");
    expect(isLive(run.status)).toBe(false);
    expect(isLive("running")).toBe(true);
    expect(isLive("pending")).toBe(true);
  });
});

describe("text", async () => {
  const id = await importJson("text.json", JSON.stringify(textCase("fidelity-text")));

  it("search matches the visible text: what a terminal shows, names as shown", async () => {
    const find = (q: string) => searchSpans(db(), id, { q });
    expect(await find("progress 100%")).toEqual([2]);
    expect(await find("error: implicit declaration")).toEqual([2]);
    expect(await find("build failed: exit")).toEqual([2]);
    expect(await find("[1;31m")).toEqual([]);
    expect(await find("progress 10%")).toEqual([]);
    expect(await find("U+202E")).toEqual([3]);
    expect(await find("gnp.exe")).toEqual([3]);
    // what the spoof would look like is not what is shown
    expect(await find("grepper-exe.png")).toEqual([]);
  });

  it("keeps the raw text stored: the codes are one toggle away", async () => {
    const span = (await getSpan(db(), id, 2))!;
    expect(textAtPath(span.span, span.json, "Results.Output")).toContain("\u001b[1;31m");
    expect((await getSpan(db(), id, 3))!.span.Name).toBe(BIDI_NAME);
  });
});

describe("payloads", async () => {
  const id = await importJson("payload.json", payloadCase("fidelity-payload"));
  const column = await db().$queryRaw<
    { t: string }[]
  >`SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'spans' AND column_name = 'args'`;

  it("shows the keys in the order the agent wrote them, integer-like keys in place, big integers whole", async () => {
    const span = (await getSpan(db(), id, 1))!;
    const node = parseJsonText(span.json.Args!);
    const keys = node.kind === "object" ? node.entries.map(([k]) => k) : [];
    // The details show exactly what is stored; a json column keeps the agent's text, a jsonb column (before the
    // storage change) its own order. Either way the page must not reorder it again, as a JS object would.
    const stored = (await db().$queryRaw<{ a: string }[]>`SELECT args::text AS a FROM spans WHERE job_id = ${id}::uuid AND seq = 1`)[0]!.a;
    expect(span.json.Args).toBe(stored);
    if (column[0]!.t === "json") {
      expect(keys).toEqual(["Expression", "Path", "10", "CaseInsensitive", "2", "MaxResults", "Big"]);
      expect(span.json.Args).toBe(KEY_ORDER_ARGS);
    }
    // The parser keeps the stored text's order (a JS object would put "2" and "10" first).
    expect(keys).toEqual([...stored.matchAll(/"([^"]+)":/g)].map((m) => m[1]));
  });

  it("keeps the run's inputs and verdict in the agent's key order too, as the API's job gives them", async () => {
    const t = (s: number) => `2026-03-02T10:00:0${s}Z`;
    const runId = await importJson(
      "job-order.json",
      `[{"Seq":0,"Nesting":0,"Type":"flow","Name":"patch-triage","Started":"${t(0)}","Finished":"${t(5)}",` +
        `"Args":{"TargetArch":"amd64","KernelSrc":"/src/job-order","CodeRevision":"v6.1"},` +
        `"Results":{"WorthFuzzing":true,"NeedsKMSAN":false,"Reasoning":"job-order"}}]`,
    );
    // GET /api/jobs/<id>'s answer: the stored text spliced in as is.
    const job = (await jobSummaryResponse((await getJobSummary(db(), runId))!).json()) as { args: object; results: object; id: string };
    expect(job.id).toBe(runId);
    // jsonb would give KernelSrc first (shorter keys first), and Reasoning before NeedsKMSAN before WorthFuzzing.
    expect(Object.keys(job.args)).toEqual(["TargetArch", "KernelSrc", "CodeRevision"]);
    expect(Object.keys(job.results)).toEqual(["WorthFuzzing", "NeedsKMSAN", "Reasoning"]);
  });

  it("cuts a long value for the page, and Copy gets all of it", async () => {
    const span = (await getSpan(db(), id, 2))!;
    const shown = truncateSpan(span.span, span.json);
    expect(shown.truncated).toEqual([{ path: "Results.Contents", length: LONG_LENGTH }]);
    expect(shown.json.Results!.length).toBeLessThan(TEXT_LIMIT + 100);
    const whole = textAtPath(span.span, span.json, "Results.Contents")!;
    expect(whole).toHaveLength(LONG_LENGTH);
    expect(whole.endsWith("TAIL-MARKER")).toBe(true);
    const json = textAtPath(span.span, span.json, "Results")!;
    expect(json.length).toBeGreaterThan(LONG_LENGTH);
    expect(json).toContain("TAIL-MARKER");
  });
});

describe("deep nesting", async () => {
  const id = await importJson("deep.json", JSON.stringify(deepCase("fidelity-deep", 600)));

  it("keeps every level: depth, parents, search of the deepest span", async () => {
    const o = await outlineOf(id);
    expect(o.count).toBe(601);
    expect(o.depth[600]).toBe(600);
    expect(o.parent[600]).toBe(599);
    expect(o.end[0]).toBe(601);
    expect(await searchSpans(db(), id, { q: "DEEPEST-fidelity-deep" })).toEqual([600]);
  });
});
