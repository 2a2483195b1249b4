// The conversation view's pages (lib/runs/conversation.ts) stay bounded whatever a span holds: a dense Args or Results
// (many small values, no long string to cut) over CONVERSATION_JSON_CHARS is left out and said, not carried.
import { HOLD_BOUND_MS } from "../helpers/hold-bound";
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { getConversationPage } from "@/lib/runs/conversation";
import { CONVERSATION_JSON_CHARS, CONVERSATION_TEXT_CHARS } from "@/lib/limits";
import { measureHold } from "@/lib/load/hold";
import { saveRun, uniqueWorkflow } from "../history/seed";

afterAll(async () => {
  await disconnectDb();
});

describe("conversation pages", () => {
  it("leave out an Args or Results longer than the page's budget, saying which and its size in bytes", async () => {
    const { id } = await saveRun(uniqueWorkflow("conv"), "conv-dense", new Date(Date.UTC(2026, 5, 1)));
    const elements = CONVERSATION_JSON_CHARS / 2; // "[0, 0, …]": three characters an element
    await db().$executeRaw`UPDATE spans SET args = (SELECT json_agg(0) FROM generate_series(1, ${elements}::int)),
      results = '{"ok":true}'::json WHERE job_id = ${id}::uuid AND seq = 1`;
    const [row] = await db().$queryRaw<
      { chars: number }[]
    >`SELECT octet_length(args::text) AS chars FROM spans WHERE job_id = ${id}::uuid AND seq = 1`;
    const chars = row!.chars;
    expect(chars).toBeGreaterThan(CONVERSATION_JSON_CHARS);
    const page = await getConversationPage(db(), id, 0, 1_000_000);
    expect(page).not.toBeNull();
    const span = page!.spans.find((s) => s.span.Seq === 1)!;
    expect(span.json.Args).toBeUndefined();
    expect(span.truncated).toContainEqual({ path: "Args", length: chars, unit: "bytes" });
    expect(span.json.Results).toBe('{"ok":true}');
    // The page's size is its spans', not the dense value's.
    expect(JSON.stringify(page).length).toBeLessThan(CONVERSATION_JSON_CHARS);
  });

  it("read long texts cut in the query, each with its size in bytes: 50 spans of 8 MB prompts were read whole per page", async () => {
    const { id } = await saveRun(uniqueWorkflow("conv"), "conv-long", new Date(Date.UTC(2026, 5, 1)));
    const long = 3_000_000;
    await db().$executeRaw`UPDATE spans SET prompt = repeat('é', ${long}), reply = repeat('ü', ${CONVERSATION_TEXT_CHARS}),
      thoughts = repeat('t', ${CONVERSATION_TEXT_CHARS + 1}) WHERE job_id = ${id}::uuid AND seq = 1`;
    const page = await getConversationPage(db(), id, 1, 1);
    const span = page!.spans[0]!;
    // Cut by characters; its size in bytes (two a character here), read without decompressing the whole text.
    expect(span.span.Prompt).toBe("é".repeat(CONVERSATION_TEXT_CHARS));
    // More bytes than the limit has characters, but not more characters: whole, and not listed as cut.
    expect(span.span.Reply).toBe("ü".repeat(CONVERSATION_TEXT_CHARS));
    expect(span.span.Thoughts?.length).toBe(CONVERSATION_TEXT_CHARS);
    expect(span.truncated).toEqual([
      { path: "Prompt", length: 2 * long, unit: "bytes" },
      { path: "Thoughts", length: CONVERSATION_TEXT_CHARS + 1, unit: "bytes" },
    ]);
    expect(JSON.stringify(page).length).toBeLessThan(5 * CONVERSATION_TEXT_CHARS);

    // A page of 50 spans of 4 MB prompts: read whole, 200 MB of text came into this process: 1.1 s of CPU and +200 MB
    // of heap a request (ten readers at once: +3 GB). Cut in the query: ~20 ms.
    await db().$executeRaw`INSERT INTO spans (job_id, seq, nesting, type, name, started_at, prompt)
      SELECT ${id}::uuid, 1000 + s, 0, 'llm', 'big', now(), repeat('p', 4000000) FROM generate_series(1, 50) AS s`;
    const { result, holdMs, cpuMs } = await measureHold(() => getConversationPage(db(), id, 1001, 1050));
    expect(result!.spans).toHaveLength(50);
    expect(result!.spans.every((s) => s.truncated.some((t) => t.path === "Prompt" && t.length === 4_000_000))).toBe(true);
    expect(holdMs).toBeLessThan(HOLD_BOUND_MS);
    expect(cpuMs).toBeLessThan(300);
  });
});
