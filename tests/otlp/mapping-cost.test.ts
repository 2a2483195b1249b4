// Mapping a received span costs time linear in what it carries (lib/otlp/conventions): the value budget of a request
// (OTLP_MAX_VALUES) stands for seconds of a worker thread only if no step is quadratic.
import { describe, expect, it } from "vitest";
import { mapSpan } from "@/lib/otlp/conventions";
import { measureHold } from "@/lib/load/hold";
import { T0 } from "./receiver";

describe("mapping an OTLP span", () => {
  it("keeps each distinct exception once, in order, in time linear in the events", async () => {
    const events = Array.from({ length: 62_000 }, (_, i) => ({
      name: "exception",
      timeUnixNano: String(T0),
      attributes: [{ key: "exception.message", value: { stringValue: `boom ${i % 61_000}` } }],
    }));
    const span = {
      traceId: "ab".repeat(16),
      spanId: "cd".repeat(8),
      name: "execute_tool grep",
      kind: 1,
      startTimeUnixNano: String(T0),
      endTimeUnixNano: String(T0 + 1000n),
      events,
    };
    const { result, cpuMs } = await measureHold(async () => mapSpan({ resource: {}, scope: {}, span }));
    const error = result.span.Error!;
    expect(error.startsWith("boom 0\n\nboom 1\n\n")).toBe(true);
    expect(error.split("boom 60999").length).toBe(2);
    // A list searched per event: 7 s of a worker for 62,000 distinct messages.
    expect(cpuMs).toBeLessThan(2000);
  });
});
