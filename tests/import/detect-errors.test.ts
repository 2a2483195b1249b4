// Malformed uploads: each must fail with an ImportError that names the file and the problem.
import { describe, expect, it } from "vitest";
import { MAX_IMPORT_BYTES, parseRunFile } from "@/lib/import/detect";
import { expectImportError, readFixture } from "./helpers";

describe("malformed inputs give an ImportError naming file and problem", () => {
  it("not JSON, with the position", () => {
    expectImportError(
      () => parseRunFile("broken.json", readFixture("not-json.json")),
      "broken.json",
      /not valid JSON at line 2, column \d+/,
    );
  });

  it("wrong shape", () => {
    expectImportError(() => parseRunFile("shape.json", readFixture("wrong-shape.json")), "shape.json", /wrong shape.*"spans"/);
    expectImportError(() => parseRunFile("num.json", "[1, 2]"), "num.json", /span #1 is number/);
    expectImportError(() => parseRunFile("str.json", '"hello"'), "str.json", /wrong shape: JSON string/);
    expectImportError(() => parseRunFile("list.json", "[]"), "list.json", /empty/);
  });

  it("a span without Seq", () => {
    expectImportError(() => parseRunFile("run.json", readFixture("no-seq.json")), "run.json", /^run\.json: span #2 has no "Seq"$/);
  });

  it("a span with a bad field names the span and the field", () => {
    const bad = JSON.stringify([{ Seq: 3, Nesting: 0, Type: "flow", Name: "f", Started: "yesterday" }]);
    expectImportError(() => parseRunFile("t.json", bad), "t.json", /span #1 \(Seq 3\) field "Started": not an RFC 3339 timestamp/);
  });

  it("oversized", () => {
    expect(MAX_IMPORT_BYTES).toBe(50 * 1024 * 1024);
    expectImportError(
      () => parseRunFile("big.json", "[" + " ".repeat(2048) + "]", { maxBytes: 1024 }),
      "big.json",
      /file is 2 KB, the limit is 1 KB/,
    );
    const big = Buffer.alloc(MAX_IMPORT_BYTES + 10 * 1024 * 1024, 0x20);
    expectImportError(() => parseRunFile("big.json", big), "big.json", /^big\.json: file is 60 MB, the limit is 50 MB$/);
  });

  it("binary", () => {
    expectImportError(() => parseRunFile("x.bin", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01])), "x.bin", /binary file \(not text\)/);
    expectImportError(() => parseRunFile("y.txt", Buffer.from([0x41, 0xff, 0xfe, 0x42])), "y.txt", /binary file \(not valid UTF-8 text\)/);
  });

  it("empty", () => {
    expectImportError(() => parseRunFile("empty.json", readFixture("empty.json")), "empty.json", /file is empty/);
    expectImportError(() => parseRunFile("blank.txt", " \n\t\n"), "blank.txt", /file is empty/);
  });

  it("unrecognised text and pages without rows", () => {
    expectImportError(() => parseRunFile("notes.txt", "just some notes\n"), "notes.txt", /not a recognised trajectory format/);
    expectImportError(() => parseRunFile("copy.txt", "AI Trajectory\n\nnothing here\n"), "copy.txt", /no trajectory rows found/);
  });

  it("accepts a UTF-8 BOM and CRLF line ends", () => {
    const text = "\ufeff0/0 2026/07/01 09:00 flow f\r\n1m Args:\r\nnull\r\n\r\n";
    const [run] = parseRunFile("crlf.txt", Buffer.from(text, "utf8"));
    expect(run!.spans[0]).toMatchObject({ Name: "f", Finished: "2026-07-01T09:01:00Z" });
  });
});
