// A reader's day (issue 24): a live run's header moves, experiments list their reruns, bad links keep their good
// filters, search finds what was meant as it is typed, Compare says every difference, Rerun says where it cannot run.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { toolConfig } from "@/lib/config";
import { TestAgent } from "./agent-client";
import { withDb } from "./db";
import { importFile, triageTrajectory } from "./helpers";

const BASE = `http://127.0.0.1:${toolConfig().E2E_PORT}`;
type Span = Record<string, unknown>;

/** The helper's triage run under another workflow name (no other test's agent polls it), with its spans changed. */
function run(tag: string, workflow: string, change: (spans: Span[]) => void = () => {}): string {
  const spans = JSON.parse(triageTrajectory(tag)) as Span[];
  spans[0]!.Name = workflow;
  change(spans);
  return JSON.stringify(spans);
}

async function rerun(request: APIRequestContext, id: string): Promise<string> {
  const res = await request.post(`/api/jobs/${id}/rerun`);
  expect(res.status(), await res.text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

test("a live run's header follows its stream: status, calls, tokens, errors and duration; review marks wait for its end", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const tag = `live-${randomUUID().slice(0, 8)}`;
  const original = await importFile(request, `${tag}.json`, run(tag, tag));
  const id = await rerun(request, original.id);
  await page.goto(`/jobs/${id}`);
  await expect(page.getByTestId("job-status")).toHaveText("pending");
  await expect(page.getByTestId("live")).toHaveAttribute("data-connected", "true");
  await expect(page.getByRole("group", { name: "Review" })).toHaveCount(0);

  const agent = await TestAgent.create(BASE, `reader-${tag}`);
  expect((await agent.poll([tag])).ID).toBe(id);
  await expect(page.getByTestId("job-status")).toHaveText("running");
  const t = (s: number) => new Date(Date.now() - 60_000 + s * 1000).toISOString();
  await agent.log(id, { Seq: 0, Nesting: 0, Type: "flow", Name: tag, Started: t(0) });
  await agent.log(id, { Seq: 1, Nesting: 1, Type: "agent", Name: "patch-evaluator", Started: t(1) });
  const llm = { Seq: 2, Nesting: 2, Type: "llm", Name: "patch-evaluator", Model: "gemini-3.1-pro-preview", Started: t(2) };
  await agent.log(id, llm);
  await agent.log(id, { ...llm, Finished: t(3), InputTokens: 5066, OutputTokens: 30, OutputThoughtsTokens: 337 });
  await agent.log(id, { Seq: 3, Nesting: 2, Type: "tool", Name: "grepper", Started: t(4), Finished: t(5), Error: "no matches" });
  await expect(page.getByTestId("run-llmCalls")).toHaveText("1");
  await expect(page.getByTestId("run-toolCalls")).toHaveText("1");
  await expect(page.getByTestId("run-toolErrors")).toHaveText("1");
  await expect(page.getByTestId("run-inputTokens")).toHaveText("5,066");
  await expect(page.getByTestId("run-thoughtsTokens")).toHaveText("337");
  await expect(page.getByTestId("run-duration")).toHaveText(/^running · \d/);

  expect((await agent.done(id, { WorthFuzzing: false })).status).toBe(200);
  await expect(page.getByTestId("job-status")).toHaveText("finished");
  await expect(page.getByTestId("run-duration")).not.toContainText("running");
  await expect(page.getByRole("group", { name: "Review" })).toBeVisible();
});

test("an experiment lists its reruns, failed first with the reason, linking run and Compare; the history and API filter by it", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const tag = `exp-${randomUUID().slice(0, 8)}`;
  const a = await importFile(request, `${tag}-a.json`, run(`${tag}-a`, tag));
  const b = await importFile(request, `${tag}-b.json`, run(`${tag}-b`, tag));
  const started = await request.post("/api/experiments", {
    data: { selection: { ids: [a.id, b.id] }, setup: { kind: "label", value: "v2" }, name: `reader ${tag}` },
  });
  expect(started.status(), await started.text()).toBe(201);
  const experiment = ((await started.json()) as { id: string }).id;

  const agent = await TestAgent.create(BASE, `reader-${tag}`);
  // One job at a time: an agent polling again while it holds one has restarted (upstream's rule), which aborts it.
  const first = await agent.poll([tag]);
  expect((await agent.done(first.ID, { WorthFuzzing: true })).status).toBe(200);
  const second = await agent.poll([tag]);
  expect((await agent.done(second.ID, null, `kernel build failed ${tag}`)).status).toBe(200);

  await page.goto(`/experiments/${experiment}`);
  const rows = page.getByTestId("rerun-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toHaveAttribute("data-state", "failed");
  await expect(rows.first().getByTestId("rerun-error")).toHaveText(`kernel build failed ${tag}`);
  await expect(rows.nth(1)).toHaveAttribute("data-state", "done");
  await expect(rows.first().getByRole("link", { name: "Compare" })).toHaveAttribute("href", new RegExp(`b=${second.ID}$`));

  await page.getByTestId("experiment-history").click();
  await expect(page).toHaveURL(new RegExp(`\\?experiment=${experiment}$`));
  await expect(page.getByTestId("history-row")).toHaveCount(2);
  const api = await request.get(`/api/jobs?experiment=${experiment}`);
  expect(api.status()).toBe(200);
  const ids = ((await api.json()) as { jobs: { id: string }[] }).jobs.map((j) => j.id).sort();
  expect(ids).toEqual([first.ID, second.ID].sort());
});

test("an experiment says in words when nothing is timed (no empty chart, no 0 → 0) and its reruns read on a phone", async ({
  page,
  request,
}) => {
  test.setTimeout(90_000);
  const tag = `notime-${randomUUID().slice(0, 8)}`;
  // An original of one flow step that starts and ends at one instant and spent no tokens: nothing measured.
  const flowOnly = (spans: Span[]) => {
    spans.splice(1);
    spans[0]!.Finished = spans[0]!.Started;
  };
  const original = await importFile(request, `${tag}.json`, run(tag, tag, flowOnly));
  // A patch title with a long symbol in it, as real ones have: the widest thing a rerun row shows.
  const title = `[PATCH] ext4: fix ext4_dio_write_iter_unaligned_tail_zeroing_${tag.replace(/-/g, "_")}`;
  await withDb((c) => c.query("UPDATE jobs SET description = $1 WHERE id = $2", [title, original.id]));
  const started = await request.post("/api/experiments", {
    data: { selection: { ids: [original.id] }, setup: { kind: "label", value: "v2" }, name: `no timing ${tag}` },
  });
  expect(started.status(), await started.text()).toBe(201);
  const experiment = ((await started.json()) as { id: string }).id;
  await page.goto(`/experiments/${experiment}`);
  await expect(page.getByTestId("metrics-none")).toBeVisible();
  await expect(page.getByTestId("metrics-table")).toHaveCount(0);
  // The queued rerun in the history has spent nothing yet: dashes, not zeros.
  await page.goto(`/?experiment=${experiment}`);
  const queued = page.getByTestId("history-row");
  await expect(queued).toHaveCount(1);
  for (const col of ["tokens", "cost", "llmCalls"]) await expect(queued.locator(`[data-col="${col}"]`)).toHaveText("—");
  await page.goto(`/experiments/${experiment}`);

  // The rerun ends the same way: one instant, no tokens.
  const agent = await TestAgent.create(BASE, `reader-${tag}`);
  const job = await agent.poll([tag]);
  const at = new Date().toISOString();
  await agent.log(job.ID, { Seq: 0, Nesting: 0, Type: "flow", Name: tag, Started: at, Finished: at });
  expect((await agent.done(job.ID, { WorthFuzzing: true })).status).toBe(200);
  await page.reload();
  await expect(page.getByTestId("metric-duration")).toContainText("no timing yet");
  await expect(page.getByTestId("metric-tokens")).toContainText("no tokens yet");
  await expect(page.getByTestId("metrics-table")).not.toContainText(/\b0(µs)? → 0/);
  await expect(page.getByTestId("histogram-duration").getByTestId("histogram-empty")).toBeVisible();
  await expect(page.getByTestId("histogram-duration").locator(".recharts-wrapper")).toHaveCount(0);
  await expect(page.getByTestId("experiment-cost")).toContainText("Ended reruns so far: no cost yet");

  // At phone width the reruns stack: nothing scrolls sideways, and the row's figures are all on screen.
  await page.setViewportSize({ width: 390, height: 844 });
  const list = page.getByTestId("experiment-reruns");
  const row = list.getByTestId("rerun-row").first();
  await expect(row.getByRole("link", { name: "Compare" })).toBeInViewport();
  // The table's scroller: wider content would scroll it sideways.
  const scroller = await list.evaluate((el) => {
    const box = el.querySelector("table")!.parentElement!;
    return box.scrollWidth - box.clientWidth;
  });
  expect(scroller).toBeLessThanOrEqual(0);
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
});

test("a bad parameter in a history link is reported and dropped alone: the other filters stay applied", async ({ page }) => {
  await page.goto("/?workflow=moderation&rerun=original");
  await expect(page.getByTestId("history-problem")).toContainText("rerun");
  await expect(page.locator('[data-testid="active-filters"] [data-filter="workflow"]')).toBeVisible();
  const rows = page.getByTestId("history-row");
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.all()) await expect(row).toContainText("moderation");
});

