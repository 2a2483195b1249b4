// bench:hostile's reads of stored runs: one span of a huge Args (whole and at a path), compare of dense and of
// 100,000-span runs, and a 100,000-span run's outline and conversation page.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db/client";
import { pool } from "@/lib/db/pool";
import { getSpan } from "@/lib/runs/queries";
import { forgetOutlines, getOutlineJson } from "@/lib/runs/outline-cache";
import { getConversationPage } from "@/lib/runs/conversation";
import { textAtPath, truncateSpan } from "@/lib/trajectory/truncate";
import { loadForCompare } from "@/lib/compare/runs";
import { alignSteps } from "@/lib/compare/align";
import { compareRuns, forgetComparisons } from "@/lib/compare/comparison";
import { differenceCounts, withFactDiffs } from "@/lib/compare/step-facts";
import { MAX_URL_SEQ } from "@/lib/limits";
import { T, storedRun, type Kind } from "./harness";

/** GET /api/jobs/<id>/spans/<seq>[?path=…] as its route does it: the span, cut or the value at the path, as JSON text. */
async function readSpan(id: string, seq: number, path?: string): Promise<string> {
  const found = await getSpan(db(), id, seq);
  if (!found) return "404";
  const text = path ? (textAtPath(found.span, found.json, path) ?? "") : JSON.stringify(truncateSpan(found.span, found.json));
  return `200 (${(text.length / 1e6).toFixed(1)} MB)`;
}

/**
 * A finished run of `n` spans written by PostgreSQL itself (a flow, then llm steps each with two tool calls under it),
 * each with small Args and Results; `variant` changes every tenth step's Results, so two variants compare as runs of
 * one agent that went a little differently.
 */
