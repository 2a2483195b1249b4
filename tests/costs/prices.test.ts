// Integration on PostgreSQL: a run's kept cost is its spans' tokens × the price in effect at each span's start — exact
// names before prefix patterns, the newest effective date not after the span — "no price" (null) rather than 0, partial
// counts, and admins' edits (audited) carried to the runs they touch.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { priceAt, priceInputSchema, removePrice, setPrice } from "@/lib/costs/prices";
import { COST_ROWS_SHOWN, runCost } from "@/lib/costs/run-cost";
import type { ImportedRun, Span } from "@/lib/trajectory/span";

afterAll(disconnectDb);

const actor = { id: null, label: "admin@example.org" };

function run(tag: string, llm: { model: string; at: string; input?: number; output?: number; thoughts?: number }[]): ImportedRun {
  const spans: Span[] = [
    { Seq: 0, Nesting: 0, Type: "flow", Name: "patch-triage", Started: "2025-01-01T00:00:00Z", Finished: "2027-01-01T00:00:00Z" },
  ];
  llm.forEach((s, i) =>
    spans.push({
      Seq: i + 1,
      Nesting: 1,
      Type: "llm",
      Name: "evaluator",
      Model: s.model,
      Started: s.at,
      Finished: s.at,
      InputTokens: s.input,
      OutputTokens: s.output,
      OutputThoughtsTokens: s.thoughts,
    }),
  );
  return { job: { ID: randomUUID(), Workflow: `cost-${tag}`, Description: tag }, spans, source: "trajectory-file", minutePrecision: false };
}

async function cost(id: string) {
  const j = await db().job.findUniqueOrThrow({ where: { id }, select: { costUsd: true, costUnpriced: true } });
  return { usd: j.costUsd === null ? null : Number(j.costUsd.toFixed(6)), unpriced: j.costUnpriced };
}

describe("model prices", () => {
  it("price each span by the price in effect at its start, exact names first, and count the spans without one", async () => {
    const m = `test-model-${randomUUID().slice(0, 8)}`;
    await setPrice(
      db(),
      { model: m, inputPerMtok: 1, outputPerMtok: 2, thinkingPerMtok: 3, effectiveFrom: "2026-01-01", source: "test" },
      actor,
    );
    await setPrice(
      db(),
      { model: m, inputPerMtok: 10, outputPerMtok: 20, thinkingPerMtok: 30, effectiveFrom: "2026-06-01", source: "test" },
      actor,
    );
    await setPrice(
      db(),
      { model: `${m}*`, inputPerMtok: 100, outputPerMtok: 100, thinkingPerMtok: 100, effectiveFrom: "2026-01-01", source: "test" },
      actor,
    );

    expect((await priceAt(db(), m, new Date("2026-05-31T23:59:59Z")))?.inputPerMtok).toBe(1);
    expect((await priceAt(db(), m, new Date("2026-06-01T00:00:00Z")))?.inputPerMtok).toBe(10);
    expect((await priceAt(db(), `${m}-v2`, new Date("2026-07-01T00:00:00Z")))?.inputPerMtok).toBe(100);
    expect(await priceAt(db(), m, new Date("2025-12-31T00:00:00Z"))).toBeNull();

    const saved = await saveImportedRun(
      run("mixed", [
        { model: m, at: "2026-03-01T00:00:00Z", input: 1_000_000, output: 500_000 }, // 1 + 1 = $2 (January's price)
        { model: m, at: "2026-07-01T00:00:00Z", input: 100_000, thoughts: 100_000 }, // 1 + 3 = $4 (June's price)
        { model: `${m}-v2`, at: "2026-07-01T00:00:00Z", input: 1_000_000 }, // $100 (the prefix)
        { model: "no-such-model-xyz", at: "2026-07-01T00:00:00Z", input: 10 }, // no price
        { model: m, at: "2025-12-01T00:00:00Z", input: 1000 }, // before any price of m: no price
        { model: "no-such-model-xyz", at: "2026-07-01T00:00:00Z" }, // no tokens: costs nothing, needs no price
      ]),
    );
    expect(await cost(saved.id)).toEqual({ usd: 106, unpriced: 2 });

    const unknown = await saveImportedRun(run("unknown", [{ model: "no-such-model-xyz", at: "2026-07-01T00:00:00Z", input: 5 }]));
    expect(await cost(unknown.id)).toEqual({ usd: null, unpriced: 1 });
    const free = await saveImportedRun(run("free", [{ model: "replay:whatever", at: "2026-07-01T00:00:00Z" }]));
    expect(await cost(free.id)).toEqual({ usd: 0, unpriced: 0 });

    // An admin corrects June's price: the run follows, and the change is audited.
    await setPrice(
      db(),
      { model: m, inputPerMtok: 20, outputPerMtok: 20, thinkingPerMtok: 20, effectiveFrom: "2026-06-01", source: "corrected" },
      actor,
    );
    expect(await cost(saved.id)).toEqual({ usd: 2 + 4 + 100, unpriced: 2 }); // 0.1×20 + 0.1×20 = 4 again, by chance of the numbers
    await setPrice(
      db(),
      { model: m, inputPerMtok: 50, outputPerMtok: 20, thinkingPerMtok: 20, effectiveFrom: "2026-06-01", source: "corrected" },
      actor,
    );
    expect(await cost(saved.id)).toEqual({ usd: 2 + 7 + 100, unpriced: 2 });
    const audit = await db().auditEvent.findMany({ where: { action: "price.set", target: m }, orderBy: { id: "asc" } });
    expect(audit).toHaveLength(4);
    expect(audit[3]!.details).toMatchObject({ inputPerMtok: 50, effectiveFrom: "2026-06-01" });

    // Removing the prefix price leaves its span without one.
    const prefix = await db().modelPrice.findFirstOrThrow({ where: { model: `${m}*` } });
    await removePrice(db(), prefix.id, actor);
    expect(await cost(saved.id)).toEqual({ usd: 9, unpriced: 3 });
    expect(await db().auditEvent.count({ where: { action: "price.remove", target: `${m}*` } })).toBe(1);
  });

  it("keeps a run's cost free of float noise: $0.1 + $0.2 is $0.3, not 0.30000000000000004", async () => {
    const m = `noise-model-${randomUUID().slice(0, 8)}`;
    await setPrice(
      db(),
      { model: m, inputPerMtok: 0.1, outputPerMtok: 0.2, thinkingPerMtok: 0, effectiveFrom: "2026-01-01", source: "" },
      actor,
    );
    const saved = await saveImportedRun(
      run("noise", [
        { model: m, at: "2026-03-01T00:00:00Z", input: 1_000_000 },
        { model: m, at: "2026-03-01T00:00:00Z", output: 1_000_000 },
      ]),
    );
    const j = await db().job.findUniqueOrThrow({ where: { id: saved.id }, select: { costUsd: true } });
    expect(j.costUsd).toBe(0.3);
  });

  it("refuses a negative price and a malformed model, writing nothing", async () => {
    const before = await db().modelPrice.count();
    await expect(
      setPrice(
        db(),
        { model: "x", inputPerMtok: -1, outputPerMtok: 1, thinkingPerMtok: 1, effectiveFrom: "2026-01-01", source: "" },
        actor,
      ),
    ).rejects.toThrow(/not be negative/);
    await expect(
      setPrice(
        db(),
        { model: "a b", inputPerMtok: 1, outputPerMtok: 1, thinkingPerMtok: 1, effectiveFrom: "2026-01-01", source: "" },
        actor,
      ),
    ).rejects.toThrow(/letters, digits/);
    // As the admin form sends them: an empty price is none (not $0); a day that is not on the calendar, or before 2000
    // (year 0 is out of PostgreSQL's range), is refused rather than rolled over or failed on.
    const form = { model: "x", inputPerMtok: "1", outputPerMtok: "2.5", thinkingPerMtok: "0", effectiveFrom: "2026-01-01" };
    expect(priceInputSchema.parse(form)).toMatchObject({ inputPerMtok: 1, outputPerMtok: 2.5, thinkingPerMtok: 0 });
    const problem = (change: Record<string, string>) => {
      const r = priceInputSchema.safeParse({ ...form, ...change });
      return r.success ? null : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    };
    expect(problem({ inputPerMtok: "" })).toBe("inputPerMtok: give a price in USD per million tokens (0 when free)");
    expect(problem({ outputPerMtok: "abc" })).toMatch(/^outputPerMtok: a number of USD per million tokens/);
    for (const day of ["2026-02-30", "2026-13-01", "0000-01-01", "1999-12-31"])
      expect(problem({ effectiveFrom: day }), day).toBe("effectiveFrom: not a calendar day from 2000-01-01 on");
    expect(await db().modelPrice.count()).toBe(before);
  });

  it("comes pre-filled with the list prices of the built-in agent's default models", async () => {
    const now = new Date();
    for (const model of ["gemini-3.1-pro-preview", "gemini-2.5-pro", "gemini-2.5-flash", "claude-sonnet-4-5-20250929", "gpt-5"]) {
      expect(await priceAt(db(), model, now), model).not.toBeNull();
    }
    expect((await priceAt(db(), "gpt-5-mini-2025-08-07", now))?.model).toBe("gpt-5-mini*");
  });
});