test("history search runs as you type and finds a run by a symbol of its results", async ({ page, request }) => {
  const tag = randomUUID().slice(0, 8);
  const symbol = `zq${tag}_dax_write_iter`;
  const job = await importFile(
    request,
    `search-${tag}.json`,
    run(`search-${tag}`, "patch-triage", (spans) => {
      (spans[0]!.Results as { FocusSymbols: string[] }).FocusSymbols = [symbol];
    }),
  );
  await page.goto("/");
  await page.getByRole("searchbox", { name: "Search runs" }).pressSequentially(symbol, { delay: 20 });
  await expect(page).toHaveURL(new RegExp(`q=${symbol}`));
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  await expect(page.getByTestId("history-row").getByTestId("run-link")).toHaveAttribute("href", `/jobs/${job.id}`);
});

test("Compare counts a step's model, tokens, thoughts and duration as differences, apart from payload ones", async ({ page, request }) => {
  const tag = `cmp-${randomUUID().slice(0, 8)}`;
  const a = await importFile(request, `${tag}-a.json`, run(tag, "patch-triage"));
  const b = await importFile(
    request,
    `${tag}-b.json`,
    run(tag, "patch-triage", (spans) => {
      const llm = spans.find((s) => s.Type === "llm")!;
      Object.assign(llm, { Model: "replay", InputTokens: 0, OutputTokens: 0, OutputThoughtsTokens: 0 });
      delete llm.Thoughts;
    }),
  );
  await page.goto(`/compare?a=${a.id}&b=${b.id}`);
  await expect(page.getByTestId("steps-differ")).toHaveText("(1 of 5 differ: 0 in payload, 1 only in model, tokens, thoughts or duration)");
  const facts = page.locator('[data-facts="differ"]').getByTestId("fact-diffs");
  await expect(facts).toContainText("model: gemini-3.1-pro-preview → replay");
  await expect(facts).toContainText("input tokens: 5,066 → 0");
  await expect(facts.locator('[data-field="thoughts"]')).toBeVisible();
});

