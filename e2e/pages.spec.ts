// The history and run pages in Chromium: list, verdict, tree, Expand all, every field, and untrusted text shown as text.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { importFile, triageTrajectory } from "./helpers";

const rows = (page: Page) => page.locator("[data-trajectory] [data-span-row]");
const row = (page: Page, seq: number) => page.locator(`[data-span-row="${seq}"]`);

test("the history lists the demo runs and links to each run", async ({ page }) => {
  await page.goto("/");
  const historyRows = page.getByTestId("history-row");
  await expect(historyRows.first()).toBeVisible();
  expect(await historyRows.count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId("history-table")).toContainText("patch-triage");
  await expect(page.getByTestId("history-table")).toContainText("failed");
  await historyRows.first().locator('a[href^="/jobs/"]').first().click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("verdict")).toBeVisible();
});

test("a run page shows the verdict and the tree; Expand all opens every node, and an opened span shows every field", async ({
  page,
  request,
}) => {
  const job = await importFile(request, "run.json", triageTrajectory("e2e-tree"));
  await page.goto(`/jobs/${job.id}`);
  const verdict = page.getByTestId("verdict");
  await expect(verdict.getByTestId("verdict-headline")).toHaveAttribute("data-verdict", "yes");
  await expect(verdict.getByTestId("verdict-headline")).toHaveAttribute("data-field", "WorthFuzzing");
  await expect(verdict.getByTestId("verdict-headline")).toContainText("Worth fuzzing");
  await expect(verdict).toContainText("ext4_dio_write_checks");
  await expect(verdict).toContainText("EXT4_FS");
  await expect(verdict).toContainText("reasoning e2e-tree");

  // The flow and the agent start open: all 5 spans are rows.
  await expect(rows(page)).toHaveCount(5);
  await page.getByRole("button", { name: "Collapse all" }).click();
  await expect(rows(page)).toHaveCount(1);
  await page.getByRole("button", { name: "Expand all" }).click();
  await expect(rows(page)).toHaveCount(5);
  for (const seq of [0, 2]) await expect(row(page, seq)).toHaveAttribute("aria-expanded", "true");

  // No payload is on the page until its span is opened.
  await expect(page.getByText("thoughts e2e-tree")).toHaveCount(0);
  await row(page, 2).click();
  const agent = page.getByTestId("span-fields-2");
  for (const text of ["instruction e2e-tree", "prompt e2e-tree", "reply e2e-tree", "best-expensive"])
    await expect(agent).toContainText(text);
  await row(page, 3).click();
  const llm = page.getByTestId("span-fields-3");
  for (const text of ["thoughts e2e-tree", "gemini-3.1-pro-preview", "5,066", "337"]) await expect(llm).toContainText(text);
  await expect(llm.locator('[data-field="Tokens"]')).toContainText("input: 5,066");
  await row(page, 4).click();
  await expect(page.getByTestId("span-fields-4").getByTestId("span-error")).toContainText("no matches e2e-tree");
  await expect(page.getByTestId("span-fields-4").locator('[data-field="Args"]')).toContainText('"Expression": "ext4"');
  // The llm row names the tool call it decided on.
  await expect(row(page, 3)).toContainText("→ grepper");
});

test("script tags and event handlers in payloads, thoughts markdown and diffs are shown as text and never run", async ({
  page,
  request,
}) => {
  const payload = `<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2"></span><script>window.__pwned = 7</script>`;
  const at = (s: number) => `2026-06-29T12:05:${String(s).padStart(2, "0")}Z`;
  const hostile = [
    {
      Seq: 5,
      Nesting: 2,
      Type: "tool",
      Name: "read-file",
      Started: at(20),
      Finished: at(21),
      Args: { File: `<svg onload="window.__pwned=3">` },
      Results: { Contents: payload, Lines: `${payload}\nsecond line` },
    },
    {
      Seq: 6,
      Nesting: 2,
      Type: "llm",
      Name: "patch-evaluator",
      Started: at(21),
      Finished: at(22),
      Thoughts: `**bold thought** <img src=x onerror="window.__pwned=4"> <script>window.__pwned=5</script>\n\n[bad](javascript:window.__pwned=8) [good](https://example.org/doc)`,
    },
    {
      Seq: 7,
      Nesting: 2,
      Type: "tool",
      Name: "git-show",
      Started: at(22),
      Finished: at(23),
      Results: {
        Output: `diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1,1 +1,1 @@\n-int a;\n+<script>window.__pwned=6</script></span><img src=x onerror="window.__pwned=9">\n`,
      },
    },
  ];
  const job = await importFile(request, "hostile.json", triageTrajectory("e2e-xss", hostile));
  const dialogs: string[] = [];
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`/jobs/${job.id}#span-5`);
  const tool = page.getByTestId("span-fields-5");
  await expect(tool).toContainText("<script>window.__pwned = 1</script>");
  await expect(tool).toContainText('onerror="window.__pwned = 2"');
  await expect(tool).toContainText("</span><script>window.__pwned = 7</script>");
  await expect(tool).toContainText("<svg onload");
  // wait for shiki to colour the JSON, so its output is what is checked
  await expect(tool.locator('[data-json="Args"] span[style*="--shiki-light"]').first()).toBeVisible();

  await row(page, 6).click();
  const thoughts = page.getByTestId("span-fields-6").locator("[data-markdown]");
  await expect(thoughts.locator("strong")).toHaveText("bold thought");
  await expect(thoughts).toContainText('<img src=x onerror="window.__pwned=4">');
  await expect(thoughts).toContainText("<script>window.__pwned=5</script>");
  await expect(thoughts.locator('a[href="https://example.org/doc"]')).toHaveCount(1);
  await expect(thoughts.locator("a")).toHaveCount(1);

  await row(page, 7).click();
  const diff = page.getByTestId("span-fields-7").getByTestId("diff");
  await expect(diff.locator('[data-diff-line="add"]')).toContainText("<script>window.__pwned=6</script></span><img");

  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  expect(await page.locator("main img, main script, main svg[onload], main iframe").count()).toBe(0);
  expect(dialogs).toEqual([]);
});

