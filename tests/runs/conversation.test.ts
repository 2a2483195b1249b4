// The conversation view's pages (lib/runs/conversation.ts) stay bounded whatever a span holds: a dense Args or Results
// (many small values, no long string to cut) over CONVERSATION_JSON_CHARS is left out and said, not carried.
import { afterAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db/client";
import { getConversationPage } from "@/lib/runs/conversation";
import { CONVERSATION_JSON_CHARS } from "@/lib/limits";
import { saveRun, uniqueWorkflow } from "../history/seed";

afterAll(async () => {
  await disconnectDb();
});

describe("conversation pages", () => {
  it("leave out an Args or Results longer than the page's budget, saying which and how long", async () => {
    const { id } = await saveRun(uniqueWorkflow("conv"), "conv-dense", new Date(Date.UTC(2026, 5, 1)));
    const elements = CONVERSATION_JSON_CHARS / 2; // "[0, 0, …]": three characters an element
    await db().$executeRaw`UPDATE spans SET args = (SELECT json_agg(0) FROM generate_series(1, ${elements}::int)),
      results = '{"ok":true}'::json WHERE job_id = ${id}::uuid AND seq = 1`;
    const [row] = await db().$queryRaw<
      { chars: number }[]
    >`SELECT length(args::text) AS chars FROM spans WHERE job_id = ${id}::uuid AND seq = 1`;
    const chars = row!.chars;
    expect(chars).toBeGreaterThan(CONVERSATION_JSON_CHARS);
    const page = await getConversationPage(db(), id, 0, 1_000_000);
    expect(page).not.toBeNull();
    const span = page!.spans.find((s) => s.span.Seq === 1)!;
    expect(span.json.Args).toBeUndefined();
    expect(span.truncated).toContainEqual({ path: "Args", length: chars });
    expect(span.json.Results).toBe('{"ok":true}');
    // The page's size is its spans', not the dense value's.
    expect(JSON.stringify(page).length).toBeLessThan(CONVERSATION_JSON_CHARS);
  });
});
