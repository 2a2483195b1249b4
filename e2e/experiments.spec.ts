// Experiments end to end: on the demo, filter the history, "Rerun these…", confirm, watch the built-in agent replay
// the reruns to the end, and open the flipped run's Compare. The flip is made deterministic: one run's model first
// gave "not worth fuzzing" with a config the tree lacked (refused), then "worth fuzzing"; once the tree defines that
// config, the replay's first answer is accepted and the verdict flips.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createKernelRepo, DEMO_PATCHES } from "../lib/demo/git-repo";
import { withDb } from "./db";
import { agentOf, StandInModel, turnOf, type ChatRequest, type ScriptedAnswer } from "./stand-in-model";
import { queueTriage, startAgent, waitForJob, BASE } from "./triage-agent-helpers";
import { addUser, signIn } from "./users";

test.describe.configure({ mode: "serial" });

const ROOT = path.resolve(import.meta.dirname, "..");
const SHOTS = path.join(ROOT, "test-results", "screenshots");
let parent: string;
let kernel: string;

test.beforeAll(() => {
  parent = mkdtempSync(path.join(os.tmpdir(), "experiments-e2e-"));
  kernel = createKernelRepo(path.join(parent, "kernel"), DEMO_PATCHES[0]!);
  mkdirSync(SHOTS, { recursive: true });
});
test.afterAll(() => rmSync(parent, { recursive: true, force: true }));

/** The stand-in model: first "not worth fuzzing, needs CONFIG_FLIP_OPTION" (the tree lacks it: refused), then "worth fuzzing". */
function flipScript(req: ChatRequest): ScriptedAnswer {
  if (agentOf(req) === "kmsan-evaluator") return { calls: [["set-results", { NeedsKMSAN: false, KMSANReasoning: "" }]] };
  const turns: ScriptedAnswer[] = [
    {
      calls: [
        [
          "set-results",
          {
            WorthFuzzing: false,
            FocusSymbols: [],
            EnableConfigs: ["FLIP_OPTION"],
            Reasoning: "Only reachable with FLIP_OPTION, which is off.",
          },
        ],
      ],
    },
    {
      calls: [
        [
          "set-results",
          {
            WorthFuzzing: true,
            FocusSymbols: ["ext4_dio_needs_zeroing"],
            EnableConfigs: ["EXT4_FS"],
            Reasoning: "Reachable from write(2).",
          },
        ],
      ],
    },
  ];
  return turns[turnOf(req)] ?? { status: 400, message: "the stand-in script has no more turns" };
}

