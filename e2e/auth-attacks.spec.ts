// An attacker's review, replayed against the running app (issue 13): forged writes from a sibling origin, open
// redirects after sign-in, locking accounts out, better-auth's own profile writers, foreign Host headers and pages
// without a CSP. Each attack is made for real (Chromium or plain HTTP) and must fail and change nothing.
import { existsSync } from "node:fs";
import http from "node:http";
import { randomUUID } from "node:crypto";
import { expect, test, type Browser, type BrowserType, type Page } from "@playwright/test";
import { chromiumPath, toolConfig } from "@/lib/config";
import { freePort, startApp, type AppProcess } from "@/lib/load/app";
import { databaseUrl, withDb } from "./db";
import { importFile, triageTrajectory } from "./helpers";
import { addUser, signIn } from "./users";
import { rawRequest, signInOverHttp } from "./auth-http";

const PORT = toolConfig().E2E_PORT;
const BASE = `http://127.0.0.1:${PORT}`;
const NOBODY = { cookies: [], origins: [] };

/** A web server of the attacker's: each path answers its HTML, with Referrer-Policy no-referrer (so forms say `Origin: null`). */
async function attackerSite(pages: Record<string, string>): Promise<{ port: number; close(): Promise<void> }> {
  const port = await freePort();
  const server = http.createServer((req, res) => {
    const html = pages[new URL(req.url ?? "/", "http://x").pathname];
    res.writeHead(html ? 200 : 404, { "content-type": "text/html; charset=utf-8", "referrer-policy": "no-referrer" });
    res.end(html ?? "no such page");
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A form that posts itself as soon as the page loads (and a button, for browsers without script). */
function autoForm(action: string, enctype = "application/x-www-form-urlencoded", fields: Record<string, string> = {}): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name='${k.replace(/'/g, "&#39;")}' value='${v.replace(/'/g, "&#39;")}'>`)
    .join("");
  return `<!doctype html><title>win a prize</title><form method="post" action="${action}" enctype="${enctype}">${inputs}<button>Claim</button></form><script>document.forms[0].submit()</script>`;
}

/** A trajectory file a text/plain form can send: the body is `name=value`, so the JSON is split around one "=". */
function textPlainTrajectory(tag: string): Record<string, string> {
  const json = triageTrajectory(tag);
  const at = json.indexOf("reasoning ") + "reasoning".length;
  return { [json.slice(0, at)]: json.slice(at + 1) }; // the form joins them with "=": Reasoning is "reasoning=<tag>"
}

async function counts() {
  return withDb(async (c) => {
    const r = await c.query(
      `SELECT (SELECT count(*) FROM jobs)::int AS jobs, (SELECT count(*) FROM audit_events)::int AS audit, (SELECT count(*) FROM users)::int AS users`,
    );
    return r.rows[0] as { jobs: number; audit: number; users: number };
  });
}
const sessionsOf = async (email: string) =>
  (await withDb((c) => c.query("SELECT count(*)::int AS n FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1", [email])))
    .rows[0].n as number;

/** Opens `url` and returns the answer to the first POST the page then makes to `target`. */
async function postAnswer(page: Page, url: string, target: string, click = false) {
  const answer = page.waitForResponse((r) => r.url().startsWith(target) && r.request().method() === "POST");
  await page.goto(url);
  if (click) await page.getByRole("button", { name: "Claim" }).click();
  const response = await answer;
  const request = await response.request().allHeaders();
  // A form post's answer is the page now shown; a fetch's (no-cors) body is not readable at all.
  let body = "";
  if (response.request().isNavigationRequest()) {
    await page.waitForURL((u) => u.href.startsWith(target));
    body = await page.locator("body").innerText();
  }
  return { status: response.status(), body, request };
}

test("a page on a sibling origin (another port, no-referrer) cannot rerun, import or sign out in Chromium: 403, nothing changes", async ({
  browser,
  request,
}) => {
  const tag = `csrf-${randomUUID().slice(0, 8)}`;
  const run = await importFile(request, `${tag}.json`, triageTrajectory(tag));
  const victim = await addUser("operator", "victim");
  const context = await browser.newContext({ storageState: NOBODY, baseURL: BASE });
  const page = await context.newPage();
  await signIn(page, victim);
  const site = await attackerSite({
    "/rerun": autoForm(`${BASE}/api/jobs/${run.id}/rerun`),
    "/import": autoForm(`${BASE}/api/import?name=prize.json`, "text/plain", textPlainTrajectory(`${tag}-forged`)),
    "/sign-out": autoForm(`${BASE}/sign-out`),
    "/fetch": `<script>fetch(${JSON.stringify(`${BASE}/api/jobs/${run.id}/rerun`)}, { method: "POST", mode: "no-cors", credentials: "include" })</script>`,
  });
  try {
    const before = await counts();
    for (const path of ["/rerun", "/import", "/sign-out", "/fetch"]) {
      const target =
        path === "/import" ? `${BASE}/api/import` : path === "/sign-out" ? `${BASE}/sign-out` : `${BASE}/api/jobs/${run.id}/rerun`;
      const answer = await postAnswer(page, `http://127.0.0.1:${site.port}${path}`, target);
      expect(answer.status, path).toBe(403);
      // The form posts did carry the session cookie (same site: cookies do not tell ports apart) — the refusal is
      // ours. (Chromium reports no headers or body of the no-cors fetch to the test; its 403 and the counts speak.)
      if (path === "/fetch") continue;
      expect(answer.request.cookie ?? "", path).toContain("session_token");
      expect(answer.request["sec-fetch-site"], path).toBe("same-site");
      expect(answer.body, path).toContain("a write from another origin");
    }
    expect(await counts()).toEqual(before);
    const forged = await withDb((c) => c.query("SELECT count(*)::int AS n FROM jobs WHERE results::text LIKE $1", [`%${tag}-forged%`]));
    expect(forged.rows[0].n).toBe(0);
    expect(await sessionsOf(victim.email)).toBe(1);
    await page.goto(BASE);
    await expect(page.getByTestId("signed-in-as")).toContainText(victim.email);

    // The app's own plain sign-out form still works from its no-referrer page: Chromium says `Origin: null` there
    // too, with Sec-Fetch-Site same-origin.
    const own = page.waitForRequest((r) => r.url() === `${BASE}/sign-out`);
    await page.getByRole("button", { name: "Sign out" }).click();
    const sent = await (await own).allHeaders();
    expect(sent.origin).toBe("null");
    expect(sent["sec-fetch-site"]).toBe("same-origin");
    await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
    expect(await sessionsOf(victim.email)).toBe(0);
  } finally {
    await site.close();
    await context.close();
  }
});

