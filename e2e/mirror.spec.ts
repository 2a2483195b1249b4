// The admin's mirror panel in Chromium: an admin follows a (stand-in) dashboard, `npm run mirror` syncs it, and the
// panel shows the last sync's counts and each failure with its reason; a URL that is not http(s) is refused, and so is
// a dashboard whose host is not on the outbound allow-list (lib/outbound), until the admin allows it there.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { toolConfig } from "../lib/config";
import { EXT4_SCENARIO, patchTriageRun } from "../lib/demo/patch-triage";
import { StandInDashboard } from "../tests/mirror/stand-in-dashboard";
import { databaseUrl } from "./db";
import { addUser, signIn } from "./users";

const BASE = `http://127.0.0.1:${toolConfig().E2E_PORT}`;

test("an admin follows a dashboard and reads its last sync: seen, new, failed with the reason", async ({ browser }) => {
  test.setTimeout(120_000);
  const runs = [1, 2, 3].map((i) =>
    patchTriageRun({ ...EXT4_SCENARIO, seed: 80_000 + i, start: new Date(Date.UTC(2026, 10, i)), description: `panel ${i}`, steps: 1 }),
  );
  const jobs = runs.map((run) => ({ id: randomUUID(), run }));
  const ns = `panel-${randomUUID().slice(0, 6)}`;
  const dash = new StandInDashboard(ns, jobs);
  // The third job's page is cut short: it fails, with its reason, and the others are stored.
  dash.pageBodies.set(jobs[2]!.id, `{"Job": {"ID": "${jobs[2]!.id}"`);
  await dash.start();
  const admin = await addUser("admin");
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] }, baseURL: BASE });
  const page = await context.newPage();
  try {
    await signIn(page, admin, "/admin");
    await page.goto("/admin");
    const panel = page.getByTestId("mirror-panel");
    await panel.getByLabel("Dashboard URL").fill("file:///etc/passwd");
    await panel.getByLabel("Namespace").fill(ns);
    await panel.getByRole("button", { name: "Follow" }).click();
    await expect(panel.getByRole("alert")).toContainText("a dashboard URL is http or https");
    // The stand-in dashboard is on loopback: refused, with its host named, until an admin allows it.
    const host = new URL(dash.base).host;
    await panel.getByLabel("Dashboard URL").fill(`${dash.base}/`);
    await panel.getByLabel("Namespace").fill(ns);
    await panel.getByRole("button", { name: "Follow" }).click();
    await expect(panel.getByRole("alert")).toContainText(`the dashboard ${host} is not on the outbound allow-list`);
    const outbound = page.getByTestId("outbound-panel");
    await outbound.getByLabel("Host and port").fill(host);
    await outbound.getByRole("button", { name: "Allow" }).click();
    await expect(outbound.getByTestId("outbound-entry").filter({ hasText: host })).toBeVisible();
    await panel.getByLabel("Dashboard URL").fill(`${dash.base}/`);
    await panel.getByLabel("Namespace").fill(ns);
    await panel.getByRole("button", { name: "Follow" }).click();
    await expect(panel.getByRole("status")).toContainText(`Following ${ns}`);
    const entry = panel.getByTestId("mirror-dashboard").filter({ hasText: ns });
    await expect(entry).toContainText(dash.base);
    await expect(entry.getByTestId("mirror-status")).toContainText("Last sync: never");

    // The same dashboard synced from a terminal (the schedule would do the same within a minute).
    const code = await new Promise<number | null>((resolve) => {
      const child = execFile("npm", ["run", "--silent", "mirror", "--", dash.base, "--namespace", ns, "--delay", "0"], {
        env: { ...process.env, DATABASE_URL: databaseUrl() },
      });
      child.on("exit", resolve);
    });
    expect(code).toBe(1); // one job failed
    await page.reload();
    const status = panel.getByTestId("mirror-dashboard").filter({ hasText: ns }).getByTestId("mirror-status");
    await expect(status).toContainText("3 seen, 2 new, 0 updated, 0 unchanged, 1 failed");
    await panel.getByText("1 failed jobs and why").click();
    await expect(panel).toContainText(jobs[2]!.id);
    await expect(panel).toContainText("the job page is not JSON");
    // Off the list again, so later tests see the list as they left it (Remove asks to confirm).
    page.once("dialog", (d) => void d.accept());
    await outbound.getByTestId("outbound-entry").filter({ hasText: host }).getByRole("button", { name: "Remove" }).click();
    await expect(outbound.getByTestId("outbound-entry").filter({ hasText: host })).toHaveCount(0);
  } finally {
    await context.close();
    await dash.close();
  }
});
