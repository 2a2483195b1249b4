// Spans of multi-MB texts leave whole and unchanged, written a slice at a time (lib/db/span-texts.ts): the trajectory
// file, the OTLP JSON and one span with ?full=1 through their route handlers give the bytes the whole texts written at
// once give (a character cut by a piece's end, a leading BOM, escapes, surrogate pairs included), while no text is read
// from the database in a piece over EXPORT_SLICE_BYTES and no chunk written carries a whole fat span.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { db, disconnectDb } from "@/lib/db/client";
import { isoMicros } from "@/lib/db/sql";
import { readerPool } from "@/lib/db/pools";
import { getSpan } from "@/lib/runs/queries";
import { trajectoryChunks } from "@/lib/runs/export";
import { runAsOtlpChunks } from "@/lib/otlp/export";
import { exportedSpanJson, type ExportedSpanRow } from "@/lib/trajectory/span-rows";
import { EXPORT_SLICE_BYTES } from "@/lib/limits";
import { GET as trajectoryGET } from "@/app/api/jobs/[id]/trajectory/route";
import { GET as otlpGET } from "@/app/api/jobs/[id]/otlp/route";
import { GET as spanGET } from "@/app/api/jobs/[id]/spans/[seq]/route";

afterAll(disconnectDb);

const MB = 1024 * 1024;
/** Text of every UTF-8 width and every kind of JSON escape (quote, backslash, newline, tab, a control character). */
const UNIT = ` "quoted" \\ back\nline\ttab\u0001 é 漢字 😀 `;
/** `unit` repeated to about `chars` UTF-16 units (whole units: no escape or surrogate pair cut). */
const repeatTo = (chars: number, unit = UNIT) => unit.repeat(Math.ceil(chars / unit.length));

/**
 * A Prompt of ~2.6 MB: a BOM first, then ASCII up to 2 bytes short of EXPORT_SLICE_BYTES, so the emoji that follows is
 * cut by the first piece's end, then escapes and characters of every width.
 */
const prompt = "\uFEFF" + "a".repeat(EXPORT_SLICE_BYTES - 3 - 2) + "😀" + repeatTo(1.2 * MB);
const reply = repeatTo(1.3 * MB, '漢字\u0002"\\ 😀 ');
/** Just within EXPORT_SLICE_BYTES: read with its span. */
const thoughts = repeatTo(EXPORT_SLICE_BYTES - 100, ' "q" \\ \n\t\u0001 ');
const error = repeatTo(1.1 * MB);
/** JSON text as an agent sends it: escapes kept as written, raw non-ASCII, a long string. */
const args = `{"File":"${repeatTo(1.5 * MB, 'x\\u00e9\\"é\\n😀 ')}","Lines":[1, 2,3]}`;
const results = `{ "Out" : "${repeatTo(1.2 * MB, "ok é\\t")}" }`;

/** An Extra over EXPORT_SLICE_BYTES as an agent may send it: whitespace around its braces and inside. */
const extraInner = `"Big" : ${JSON.stringify(repeatTo(1.1 * MB))}, "n": [1, 2]`;
const extra = ` {\n ${extraInner} \n} `;

/**
 * A run: an llm span of fat texts, an empty Prompt, a tool span of fat Args, Results and Error, a small span, and one
 * with a fat Extra.
 */
async function fatRun(): Promise<string> {
  const id = randomUUID();
  await db().$executeRaw`
    INSERT INTO jobs (id, workflow, workflow_type, description, link, status, source) VALUES (${id}::uuid, 'fat', 'fat', '', '', 'finished', 'agent')`;
  const t = "2026-03-01T10:00:00.000250Z";
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, model, started_at, finished_at, instruction, prompt, reply, thoughts, input_tokens)
    VALUES (${id}::uuid, 0, 0, 'llm', 'fat-llm', 'model-a', ${t}::timestamptz, ${t}::timestamptz, 'be brief', ${prompt}, ${reply}, ${thoughts}, 7)`;
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at, prompt, reply)
    VALUES (${id}::uuid, 1, 1, 'llm', 'empty', ${t}::timestamptz, '', 'short é "reply"')`;
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at, finished_at, error, args, results, extra)
    VALUES (${id}::uuid, 2, 1, 'tool', 'fat-tool', ${t}::timestamptz, ${t}::timestamptz, ${error}, ${args}::json, ${results}::json, '{"Note": "kept"}'::jsonb)`;
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at, args, results)
    VALUES (${id}::uuid, 3, 1, 'tool', 'small', ${t}::timestamptz, '{"a":1}'::json, 'null'::json)`;
  await db().$executeRaw`
    INSERT INTO spans (job_id, seq, nesting, type, name, started_at, extra)
    VALUES (${id}::uuid, 4, 1, 'action', 'fat-extra', ${t}::timestamptz, ${extra}::json)`;
  return id;
}