test("without Sec-Fetch-Site, `Origin: null` writes need the session's form token: refused without it, done with it", async () => {
  const user = await addUser("operator", "token");
  const { cookie } = await signInOverHttp(BASE, user.email, user.password);
  expect(cookie).toContain("session_token");
  const page = await rawRequest(`${BASE}/`, { headers: { cookie } });
  const token = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? "";
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const other = await addUser("operator", "token-other");
  const otherCookie = (await signInOverHttp(BASE, other.email, other.password)).cookie;
  const otherToken =
    /name="csrf" value="([^"]+)"/.exec((await rawRequest(`${BASE}/`, { headers: { cookie: otherCookie } })).body)?.[1] ?? "";
  expect(otherToken).not.toBe(token);

  const signOut = (body: string) =>
    rawRequest(`${BASE}/sign-out`, {
      method: "POST",
      headers: { cookie, origin: "null", "content-type": "application/x-www-form-urlencoded" },
      body,
    });
  const before = await counts();
  for (const body of [
    "",
    "csrf=",
    `csrf=${otherToken}`,
    `csrf=${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`,
    `other=${token}`,
  ]) {
    const refused = await signOut(body);
    expect(refused.status, body).toBe(403);
    expect(refused.body, body).toContain("no valid form token");
  }
  const upload = await rawRequest(`${BASE}/api/import?name=x.json`, {
    method: "POST",
    headers: { cookie, origin: "null", "content-type": "text/plain" },
    body: triageTrajectory(`token-${randomUUID().slice(0, 6)}`),
  });
  expect(upload.status).toBe(403);
  expect(await counts()).toEqual(before);
  expect(await sessionsOf(user.email)).toBe(1);

  const done = await signOut(`csrf=${encodeURIComponent(token)}`);
  expect(done.status).toBe(303);
  expect(await sessionsOf(user.email)).toBe(0);
  // Scripts (no Origin, no Sec-Fetch-Site) are not browsers: nothing rides on a browser's cookies there.
  expect((await rawRequest(`${BASE}/sign-out`, { method: "POST", headers: { cookie: otherCookie } })).status).toBe(303);
});

