// One whole value of a large span (?path=) is found and indented on a worker thread: a dense Args of a million numbers
// held the event loop 0.7-2 s per request when it was indented here.
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeWorkers, startWorkers } from "@/lib/workers/pool";
import { measureHold } from "@/lib/load/hold";
import { spanTextAtPath } from "@/lib/runs/span-text";
import { textAtPath } from "@/lib/trajectory/truncate";

beforeAll(async () => {
  await startWorkers();
}, 60_000);
afterAll(async () => {
  await closeWorkers();
});

describe("a span's value by path", () => {
  it("indents a dense value off the main thread, the same text as inline", async () => {
    const args = `{"Expression":[${"0,".repeat(989_999)}0],"Tail":"t"}`;
    const span = { Seq: 1, Nesting: 0, Type: "tool", Name: "t", Started: "2026-06-29T12:05:00Z" };
    const { result, holdMs } = await measureHold(() => spanTextAtPath(span, { Args: args }, "Args.Expression"));
    expect(result).toBe(textAtPath(span, { Args: args }, "Args.Expression"));
    expect(result!.split("\n")).toHaveLength(990_002);
    expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
    // A small span's value is read inline, and a missing one is undefined either way.
    expect(await spanTextAtPath(span, { Args: '{"a":[1]}' }, "Args.a")).toBe("[\n  1\n]");
    expect(await spanTextAtPath(span, { Args: args }, "Args.Nothing")).toBeUndefined();
  }, 60_000);
});