/** The trajectory file as the export wrote it before slices: every span read whole and written at once. */
async function trajectoryAtOnce(id: string): Promise<string> {
  const rows = await db().$queryRaw<ExportedSpanRow[]>`
    SELECT seq, nesting, type, name, model, ${isoMicros("started_at")} AS "startedAt", ${isoMicros("finished_at")} AS "finishedAt",
      error, args::text AS args, results::text AS results, instruction, prompt, reply, thoughts,
      input_tokens AS "inputTokens", output_tokens AS "outputTokens", output_thoughts_tokens AS "outputThoughtsTokens", extra::text AS extra
    FROM spans WHERE job_id = ${id}::uuid ORDER BY seq`;
  return `[${rows.map(exportedSpanJson).join(",")}]`;
}

const request = (path: string) => new Request(`http://127.0.0.1${path}`, { headers: { host: "127.0.0.1" } });

/** A pool that records the UTF-8 bytes of every piece its queries return. */
function recordingPool(): { pool: pg.Pool; pieces: number[] } {
  const inner = readerPool("expensive");
  const pieces: number[] = [];
  const pool = {
    async query(text: string, values: unknown[]) {
      const res = await inner.query<{ piece?: string }>(text, values);
      for (const r of res.rows) if (r.piece) pieces.push(Buffer.byteLength(r.piece));
      return res;
    },
  } as unknown as pg.Pool;
  return { pool, pieces };
}

/** Every chunk of `chunks` and their text. */
async function chunksOf(chunks: AsyncGenerator<string> | null): Promise<{ sizes: number[]; text: string }> {
  const sizes: number[] = [];
  let text = "";
  for await (const c of chunks!) {
    sizes.push(c.length);
    text += c;
  }
  return { sizes, text };
}

/** A response body read as a client reads it: each chunk's bytes, and the text. */
async function bodyOf(res: Response): Promise<{ sizes: number[]; text: string }> {
  const parts: Uint8Array[] = [];
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  return { sizes: parts.map((p) => p.length), text: Buffer.concat(parts).toString("utf8") };
}

