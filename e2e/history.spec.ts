// The history in Chromium: filter by verdict, sort, search, page with the browser's back button, shared URLs, and the JSON API.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { importFile, triageTrajectory } from "./helpers";

const TAG = "e2ehist";
const RUNS = 30;

/** 30 runs findable by the word e2ehist: every third says WorthFuzzing no; run i has 1000 + 10·i input tokens. */
async function seed(request: APIRequestContext): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < RUNS; i++) {
    const spans = JSON.parse(triageTrajectory(`${TAG}${String(i).padStart(2, "0")}`)) as Record<string, unknown>[];
    const shift = i * 3_600_000;
    for (const s of spans) {
      for (const k of ["Started", "Finished"])
        if (typeof s[k] === "string") s[k] = new Date(Date.parse(s[k] as string) + shift).toISOString();
    }
    (spans[0]!.Results as Record<string, unknown>).WorthFuzzing = i % 3 !== 0;
    spans[3]!.InputTokens = 1000 + 10 * i;
    ids.push((await importFile(request, `run-${i}.json`, JSON.stringify(spans))).id);
  }
  return ids;
}

/**
 * Waits until React has hydrated the search form: on a loaded machine keys typed before that can be lost.
 */
async function hydrated(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const form = document.querySelector("form[role=search]");
    return form !== null && Object.keys(form).some((k) => k.startsWith("__reactFiber"));
  });
}

const rowIds = (page: Page) => page.getByTestId("history-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-job")));

test("filter by verdict, sort, search, and page back and forward with the browser", async ({ page, request }) => {
  const ids = await seed(request);
  await page.goto("/");
  await hydrated(page);
  await page.getByRole("searchbox", { name: "Search runs" }).fill(TAG);
  await page.getByRole("searchbox", { name: "Search runs" }).press("Enter");
  // The first navigation waits for the trends of the new filter (a revealed Suspense boundary is not swapped back to
  // its fallback in a transition): several seconds on a loaded machine.
  await expect(page).toHaveURL(new RegExp(`[?&]q=${TAG}`), { timeout: 20_000 });
  await expect(page.getByTestId("run-count")).toHaveText(`${RUNS} runs`);
  await expect(page.getByTestId("history-row")).toHaveCount(RUNS);
  await page.getByRole("combobox", { name: "Runs per page" }).first().selectOption("25");
  await expect(page).toHaveURL(/size=25/);
  await expect(page.getByTestId("history-row")).toHaveCount(25);

  // Verdict filter: only the WorthFuzzing=no runs.
  await page.getByRole("combobox", { name: "Verdict" }).selectOption("no");
  await expect(page).toHaveURL(/verdict=no/);
  await expect(page.getByTestId("history-row")).toHaveCount(10);
  await expect(page.getByTestId("history-table").locator('[data-verdict="yes"]')).toHaveCount(0);
  await expect(page.locator('[data-filter="verdict"]')).toContainText("verdict: no");

  // Remove it again with the chip's ×, then sort by tokens, most first.
  await page.getByRole("button", { name: "Remove filter verdict" }).click();
  await expect(page).not.toHaveURL(/verdict=/);
  await expect(page.getByTestId("history-row")).toHaveCount(25);
  await page.locator('[data-sort="tokens"]').click();
  await expect(page).toHaveURL(/sort=tokens/);
  await expect.poll(() => rowIds(page).then((r) => r[0])).toBe(ids[RUNS - 1]);
  const firstPage = await rowIds(page);
  expect(firstPage).toEqual([...ids].reverse().slice(0, 25));

  // Next page, back, forward.
  await page.getByTestId("next-page").first().click();
  await expect(page).toHaveURL(/after=/);
  await expect(page.getByTestId("history-row")).toHaveCount(5);
  expect(await rowIds(page)).toEqual([...ids].reverse().slice(25));
  await page.goBack();
  await expect(page).not.toHaveURL(/after=/);
  await expect.poll(() => rowIds(page)).toEqual(firstPage);
  await page.goForward();
  await expect(page.getByTestId("history-row")).toHaveCount(5);
  // Previous goes back by cursor too, not only by history.
  await page.getByTestId("prev-page").first().click();
  await expect.poll(() => rowIds(page)).toEqual(firstPage);

  // A verdict chip in a row filters by it.
  await page.getByTestId("history-row").first().locator('[data-chip="verdict"]').click();
  await expect(page).toHaveURL(/verdict=yes/);
  await expect(page.getByTestId("history-row")).toHaveCount(20);
});

