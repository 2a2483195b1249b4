// Building blocks: nanosecond timestamps and the JS literal reader.
import { describe, expect, it } from "vitest";
import { findValueEnd, parseJsLiteral } from "@/lib/import/js-literal";
import { addNanos, formatTimestampNs, parseTimestampNs } from "@/lib/trajectory/time";

describe("timestamps in nanoseconds", () => {
  it("round-trips RFC 3339 including year 1 and offsets", () => {
    expect(formatTimestampNs(parseTimestampNs("0001-01-01T00:00:00Z")!)).toBe("0001-01-01T00:00:00Z");
    expect(formatTimestampNs(parseTimestampNs("2026-06-29T14:05:51.5+02:00")!)).toBe("2026-06-29T12:05:51.5Z");
    expect(addNanos("2026-12-31T23:59:59.999999999Z", 2n)).toBe("2027-01-01T00:00:00.000000001Z");
    expect(addNanos("0001-01-01T00:00:00Z", 3_250_000_000n)).toBe("0001-01-01T00:00:03.25Z");
    expect(parseTimestampNs("2026-13-01T00:00:00Z")).toBeNull();
    expect(parseTimestampNs("yesterday")).toBeNull();
  });

  it("agrees with Date for ordinary dates", () => {
    const ns = parseTimestampNs("2024-02-29T12:34:56.789Z")!;
    expect(Number(ns / 1_000_000n)).toBe(Date.parse("2024-02-29T12:34:56.789Z"));
  });
});

describe("JS literal reader", () => {
  it("finds the end of a value, skipping strings and comments", () => {
    const text = `[{"a": "]"}, 'x]', /* ] */ 1] trailing`;
    expect(text.slice(0, findValueEnd(text, 0))).toBe(`[{"a": "]"}, 'x]', /* ] */ 1]`);
    expect(findValueEnd("  null\n", 0)).toBe(6);
    expect(findValueEnd("[1, 2", 0)).toBe(-1);
  });

  it("reads JSON5-like literals and treats __proto__ as data", () => {
    const v = parseJsLiteral(`{a: 1, 'b': [true, null, undefined, -2.5e1, 0x10,], "__proto__": {x: 1}, c: \`t\`, /* c */}`) as Record<
      string,
      unknown
    >;
    expect(v).toEqual({ a: 1, b: [true, null, null, -25, 16], ["__proto__"]: { x: 1 }, c: "t" });
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(() => parseJsLiteral("[alert(1)]")).toThrow(SyntaxError);
    expect(() => parseJsLiteral("`${x}`")).toThrow(/substitution/);
  });
});