/** The newest demo run of a workflow with the given verdict (the demo seeds all eight workflows). */
async function demoRun(request: APIRequestContext, workflow: string, verdict: "yes" | "no"): Promise<string> {
  const res = await request.get(`/api/jobs?workflow=${workflow}&verdict=${verdict}&size=25`);
  expect(res.status()).toBe(200);
  const { jobs } = (await res.json()) as { jobs: { id: string }[] };
  expect(jobs.length, `${workflow} ${verdict}`).toBeGreaterThan(0);
  return jobs[0]!.id;
}

/** Saves the verdict card (and the inputs beside it) as a PNG to look at. */
async function shoot(page: Page, name: string): Promise<void> {
  await page.getByTestId("verdict").screenshot({ path: `test-results/verdict-cards/${name}.png` });
}

test("verdict cards of the bug workflows: a patch as a diff, a syzkaller program highlighted, security's booleans", async ({
  page,
  request,
}) => {
  await page.goto(`/jobs/${await demoRun(request, "patching", "yes")}`);
  const verdict = page.getByTestId("verdict");
  await expect(verdict).toHaveAttribute("data-workflow", "patching");
  await expect(verdict.getByTestId("verdict-headline")).toContainText("Patch produced");
  const diff = verdict.locator('[data-result="PatchDiff"]');
  await expect(diff.locator('[data-diff-line="add"]').first()).toBeVisible();
  await expect(diff).toContainText("fs/ext4/xattr.c");
  await expect(verdict.locator('[data-result="Recipients"] [data-line="To"]')).toContainText(
    "Theodore Ts'o <tytso@mit.edu>, Andreas Dilger <adilger.kernel@dilger.ca>",
  );
  await expect(verdict.locator('[data-result="Recipients"] [data-line="Cc"]')).toContainText("linux-ext4@vger.kernel.org");
  await expect(verdict.locator('[data-result="Fixes"]')).toContainText('Fixes: e50e5129f384 ("ext4: xattr-in-inode support")');
  await expect(verdict.locator('[data-result="ReportedBy"]')).toContainText("Reported-by: syzbot+");
  // Inputs in the workflow's order, the crash report folded and the program highlighted there too.
  const inputs = page.getByTestId("inputs");
  await page.getByTestId("inputs-toggle").click();
  await expect(inputs.locator("[data-input]").first()).toHaveAttribute("data-input", "BugTitle");
  await expect(inputs.locator('[data-input="CrashReport"]')).toContainText("more lines");
  await expect(inputs.locator('[data-input="ReproSyz"] [data-syz="call"]').first()).toBeVisible();
  await shoot(page, "patching");

  await page.goto(`/jobs/${await demoRun(request, "repro", "yes")}`);
  await expect(verdict.getByTestId("verdict-headline")).toContainText("Reproduced");
  const program = verdict.locator('[data-result="ReproSyz"] [data-code="syz"]');
  await expect(program).toContainText("openat$ext4(");
  await expect(program.locator('[data-syz="call"]', { hasText: "openat$ext4" })).toBeVisible();
  await expect(program.locator('[data-syz="resource"]').first()).toHaveText("r0");
  await expect(verdict.locator('[data-result="ReproducedCrashReport"]')).toContainText("BUG: KASAN: slab-use-after-free");
  await shoot(page, "repro");

  await page.goto(`/jobs/${await demoRun(request, "assessment-security", "yes")}`);
  const headline = verdict.getByTestId("verdict-headline");
  await expect(headline).toContainText("Exploitable");
  await expect(headline.locator("[data-flag]")).toHaveCount(9);
  for (const [flag, on] of [
    ["DenialOfService", "yes"],
    ["Unprivileged", "yes"],
    ["FilesystemTrigger", "yes"],
    ["RemoteTrigger", "no"],
    ["VMGuestTrigger", "no"],
  ] as const) {
    await expect(headline.locator(`[data-flag="${flag}"]`)).toHaveAttribute("data-verdict", on);
  }
  await expect(verdict.locator('[data-result="Explanation"]')).toContainText("likely exploitable");
  await expect(page.getByTestId("dashboard-fields")).toContainText("External bug: b/381234567");
  await shoot(page, "assessment-security");

  // The others, to look at.
  for (const [workflow, v] of [
    ["patch-triage", "yes"],
    ["moderation", "no"],
    ["assessment-kcsan", "yes"],
    ["repro-c", "yes"],
    ["patch-iteration", "yes"],
  ] as const) {
    await page.goto(`/jobs/${await demoRun(request, workflow, v)}`);
    await expect(verdict).toHaveAttribute("data-workflow", workflow);
    await expect(verdict.getByTestId("verdict-headline")).toHaveAttribute("data-verdict", v);
    await shoot(page, workflow);
  }
});

