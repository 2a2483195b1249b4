import { describe, expect, it } from "vitest";
import { truncateSpan, valueAtPath } from "@/lib/trajectory/truncate";

const span = {
  Seq: 7, Nesting: 2, Type: "tool", Name: "read-file", Started: "2026-06-29T12:05:00Z",
  Args: { File: "fs/ext4/file.c" }, Results: { Contents: "c".repeat(50), Parts: ["short", "p".repeat(40)] }, Thoughts: "t".repeat(30),
};

describe("truncateSpan", () => {
  it("cuts every text over the limit, in JSON too, and lists what it cut", () => {
    const { span: cut, truncated } = truncateSpan(span, 20);
    expect(truncated).toEqual([
      { path: "Thoughts", length: 30 },
      { path: "Results.Contents", length: 50 },
      { path: "Results.Parts[1]", length: 40 },
    ]);
    expect(cut.Thoughts).toHaveLength(20);
    expect((cut.Results as { Contents: string }).Contents).toHaveLength(20);
    expect(cut.Args).toEqual({ File: "fs/ext4/file.c" });
    expect(span.Thoughts).toHaveLength(30);
  });

  it("leaves a small span as it is", () => {
    expect(truncateSpan(span, 1000)).toEqual({ span, truncated: [] });
  });
});

describe("valueAtPath", () => {
  it("finds the full value behind a truncation path", () => {
    expect(valueAtPath(span, "Results.Parts[1]")).toBe("p".repeat(40));
    expect(valueAtPath(span, "Thoughts")).toBe(span.Thoughts);
    expect(valueAtPath(span, "Results.Missing.X")).toBeUndefined();
  });
});