describe("fat spans leave in slices", () => {
  it("the trajectory file is byte for byte what writing each span at once gave, read in pieces of a slice", async () => {
    const id = await fatRun();
    const expected = await trajectoryAtOnce(id);
    const res = await trajectoryGET(request(`/api/jobs/${id}/trajectory`), { params: Promise.resolve({ id }) });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    const spans = JSON.parse(text) as Record<string, unknown>[];
    expect(spans[0]!.Prompt === prompt && spans[0]!.Reply === reply && spans[0]!.Thoughts === thoughts).toBe(true);
    expect(spans[1]).not.toHaveProperty("Prompt");
    expect(spans[2]!.Error === error).toBe(true);
    expect(JSON.stringify(spans[2]!.Args) === JSON.stringify(JSON.parse(args))).toBe(true);
    expect(spans[2]!.Note).toBe("kept");
    expect(spans[4]!.Big === JSON.parse(`{${extraInner}}`).Big).toBe(true);

    // Structure: the large texts come from the database in pieces of about EXPORT_SLICE_BYTES, and the answer in
    // chunks of about a slice, never a whole fat span (one chunk held all 5 MB of span 0's texts before).
    const { pool, pieces } = recordingPool();
    const { sizes, text: again } = await chunksOf(await trajectoryChunks(db(), id, pool));
    expect(again === expected).toBe(true);
    const bytes = (s: string) => Buffer.byteLength(s);
    const sliced = [prompt, reply, error, args, results, extraInner].map(bytes);
    expect(pieces.length).toBe(sliced.reduce((n, b) => n + Math.ceil(b / EXPORT_SLICE_BYTES), 0));
    // Each piece ends where a character does: up to 3 bytes past the slice (the emoji the first Prompt piece cuts).
    expect(Math.max(...pieces)).toBeLessThanOrEqual(EXPORT_SLICE_BYTES + 3);
    expect(Math.max(...pieces)).toBeGreaterThan(EXPORT_SLICE_BYTES);
    expect(pieces.reduce((a, b) => a + b, 0)).toBe(sliced.reduce((a, b) => a + b, 0));
    expect(Math.max(...sizes)).toBeLessThan(4 * EXPORT_SLICE_BYTES);
  });

  it("the OTLP JSON is JSON.stringify's text of the request, with every text whole", async () => {
    const id = await fatRun();
    const res = await otlpGET(request(`/api/jobs/${id}/otlp`), { params: Promise.resolve({ id }) });
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as {
      resourceSpans: {
        scopeSpans: { spans: { attributes: { key: string; value: { stringValue?: string } }[]; status?: { message: string } }[] }[];
      }[];
    };
    // The same bytes as JSON.stringify of the whole request, as it was written before slices.
    expect(JSON.stringify(body) === text).toBe(true);
    const spans = body.resourceSpans[0]!.scopeSpans[0]!.spans;
    const attr = (i: number, key: string) => spans[i]!.attributes.find((a) => a.key === key)?.value.stringValue;
    const input = JSON.parse(attr(0, "gen_ai.input.messages")!) as { parts: { content: string }[] }[];
    const output = JSON.parse(attr(0, "gen_ai.output.messages")!) as { parts: { type: string; content: string }[] }[];
    expect(input[0]!.parts[0]!.content === prompt).toBe(true);
    expect(output[0]!.parts.map((p) => p.type)).toEqual(["reasoning", "text"]);
    expect(output[0]!.parts[0]!.content === thoughts && output[0]!.parts[1]!.content === reply).toBe(true);
    expect(attr(1, "gen_ai.input.messages")).toBeUndefined();
    expect(attr(2, "gen_ai.tool.call.arguments") === args && attr(2, "gen_ai.tool.call.result") === results).toBe(true);
    expect(spans[2]!.status!.message === error).toBe(true);
    expect(attr(4, "syzkaller.extra.Big") === JSON.stringify(JSON.parse(`{${extraInner}}`).Big)).toBe(true);

    const { pool, pieces } = recordingPool();
    const { sizes } = await chunksOf(await runAsOtlpChunks(db(), id, pool));
    expect(Math.max(...pieces)).toBeLessThanOrEqual(EXPORT_SLICE_BYTES + 3);
    expect(Math.max(...sizes)).toBeLessThan(4 * EXPORT_SLICE_BYTES);
  });

  it("GET span ?full=1 is byte for byte the whole span's JSON, streamed; an unknown span is still 404", async () => {
    const id = await fatRun();
    for (const seq of [0, 1, 2, 3, 4]) {
      const found = await getSpan(db(), id, seq);
      const res = await spanGET(request(`/api/jobs/${id}/spans/${seq}?full=1`), { params: Promise.resolve({ id, seq: String(seq) }) });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("application/json");
      const { sizes, text } = await bodyOf(res);
      expect(text === JSON.stringify({ ...found, truncated: [] })).toBe(true);
      // Streamed in chunks of about a slice, not the 5 MB span's JSON made at once.
      if (seq === 0 || seq === 4) expect(Math.max(...sizes)).toBeLessThan(4 * EXPORT_SLICE_BYTES);
    }
    const missing = await spanGET(request(`/api/jobs/${id}/spans/9?full=1`), { params: Promise.resolve({ id, seq: "9" }) });
    expect(missing.status).toBe(404);
  });
});
