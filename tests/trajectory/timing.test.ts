// The time model: durations from µs to days, each span's timing judged, the run's duration from trusted times only.
import { describe, expect, it } from "vitest";
import {
  classifyTimings,
  END_BEFORE_START,
  isRealTime,
  NO_START,
  runDurationUs,
  skewOf,
  SKEWED,
  spanTimingCode,
  timingLabel,
  UNFINISHED,
  VALID,
} from "@/lib/trajectory/timing";
import { formatCompact, formatDuration, formatDurationAtUs, formatDurationUs, formatEpochUs, formatInstant } from "@/lib/format";
import { parseTimestampNs } from "@/lib/trajectory/time";

const us = (iso: string) => Number(parseTimestampNs(iso)! / 1000n);
const ZERO = us("0001-01-01T00:00:00Z");
const T = us("2026-03-02T10:00:00Z");
const S = 1_000_000;

describe("formatDurationUs", () => {
  it.each([
    [0, "0µs"],
    [1, "1µs"],
    [850, "850µs"],
    [999.4, "999µs"],
    [999.6, "1.00ms"],
    [1_250, "1.25ms"],
    [12_345, "12.3ms"],
    [850_000, "850ms"],
    [999_600, "1.00s"],
    [4_210_000, "4.21s"],
    [12_300_000, "12.3s"],
    [59_960_000, "1m 00s"],
    [125 * S, "2m 05s"],
    [3_905 * S, "1h 05m"],
    [(26 * 3600 + 5) * S, "1d 02h"],
    [-1_200_000, "−1.20s"],
  ])("%d µs reads %s", (value, text) => {
    expect(formatDurationUs(value)).toBe(text);
  });

  it("says nothing for no value, and ms callers get the same model", () => {
    expect(formatDurationUs(null)).toBe("—");
    expect(formatDurationUs(NaN)).toBe("—");
    expect(formatDuration(0.85)).toBe("850µs");
    expect(formatDuration(900)).toBe("900ms");
  });

  it("keeps minute-precision runs in whole minutes", () => {
    expect(formatDurationAtUs(125 * S, true)).toBe("2m");
    expect(formatDurationAtUs(125 * S, false)).toBe("2m 05s");
  });
});

describe("instants", () => {
  it("shows every microsecond and the zone", () => {
    expect(formatInstant("2026-03-02T10:00:04.000250Z")).toBe("2026-03-02 10:00:04.000250 UTC");
    expect(formatInstant("0001-01-01T00:00:00.000000Z")).toBe("0001-01-01 00:00:00.000000 UTC");
    expect(formatInstant("2026-03-02T10:00:00.000000Z", true)).toBe("2026-03-02 10:00 UTC");
    expect(formatEpochUs(T + 250)).toBe("2026-03-02 10:00:00.000250 UTC");
  });

  it("takes zero and Unix-epoch placeholders for no time", () => {
    expect(isRealTime(ZERO)).toBe(false);
    expect(isRealTime(us("0001-01-01T00:00:05Z"))).toBe(false);
    expect(isRealTime(0)).toBe(false);
    expect(isRealTime(T)).toBe(true);
    expect(isRealTime(null)).toBe(false);
  });
});

describe("span timing", () => {
  it("judges each span on its own times", () => {
    expect(spanTimingCode(T, T + S)).toBe(VALID);
    expect(spanTimingCode(T, T)).toBe(VALID);
    expect(spanTimingCode(T, null)).toBe(UNFINISHED);
    expect(spanTimingCode(ZERO, T)).toBe(NO_START);
    expect(spanTimingCode(null, T)).toBe(NO_START);
    expect(spanTimingCode(T, T - 1)).toBe(END_BEFORE_START);
  });

  it("marks a child outside its parent as skewed, and says by how much", () => {
    // 0: parent [T, T+10s]; 1: child starts 1s early; 2: child ends 2s late; 3: inside; 4: under an unfinished parent
    const o = {
      count: 6,
      parent: Int32Array.from([-1, 0, 0, 0, -1, 4]),
      start: Float64Array.from([T, T - S, T + S, T + S, T, T - 5]),
      dur: Float64Array.from([10 * S, 2 * S, 11 * S, S, NaN, 1]),
    };
    const codes = classifyTimings(o);
    expect([...codes]).toEqual([VALID, SKEWED, SKEWED, VALID, UNFINISHED, SKEWED]);
    expect(skewOf(o, 1)).toEqual({ beforeUs: S, afterUs: 0 });
    expect(skewOf(o, 2)).toEqual({ beforeUs: 0, afterUs: 2 * S });
    expect(timingLabel(SKEWED, false, skewOf(o, 2)).explain).toContain("ends 2.00s after its parent");
    expect([...classifyTimings(o, { skew: false })]).toEqual([VALID, VALID, VALID, VALID, UNFINISHED, VALID]);
  });

  it("calls an unfinished span running only while the run is live", () => {
    expect(timingLabel(UNFINISHED, true).mark).toBe("running");
    expect(timingLabel(UNFINISHED, false).mark).toBe("no end");
    expect(timingLabel(UNFINISHED, false).explain).toContain("No end recorded");
    expect(timingLabel(NO_START, false).mark).toBe("no start");
    expect(timingLabel(END_BEFORE_START, false).mark).toBe("end < start");
    expect(timingLabel(VALID, false).mark).toBe("");
  });
});

describe("runDurationUs", () => {
  const span = (nesting: number, type: string, startUs: number | null, finishUs: number | null) => ({ nesting, type, startUs, finishUs });

  it("is the flow span's duration when the flow's times are valid, whatever its children hold", () => {
    expect(runDurationUs([span(0, "flow", T, T + 60 * S), span(1, "tool", ZERO, T + 11 * S), span(1, "llm", T + S, null)])).toBe(60 * S);
  });

  it("comes from the valid spans when the flow has no valid times", () => {
    expect(
      runDurationUs([
        span(0, "flow", ZERO, T + 60 * S),
        span(1, "tool", T + S, T + 3 * S),
        span(1, "llm", T + 5 * S, T + 9 * S),
        span(1, "x", T, T - S),
      ]),
    ).toBe(8 * S);
    expect(runDurationUs([span(0, "flow", T, null), span(1, "tool", T + S, T + 3 * S)])).toBe(2 * S);
  });

  it("is null when nothing has valid times", () => {
    expect(runDurationUs([span(0, "flow", T, null), span(1, "tool", ZERO, T)])).toBeNull();
    expect(runDurationUs([])).toBeNull();
  });
});

describe("formatCompact", () => {
  it.each([
    [950, "950"],
    [12_345, "12.3k"],
    [999_400, "999k"],
    [999_600, "1M"],
    [4_100_000, "4.1M"],
    [1_980_000_000, "1.98B"],
    [3_200_000_000_000, "3.2T"],
  ])("%d reads %s", (n, text) => {
    expect(formatCompact(n)).toBe(text);
    expect(formatCompact(BigInt(n))).toBe(text);
  });
});
