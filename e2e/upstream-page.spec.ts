// What upstream's trajectory page shows (pkg/aflow/trajectory/html/trajectory_block.html), on ours: average tokens per
// LLM call, tool steps in the time chart, token tooltips split into in/out/thoughts with the tools named, and both
// links of a step — "decided by" (the LLM call before it) and "results read by" (upstream's PopulateToolCalls).
import { expect, test, type Page } from "@playwright/test";
import { importFile } from "./helpers";

const at = (s: number) => new Date(Date.UTC(2026, 5, 29, 12, 0, s)).toISOString();
const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);

function run(): string {
  const span = (Seq: number, Nesting: number, Type: string, Name: string, extra: Record<string, unknown> = {}) => ({
    Seq,
    Nesting,
    Type,
    Name,
    Started: at(Seq * 2),
    Finished: at(Seq * 2 + 1),
    ...extra,
  });
  return JSON.stringify([
    span(0, 0, "flow", "upstream-page", { Finished: at(20) }),
    span(1, 1, "agent", "smarty", { Finished: at(19) }),
    span(2, 2, "llm", "smarty", { Model: "gemini-3.1-pro-preview", InputTokens: 1000, OutputTokens: 50, OutputThoughtsTokens: 200 }),
    span(3, 2, "tool", "grepper", { Args: { Expression: "x" } }),
    span(4, 2, "tool", "read-file", { Args: { File: "a.c" } }),
    span(5, 2, "llm", "smarty", { Model: "gemini-3.1-pro-preview", InputTokens: 2000, OutputTokens: 10 }),
    span(6, 2, "tool", "set-results", { Args: { Ok: true } }),
  ]);
}

test("each step links to the LLM call that decided on it and to the one that read its results", async ({ page, request }) => {
  const job = await importFile(request, "links.json", run());
  await page.goto(`/jobs/${job.id}#span-3`);
  const tool = page.getByTestId("span-fields-3");
  await expect(tool.getByTestId("decided-by")).toContainText("smarty#2");
  await expect(tool.getByTestId("results-read-by")).toContainText("smarty#5");
  await page.goto(`/jobs/${job.id}#span-6`);
  const last = page.getByTestId("span-fields-6");
  await expect(last.getByTestId("decided-by")).toContainText("smarty#5");
  await expect(last.getByTestId("results-read-by")).toHaveCount(0); // no later LLM call reads set-results
  await page.goto(`/jobs/${job.id}#span-5`);
  const llm = page.getByTestId("span-fields-5");
  await expect(llm.getByTestId("results-of")).toContainText("grepper");
  await expect(llm.getByTestId("results-of")).toContainText("read-file");
  await expect(llm.getByTestId("tool-calls")).toContainText("set-results");
  // The link is a way there.
  await llm.getByTestId("results-of").getByRole("button", { name: "grepper" }).click();
  await expect(row(page, 3)).toHaveAttribute("aria-selected", "true");
});

test("cost and time: average tokens per call, tool steps in the time chart, token tooltips with the split and the tools", async ({
  page,
  request,
}) => {
  const job = await importFile(request, "upstream-charts.json", run());
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("tab", { name: "Cost and time" }).click();
  const cost = page.getByTestId("cost");
  // (1,250 + 2,010) / 2 calls, two decimals as upstream's summary.
  await expect(cost.getByTestId("totals")).toContainText("1,630.00");
  await expect(cost.getByTestId("summary-agent").getByTestId("avg-tokens")).toHaveText("1,630.00");
  await expect(cost.getByTestId("chart-seconds").locator(".recharts-bar-rectangle")).toHaveCount(5); // 2 LLM + 3 tool steps
  const bars = cost.getByTestId("chart-tokens").locator(".recharts-bar-rectangle");
  await expect(bars).toHaveCount(2);
  await bars.nth(1).hover();
  const tip = cost.getByTestId("tip-tokens");
  await expect(tip).toContainText("Total tokens: 2,010");
  await expect(tip).toContainText("(In: 2,000, Out: 10, Thoughts: 0)");
  await expect(tip).toContainText("Tools: grepper, read-file");
});