test("a shared URL reproduces the view, and the API answers the same rows", async ({ browser, request }) => {
  const ids = await seed(request);
  const shared = `/?q=${TAG}&errors=yes&sort=tokens&dir=asc&size=25`;
  const first = await browser.newPage();
  await first.goto(shared);
  await first.getByTestId("next-page").first().click();
  await expect(first).toHaveURL(/after=/);
  const url = first.url();
  const seen = await rowIds(first);
  expect(seen).toEqual(ids.slice(25));

  const second = await browser.newPage();
  await second.goto(url);
  expect(await rowIds(second)).toEqual(seen);
  await expect(second.getByRole("combobox", { name: "Errors" })).toHaveValue("yes");
  await expect(second.getByRole("searchbox", { name: "Search runs" })).toHaveValue(TAG);
  await expect(second.locator('[data-sort="tokens"]')).toContainText("▲");

  const api = await request.get(`/api/jobs${new URL(url).search}`);
  expect(api.status()).toBe(200);
  const body = (await api.json()) as { jobs: { id: string }[]; prev: string | null };
  expect(body.jobs.map((j) => j.id)).toEqual(seen);
  expect(body.prev).not.toBeNull();
});

test("the API validates parameters and exports a trajectory that imports back as the same run", async ({ request }) => {
  const [id] = await seed(request);
  for (const bad of ["sort=colour", "size=7", "after=nonsense", "from=2026-02-30x"]) {
    const res = await request.get(`/api/jobs?${bad}`);
    expect(res.status(), bad).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBeTruthy();
  }
  const job = (await (await request.get(`/api/jobs/${id}`)).json()) as Record<string, unknown>;
  expect(job).toMatchObject({ id, verdict: false, llmCalls: 1, toolErrors: 1, inputTokens: 1000, models: ["gemini-3.1-pro-preview"] });
  expect((await request.get("/api/jobs/not-an-id")).status()).toBe(400);
  expect((await request.get("/api/jobs/00000000-0000-4000-8000-000000000000")).status()).toBe(404);

  const exported = await request.get(`/api/jobs/${id}/trajectory`);
  expect(exported.status()).toBe(200);
  const spans = (await exported.json()) as { Seq: number }[];
  expect(spans.map((s) => s.Seq)).toEqual([0, 1, 2, 3, 4]);
  // Imported back, it is the same run: same spans, verdict and totals.
  const again = await importFile(request, "exported.json", JSON.stringify(spans));
  expect(await (await request.get(`/api/jobs/${again.id}/trajectory`)).json()).toEqual(spans);
  const copy = (await (await request.get(`/api/jobs/${again.id}`)).json()) as Record<string, unknown>;
  for (const key of ["workflow", "status", "verdict", "llmCalls", "toolErrors", "totalTokens", "durationMs", "models", "agents"])
    expect(copy[key], key).toEqual(job[key]);
});

/** The demo's verdicts in each workflow's words (lib/demo/runs.ts, lib/workflows/catalog.ts). */
const DEMO_WORDS: Record<string, string[]> = {
  "patch-triage": ["worth fuzzing", "not worth fuzzing"],
  moderation: ["actionable", "not actionable"],
  "assessment-kcsan": ["benign"],
  "assessment-security": ["exploitable"],
  repro: ["reproduced", "not reproduced"],
  "repro-c": ["reproduced"],
  patching: ["patch produced"],
  "patch-iteration": ["patch produced"],
};

