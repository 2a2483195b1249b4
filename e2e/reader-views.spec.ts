// A reader's day (issue 24): rows that say what each step did, a run page that fits a screen, dark mode, the ARIA
// tree and axe on every page kind. Short tests: each checks what would fail without its feature.
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { importFile, triageTrajectory } from "./helpers";
import { addUser, signIn } from "./users";
import { withDb } from "./db";

const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);

async function demoRun(request: APIRequestContext, workflow: string): Promise<string> {
  const res = await request.get(`/api/jobs?workflow=${workflow}&size=25`);
  const { jobs } = (await res.json()) as { jobs: { id: string }[] };
  expect(jobs.length, workflow).toBeGreaterThan(0);
  return jobs[0]!.id;
}

/** axe's serious and critical findings on the page as it is now, as "rule: target" lines (empty when clean). */
async function axeProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.slice(0, 3).map((n) => `${v.id}: ${n.target.join(" ")} — ${n.failureSummary?.split("\n")[1] ?? ""}`));
}

test("tool rows show their main argument and their error, llm rows their reply, from the outline alone", async ({ page, request }) => {
  const reply = {
    Seq: 5,
    Nesting: 2,
    Type: "llm",
    Name: "patch-evaluator",
    Started: "2026-06-29T12:05:41Z",
    Reply: "Worth **fuzzing**:\nyes",
  };
  const job = await importFile(request, "summary.json", triageTrajectory("summary", [reply]));
  const payloads: string[] = [];
  page.on("request", (r) => r.url().includes(`/api/jobs/${job.id}/spans/`) && payloads.push(r.url()));
  await page.goto(`/jobs/${job.id}`);
  await expect(row(page, 4).locator("[data-summary]")).toHaveText("ext4");
  await expect(row(page, 4).locator("[data-error-head]")).toHaveText("no matches summary");
  await expect(row(page, 5).locator("[data-summary]")).toHaveText("Worth **fuzzing**: yes");
  await expect(row(page, 2).locator("[data-summary]")).toHaveText("prompt summary");
  expect(payloads).toEqual([]);
});

test("dark mode follows the system, and the toggle's choice is remembered", async ({ page }) => {
  // The page's background as the browser paints it (a canvas reads any colour syntax back as RGB).
  const isDark = () =>
    page.evaluate(() => {
      const ctx = document.createElement("canvas").getContext("2d")!;
      ctx.fillStyle = getComputedStyle(document.body).backgroundColor;
      ctx.fillRect(0, 0, 1, 1);
      const [r, g, b] = ctx.getImageData(0, 0, 1, 1).data;
      return r! + g! + b! < 3 * 100;
    });
  await page.emulateMedia({ colorScheme: "dark" });
  await page.goto("/");
  expect(await isDark()).toBe(true);
  await page.emulateMedia({ colorScheme: "light" });
  expect(await isDark()).toBe(false);
  const toggle = page.getByTestId("theme-toggle");
  await toggle.click(); // system → light
  await toggle.click(); // light → dark
  await expect(toggle).toHaveAttribute("data-theme-choice", "dark");
  expect(await isDark()).toBe(true);
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  expect(await isDark()).toBe(true);
  await page.getByTestId("theme-toggle").click(); // dark → system (light here)
  expect(await isDark()).toBe(false);
});