test("an experiment over a history filter reruns those runs in replay, shows the flip and opens its Compare", async ({ page }) => {
  test.setTimeout(300_000);
  // The run that will flip, recorded by the real agent with the stand-in model, as the demo's triage runs are (by their worker).
  const model = new StandInModel(flipScript);
  const url = await model.start();
  const flipId = await queueTriage({ KernelSrc: kernel, TargetArch: "amd64" });
  const recorder = await startAgent({
    AGENT_MODEL: `openai-compatible:stand-in-model@${url}`,
    AGENT_NAME: "syz-agent-demo",
    AGENT_KERNEL_ROOTS: parent,
  });
  try {
    expect(await waitForJob(flipId, recorder), recorder.output()).toMatchObject({ status: "finished", results: { WorthFuzzing: true } });
  } finally {
    await recorder.stop();
    await model.stop();
  }
  // The tree changes: now it defines the config the first answer named.
  appendFileSync(path.join(kernel, "fs", "ext4", "Kconfig"), '\nconfig FLIP_OPTION\n\tbool "The option the first answer needed"\n');

  const filter = "workflow=patch-triage&worker=syz-agent-demo";
  // Every run of the filter that has ended: finished, failed, aborted, or imported unfinished (incomplete).
  const originals = await withDb(
    async (c) =>
      (
        await c.query(
          "SELECT id::text, status::text FROM jobs WHERE workflow = 'patch-triage' AND agent_name = 'syz-agent-demo' AND status NOT IN ('pending', 'running')",
        )
      ).rows as { id: string; status: string }[],
  );
  const expected = originals.map((r) => r.id);
  // A run that gave no answer (failed, incomplete) has no final step for a replay to reach.
  const unanswered = originals.filter((r) => r.status !== "finished").length;
  expect(expected).toContain(flipId);

  await page.goto(`/?${filter}`);
  await page.getByRole("button", { name: "Rerun these…" }).click();
  const dialog = page.getByRole("dialog", { name: "Start an experiment" });
  await dialog.getByLabel("Name").fill("replay on the changed tree");
  await dialog.getByLabel("Note").fill("FLIP_OPTION now exists in fs/ext4/Kconfig");
  await expect(dialog.getByLabel("Setup")).toHaveValue("replay");
  await expect(dialog.getByTestId("experiment-confirm")).toContainText(`${expected.length} runs will be rerun`);
  await expect(dialog.getByTestId("experiment-estimate")).toHaveText("$0.00");
  await page.screenshot({ path: path.join(SHOTS, "experiment-confirm.png") });
  // A model with a price gets an estimate from the originals' tokens.
  await dialog.getByLabel("Setup").fill("google:gemini-2.5-pro");
  await expect(dialog.getByTestId("experiment-confirm")).toContainText("× gemini-2.5-pro*");
  await expect(dialog.getByTestId("experiment-estimate")).toHaveText(/^\$\d+\.\d+/);
  await page.screenshot({ path: path.join(SHOTS, "experiment-confirm-priced.png") });
  await dialog.getByLabel("Setup").fill("replay");
  await expect(dialog.getByTestId("experiment-estimate")).toHaveText("$0.00");
  await dialog.getByRole("button", { name: `Rerun ${expected.length} runs` }).click();
  await expect(page).toHaveURL(/\/experiments\/[0-9a-f-]{36}$/);
  const experimentId = page.url().split("/").pop()!;

  // Exactly those runs, each linked to its original and the experiment, asking for replay.
  const reruns = await withDb(
    async (c) =>
      (
        await c.query("SELECT rerun_of_id::text AS o, args->>'AgentSetup' AS setup, status FROM jobs WHERE experiment_id = $1", [
          experimentId,
        ])
      ).rows,
  );
  expect(reruns.map((r) => r.o).sort()).toEqual([...expected].sort());
  expect(reruns.every((r) => r.setup === "replay")).toBe(true);
  await expect(page.getByTestId("progress-queued")).toContainText(String(expected.length));

  // The built-in agent, as `npm start` runs it: no provider key, so replay; the demo checkouts and this test's tree as roots.
  const agent = await startAgent({ AGENT_KERNEL_ROOTS: `${parent}${path.delimiter}${path.join(ROOT, ".data", "demo-kernel")}` });
  try {
    await expect(page.getByTestId("experiment-eta")).toHaveText("all reruns have ended", { timeout: 240_000 });
  } finally {
    await agent.stop();
  }
  const done = Number((await page.getByTestId("progress-done").textContent())!.replace(/\D/g, ""));
  expect(done, agent.output()).toBeGreaterThanOrEqual(expected.length - unanswered);
  await expect(page.getByTestId("cell-yes-no")).toHaveText("1");
  const flip = page.getByTestId("flip-row");
  await expect(flip).toHaveCount(1);
  await expect(flip).toContainText("yes → no");
  await page.screenshot({ path: path.join(SHOTS, "experiment-page.png"), fullPage: true });

  const flipRerun = await withDb(
    async (c) =>
      (await c.query("SELECT id::text FROM jobs WHERE experiment_id = $1 AND rerun_of_id = $2", [experimentId, flipId])).rows[0]
        .id as string,
  );
  await flip.getByTestId("flip-compare").click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?a=${flipId}&b=${flipRerun}`));
  await expect(page.locator('[data-testid="compare-verdict"] [data-field="WorthFuzzing"]')).toBeVisible();

  // The export says the same, one line per pair.
  const csv = await (await page.request.get(`/api/experiments/${experimentId}?format=csv`)).text();
  const lines = csv.trimEnd().split("\r\n");
  expect(lines).toHaveLength(expected.length + 1);
  expect(lines.filter((l) => l.startsWith(`${flipId},`))[0]).toContain(",yes,no,true,");
  await page.goto("/experiments");
  await expect(page.getByTestId("experiment-row").filter({ hasText: "replay on the changed tree" })).toContainText(`${done} done`);
});

test("only operators start experiments: anonymous readers are told to sign in, viewers are refused, neither sees the button", async ({
  browser,
}) => {
  // Signing in checks a scrypt hash: slow on a busy machine.
  test.setTimeout(150_000);
  const body = { selection: { filters: "workflow=patch-triage" }, setup: { kind: "builtin", value: "replay" }, name: "nope" };
  const anonymous = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const anon = await anonymous.newPage();
  const res = await anon.request.post(`${BASE}/api/experiments`, { data: body });
  expect(res.status()).toBe(401);
  await anon.goto(`${BASE}/`);
  await expect(anon.getByTestId("history-table")).toBeVisible();
  await expect(anon.getByRole("button", { name: "Rerun these…" })).toHaveCount(0);
  await anonymous.close();

  const viewerContext = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL: BASE });
  const viewer = await viewerContext.newPage();
  await signIn(viewer, await addUser("viewer"));
  const refused = await viewer.request.post(`${BASE}/api/experiments`, { data: body });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error).toMatch(/needs the operator role/);
  await expect(viewer.getByRole("button", { name: "Rerun these…" })).toHaveCount(0);
  await viewerContext.close();
});
