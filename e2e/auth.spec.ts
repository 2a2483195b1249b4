// Sign-in and roles over real HTTP and in Chromium: what anonymous people, viewers, operators and admins may do,
// checked on the server (a direct API call is refused as the button is), reviews, the admin page and the audit log.
import { toolConfig } from "@/lib/config";
import { randomUUID } from "node:crypto";
import { expect, test, type Browser } from "@playwright/test";
import { TestAgent } from "./agent-client";
import { withDb } from "./db";
import { importFile, triageTrajectory } from "./helpers";
import { addUser, signIn, type TestUser } from "./users";
import { signInOverHttp } from "./auth-http";

const BASE = `http://127.0.0.1:${toolConfig().E2E_PORT}`;
const NOBODY = { cookies: [], origins: [] };

async function counts() {
  return withDb(async (c) => {
    const r = await c.query(
      `SELECT (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM audit_events)::int AS audit,
              (SELECT count(*) FILTER (WHERE correct IS NOT NULL) FROM jobs)::int AS reviewed`,
    );
    return r.rows[0] as { jobs: number; audit: number; reviewed: number };
  });
}

async function contextAs(browser: Browser, user: TestUser | null) {
  const context = await browser.newContext({ storageState: NOBODY, baseURL: BASE });
  const page = await context.newPage();
  if (user) await signIn(page, user);
  return { context, page };
}

test("anonymous readers and viewers can read but not rerun, review or import; the server refuses direct calls", async ({
  browser,
  request,
}) => {
  const tag = `roles-${randomUUID().slice(0, 8)}`;
  const run = await importFile(request, `${tag}.json`, triageTrajectory(tag));
  const viewer = await addUser("viewer");

  for (const who of [null, viewer]) {
    const { context, page } = await contextAs(browser, who);
    await page.goto(`/jobs/${run.id}`);
    await expect(page.getByTestId("verdict")).toContainText(`reasoning ${tag}`);
    await expect(page.getByRole("button", { name: "Rerun triage" })).toBeDisabled();
    await expect(page.getByRole("group", { name: "Review" })).toHaveCount(0);

    const before = await counts();
    const status = who ? 403 : 401;
    const rerun = await page.request.post(`/api/jobs/${run.id}/rerun`);
    expect(rerun.status()).toBe(status);
    expect((await rerun.json()).error).toContain(who ? "needs the operator role" : "sign in first");
    const review = await page.request.put(`/api/jobs/${run.id}/review`, { data: { correct: true } });
    expect(review.status()).toBe(status);
    const upload = await page.request.post("/api/import", {
      multipart: { file: { name: "x.json", mimeType: "application/json", buffer: Buffer.from(triageTrajectory(`${tag}-again`)) } },
    });
    expect(upload.status()).toBe(status);
    expect(await counts()).toEqual(before);
    await context.close();
  }
});

test("an operator marks a run correct, the mark shows who and when, the history filters by it, and it is audited", async ({
  page,
  request,
}) => {
  const tag = `review-${randomUUID().slice(0, 8)}`;
  const run = await importFile(request, `${tag}.json`, triageTrajectory(tag));
  await page.goto(`/jobs/${run.id}`);
  const review = page.getByRole("group", { name: "Review" });
  await review.getByRole("button", { name: "Correct", exact: true }).click();
  await expect(page.getByTestId("review-by")).toContainText(/correct · operator-.*@e2e\.test · \d{4}-\d{2}-\d{2}/);
  await expect(review.getByRole("button", { name: "Correct", exact: true })).toHaveAttribute("aria-pressed", "true");

  const stored = await withDb((c) =>
    c.query(
      "SELECT j.correct, u.email, j.reviewed_at IS NOT NULL AS dated FROM jobs j JOIN users u ON u.id = j.reviewed_by_id WHERE j.id = $1",
      [run.id],
    ),
  );
  expect(stored.rows[0]).toMatchObject({ correct: true, dated: true });
  expect(stored.rows[0].email).toMatch(/^operator-/);

  await page.goto(`/?q=${tag}&review=correct`);
  await expect(page.getByRole("link", { name: /✓ correct/ })).toHaveCount(1);
  await page.goto(`/?q=${tag}&review=incorrect`);
  await expect(page.getByText("No runs match")).toBeVisible();

  // Bad input is a 400 naming the field, and changes nothing.
  const bad = await page.request.put(`/api/jobs/${run.id}/review`, { data: { correct: "yes" } });
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toContain("correct:");

  await page.goto(`/jobs/${run.id}`);
  await page.getByRole("group", { name: "Review" }).getByRole("button", { name: "Correct", exact: true }).click(); // a second click clears
  await expect(page.getByTestId("review-by")).toHaveCount(0);
  const audit = await withDb((c) =>
    c.query("SELECT action, details FROM audit_events WHERE target = $1 AND action = 'review' ORDER BY id", [run.id]),
  );
  expect(audit.rows).toEqual([
    { action: "review", details: { from: null, to: true } },
    { action: "review", details: { from: true, to: null } },
  ]);
});