test("at 1440×900 the verdict, the tree and the details are above the fold; inputs unfold at full width", async ({ page, request }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/jobs/${await demoRun(request, "moderation")}`);
  await row(page, 1).click();
  for (const id of ["verdict-toggle", "tree", "details"]) {
    const box = (await page.getByTestId(id).boundingBox())!;
    expect(box.y + 60, id).toBeLessThan(900);
  }
  await expect(page.locator("[data-span-row]").nth(10)).toBeInViewport();
  // The moderation run's CrashReport unfolds across the page, not in a third of it.
  await page.getByTestId("inputs-toggle").click();
  const report = (await page.locator('[data-input="CrashReport"] dd').boundingBox())!; // the row is display: contents
  expect(report.width).toBeGreaterThan(1000);
  // The verdict folds away.
  await page.getByTestId("verdict-toggle").click();
  await expect(page.getByTestId("verdict").getByRole("region")).toBeHidden();
});

test("the tree is an ARIA tree with roving focus", async ({ page, request }) => {
  const job = await importFile(request, "aria.json", triageTrajectory("aria"));
  await page.goto(`/jobs/${job.id}`);
  const tree = page.getByRole("tree", { name: "Trajectory" });
  const items = tree.getByRole("treeitem");
  await expect(items).toHaveCount(5);
  await expect(items.first()).toHaveAttribute("aria-level", "1");
  await expect(items.first()).toHaveAttribute("aria-expanded", "true");
  await expect(row(page, 3)).toHaveAttribute("aria-level", "3");
  // One tab stop: Tab lands on a treeitem, arrows move the focus with the selection.
  expect(await items.evaluateAll((els) => els.filter((e) => (e as HTMLElement).tabIndex === 0).length)).toBe(1);
  await page.getByRole("button", { name: "Collapse all" }).focus();
  await page.keyboard.press("Tab");
  await expect(row(page, 0)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(row(page, 1)).toBeFocused();
  await expect(row(page, 1)).toHaveAttribute("aria-selected", "true");
  await expect(row(page, 1)).toHaveAttribute("tabindex", "0");
  await expect(row(page, 0)).toHaveAttribute("tabindex", "-1");
});

test("axe finds nothing serious or critical on the history, a run, compare, an experiment and admin", async ({ page, request }) => {
  test.setTimeout(300_000);
  const a = await importFile(request, "axe-a.json", triageTrajectory("axe-a"));
  const b = await importFile(request, "axe-b.json", triageTrajectory("axe-b"));
  const started = await request.post("/api/experiments", {
    data: { selection: { ids: [a.id] }, setup: { kind: "label", value: "axe" }, name: "axe check" },
  });
  expect(started.status(), await started.text()).toBe(201);
  const experiment = ((await started.json()) as { id: string }).id;
  const pages: [string, string][] = [
    ["history", "/"],
    ["run", `/jobs/${a.id}#span-4`],
    ["compare", `/compare?a=${a.id}&b=${b.id}`],
    ["experiment", `/experiments/${experiment}`],
  ];
  const problems: string[] = [];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Dark mode on the pages it changes most; every page kind in light.
    for (const [name, url] of scheme === "light" ? pages : pages.slice(0, 2)) {
      await page.goto(url);
      await page.waitForLoadState("networkidle");
      problems.push(...(await axeProblems(page)).map((p) => `${name} (${scheme}) ${p}`));
    }
    await page.goto(`/jobs/${a.id}?view=conversation`);
    await expect(page.locator("[data-conv-span]").first()).toBeVisible();
    problems.push(...(await axeProblems(page)).map((p) => `conversation (${scheme}) ${p}`));
  }
  await signIn(page, await addUser("admin", "axe-admin"), "/admin");
  await page.waitForLoadState("networkidle");
  problems.push(...(await axeProblems(page)).map((p) => `admin ${p}`));
  expect(problems).toEqual([]);
});