test("each workflow's verdict in its own words: the column, the filter menu, its chip and the trends", async ({ page, baseURL }) => {
  await page.context().addCookies([{ name: "trends", value: "open", url: baseURL! }]); // trends start folded
  for (const [workflow, words] of Object.entries(DEMO_WORDS)) {
    await page.goto(`/?workflow=${workflow}`);
    const badges = page.getByTestId("history-table").locator("[data-verdict]");
    await expect(badges.first()).toBeVisible();
    const seen = new Set((await badges.allTextContents()).map((t) => t.trim()));
    expect([...seen].sort(), workflow).toEqual([...words].sort());
    // The menu offers the workflow's words; picking one names it in the chip.
    const menu = page.getByRole("combobox", { name: "Verdict" });
    await expect(menu.locator("option", { hasText: new RegExp(`^${words[0]}$`) })).toHaveCount(1);
    await expect(page.getByTestId("trend-verdict")).toContainText(`${words[0]} share`, { ignoreCase: true });
  }
  // (Picking from the menu is the first test's; here the URL a pick makes.)
  await page.goto("/?workflow=patch-triage&verdict=no");
  await expect(page.getByRole("combobox", { name: "Verdict" })).toHaveValue("no");
  await expect(page.locator('[data-filter="verdict"]')).toContainText("verdict: not worth fuzzing");
  const filtered = await page.getByTestId("history-table").locator("[data-verdict]").allTextContents();
  expect(filtered.length).toBeGreaterThan(0);
  expect(new Set(filtered.map((t) => t.trim()))).toEqual(new Set(["not worth fuzzing"]));
});

/**
 * A trajectory in the shape of upstream's golden files (pkg/aflow/testdata/*.trajectory.json): tab-indented, both
 * copies of each span, a stub clock from 0001-01-01T00:00:01Z. Our own small file, not an upstream one.
 */
function yearOneTrajectory(workflow: string): string {
  const t = (s: number) => `0001-01-01T00:00:${String(s).padStart(2, "0")}Z`;
  return JSON.stringify(
    [
      { Seq: 0, Nesting: 0, Type: "flow", Name: workflow, Started: t(1) },
      { Seq: 1, Nesting: 1, Type: "action", Name: "input-consumer", Started: t(2) },
      { Seq: 1, Nesting: 1, Type: "action", Name: "input-consumer", Started: t(2), Finished: t(3), Results: {} },
      { Seq: 2, Nesting: 1, Type: "tool", Name: "tool1", Started: t(4), Args: { ArgBar: 100, ArgFoo: "arg-foo" } },
      {
        Seq: 2,
        Nesting: 1,
        Type: "tool",
        Name: "tool1",
        Started: t(4),
        Finished: t(5),
        Args: { ArgBar: 100, ArgFoo: "arg-foo" },
        Results: { OutBar: 142 },
      },
      {
        Seq: 0,
        Nesting: 0,
        Type: "flow",
        Name: workflow,
        Started: t(1),
        Finished: t(6),
        Results: { Actionable: false, Explanation: "stub clock" },
      },
    ],
    null,
    "\t",
  );
}

test("a golden-like run from year 1 imports; the history, its trends, counts and the API answer for it", async ({
  page,
  request,
  baseURL,
}) => {
  await page.context().addCookies([{ name: "trends", value: "open", url: baseURL! }]); // trends start folded
  const workflow = `moderation-yearone${Date.now()}`;
  const job = await importFile(request, "TestYearOne.trajectory.json", yearOneTrajectory(workflow));
  const errors: string[] = [];
  page.on("response", (r) => {
    if (r.status() >= 500) errors.push(`${r.status()} ${r.url()}`);
  });
  // The whole history, then only this run: list, count and trends (streamed in after the list) all render.
  await page.goto("/");
  await expect(page.getByTestId("trends")).toBeVisible();
  await page.goto(`/?workflow=${workflow}`);
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(page.getByTestId("run-count")).toHaveText("1 run");
  await expect(page.getByTestId("history-table").locator("[data-verdict]")).toHaveText("not actionable");
  await expect(page.getByTestId("trends")).toContainText("0001-01-01");
  await expect(page.getByTestId("trend-runs")).toContainText("1 run");
  for (const sort of ["created", "duration", "verdict"]) {
    const res = await request.get(`/api/jobs?workflow=${workflow}&sort=${sort}&dir=asc`);
    expect(res.status(), sort).toBe(200);
    expect(((await res.json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id)).toEqual([job.id]);
  }
  expect((await request.get(`/api/jobs?from=0001-01-01&to=0001-01-02&workflow=${workflow}`)).status()).toBe(200);
  const detail = (await (await request.get(`/api/jobs/${job.id}`)).json()) as Record<string, unknown>;
  expect(detail).toMatchObject({ verdict: false, mainVerdict: { field: "Actionable", text: "not actionable" }, durationMs: 5000 });
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("verdict-headline")).toContainText("Not actionable");
  expect(errors).toEqual([]);
});
