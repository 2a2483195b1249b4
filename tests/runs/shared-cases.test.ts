// The cases of ../shared/cases (inputs that break trace viewers), imported and read back as the run page reads them.
// Runs only where the shared folder is checked out beside the repo (CI has it); tests/runs/fidelity.test.ts covers the
// same kinds with generated inputs everywhere.
import { COMMAND_LINE } from "@/lib/audit/log";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { importFiles } from "@/lib/import/import-files";
import { getRunHeader, getSpan, searchSpans } from "@/lib/runs/queries";
import { getOutlineJson } from "@/lib/runs/outline-cache";
import { decodeOutline } from "@/lib/trajectory/outline";
import { NO_START, UNFINISHED, VALID } from "@/lib/trajectory/timing";
import { summarySpans, timeSplit, usageGroups, averageUs } from "@/lib/trajectory/summary";
import { textAtPath, truncateSpan } from "@/lib/trajectory/truncate";
import { parseJsonText } from "@/lib/text/json";
import { comparePayloads, payloadText } from "@/lib/compare/payload";
import { formatDuration } from "@/lib/format";

const CASES = path.resolve(import.meta.dirname, "../../../shared/cases");

afterAll(disconnectDb);

async function importCase(name: string): Promise<string> {
  const outcome = await importFiles([{ name, content: readFileSync(path.join(CASES, `${name}.trajectory.json`)) }], COMMAND_LINE);
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.errors));
  return outcome.jobs[0]!.id;
}
const outlineOf = async (id: string) => decodeOutline(JSON.parse((await getOutlineJson(db(), id))!));

describe.runIf(existsSync(CASES))("shared cases", () => {
  it("04 zero start time: the run lasts 1m 00s, the tool span is marked, tools get no 100 %", async () => {
    const id = await importCase("04-zero-start-time");
    expect(formatDuration((await getRunHeader(db(), id))!.durationMs)).toBe("1m 00s");
    const o = await outlineOf(id);
    expect(o.timing[4]).toBe(NO_START);
    expect(o.t1 - o.t0).toBe(60_000_000);
    const split = timeSplit(summarySpans(o));
    expect(split.toolUs).toBe(1_000_000); // set-results only
    expect(split.llmUs).toBe(14_000_000);
  });

  it("07 missing finished: unfinished spans in a finished run, left out of averages", async () => {
    const id = await importCase("07-missing-finished");
    const run = (await getRunHeader(db(), id))!;
    expect(run.status).toBe("finished");
    const o = await outlineOf(id);
    expect([o.timing[4], o.timing[5], o.timing[3]]).toEqual([UNFINISHED, UNFINISHED, VALID]);
    const [llm] = usageGroups(summarySpans(o), "agent");
    expect([llm!.calls, llm!.timedCalls, averageUs(llm!)]).toEqual([2, 1, 6_000_000]);
  });

  it("09 ANSI escape codes: search finds the visible text only; the raw codes are kept", async () => {
    const id = await importCase("09-ansi-escape-codes");
    expect(await searchSpans(db(), id, { q: "progress 100%" })).toEqual([4]);
    // the agent's Reply quotes the coloured error too
    expect(await searchSpans(db(), id, { q: "error: implicit declaration" })).toEqual([2, 4]);
    expect(await searchSpans(db(), id, { q: "unused variable 'p'" })).toEqual([4]);
    expect(await searchSpans(db(), id, { q: "build failed: exit status" })).toEqual([4]);
    expect(await searchSpans(db(), id, { q: "[1;31m" })).toEqual([]);
    const span = (await getSpan(db(), id, 4))!;
    expect(textAtPath(span.span, span.json, "Results.Output")).toContain("\u001b[K");
  });

  it("11 search in a deep span: a needle nested in a tool's Results", async () => {
    const id = await importCase("11-search-deep-span");
    expect(await searchSpans(db(), id, { q: "xq7_needle_zebra" })).toEqual([2901]);
    expect(await searchSpans(db(), id, { q: '"quoted-needle"' })).toEqual([2903]);
  });

  it("12 long single line: the page gets 200,000 characters and says so; Copy gets every one", async () => {
    const id = await importCase("12-long-single-line");
    const reply = (await getSpan(db(), id, 2))!;
    const shown = truncateSpan(reply.span, reply.json);
    expect(shown.truncated).toEqual([{ path: "Reply", length: reply.span.Reply!.length }]);
    expect(shown.span.Reply).toHaveLength(200_000);
    expect(textAtPath(reply.span, reply.json, "Reply")!.endsWith("REPLY-TAIL-MARKER")).toBe(true);
    const tool = (await getSpan(db(), id, 4))!;
    const whole = textAtPath(tool.span, tool.json, "Results.Output")!;
    expect(whole.length).toBeGreaterThan(200_000);
    expect(whole.endsWith("LONGLINE-TAIL-MARKER")).toBe(true);
  });

  it("13 CRLF patch and its LF twin: compare says only the line endings differ", async () => {
    const [a, b] = [await importCase("13-crlf-patch"), await importCase("13b-crlf-patch-lf-twin")];
    const text = async (id: string) => {
      const s = (await getSpan(db(), id, 1))!;
      return payloadText({ args: s.json.Args ?? null, results: s.json.Results ?? null, error: s.span.Error ?? null });
    };
    const diff = comparePayloads(await text(a), await text(b))!;
    expect(diff.kind).toBe("line-endings");
    expect(diff.endings).toContain("A uses CRLF");
  });

  it("18 JSON key order: the details get the stored text unreordered", async () => {
    const id = await importCase("18-json-key-order");
    const span = (await getSpan(db(), id, 4))!;
    const keys = (text: string) => {
      const n = parseJsonText(text);
      return n.kind === "object" ? n.entries.map(([k]) => k) : [];
    };
    const [column] = await db().$queryRaw<
      { t: string }[]
    >`SELECT data_type AS t FROM information_schema.columns WHERE table_name = 'spans' AND column_name = 'args'`;
    // A json column (the storage change) keeps the agent's text; the page shows exactly the stored order either way.
    if (column!.t === "json") expect(keys(span.json.Args!)).toEqual(["Expression", "Path", "CaseInsensitive", "MaxResults"]);
    const stored = (await db().$queryRaw<{ a: string }[]>`SELECT args::text AS a FROM spans WHERE job_id = ${id}::uuid AND seq = 4`)[0]!.a;
    expect(span.json.Args).toBe(stored);
  });

  it("02 deep nesting 5000: every level linked, the deepest span found", async () => {
    const id = await importCase("02-deep-nesting-5000");
    const o = await outlineOf(id);
    expect(o.count).toBe(5000);
    expect(o.depth[4999]).toBe(4999);
    expect(await searchSpans(db(), id, { q: "DEEPEST-LEAF-MARKER" })).toEqual([4999]);
  });
});
