// Profile fields are checked with one schema wherever they are written: the admin form's addUser, and every user row
// better-auth writes itself (its HTTP writers are off; this calls its server API, which those endpoints run).
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { getAuth } from "@/lib/auth/auth";
import { addUser } from "@/lib/auth/users";
import { COMMAND_LINE } from "@/lib/audit/log";

afterAll(disconnectDb);

async function signedIn() {
  const email = `profile-${randomUUID().slice(0, 8)}@unit.test`;
  const password = "long enough password";
  await addUser(db(), { email, name: "Before", role: "viewer", password }, COMMAND_LINE);
  const auth = await getAuth();
  const { headers } = await auth.api.signInEmail({ body: { email, password }, headers: new Headers(), returnHeaders: true });
  const cookie = headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { auth, email, cookie };
}

describe("profile writes", () => {
  it("better-auth's user update refuses what the admin form refuses, naming the field, and stores nothing", async () => {
    const { auth, email, cookie } = await signedIn();
    const update = (body: Record<string, unknown>) => auth.api.updateUser({ body, headers: new Headers({ cookie }) });
    await expect(update({ name: "x".repeat(2 * 1024 * 1024) })).rejects.toThrow("name: longer than 100 characters");
    await expect(update({ image: "javascript:alert(1)" })).rejects.toThrow("image: only an http(s) URL");
    await expect(update({ image: `https://example.org/${"a".repeat(3000)}` })).rejects.toThrow("image: longer than 2048 characters");
    expect(await db().user.findUniqueOrThrow({ where: { email }, select: { name: true, image: true } })).toEqual({
      name: "Before",
      image: null,
    });
    // Within the rules it goes through (the check is not a blanket refusal).
    await update({ name: "After" });
    expect((await db().user.findUniqueOrThrow({ where: { email } })).name).toBe("After");
  });

  it("the admin form's add refuses the same name", async () => {
    await expect(
      addUser(
        db(),
        { email: `long-${randomUUID().slice(0, 8)}@unit.test`, name: "x".repeat(101), role: "viewer", password: "long enough password" },
        COMMAND_LINE,
      ),
    ).rejects.toThrow("name: longer than 100 characters");
  });
});