async function largeRun(n: number, variant: number, nameChars = 0, prefix = ""): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source, span_count, finished_at)
     VALUES ($1, 'bench-large', 'bench-large', '', '', 'finished', 'agent', $2, now())`,
    [id, n],
  );
  await pool().query(
    `INSERT INTO spans (job_id, seq, nesting, parent_seq, type, name, model, started_at, finished_at, args, results, summary)
     SELECT $1, i, CASE WHEN i = 0 THEN 0 WHEN i % 3 = 1 THEN 1 ELSE 2 END,
       CASE WHEN i = 0 THEN NULL WHEN i % 3 = 1 THEN 0 ELSE i - (i - 1) % 3 END,
       CASE WHEN i = 0 THEN 'flow' WHEN i % 3 = 1 THEN 'llm' ELSE 'tool' END,
       (SELECT rpad(k, greatest($5, length(k)), '"')
        FROM (SELECT $6 || CASE WHEN i = 0 THEN 'bench' WHEN i % 3 = 1 THEN 'agent' WHEN i % 3 = 2 THEN 'read-file' ELSE 'grep' END AS k) n),
       CASE WHEN i % 3 = 1 THEN 'model-a' END,
       $3::timestamptz + i * interval '1 millisecond', $3::timestamptz + i * interval '1 millisecond' + interval '500 microseconds',
       json_build_object('path', 'fs/file-' || i || '.c'),
       json_build_object('out', 'line ' || i || E'\nsecond line ' || CASE WHEN i % 10 = 0 THEN $4::int ELSE 0 END),
       'step ' || i
     FROM generate_series(0, $2 - 1) AS i`,
    [id, n, T, variant, nameChars, prefix],
  );
  return id;
}

const LARGE = 100_000;

/** A finished run of 52 llm spans of a 4 MB Prompt and a 3.9 MB Reply each (compressible: 8 KB gzip a span on the wire). */
async function fatRun(): Promise<string> {
  const id = randomUUID();
  await pool().query(
    `INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source, span_count, finished_at)
     VALUES ($1, 'bench-fat', 'bench-fat', '', '', 'finished', 'agent', 52, now())`,
    [id],
  );
  await pool().query(
    `INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, finished_at, prompt, reply)
     SELECT $1, i, 0, 'llm', 'ask', 'model-a', $2::timestamptz, $2::timestamptz, repeat('prompt ' || i || ' ', 400000), repeat('reply ' || i || ' ', 390000)
     FROM generate_series(0, 51) AS i`,
    [id, T],
  );
  return id;
}

/** The read kinds; their small runs are written here, the two large ones before the first kind that reads them. */
export async function readKinds(): Promise<Kind[]> {
  const bigArgs = `{"Files":[${"0,".repeat(3_900_000)}"${"L".repeat(300_000)}"],"Tail":"t"}`;
  const spanRun = await storedRun([{ args: bigArgs, results: null }]);
  const dense = (v: number) => JSON.stringify({ Out: Array.from({ length: 99_000 }, () => v) });
  const compareA = await storedRun(Array.from({ length: 25 }, () => ({ args: null, results: dense(1) })));
  const compareB = await storedRun(Array.from({ length: 25 }, () => ({ args: null, results: dense(2) })));
  const fat = await fatRun();
  let largeA = "";
  let largeB = "";
  // In prepare, outside the measurement.
  const largeRuns = async () => {
    if (!largeA) [largeA, largeB] = [await largeRun(LARGE, 1), await largeRun(LARGE, 2)];
  };
  // Names of 1,000 quotes (the name cap), each 6 characters of HTML.
  let namedA = "";
  let namedB = "";
  const namedRuns = async () => {
    if (!namedA) [namedA, namedB] = [await largeRun(LARGE, 1, 1000), await largeRun(LARGE, 2, 1000)];
  };
  // F4's pair: a run of 5,149 steps (an OTLP import: other step names) and one of 9,000 tiny steps, no step alike;
  // and ten other pairs of such runs (three of 5,149 steps against four of 9,000 in either order).
  const mixed: { a: string[]; b: string[] } = { a: [], b: [] };
  const mixedRuns = async () => {
    forgetComparisons();
    if (mixed.a.length) return;
    for (let i = 0; i < 3; i++) mixed.a.push(await largeRun(5_149, 1, 0, "chat "));
    for (let i = 0; i < 4; i++) mixed.b.push(await largeRun(9_000, 2 + i));
  };
  const mixedPairs = () => mixed.a.flatMap((a) => mixed.b.flatMap((b) => [[a, b] as const, [b, a] as const])).slice(0, 10);
  /** The compare page's work for two runs: load both, align, facts and counts (what app/compare renders from). */
  const comparePage = async (a: string, b: string) => {
    const { steps } = await compareRuns(db(), a, b);
    const rows = steps!.rows;
    return { rows, counts: differenceCounts(rows) };
  };
  return [
    { name: "GET span of a 3.9M-element Args", run: () => readSpan(spanRun, 0) },
    { name: "GET span ?path=Args.Tail", run: () => readSpan(spanRun, 0, "Args.Tail") },
    {
      name: "compare: 25 steps of 199K-char dense arrays",
      run: async () => {
        const [a, b] = await Promise.all([loadForCompare(db(), compareA), loadForCompare(db(), compareB)]);
        const rows = await alignSteps(a!.spans, b!.spans);
        return `${rows.filter((r) => r.diff).length} diffed, ${rows.filter((r) => r.undiffed).length} not`;
      },
    },
    {
      name: "compare: two runs of 100,000 spans",
      prepare: largeRuns,
      run: async () => {
        const [a, b] = await Promise.all([loadForCompare(db(), largeA), loadForCompare(db(), largeB)]);
        const rows = withFactDiffs(await alignSteps(a!.spans, b!.spans));
        return `${rows.length} steps, ${rows.filter((r) => r.diff).length} diffed, ${rows.filter((r) => r.undiffed).length} not`;
      },
    },
    {
      name: "compare: two 100,000-span runs of 1,000-char names",
      prepare: namedRuns,
      run: async () => {
        const [a, b] = await Promise.all([loadForCompare(db(), namedA), loadForCompare(db(), namedB)]);
        const rows = withFactDiffs(await alignSteps(a!.spans, b!.spans));
        const names = rows.reduce((n, r) => n + (r.a?.name.length ?? 0) + (r.b?.name.length ?? 0), 0);
        return `${rows.length} steps, names ${(names / 1e6).toFixed(1)}M chars`;
      },
    },
    {
      name: "compare: two runs of 5,000 and 9,000 steps",
      prepare: mixedRuns,
      run: async () => {
        const { rows, counts } = await comparePage(mixed.a[0]!, mixed.b[0]!);
        return `${rows.length} rows, ${counts.unaligned} in one run only`;
      },
    },
    {
      name: "compare: two runs of 5,000 and 9,000 steps, 10 at once",
      prepare: mixedRuns,
      run: async () => {
        const all = await Promise.all(Array.from({ length: 10 }, () => comparePage(mixed.a[0]!, mixed.b[0]!)));
        return `${all.length} × ${all[0]!.rows.length} rows`;
      },
    },
    {
      name: "compare: 10 other pairs of 5,000 and 9,000 steps at once",
      prepare: mixedRuns,
      run: async () => {
        const all = await Promise.all(mixedPairs().map(([a, b]) => comparePage(a, b)));
        return `${all.length} × ${all[0]!.rows.length} rows`;
      },
    },
    {
      name: "outline: GET of a 100,000-span run",
      // Each request builds the outline afresh, as the first reader of a run does (a kept one costs no build).
      prepare: async () => {
        await largeRuns();
        forgetOutlines();
      },
      run: async () => `200 (${(((await getOutlineJson(db(), largeA)) ?? "").length / 1e6).toFixed(1)} MB)`,
    },
    {
      // Wall time is mostly PostgreSQL's, holding a reader connection: counting a cut text's characters decompressed it.
      name: "conversation: GET a page of 52 spans of 8 MB texts",
      run: async () => {
        const page = await getConversationPage(db(), fat, 0, MAX_URL_SEQ);
        return `200 (${page!.spans.length} spans, ${(JSON.stringify(page).length / 1e3).toFixed(0)} KB)`;
      },
    },
    {
      name: "conversation: GET a page of a 100,000-span run",
      prepare: largeRuns,
      run: async () => {
        const page = await getConversationPage(db(), largeA, 60_000, MAX_URL_SEQ);
        return `200 (${page!.spans.length} spans, ${(JSON.stringify(page).length / 1e3).toFixed(0)} KB)`;
      },
    },
  ];
}
