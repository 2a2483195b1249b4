// Input limits of imports: a span over the size cap, deep nesting, NUL characters kept as U+FFFD, out-of-range numbers and dates, and all-or-nothing batches.
import { afterAll, describe, expect, it } from "vitest";
import { parseRunFile } from "@/lib/import/detect";
import { importFiles } from "@/lib/import/import-files";
import { db, disconnectDb } from "@/lib/db/client";
import { IMPORT_MAX_SPAN_ENTRIES, MAX_JSON_DEPTH, MAX_SPAN_BYTES, MAX_TEXT_FIELD_CHARS } from "@/lib/limits";
import { makeStorable } from "@/lib/trajectory/storable";
import { COMMAND_LINE } from "@/lib/audit/log";
import { randomUUID } from "node:crypto";
import { expectImportError } from "./helpers";

afterAll(disconnectDb);

const T = "2026-07-01T10:00:00Z";
const span = (extra: Record<string, unknown> = {}) => ({ Seq: 1, Nesting: 0, Type: "flow", Name: "limits", Started: T, ...extra });
const file = (...spans: unknown[]) => JSON.stringify(spans);
const jobPage = (id: string, name: string) =>
  JSON.stringify({
    Job: { ID: id, Workflow: "limits", Description: name },
    Trajectory: [{ Seq: 0, Nesting: 0, Type: "flow", Name: name, Started: T }],
  });

describe("import limits", () => {
  it("a span over the size cap names its Seq and the limit", () => {
    const quarter = "x".repeat(MAX_SPAN_BYTES / 4);
    const big = span({ Seq: 7, Prompt: quarter + quarter, Reply: quarter + quarter, Thoughts: "y".repeat(1024) });
    expectImportError(
      () => parseRunFile("big.json", file(big)),
      "big.json",
      /span #1 \(Seq 7\) is 8 MB as JSON, the limit is 8 MB per span/,
    );
  });

  it("a text field over its cap names the field", () => {
    expectImportError(
      () => parseRunFile("p.json", file(span({ Prompt: "p".repeat(MAX_TEXT_FIELD_CHARS + 1) }))),
      "p.json",
      /span #1 \(Seq 1\) field "Prompt": too big/i,
    );
  });

  it("nesting deeper than the cap is an error naming the field, not a stack overflow", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const text = file(span({ Args: "@" })).replace('"@"', deep);
    expectImportError(
      () => parseRunFile("deep.json", text),
      "deep.json",
      new RegExp(`span #1 \\(Seq 1\\) field "Args(\\[0\\])+": nests deeper than ${MAX_JSON_DEPTH} levels`),
    );
    // At the cap it is fine.
    let ok: unknown = "leaf";
    for (let i = 0; i < MAX_JSON_DEPTH - 2; i++) ok = [ok];
    expect(parseRunFile("ok.json", file(span({ Args: ok })))[0]!.spans[0]!.Args).toEqual(ok);
  });

  it("NUL characters and lone surrogates, escaped in JSON, are kept as U+FFFD in strings and keys", () => {
    const [run] = parseRunFile(
      "n.json",
      file(span({ Error: "a\u0000b", Args: { list: [{ ["bad\u0000key"]: 1, ["__proto__"]: "\ud800" }] }, Results: { s: "x\udc00" } })),
    );
    expect(run!.spans[0]).toMatchObject({ Error: "a\ufffdb", Results: { s: "x\ufffd" } });
    const item = (run!.spans[0]!.Args as { list: Record<string, unknown>[] }).list[0]!;
    expect(Object.entries(item)).toEqual([
      ["bad\ufffdkey", 1],
      ["__proto__", "\ufffd"],
    ]);
    // Two keys that become one are refused, naming the path, rather than one silently dropped.
    expectImportError(
      () => parseRunFile("k.json", file(span({ Args: { ["a\u0000"]: 1, ["a\ufffd"]: 2 } }))),
      "k.json",
      /field "Args\."a\ufffd"": two keys are the same once/,
    );
  });

  it("numbers beyond int and dates PostgreSQL cannot store name the field", () => {
    expectImportError(() => parseRunFile("seq.json", file(span({ Seq: 2 ** 31 }))), "seq.json", /field "Seq": too big/i);
    expectImportError(() => parseRunFile("tok.json", file(span({ InputTokens: 1e20 }))), "tok.json", /field "InputTokens": too big/i);
    expectImportError(() => parseRunFile("inf.json", file(span()).replace('"Seq":1', '"Seq":1e400')), "inf.json", /field "Seq"/);
    for (const d of ["10000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "2026-02-30T00:00:00Z", "1"]) {
      expectImportError(
        () => parseRunFile("d.json", file(span({ Started: d }))),
        "d.json",
        /field "Started": not an RFC 3339 timestamp from 0001-01-01/,
      );
    }
    expect(parseRunFile("zero.json", file(span({ Started: "0001-01-01T00:00:00Z" })))[0]!.spans).toHaveLength(1);
  });

  it("too many span entries in one file", () => {
    const many = `[${Array.from({ length: IMPORT_MAX_SPAN_ENTRIES + 1 }, () => "{}").join(",")}]`;
    expectImportError(() => parseRunFile("many.json", many), "many.json", /500,001 span entries, the limit is 500,000 per file/);
  });

  it("stores nothing of a batch when one run is refused after parsing", async () => {
    const tag = `all-or-nothing-${Date.now()}`;
    const id = randomUUID();
    // A run ID already stored with other content: refused (history is append-only), and the good file goes with it.
    expect(await importFiles([{ name: "first.json", content: Buffer.from(jobPage(id, `${tag}-first`)) }], COMMAND_LINE)).toMatchObject({
      ok: true,
    });
    const outcome = await importFiles(
      [
        { name: "good.json", content: Buffer.from(file(span({ Name: tag }))) },
        { name: "bad.json", content: Buffer.from(jobPage(id, `${tag}-other`)) },
      ],
      COMMAND_LINE,
    );
    expect(outcome).toMatchObject({ ok: false, errors: [{ file: "bad.json", code: "Conflict", reason: expect.stringContaining(id) }] });
    expect(await db().job.count({ where: { workflow: tag } })).toBe(0);
  });
});

describe("makeStorable", () => {
  it("walks a million levels without recursion", () => {
    let v: unknown = "x";
    for (let i = 0; i < 1_000_000; i++) v = { k: v };
    expect(makeStorable(v)).toEqual({
      ok: false,
      problem: { path: expect.stringMatching(/^k(\.k)+$/), reason: `nests deeper than ${MAX_JSON_DEPTH} levels of objects and arrays` },
    });
  });

  it("leaves ordinary values as they are, and counts what it replaces", () => {
    const plain = { a: [1, "two", { three: null }], "key with spaces": "ü ✓ 𝄞" };
    expect(makeStorable(plain)).toEqual({ ok: true, value: plain, replaced: 0 });
    expect(makeStorable("\u0000")).toEqual({ ok: true, value: "\ufffd", replaced: 1 });
    expect(makeStorable({ ["\u0000"]: ["\ud83d", "\ud83d\ude00"] })).toEqual({
      ok: true,
      value: { ["\ufffd"]: ["\ufffd", "😀"] },
      replaced: 2,
    });
  });
});