test("the conversation view reads each agent's turns in order, folds payloads, keeps search and permalinks", async ({ page, request }) => {
  // A reply past what a page of steps carries (CONVERSATION_TEXT_CHARS): cut, and said so with its size.
  const long = `Worth **fuzzing** ${"é".repeat(12_000)}`;
  const reply = { Seq: 5, Nesting: 2, Type: "llm", Name: "patch-evaluator", Started: "2026-06-29T12:05:41Z", Reply: long };
  const job = await importFile(request, "conversation.json", triageTrajectory("conv", [reply]));
  await page.goto(`/jobs/${job.id}`);
  await page.getByTestId("view-conversation").click();
  await expect(page).toHaveURL(/\?view=conversation/);
  const conv = page.getByTestId("conversation");
  const agent = conv.locator('[data-conv-agent="2"]');
  // In order: the agent's prompt, its model turn (thoughts folded), the failing tool (error shown), the reply as markdown.
  await expect(agent.locator("[data-conv-span]")).toHaveCount(4);
  await expect(agent.locator('[data-conv-span="2"] [data-conv-prompt]')).toContainText("prompt conv");
  await expect(agent.getByText("thoughts conv")).toBeHidden();
  await agent.locator('[data-conv-span="3"] summary', { hasText: "Thoughts" }).click();
  await expect(agent.getByText("thoughts conv")).toBeVisible();
  await expect(agent.locator('[data-conv-span="4"] [data-conv-error]')).toContainText("no matches conv");
  await expect(agent.locator('[data-conv-span="5"] [data-conv-reply] strong')).toHaveText("fuzzing");
  await expect(agent.locator('[data-conv-span="5"] [data-conv-cut="Reply"]')).toContainText("Reply is cut here (23 KB in all)");
  await expect(agent.locator('[data-conv-span="2"] [data-conv-cut]')).toHaveCount(0);
  // The agent's own reply is its answer: after its steps, not between its prompt and its first turn.
  await expect(agent.locator('[data-conv-span="2"] [data-conv-reply]')).toHaveCount(0);
  await expect(agent.locator("li").last()).toHaveAttribute("data-conv-answer");
  await expect(agent.locator("[data-conv-answer]")).toContainText("reply conv");
  // The same search as the tree, and permalinks land on the step.
  await page.getByTestId("search").fill("no matches conv");
  await expect(conv.locator('[data-conv-span="4"][data-match]')).toHaveCount(1);
  await page.goto(`/jobs/${job.id}?view=conversation#span-5`);
  await expect(page.locator('[data-conv-span="5"]')).toHaveAttribute("aria-current", "true");
  await page.locator('[data-conv-span="5"] [data-conv-reply]').click();
  await page.keyboard.press("k");
  await expect(page.locator('[data-conv-span="4"]')).toHaveAttribute("aria-current", "true");
  await expect(page).toHaveURL(/\?view=conversation#span-4$/);
  await page.getByTestId("view-tree").click();
  await expect(row(page, 4)).toHaveAttribute("aria-selected", "true");
});

/** A run of `steps` spans under a flow: as outermost lines, or all inside one agent. */
function bigRun(tag: string, steps: number, inAgent: boolean): string {
  const t = (ms: number) => new Date(Date.UTC(2026, 5, 29, 12, 0, 0) + ms).toISOString();
  const spans: Record<string, unknown>[] = [
    { Seq: 0, Nesting: 0, Type: "flow", Name: `big-${tag}`, Started: t(0), Finished: t(steps + 9) },
  ];
  if (inAgent) spans.push({ Seq: 1, Nesting: 1, Type: "agent", Name: "evaluator", Started: t(1), Finished: t(steps + 8) });
  for (let k = 0; k < steps; k++) {
    const Seq = spans.length;
    spans.push(
      inAgent
        ? { Seq, Nesting: 2, Type: "llm", Name: "evaluator", Started: t(Seq), Finished: t(Seq + 1), Reply: `reply ${tag} ${Seq}` }
        : { Seq, Nesting: 1, Type: "action", Name: `step-${Seq}`, Started: t(Seq), Finished: t(Seq + 1) },
    );
  }
  return JSON.stringify(spans);
}

test("the conversation view draws a bounded part of a big run: 3,000 outermost steps, a permalink deep into a 3,000-step agent", async ({
  page,
  request,
}) => {
  const lines = await importFile(request, "conv-lines.json", bigRun("lines", 3000, false));
  const agent = await importFile(request, "conv-agent.json", bigRun("agent", 3000, true));
  const conv = page.getByTestId("conversation");
  // Outermost lines: a hundred drawn, more as the reader scrolls to their end; a permalink past them draws around it.
  await page.goto(`/jobs/${lines.id}?view=conversation`);
  await expect(conv.locator('[data-conv-span="0"]')).toBeVisible();
  // Counted once the whole outline is there (the page opens on its first 80 spans).
  await expect(page.locator('[data-testid="trajectory"][data-outline="whole"]')).toBeAttached();
  expect(await conv.locator("[data-conv-span]").count()).toBeLessThanOrEqual(100);
  await conv.getByTestId("conv-blocks-more").scrollIntoViewIfNeeded();
  await expect(conv.locator('[data-conv-span="150"]')).toBeAttached();
  expect(await conv.locator("[data-conv-span]").count()).toBeLessThanOrEqual(300);
  await page.goto(`/jobs/${lines.id}?view=conversation#span-2900`);
  await expect(conv.locator('[data-conv-span="2900"]')).toHaveAttribute("aria-current", "true");
  await expect(conv.locator('[data-conv-span="2900"]')).toBeInViewport();
  expect(await conv.locator("[data-conv-span]").count()).toBeLessThanOrEqual(100);
  // One agent of 3,000 steps: a permalink to step 2,990 loads the page there, not the 2,989 steps before it.
  await page.goto(`/jobs/${agent.id}?view=conversation#span-2990`);
  const target = conv.locator('[data-conv-span="2990"]');
  await expect(target).toHaveAttribute("aria-current", "true");
  await expect(target.locator("[data-conv-reply]")).toContainText("reply agent 2990");
  expect(await conv.locator("[data-conv-span]").count()).toBeLessThanOrEqual(60);
  await conv.getByTestId("conv-earlier-1").click();
  await expect(conv.locator('[data-conv-span="2940"] [data-conv-reply]')).toContainText("reply agent 2940");
});

test("a note on a step: written, shown in the tree and the conversation, searchable, edited by its author, filterable", async ({
  page,
  request,
}) => {
  const job = await importFile(request, "notes.json", triageTrajectory("notes"));
  await page.goto(`/jobs/${job.id}#span-4`);
  await page.getByTestId("note-add").click();
  await page.getByTestId("note-input").fill("The grep **misses** notes-marker-7");
  await page.getByTestId("note-save").click();
  const note = page.getByTestId("notes-4").locator("[data-note]");
  await expect(note.locator("strong")).toHaveText("misses");
  await expect(note).toContainText("operator");
  await expect(row(page, 4).locator("[data-notes]")).toHaveText("✎ 1");
  // The author edits it.
  await note.getByRole("button", { name: "Edit" }).click();
  await page.getByTestId("note-input").fill("The grep misses notes-marker-8");
  await page.getByTestId("note-save").click();
  await expect(note).toContainText("notes-marker-8");
  await expect(note).toContainText("edited");
  // Found by the run's search, shown in the conversation.
  await page.getByTestId("search").fill("notes-marker-8");
  await expect(page.getByTestId("match-count")).toHaveText("1 match");
  await page.getByTestId("view-conversation").click();
  await expect(page.getByTestId("conversation").getByTestId("notes-4")).toContainText("notes-marker-8");
  // The history lists runs with notes.
  const withNotes = (await (await request.get("/api/jobs?notes=yes&size=200")).json()) as { jobs: { id: string }[] };
  expect(withNotes.jobs.map((j) => j.id)).toContain(job.id);
  const without = (await (await request.get("/api/jobs?notes=no&size=200")).json()) as { jobs: { id: string }[] };
  expect(without.jobs.map((j) => j.id)).not.toContain(job.id);
  // Audited: the add and the edit.
  const ops = await withDb(
    async (c) =>
      (await c.query("SELECT details->>'op' AS op FROM audit_events WHERE action = 'note' AND target = $1 ORDER BY id", [job.id])).rows,
  );
  expect(ops).toEqual([{ op: "add" }, { op: "edit" }]);
});

test("history: 15+ runs above the fold at 1440×900, trends fold and stay folded; cards and a filter button at 390 px", async ({
  page,
  request,
}) => {
  // Sixteen plain runs (no error line, no reruns) listed alone, so the count measures the layout, not what other tests
  // left in the history (a failed run or a rerun takes a second line).
  const tag = `foldrows${Date.now()}`;
  for (let i = 0; i < 16; i++) await importFile(request, `${tag}-${i}.json`, triageTrajectory(`${tag} i${i}`));
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/?q=${tag}`);
  const rows = page.getByTestId("history-row");
  await expect(rows.first()).toBeVisible();
  const above = await rows.evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().bottom <= 900).length);
  expect(above).toBeGreaterThanOrEqual(15);
  // Unfolded trends stay unfolded on the next visit.
  // (A click before hydration does nothing: retried until it takes.)
  await expect(async () => {
    await page.getByTestId("trends-toggle").click();
    await expect(page.getByTestId("trends-fold")).toHaveAttribute("data-open", "true", { timeout: 2000 });
  }).toPass();
  await expect(page.getByTestId("trends")).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("trends")).toBeVisible();
  await page.getByTestId("trends-toggle").click();
  await page.reload();
  await expect(page.getByTestId("trends-fold")).toHaveAttribute("data-open", "false");

  await expect(page.getByTestId("columns-menu")).toBeVisible();
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(page.getByTestId("history-table")).toBeHidden();
  // Cards have no columns to choose.
  await expect(page.getByTestId("columns-menu")).toBeHidden();
  // The header's role stays whole beside a cut email.
  const role = page.getByTestId("signed-in-role");
  await expect(role).toHaveText("operator");
  expect(await role.evaluate((e) => e.scrollWidth <= e.clientWidth && e.getBoundingClientRect().right <= window.innerWidth)).toBe(true);
  const card = page.getByTestId("history-card").first();
  await expect(card).toBeVisible();
  await expect(card.locator("[data-status], [data-verdict], a").first()).toBeVisible();
  await expect(page.getByRole("combobox", { name: "Workflow" })).toBeHidden();
  await page.getByTestId("filters-button").click();
  await expect(page.getByRole("combobox", { name: "Workflow" })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await card.locator("a").first().click();
  await expect(page.getByTestId("tree")).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
});