describe("a run's cost per agent and model (the cost tab)", () => {
  it("lists the most expensive COST_ROWS_SHOWN groups and sums the rest into one line, the total over all", async () => {
    const tag = randomUUID().slice(0, 8);
    const model = `rest-model-${tag}`;
    await setPrice(
      db(),
      priceInputSchema.parse({
        model,
        inputPerMtok: 10_000,
        outputPerMtok: 0,
        thinkingPerMtok: 0,
        effectiveFrom: "2025-01-01",
        source: "test",
      }),
      actor,
    );
    // 130 groups (one model, 130 agents), each one call of i+1 input tokens: a cent a token.
    const r = run(tag, []);
    for (let i = 0; i < 130; i++) {
      r.spans.push({
        Seq: i + 1,
        Nesting: 1,
        Type: "llm",
        Name: `agent-${i}`,
        Model: model,
        Started: "2026-01-01T00:00:00Z",
        Finished: "2026-01-01T00:00:01Z",
        InputTokens: i + 1,
      });
    }
    const { id } = await saveImportedRun(r);
    const c = await runCost(db(), id);
    expect(c.rows).toHaveLength(COST_ROWS_SHOWN);
    expect(c.rows[0]).toMatchObject({ agent: "agent-129", calls: 1, inputTokens: 130 });
    expect(c.rows[0]!.usd).toBeCloseTo(1.3, 9);
    expect(c.rows.at(-1)).toMatchObject({ agent: "agent-30", inputTokens: 31 });
    // agents 0..29: 1 + … + 30 = 465 tokens
    expect(c.rest).toMatchObject({ groups: 30, calls: 30, inputTokens: 465, outputTokens: 0, thoughtsTokens: 0, unpriced: 0 });
    expect(c.rest!.usd).toBeCloseTo(4.65, 9);
    expect(c.total.usd).toBeCloseTo((130 * 131) / 200, 9);
    expect(c.total.unpriced).toBe(0);
    expect(JSON.stringify(c).length).toBeLessThan(30_000);
  });
});