test.describe("a second app process on the same database", () => {
  let app2: AppProcess;
  let port2 = 0;
  test.beforeAll(async () => {
    test.setTimeout(300_000);
    port2 = await freePort();
    // Served as http://app.e2e.test:<port> (Chromium maps the name to 127.0.0.1): a plain-HTTP host that is not
    // loopback by name, where browsers send no Sec-Fetch-* headers. It sits "behind a proxy" at 127.0.0.1.
    app2 = await startApp({
      port: port2,
      env: { DATABASE_URL: databaseUrl(), BETTER_AUTH_URL: `http://app.e2e.test:${port2}`, TRUSTED_PROXIES: "127.0.0.1" },
      args: ["--no-agent", "--no-demo"],
      timeoutMs: 240_000,
    });
  });
  test.afterAll(async () => {
    await app2?.stop();
  });

  async function mappedBrowser(browserType: BrowserType): Promise<Browser> {
    return browserType.launch({
      executablePath: chromiumPath(existsSync),
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--host-resolver-rules=MAP *.e2e.test 127.0.0.1",
      ],
    });
  }

  test("on a plain-HTTP host (no Sec-Fetch-Site), the sign-out form works by its token and a sibling port's forms are refused", async ({
    playwright,
    request,
  }) => {
    test.setTimeout(120_000);
    const APP = `http://app.e2e.test:${port2}`;
    const tag = `plain-${randomUUID().slice(0, 8)}`;
    const run = await importFile(request, `${tag}.json`, triageTrajectory(tag));
    const admin = await addUser("admin", "plain-admin");
    const browser = await mappedBrowser(playwright.chromium);
    const context = await browser.newContext();
    const page = await context.newPage();
    const site = await attackerSite({ "/rerun": autoForm(`${APP}/api/jobs/${run.id}/rerun`), "/sign-out": autoForm(`${APP}/sign-out`) });
    try {
      // Sign-in and the admin page's actions are posted by React with fetch, which sends the real Origin.
      await page.goto(`${APP}/sign-in`);
      await page.getByLabel("Email").fill(admin.email);
      await page.getByLabel("Password").fill(admin.password);
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByTestId("signed-in-as")).toContainText(admin.email, { timeout: 30_000 });
      const added = `plain-added-${randomUUID().slice(0, 8)}@e2e.test`;
      await page.goto(`${APP}/admin`);
      const form = page.getByRole("form", { name: "Add a user" });
      await form.getByLabel("Email").fill(added);
      await form.getByRole("button", { name: "Add user" }).click();
      await expect(page.getByTestId("secret").first()).toBeVisible();
      expect((await withDb((c) => c.query("SELECT count(*)::int AS n FROM users WHERE email = $1", [added]))).rows[0].n).toBe(1);

      // The attacker's page on another port of the same host: same site, so the browser sends the session cookie,
      // and from this plain-HTTP host no Sec-Fetch-Site: only the missing token gives it away.
      const before = await counts();
      for (const path of ["/rerun", "/sign-out"]) {
        const target = path === "/rerun" ? `${APP}/api/jobs/${run.id}/rerun` : `${APP}/sign-out`;
        const answer = await postAnswer(page, `http://app.e2e.test:${site.port}${path}`, target);
        expect(answer.request.cookie ?? "", path).toContain("session_token");
        expect(answer.request.origin, path).toBe("null");
        expect(answer.request["sec-fetch-site"], path).toBeUndefined();
        expect(answer.status, path).toBe(403);
        expect(answer.body, path).toContain("no valid form token");
      }
      expect(await counts()).toEqual(before);
      expect(await sessionsOf(admin.email)).toBe(1);

      // The app's own sign-out form: a plain post with `Origin: null` and no Sec-Fetch-Site, done by its token.
      await page.goto(APP);
      const own = page.waitForRequest((r) => r.url() === `${APP}/sign-out`);
      await page.getByRole("button", { name: "Sign out" }).click();
      const sent = await (await own).allHeaders();
      expect(sent.origin).toBe("null");
      expect(sent["sec-fetch-site"]).toBeUndefined();
      await expect(page.getByRole("link", { name: "Sign in" })).toBeVisible();
      expect(await sessionsOf(admin.email)).toBe(0);

      // DNS rebinding: a name that is not this app's reaches the app and gets 421, pages and APIs alike.
      for (const path of ["/", "/api/jobs"]) expect((await page.goto(`http://rebind.e2e.test:${PORT}${path}`))?.status(), path).toBe(421);
    } finally {
      await site.close();
      await browser.close();
    }
  });

  test("ten wrong passwords from an attacker's address do not lock the owner (an admin) out; the count is in PostgreSQL, shared by both processes", async ({
    browser,
  }) => {
    test.setTimeout(120_000);
    const owner = await addUser("admin", "owner");
    // The owner signs in from their usual address (this machine's 127.0.0.1) in Chromium.
    const first = await browser.newContext({ storageState: NOBODY, baseURL: BASE });
    await signIn(await first.newPage(), owner);
    await first.close();

    const attacker = "127.0.0.7";
    for (let i = 0; i < 10; i++) expect((await signInOverHttp(BASE, owner.email, `guess ${i}`, { from: attacker })).status).toBe(401);
    const locked = await signInOverHttp(BASE, owner.email, owner.password, { from: attacker });
    expect(locked.status).toBe(429);
    expect(locked.body).toMatch(/Too many sign-in attempts for this account from this address; try again in 1[45] minutes/);
    // Rotating x-forwarded-for changes nothing without TRUSTED_PROXIES: the connection's address is what counts.
    for (let i = 0; i < 5; i++) {
      const rotated = await signInOverHttp(BASE, owner.email, owner.password, {
        from: attacker,
        headers: { "x-forwarded-for": `203.0.113.${i + 10}` },
      });
      expect(rotated.status).toBe(429);
    }
    // The other app process reads the same count.
    expect((await signInOverHttp(app2.url, owner.email, owner.password, { from: attacker })).status).toBe(429);

    // The owner signs in as usual: in Chromium, and over HTTP, from their address.
    const again = await browser.newContext({ storageState: NOBODY, baseURL: BASE });
    await signIn(await again.newPage(), owner);
    await again.close();
    expect((await signInOverHttp(BASE, owner.email, owner.password)).status).toBe(200);

    // Behind a trusted proxy (the second process trusts 127.0.0.1), the client address comes from x-forwarded-for:
    // one client's refusal is not another's.
    const viaProxy = (client: string, password: string) =>
      signInOverHttp(app2.url, owner.email, password, { headers: { "x-forwarded-for": client } });
    for (let i = 0; i < 10; i++) expect((await viaProxy("203.0.113.50", `guess ${i}`)).status).toBe(401);
    expect((await viaProxy("203.0.113.50", owner.password)).status).toBe(429);
    expect((await viaProxy("203.0.113.51", owner.password)).status).toBe(200);
  });
});