test("a job page saved by a reader who is not an admin: the run failed, its error hidden, printed span values marked", async ({
  page,
  request,
}) => {
  const id = crypto.randomUUID();
  const t = (s: number) => `2026-07-01T10:00:${String(s).padStart(2, "0")}Z`;
  const span = (
    seq: number,
    nesting: number,
    type: string,
    name: string,
    started: number,
    duration: number,
    more: Record<string, unknown> = {},
  ) => ({
    Started: t(started),
    Seq: seq,
    Nesting: nesting,
    Type: type,
    Name: name,
    Model: "",
    Duration: duration * 1e9,
    Error: "",
    Args: "",
    Results: "",
    Instruction: "",
    Prompt: "",
    Reply: "",
    Thoughts: "",
    InputTokens: 0,
    OutputTokens: 0,
    OutputThoughtsTokens: 0,
    ToolCalls: null,
    ...more,
  });
  const page_ = {
    Job: {
      ID: id,
      Link: `/ai_job?id=${id}`,
      Workflow: "patching",
      Description: "KASAN: use-after-free in e2e_redacted",
      DescriptionLink: "/bug?id=e2e",
      ExternalBugID: "",
      AgentName: "agent-0",
      Created: t(0),
      Started: t(0),
      Finished: t(9),
      CodeRevision: "1e72964b0111319984575e60f266d1fa0a98abb5",
      CodeRevisionLink: "https://github.com/google/syzkaller/commits/1e72964b0111319984575e60f266d1fa0a98abb5",
      Error: "log-in to see details",
      ErrorSummary: "",
      Correct: "💥",
      CorrectTitle: "Job failed with an error",
      Results: null,
      IsCurrent: true,
      CanTestOnManager: false,
    },
    Trajectory: [
      span(0, 0, "flow", "patching", 0, 9, { Error: "log-in to see details" }),
      span(1, 1, "tool", "grepper", 1, 1, {
        Args: "map[Expression:static int PathPrefix:fs]",
        Results: "map[Output:fs/a.c:1: static int x;]",
      }),
      span(2, 1, "action", "kernel-checkout", 2, 1, { Results: "map[KernelCommit:abc123 KernelSrc:/src]" }),
    ],
    Args: [
      { Key: "BugTitle", Value: "KASAN: use-after-free in e2e_redacted", Large: false },
      { Key: "TargetOS", Value: "linux", Large: false },
    ],
  };
  const job = await importFile(request, "job.json", JSON.stringify(page_, null, "\t"));
  await page.goto(`/jobs/${job.id}`);
  await expect(page.getByTestId("job-status")).toContainText("failed");
  const error = page.getByTestId("run-error");
  await expect(error).toHaveAttribute("data-redacted", "true");
  await expect(error).toContainText("error hidden by the dashboard");
  await expect(page.getByText("log-in to see details")).toHaveCount(0);
  await expect(page.getByTestId("dashboard-fields")).toContainText(`Dashboard page: /ai_job?id=${id}`);
  await expect(page.getByTestId("values-printed")).toBeVisible();
  await page.getByTestId("inputs-toggle").click();
  await expect(page.getByTestId("inputs-printed")).toBeVisible();
  // An ambiguous printed value is the dashboard's text, marked; a readable one is JSON.
  await row(page, 1).click();
  const tool = page.getByTestId("span-fields-1");
  await expect(tool.locator('[data-field="Args"] [data-printed]')).toContainText("as the dashboard printed it");
  await expect(tool.locator('[data-field="Args"]')).toContainText("map[Expression:static int PathPrefix:fs]");
  await row(page, 2).click();
  await expect(page.getByTestId("span-fields-2").locator('[data-field="Results"]')).toContainText('"KernelCommit": "abc123"');
  await page.screenshot({ path: "test-results/verdict-cards/redacted-run.png", fullPage: false });
});
