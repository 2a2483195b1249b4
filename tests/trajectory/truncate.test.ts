// One span for the details panel: long texts cut (JSON too, keys and number text kept), whole values found by path.
import { describe, expect, it } from "vitest";
import { textAtPath, truncateSpan } from "@/lib/trajectory/truncate";

const span = { Seq: 7, Nesting: 2, Type: "tool", Name: "read-file", Started: "2026-06-29T12:05:00.000000Z", Thoughts: "t".repeat(30) };
const json = {
  Args: '{"File":"fs/ext4/file.c","10":1,"Big":12345678901234567890}',
  Results: `{"Contents":"${"c".repeat(50)}","Parts":["short","${"p".repeat(40)}"],"a.b":"${"q".repeat(25)}"}`,
};

describe("truncateSpan", () => {
  it("cuts every text over the limit, in JSON too, and lists what it cut", () => {
    const { span: cut, json: cutJson, truncated } = truncateSpan(span, json, 20);
    expect(truncated).toEqual([
      { path: "Thoughts", length: 30 },
      { path: "Results.Contents", length: 50 },
      { path: "Results.Parts[1]", length: 40 },
      { path: 'Results["a.b"]', length: 25 },
    ]);
    expect(cut.Thoughts).toHaveLength(20);
    expect(cutJson.Results).toBe(`{"Contents":"${"c".repeat(20)}","Parts":["short","${"p".repeat(20)}"],"a.b":"${"q".repeat(20)}"}`);
    expect(span.Thoughts).toHaveLength(30);
  });

  it("leaves JSON text verbatim when nothing in it is cut: key order, integer-like keys and big integers", () => {
    const { json: out } = truncateSpan(span, json, 1000);
    expect(out).toEqual(json);
    const { json: cut } = truncateSpan(span, { Args: json.Args + " ".repeat(100) }, 30);
    expect(cut.Args).toBe(json.Args + " ".repeat(100));
  });
});

describe("textAtPath", () => {
  it("finds the whole value behind a truncation path, as text to copy", () => {
    expect(textAtPath(span, json, "Results.Parts[1]")).toBe("p".repeat(40));
    expect(textAtPath(span, json, 'Results["a.b"]')).toBe("q".repeat(25));
    expect(textAtPath(span, json, "Thoughts")).toBe(span.Thoughts);
    expect(textAtPath(span, json, "Args")).toBe('{\n  "File": "fs/ext4/file.c",\n  "10": 1,\n  "Big": 12345678901234567890\n}');
    expect(textAtPath(span, json, "Results.Missing.X")).toBeUndefined();
    expect(textAtPath(span, json, "Nope")).toBeUndefined();
    expect(textAtPath(span, json, "Thoughts.x")).toBeUndefined();
  });
});