test("a sign-in with an address longer than any email is 400 naming the cap, before anything is counted", async () => {
  // Random letters, which PostgreSQL cannot compress into the count's index row: that answered 500 (error 54000).
  const letters = Array.from({ length: 5000 }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join("");
  const res = await signInOverHttp(BASE, `${letters}@x.test`, "whatever password");
  expect(res.status).toBe(400);
  expect(res.body).toContain("email: longer than 254 characters");
  const counted = await withDb(
    async (c) =>
      (await c.query("SELECT count(*)::int AS n FROM sign_in_counts WHERE key LIKE $1", [`%${letters.slice(0, 50)}%`])).rows[0].n,
  );
  expect(counted).toBe(0);
});

test("better-auth's own writers are not served: a 2 MB name, a new email, a new password, a deleted user — 404, nothing changes", async () => {
  const user = await addUser("viewer", "profile");
  const { cookie } = await signInOverHttp(BASE, user.email, user.password);
  const stored = () =>
    withDb(
      async (c) =>
        (
          await c.query("SELECT u.name, u.email, a.password FROM users u JOIN accounts a ON a.user_id = u.id WHERE u.email = $1", [
            user.email,
          ])
        ).rows[0],
    );
  const before = await stored();
  const writes: [string, unknown][] = [
    ["update-user", { name: "x".repeat(2 * 1024 * 1024) }],
    ["update-user", { image: "javascript:alert(1)" }],
    ["change-email", { newEmail: "taken-over@evil.example" }],
    ["change-password", { currentPassword: user.password, newPassword: "short" }],
    ["delete-user", { password: user.password }],
    ["sign-up/email", { email: "self-made@evil.example", password: "long enough password", name: "me" }],
    ["revoke-sessions", {}],
    ["request-password-reset", { email: user.email }],
    ["update-session", {}],
  ];
  for (const [path, body] of writes) {
    const res = await rawRequest(`${BASE}/api/auth/${path}`, {
      method: "POST",
      headers: { cookie, origin: BASE, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(res.status, path).toBe(404);
    expect(res.body, path).toContain("not an endpoint of this app");
  }
  expect(await stored()).toEqual(before);
  expect(await sessionsOf(user.email)).toBe(1);
  expect((await withDb((c) => c.query("SELECT count(*)::int AS n FROM users WHERE email = 'self-made@evil.example'"))).rows[0].n).toBe(0);
  // What scripts use still works.
  const session = await rawRequest(`${BASE}/api/auth/get-session`, { headers: { cookie } });
  expect(session.status).toBe(200);
  expect(JSON.parse(session.body).user.email).toBe(user.email);
});

test("sign-in sends people only to a path of this site: tab, backslash, encoded, javascript: and absolute next are dropped", async ({
  browser,
}) => {
  const variants = [
    "/\t/evil.example",
    "/%09/evil.example",
    "/\\evil.example",
    "/%5C/evil.example",
    "\\/evil.example",
    "//evil.example/steal",
    "/.//evil.example",
    "///evil.example",
    "javascript:alert(document.domain)",
    "https://evil.example/steal",
    " /\n/evil.example",
  ];
  for (const next of variants) {
    const page = await rawRequest(`${BASE}/sign-in?next=${encodeURIComponent(next)}`, { headers: { cookie: "" } });
    const kept = /name="next" value="([^"]*)"/.exec(page.body)?.[1];
    expect(kept, JSON.stringify(next)).toBeDefined();
    expect(new URL(kept!.replace(/&amp;/g, "&"), BASE).host, JSON.stringify(next)).toBe(new URL(BASE).host);
  }
  // The reported one, in Chromium: after signing in the tab stays on this site.
  const viewer = await addUser("viewer", "redirect");
  const context = await browser.newContext({ storageState: NOBODY, baseURL: BASE });
  const page = await context.newPage();
  const left: string[] = [];
  page.on("request", (r) => {
    if (!r.url().startsWith(BASE)) left.push(r.url());
  });
  await page.goto(`/sign-in?next=${encodeURIComponent("/\t/evil.example")}`);
  await page.getByLabel("Email").fill(viewer.email);
  await page.getByLabel("Password").fill(viewer.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toContainText(viewer.email);
  expect(new URL(page.url()).host).toBe(new URL(BASE).host);
  expect(left).toEqual([]);
  // A path of this site is kept, query and fragment included.
  await page.goto(`/sign-in?next=${encodeURIComponent("/?q=redirect#top")}`);
  expect(await page.locator('input[name="next"]').inputValue()).toBe("/?q=redirect#top");
  await context.close();
});

test("a foreign Host gets 421 on pages and APIs; every HTML answer has the CSP, prefetches and RSC requests included", async () => {
  for (const path of [
    "/",
    "/api/jobs",
    "/sign-in",
    "/jobs/00000000-0000-4000-8000-000000000000",
    "/favicon.ico",
    "/api/import/x",
    "/api/x",
  ]) {
    const res = await rawRequest(`${BASE}${path}`, { headers: { host: `evil.example:${PORT}` } });
    expect(res.status, path).toBe(421);
    expect(JSON.parse(res.body).error, path).toContain("misdirected request");
    expect(res.headers["content-security-policy"], path).toContain("default-src 'none'");
  }
  // The two upload routes run outside proxy.ts (it would buffer their bodies) and check the Host themselves; the agent
  // protocol answers in plain text, as upstream's.
  const post = await rawRequest(`${BASE}/api/import`, { method: "POST", headers: { host: "rebind.evil.example" }, body: "[]" });
  expect(post.status).toBe(421);
  expect(JSON.parse(post.body).error).toContain("misdirected request");
  const agent = await rawRequest(`${BASE}/api`, { method: "POST", headers: { host: "rebind.evil.example" }, body: "" });
  expect(agent.status).toBe(421);
  expect(agent.body).toContain("misdirected request");
  // Their other methods too (Next's own 405 would answer any Host), and on this app's host a 405 that says why.
  for (const path of ["/api", "/api/import"])
    for (const method of ["GET", "OPTIONS", "DELETE"]) {
      expect((await rawRequest(`${BASE}${path}`, { method, headers: { host: "rebind.evil.example" } })).status, `${method} ${path}`).toBe(
        421,
      );
      const own = await rawRequest(`${BASE}${path}`, { method });
      expect(own.status, `${method} ${path}`).toBe(method === "OPTIONS" ? 204 : 405);
      expect(own.headers.allow, `${method} ${path}`).toMatch(/POST/);
    }
  // TRACE (which Next's Request cannot even be built for) gets 405, not a 500 with a stack trace in the log.
  for (const path of ["/", "/api", "/api/import"]) {
    const res = await rawRequest(`${BASE}${path}`, { method: "TRACE", headers: { host: "rebind.evil.example" } });
    expect(res.status, `TRACE ${path}`).toBe(405);
    expect(res.body).toBe("method TRACE not allowed: this app takes GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS\n");
  }
  // Any other path under /api answers JSON, not the site's HTML page.
  const missing = await rawRequest(`${BASE}/api/no-such-route`);
  expect(missing.status).toBe(404);
  expect(JSON.parse(missing.body)).toEqual({ error: "no API route GET /api/no-such-route", code: "NotFound" });
  for (const host of [`localhost:${PORT}`, `127.0.0.1:${PORT}`, `[::1]:${PORT}`])
    expect((await rawRequest(`${BASE}/`, { headers: { host } })).status, host).toBe(200);

  const pageCsp = /script-src 'self' 'nonce-[A-Za-z0-9+/]{20,}={0,2}' 'strict-dynamic'/;
  const kinds: Record<string, Record<string, string>> = {
    document: {},
    "Purpose: prefetch": { purpose: "prefetch" },
    "Sec-Purpose: prefetch": { "sec-purpose": "prefetch" },
    "Next-Router-Prefetch": { "next-router-prefetch": "1", rsc: "1" },
    RSC: { rsc: "1" },
  };
  for (const [kind, headers] of Object.entries(kinds)) {
    for (const path of ["/", "/sign-in", "/no-such-page"]) {
      const res = await rawRequest(`${BASE}${path}`, { headers });
      expect(res.headers["content-security-policy"] ?? "", `${kind} ${path}`).toMatch(pageCsp);
      expect(res.headers["content-security-policy"] ?? "", `${kind} ${path}`).toContain("frame-ancestors 'none'");
    }
  }
});