test("Compare of long runs draws a page of steps at a time, counting every step", async ({ page, request }) => {
  const tag = `cmp-long-${randomUUID().slice(0, 8)}`;
  // 600 tool steps each (the page draws COMPARE_ROWS_PER_PAGE = 250 rows); B's last step differs.
  const long = (last: string) =>
    run(tag, "patch-triage", (spans) => {
      const base = spans.length;
      const at = spans[0]!.Started;
      for (let i = 0; i < 600; i++) {
        spans.push({
          Seq: base + i,
          Nesting: 1,
          Type: "tool",
          Name: "grepper",
          Started: at,
          Finished: at,
          Args: { Expression: `step ${i}` },
          Results: { Output: i === 599 ? last : "same" },
        });
      }
    });
  const a = await importFile(request, `${tag}-a.json`, long("same"));
  const b = await importFile(request, `${tag}-b.json`, long("different"));
  await page.goto(`/compare?a=${a.id}&b=${b.id}`);
  await expect(page.getByTestId("steps-differ")).toContainText("(1 of 605 differ: 1 in payload");
  await expect(page.getByTestId("compare-steps").locator("tbody[data-status]")).toHaveCount(250);
  await expect(page.getByTestId("compare-pages").first()).toContainText("Rows 1–250 of 605");
  await page.getByTestId("compare-pages").first().getByRole("link", { name: "next 250 →" }).click();
  await expect(page).toHaveURL(/from=250#steps$/);
  await expect(page.getByTestId("compare-pages").first()).toBeInViewport();
  await expect(page.getByTestId("compare-pages").first()).toContainText("Rows 251–500 of 605");
  await page.getByTestId("compare-pages").first().getByRole("link", { name: "next 105 →" }).click();
  await expect(page.getByTestId("compare-steps").locator("tbody[data-status]")).toHaveCount(105);
  await expect(page.getByTestId("compare-steps").locator('tbody[data-status="changed"]')).toHaveCount(1);
});

test("Compare says when steps differ too much to line up in time, listing them one run after the other", async ({ page, request }) => {
  const tag = `cmp-order-${randomUUID().slice(0, 8)}`;
  // 3,000 steps of distinct names, B's in the reverse order: a shortest-edit alignment of them takes seconds.
  const order = (reversed: boolean) =>
    run(tag, "patch-triage", (spans) => {
      const base = spans.length;
      const at = spans[0]!.Started;
      for (let i = 0; i < 3000; i++) {
        const k = reversed ? 2999 - i : i;
        spans.push({ Seq: base + i, Nesting: 1, Type: "tool", Name: `step-${k}`, Started: at, Finished: at });
      }
    });
  const a = await importFile(request, `${tag}-a.json`, order(false));
  const b = await importFile(request, `${tag}-b.json`, order(true));
  await page.goto(`/compare?a=${a.id}&b=${b.id}`);
  await expect(page.getByTestId("compare-unaligned")).toContainText(
    "Steps are not lined up one by one: they differ too much to line up within",
  );
  await expect(page.getByTestId("steps-differ")).toContainText("6000 in one run only");
  await expect(page.getByTestId("compare-steps").locator('tbody[data-status="only-a"]').first()).toContainText("step-0");
});

test("Compare shows a verdict field of a million items up to its display budget, linking to the run's page", async ({ page, request }) => {
  const tag = `cmp-big-${randomUUID().slice(0, 8)}`;
  // Rendered whole, a result of 990,000 strings made a 31 MB page.
  const big = run(tag, "patch-triage", (spans) => {
    spans[0]!.Results = { ...(spans[0]!.Results as object), FocusSymbols: Array.from({ length: 200_000 }, (_, i) => `sym_${i}`) };
  });
  const a = await importFile(request, `${tag}-a.json`, big);
  const b = await importFile(request, `${tag}-b.json`, run(tag, "patch-triage"));
  const res = await request.get(`/compare?a=${a.id}&b=${b.id}`);
  expect(res.status()).toBe(200);
  expect((await res.body()).length).toBeLessThan(1_000_000);
  await page.goto(`/compare?a=${a.id}&b=${b.id}`);
  const row = page.locator('tr[data-field="FocusSymbols"]');
  await expect(row).toHaveAttribute("data-differs", "true");
  await expect(row.locator('[data-more="json"]')).toContainText("shown up to 32,768 characters");
  await expect(row.getByRole("link", { name: "the whole value on the run's page" })).toHaveAttribute("href", `/jobs/${a.id}`);
});

test("a run's description is shown up to its display budget, with a link to the whole text", async ({ page, request }) => {
  const tag = `desc-${randomUUID().slice(0, 8)}`;
  const job = await importFile(request, `${tag}.json`, run(tag, "patch-triage"));
  // Rendered whole, a 2.7 MB description made a 5.4 MB page.
  await withDb((c) => c.query(`UPDATE jobs SET description = repeat('word ', 200000) WHERE id = $1`, [job.id]));
  const res = await request.get(`/jobs/${job.id}`);
  expect((await res.body()).length).toBeLessThan(1_000_000);
  await page.goto(`/jobs/${job.id}`);
  const more = page.locator('[data-more="description"]');
  await expect(more).toContainText("934,464 more characters");
  await expect(more.getByRole("link", { name: "the whole text in the run's JSON" })).toHaveAttribute("href", `/api/jobs/${job.id}`);
});

test("Rerun says when no agent takes the workflow and queues only on confirmation; a run lacking a required input cannot be rerun", async ({
  page,
  request,
}) => {
  const tag = `nobody-${randomUUID().slice(0, 8)}`;
  const job = await importFile(request, `${tag}.json`, run(tag, tag));
  const reruns = () =>
    withDb(async (c) => (await c.query("SELECT count(*)::int AS n FROM jobs WHERE rerun_of_id = $1", [job.id])).rows[0].n);
  await page.goto(`/jobs/${job.id}`);
  await page.getByRole("button", { name: "Rerun", exact: true }).click();
  await expect(page.getByTestId("rerun-no-agent")).toContainText(`No agent has asked for ${tag} work`);
  await page.getByRole("button", { name: "Cancel" }).click();
  expect(await reruns()).toBe(0);

  // Once an agent has asked for the workflow, Rerun queues at once.
  const agent = await TestAgent.create(BASE, `reader-${tag}`);
  expect((await agent.poll([tag])).ID).toBe("");
  await page.reload();
  await page.getByRole("button", { name: "Rerun", exact: true }).click();
  await expect(page).not.toHaveURL(new RegExp(`/jobs/${job.id}$`));
  expect(await reruns()).toBe(1);

  const bare = await importFile(
    request,
    `${tag}-bare.json`,
    run(`${tag}-bare`, "patch-triage", (spans) => void delete spans[0]!.Args),
  );
  await page.goto(`/jobs/${bare.id}`);
  await expect(page.getByTestId("rerun-blocked")).toHaveText("Cannot rerun: this run has no KernelSrc, which patch-triage needs.");
  await expect(page.getByRole("button", { name: "Rerun triage" })).toBeDisabled();
  const refused = await request.post(`/api/jobs/${bare.id}/rerun`);
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain("KernelSrc");
});

test("operators import in the browser: progress, the runs created or already there with links, and errors naming file and line", async ({
  page,
}) => {
  const tag = `upload-${randomUUID().slice(0, 8)}`;
  await page.goto(`/?q=${tag}`);
  await expect(page.getByTestId("history-empty")).toBeVisible();
  await page.getByTestId("history-empty").getByRole("button", { name: "import runs" }).click();
  // The import answers late, so its progress shows.
  await page.route("**/api/import", async (route) => {
    await new Promise((r) => setTimeout(r, 1000));
    await route.continue();
  });
  const file = { name: `${tag}.json`, mimeType: "application/json", buffer: Buffer.from(run(tag, "patch-triage")) };
  const input = page.getByLabel("Files to import");
  await input.setInputFiles(file);
  await expect(page.getByTestId("import-progress")).toBeVisible();
  await expect(page.getByTestId("import-result")).toContainText("1 run created");
  await expect(page.getByTestId("history-row")).toHaveCount(1);
  const link = page.getByTestId("imported-run");
  await expect(link).toHaveAttribute("href", /^\/jobs\/[0-9a-f-]{36}$/);

  await input.setInputFiles(file);
  await expect(page.getByTestId("import-result")).toContainText("0 runs created, 1 already imported");

  const cut = '0/0 2026/07/01 09:00 flow f\n5m Args:\nnull\n\n1/1 2026/07/01 09:01 tool t\n0m Error:\nboom\n\nArgs:\n{\n  "a": [1,';
  await input.setInputFiles({ name: `${tag}-cut.txt`, mimeType: "text/plain", buffer: Buffer.from(cut) });
  await expect(page.getByTestId("import-errors")).toContainText(`${tag}-cut.txt`);
  await expect(page.getByTestId("import-errors")).toContainText("Args at line 9 is not a complete JSON value");
});

test("the smaller things: round chart ticks, minute-precision call times unknown, a dashboard-relative link as text, no raw markdown flash", async ({
  page,
  request,
  baseURL,
}) => {
  await page.context().addCookies([{ name: "trends", value: "open", url: baseURL! }]); // trends start folded
  await page.goto("/");
  // The y axis's labels are the whole numbers among the chart's texts (the x axis's are days, 12-07).
  const texts = page.getByTestId("trend-runs").locator("svg text");
  await expect(texts.first()).toBeVisible({ timeout: 20_000 }); // the charts are drawn by a chunk that loads after the page
  const values = (await texts.allTextContents())
    .filter((t) => /^\d+$/.test(t))
    .map(Number)
    .sort((a, b) => a - b);
  expect(values.length).toBeGreaterThan(2);
  const steps = new Set(values.slice(1).map((v, i) => v - values[i]!));
  expect([...steps]).toHaveLength(1);

  const copy = readFileSync(path.join(import.meta.dirname, "..", "..", "shared", "fixtures", "patch-triage-page-copy.txt"), "utf8");
  const minute = await importFile(request, "patch-triage-page-copy.txt", copy);
  await page.goto(`/jobs/${minute.id}`);
  await page.getByRole("tab", { name: "Cost and time" }).click();
  await expect(page.getByTestId("time-split")).toContainText("not known");
  await expect(page.getByTestId("chart-seconds")).toContainText("Not known");

  const demo = await withDb(
    async (c) => (await c.query("SELECT id::text FROM jobs WHERE link LIKE '/bug?id=%' LIMIT 1")).rows[0]?.id as string,
  );
  await page.goto(`/jobs/${demo}`);
  await expect(page.getByText(/^\/bug\?id=/)).toBeVisible();
  await expect(page.locator('a[href^="/bug"]')).toHaveCount(0);

  // The markdown renderer's chunk arrives late; until then the thoughts show without their marks.
  const tag = `md-${randomUUID().slice(0, 8)}`;
  const job = await importFile(
    request,
    `${tag}.json`,
    run(tag, "patch-triage", (spans) => void (spans.find((s) => s.Type === "llm")!.Thoughts = `**bold ${tag}** then plain`)),
  );
  await page.route("**/_next/static/chunks/**", async (route) => {
    const response = await route.fetch();
    const body = await response.text();
    if (body.includes("micromark")) await new Promise((r) => setTimeout(r, 3000));
    await route.fulfill({ response, body });
  });
  await page.goto(`/jobs/${job.id}#span-3`);
  const thoughts = page.locator('[data-field="Thoughts"]');
  await expect(thoughts).toContainText(`bold ${tag} then plain`);
  await expect(thoughts).not.toContainText("**");
  await expect(thoughts.locator("strong")).toHaveText(`bold ${tag}`, { timeout: 10_000 });
});