test("an admin adds a user, changes roles, issues and removes an agent key, and turns anonymous reading off", async ({ browser }) => {
  test.setTimeout(120_000);
  const admin = await addUser("admin");
  const { context, page } = await contextAs(browser, admin);
  await page.goto("/admin");

  // A new user: the generated password is shown once and works.
  const email = `new-${randomUUID().slice(0, 8)}@e2e.test`;
  const users = page.getByRole("form", { name: "Add a user" });
  await users.getByLabel("Email").fill(email);
  await users.getByLabel("Role").selectOption("viewer");
  await users.getByRole("button", { name: "Add user" }).click();
  const password = (await page.getByTestId("secret").first().textContent())!.trim();
  expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  await page.getByLabel(`Role of ${email}`).selectOption("operator");
  await expect(page.getByRole("status").filter({ hasText: "Role set to operator" })).toBeVisible();
  const newcomer = await contextAs(browser, { email, password, role: "operator" });
  await newcomer.page.goto("/");
  await expect(newcomer.page.getByTestId("signed-in-as")).toContainText("operator");
  await newcomer.context.close();

  // An agent key from the admin page speaks the protocol; once removed, it is refused.
  const client = `admin-made-${randomUUID().slice(0, 6)}`;
  await page.getByLabel("Client name").fill(client);
  await page.getByRole("button", { name: "Add key" }).click();
  await expect(page.getByText(`Key for client "${client}"`)).toBeVisible();
  const key = (await page.getByTestId("secret").last().textContent())!.trim();
  const agent = new TestAgent(BASE, client, key);
  expect(
    (await agent.call("ai_job_poll", { AgentName: client, CodeRevision: "r", Workflows: [{ Type: "nothing-here", Name: "nothing-here" }] }))
      .status,
  ).toBe(200);
  page.once("dialog", (d) => void d.accept());
  await page.getByTestId(`client-${client}`).getByRole("button", { name: "Remove" }).click();
  await expect(page.getByTestId(`client-${client}`)).toHaveCount(0);
  const refused = await agent.call("ai_job_poll", { AgentName: client, CodeRevision: "r", Workflows: [] });
  expect(refused.status).toBe(401);

  // Anonymous reading off: pages send people to sign in, APIs answer 401, agents still read with their key.
  const reader = await TestAgent.create(BASE, `reader-${randomUUID().slice(0, 6)}`);
  await page.getByLabel(/Anonymous read access/).uncheck();
  await expect(page.getByRole("status").filter({ hasText: "Only signed-in people" })).toBeVisible();
  const anonymous = await contextAs(browser, null);
  try {
    await expect
      .poll(async () => (await anonymous.page.request.get("/api/jobs", { maxRedirects: 0 })).status(), { timeout: 10_000 })
      .toBe(401);
    await anonymous.page.goto("/");
    await expect(anonymous.page).toHaveURL(/\/sign-in\?next=/);
    const job = (await (await page.request.get("/api/jobs?size=25")).json()).jobs[0].id as string;
    const asAgent = await anonymous.page.request.get(`/api/jobs/${job}`, {
      headers: { "x-agent-client": reader.client, "x-agent-key": reader.key },
    });
    expect(asAgent.status()).toBe(200);
    const wrongKey = await anonymous.page.request.get(`/api/jobs/${job}`, {
      headers: { "x-agent-client": reader.client, "x-agent-key": "nope" },
    });
    expect(wrongKey.status()).toBe(401);
  } finally {
    await page.getByLabel(/Anonymous read access/).check();
    await expect(page.getByRole("status").filter({ hasText: "Anyone who can reach" })).toBeVisible();
  }
  await expect.poll(async () => (await anonymous.page.request.get("/api/jobs")).status(), { timeout: 10_000 }).toBe(200);
  await anonymous.context.close();

  // Everything above is in the audit log, with who did it.
  await page.goto("/admin");
  const log = page.getByTestId("audit-log");
  for (const [action, target] of [
    ["user.add", email],
    ["user.role", email],
    ["agent_key.add", client],
    ["agent_key.remove", client],
    ["setting", "anonymous_read"],
  ]) {
    await expect(
      log.getByRole("row").filter({ hasText: action }).filter({ hasText: target! }).filter({ hasText: admin.email }).first(),
    ).toBeVisible();
  }
  await context.close();
});

