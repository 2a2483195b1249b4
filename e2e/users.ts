// People for the end-to-end tests: added through `npm run user:add` (as an admin would) and signed in through the form.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { databaseUrl } from "./db";

export type TestRole = "viewer" | "operator" | "admin";

export interface TestUser {
  email: string;
  password: string;
  role: TestRole;
}

/** Where the setup project keeps the operator's session; every test starts signed in with it unless it says otherwise. */
export const OPERATOR_STATE = ".e2e-auth/operator.json";

/** `databaseUrl` defaults to the e2e server's database; fault tests run apps of their own. */
export async function addUser(role: TestRole, label: string = role, database = databaseUrl()): Promise<TestUser> {
  const email = `${label}-${randomUUID().slice(0, 8)}@e2e.test`;
  const password = `pw-${randomUUID()}`;
  const flags = role === "viewer" ? [] : [`--${role}`];
  const child = execFile("npm", ["run", "--silent", "user:add", "--", ...flags, "--password-stdin", email], {
    env: { ...process.env, DATABASE_URL: database },
  });
  child.stdin!.end(password);
  await new Promise<void>((resolve, reject) =>
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`user:add exited with ${code}`)))),
  );
  return { email, password, role };
}

export async function signIn(page: Page, user: TestUser, next = "/"): Promise<void> {
  await page.goto(`/sign-in?next=${encodeURIComponent(next)}`);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill(user.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The first sign-in of a fresh server also loads better-auth and checks a scrypt hash: slow on a busy machine.
  await expect(page.getByTestId("signed-in-as")).toContainText(user.email, { timeout: 30_000 });
}
