// Password hashing a few at a time (lib/auth/password-turns.ts): a storm of sign-ins waits its turn instead of taking
// every libuv thread, and the hashes stay better-auth's own (what a stored password is checked against).
import { describe, expect, it } from "vitest";
import { hashPassword } from "better-auth/crypto";
import { passwordChecks, passwordHashing } from "@/lib/auth/password-turns";
import { servingClient } from "@/lib/auth/client-address";
import { PASSWORD_CHECKS_AT_ONCE } from "@/lib/limits";

describe("password hashing", () => {
  it("runs PASSWORD_CHECKS_AT_ONCE hashes at once, shared between addresses, the rest in turn, with better-auth's format", async () => {
    const stored = await hashPassword("correct horse battery");
    const done: string[] = [];
    // One address's storm holds all turns but one; another address's check starts at once beside it.
    const checks = Array.from({ length: 10 }, (_, i) =>
      servingClient("10.0.0.1", () =>
        passwordHashing.verify({ hash: stored, password: i === 3 ? "correct horse battery" : `wrong ${i}` }),
      ).finally(() => done.push(`storm ${i}`)),
    );
    expect(passwordChecks()).toEqual({ running: PASSWORD_CHECKS_AT_ONCE - 1, waiting: 11 - PASSWORD_CHECKS_AT_ONCE });
    const other = servingClient("10.0.0.2", () => passwordHashing.verify({ hash: stored, password: "correct horse battery" })).finally(() =>
      done.push("other"),
    );
    expect(passwordChecks()).toEqual({ running: PASSWORD_CHECKS_AT_ONCE, waiting: 11 - PASSWORD_CHECKS_AT_ONCE });
    expect(await other).toBe(true);
    expect(done.indexOf("other")).toBeLessThan(3);
    const results = await Promise.all(checks);
    expect(results.map((ok, i) => (ok ? i : -1)).filter((i) => i >= 0)).toEqual([3]);
    expect(passwordChecks()).toEqual({ running: 0, waiting: 0 });
    // What the admin form stores is checked by better-auth's own verify.
    const mine = await passwordHashing.hash("another password");
    expect(await passwordHashing.verify({ hash: mine, password: "another password" })).toBe(true);
  });
});
