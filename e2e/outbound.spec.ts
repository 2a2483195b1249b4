// Issue 21, finding 7: an experiment or a rerun naming a model endpoint the admins have not allowed is refused when it
// starts (400 naming the host), and admins keep the outbound allow-list at /admin, audited.
import { expect, test } from "@playwright/test";
import { importFile, triageTrajectory } from "./helpers";
import { withDb } from "./db";
import { addUser, signIn } from "./users";

const SSRF = "openai-compatible:m@http://127.0.0.1:47813/internal/admin";

test("an experiment or a rerun naming an endpoint not on the allow-list is refused with the host; admins keep the list at /admin", async ({
  request,
  browser,
}) => {
  test.setTimeout(120_000);
  const run = await importFile(request, "outbound.json", triageTrajectory("outbound-original"));
  const refused = await request.post("/api/experiments", {
    data: { selection: { ids: [run.id] }, setup: { kind: "builtin", value: SSRF }, name: "ssrf" },
  });
  expect(refused.status()).toBe(400);
  expect((await refused.json()).error).toBe(
    "the model endpoint 127.0.0.1:47813 is not on the outbound allow-list; an admin can allow it under Outbound requests at /admin",
  );
  // A stored run that asks for such an endpoint cannot be rerun into it either.
  await withDb((c) =>
    c.query(`UPDATE jobs SET args = json_build_object('KernelSrc', '/src/linux', 'AgentSetup', $2::text) WHERE id = $1`, [run.id, SSRF]),
  );
  const rerun = await request.post(`/api/jobs/${run.id}/rerun`);
  expect(rerun.status()).toBe(400);
  expect((await rerun.json()).error).toContain("127.0.0.1:47813 is not on the outbound allow-list");
  expect(await withDb((c) => c.query(`SELECT count(*)::int AS n FROM jobs WHERE rerun_of_id = $1`, [run.id]))).toMatchObject({
    rows: [{ n: 0 }],
  });

  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const page = await context.newPage();
  const admin = await addUser("admin");
  await signIn(page, admin, "/admin");
  await page.goto("/admin");
  const panel = page.getByTestId("outbound-panel");
  await panel.getByLabel("Host and port").fill("not a host");
  await panel.getByRole("button", { name: "Allow" }).click();
  await expect(panel).toContainText("expected host:port");
  await panel.getByLabel("Host and port").fill("127.0.0.1:11434");
  await panel.getByRole("button", { name: "Allow" }).click();
  await expect(panel.getByTestId("outbound-entry")).toHaveText(["127.0.0.1:11434Remove"]);
  const audited = await withDb((c) =>
    c.query(`SELECT details FROM audit_events WHERE target = 'outbound_allow' AND actor_label = $1 ORDER BY id`, [admin.email]),
  );
  expect(audited.rows.map((r) => r.details)).toEqual([{ add: "127.0.0.1:11434" }]);
  page.once("dialog", (d) => void d.accept());
  await panel.getByTestId("outbound-entry").getByRole("button", { name: "Remove" }).click();
  await expect(panel.getByTestId("outbound-entry")).toHaveCount(0);
  await context.close();
});
