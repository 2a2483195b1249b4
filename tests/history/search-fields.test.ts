// A run's search text (lib/history/search-fields.ts) is cut at its cap, and the results it is made from are read only
// as far as the cap: a done's Results of 600,000 names held the event loop 460-550 ms walking all of them (issue 21).
import { describe, expect, it } from "vitest";
import { searchFields } from "@/lib/history/search-fields";
import { resultFields } from "@/lib/workflows/verdict";

/** The text as it was made before the bound: every word, then cut. */
function unbounded(run: Parameters<typeof searchFields>[0]): string {
  const words = resultFields(run.workflow, run.results).fields.flatMap((f) => {
    if ((f.spec.kind === "text" || f.spec.kind === "line") && typeof f.value === "string") return [f.value];
    if (["list", "configs", "tags"].includes(f.spec.kind) && Array.isArray(f.value)) return f.value.filter((v) => typeof v === "string");
    return [];
  });
  const names = (f: (s: { Name: string; Error?: string }) => string) => [...new Set(run.spans.map(f).filter(Boolean))].sort().join(" ");
  return [run.workflow, run.description, run.link, ...words, run.error ?? "", names((s) => s.Name), names((s) => s.Error ?? "")]
    .filter(Boolean)
    .join(" ")
    .slice(0, 100_000);
}

const run = (results: unknown, description = "d") => ({
  workflow: "patching",
  description,
  link: "",
  results,
  error: "boom",
  spans: [{ Type: "tool", Name: "grep", Error: "no match" }],
});

describe("search text", () => {
  it("is the same text as before, whatever the lists' lengths, empty words and the cap's position", () => {
    for (const n of [0, 1, 10, 9_000, 20_000, 60_000])
      for (const description of ["", "d", "x".repeat(99_990)]) {
        const r = run(
          { Reasoning: "why", FocusSymbols: Array.from({ length: n }, (_, i) => (i % 7 === 0 ? "" : `sym_${i}`)), Note: "n" },
          description,
        );
        expect(searchFields(r).searchText).toBe(unbounded(r));
      }
  });

  it("reads a long list only as far as the cap", () => {
    let read = 0;
    const names = Array.from({ length: 600_000 }, (_, i) => `f${i}.c`);
    const counted = new Proxy(names, {
      get(target, key, receiver) {
        if (typeof key === "string" && /^\d+$/.test(key)) read++;
        return Reflect.get(target, key, receiver);
      },
    });
    const r = run({ FocusSymbols: counted });
    expect(searchFields(r).searchText).toBe(unbounded(run({ FocusSymbols: names })));
    expect(searchFields(r).searchText).toContain(" f0.c f1.c ");
    expect(read).toBeGreaterThan(1000);
    expect(read).toBeLessThan(30_000);
  });
});