test("a viewer who opens the admin page is told it is for admins and gets no controls", async ({ browser }) => {
  const viewer = await addUser("viewer");
  const { context, page } = await contextAs(browser, viewer);
  await page.goto("/admin");
  await expect(page.getByRole("alert").filter({ hasText: "Only admins" })).toContainText(
    `Only admins manage users and agent keys. You are signed in as ${viewer.email} (viewer).`,
  );
  await expect(page.getByRole("form", { name: "Add a user" })).toHaveCount(0);
  await context.close();
});

test("sign-in says when the email or password is wrong, and never redirects off the site", async ({ browser }) => {
  const viewer = await addUser("viewer");
  const { context, page } = await contextAs(browser, null);
  await page.goto("/sign-in?next=//evil.example/steal");
  await page.getByLabel("Email").fill(viewer.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Wrong" })).toHaveText("Wrong email or password");
  await page.getByLabel("Password").fill(viewer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(viewer.email);
  expect(new URL(page.url()).host).toBe(new URL(BASE).host);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  await context.close();
});

test("sign-in attempts at an account from an address it never signed in from are capped, over the HTTP endpoint and the form alike; signing in clears the count", async ({
  browser,
}) => {
  test.setTimeout(120_000);
  const capped = await addUser("viewer", "capped");
  const other = await addUser("viewer", "uncapped");
  const attempt = async (user: TestUser, password: string, from?: string) =>
    (await signInOverHttp(BASE, user.email, password, { from })).status;

  // A person who mistyped nine times and then got it right starts afresh.
  for (let i = 0; i < 9; i++) expect(await attempt(other, "not the password")).toBe(401);
  expect(await attempt(other, other.password)).toBe(200);
  for (let i = 0; i < 9; i++) expect(await attempt(other, "not the password")).toBe(401);
  expect(await attempt(other, other.password)).toBe(200);

  // Ten attempts spend the count of (account, address): the eleventh is refused even with the right password.
  for (let i = 0; i < 10; i++) expect(await attempt(capped, `guess ${i}`)).toBe(401);
  const refused = await signInOverHttp(BASE, capped.email, capped.password);
  expect(refused.status).toBe(429);
  expect(refused.body).toMatch(/Too many sign-in attempts for this account from this address; try again in 1[45] minutes/);
  expect(Number(refused.retryAfter)).toBeGreaterThan(780);
  const { context, page } = await contextAs(browser, null);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(capped.email.toUpperCase());
  await page.getByLabel("Password").fill(capped.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Too many" })).toHaveText(
    /^Too many sign-in attempts for this account from this address; try again in 1[45] minutes$/,
  );
  await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
  const sessions = await withDb((c) =>
    c.query("SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1", [capped.email]),
  );
  expect(sessions.rows[0].n).toBe(0);
  // The count is that address's: the same account from another address, and other accounts, are not held up.
  expect(await attempt(capped, capped.password, "127.0.0.4")).toBe(200);
  await signIn(page, other);
  await context.close();
});

test("sign-in attempts from one address are capped over all accounts; other addresses are not held up", async () => {
  test.setTimeout(120_000);
  // Other connections' addresses on this machine: the app counts the connection's address, not a header.
  const attempt = async (from: string, email: string) => signInOverHttp(BASE, email, "Winter2026!", { from });
  for (let i = 0; i < 100; i++) expect((await attempt("127.0.0.5", `sprayed-${i}-${randomUUID().slice(0, 6)}@e2e.test`)).status).toBe(401);
  const refused = await attempt("127.0.0.5", "one-more@e2e.test");
  expect(refused.status).toBe(429);
  expect(refused.body).toMatch(/Too many sign-in attempts from this address; try again in \d+ minutes/);
  expect(Number(refused.retryAfter)).toBeLessThanOrEqual(15 * 60);
  expect((await attempt("127.0.0.6", "one-more@e2e.test")).status).toBe(401);
});
