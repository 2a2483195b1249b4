// Password hashing a few at a time (lib/auth/password-turns.ts): a storm of sign-ins waits its turn instead of taking
// every libuv thread, and the hashes stay better-auth's own (what a stored password is checked against).
import { describe, expect, it } from "vitest";
import { hashPassword } from "better-auth/crypto";
import { passwordChecks, passwordHashing } from "@/lib/auth/password-turns";
import { markKnownSignIn, servingClient } from "@/lib/served-client";
import { PASSWORD_CHECKS_AT_ONCE, PASSWORD_CHECKS_KNOWN_ADDRESSES } from "@/lib/limits";

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
    expect(passwordChecks()).toMatchObject({ running: PASSWORD_CHECKS_AT_ONCE - 1, waiting: 11 - PASSWORD_CHECKS_AT_ONCE });
    const other = servingClient("10.0.0.2", () => passwordHashing.verify({ hash: stored, password: "correct horse battery" })).finally(() =>
      done.push("other"),
    );
    expect(passwordChecks()).toMatchObject({ running: PASSWORD_CHECKS_AT_ONCE, waiting: 11 - PASSWORD_CHECKS_AT_ONCE });
    expect(await other).toBe(true);
    expect(done.indexOf("other")).toBeLessThan(3);
    const results = await Promise.all(checks);
    expect(results.map((ok, i) => (ok ? i : -1)).filter((i) => i >= 0)).toEqual([3]);
    expect(passwordChecks()).toMatchObject({ running: 0, waiting: 0 });
    // What the admin form stores is checked by better-auth's own verify.
    const mine = await passwordHashing.hash("another password");
    expect(await passwordHashing.verify({ hash: mine, password: "another password" })).toBe(true);
  });

  it("checks a sign-in from an address its account used before in a lane of its own, beside a storm from many addresses", async () => {
    const stored = await hashPassword("correct horse battery");
    const done: string[] = [];
    // Twenty new addresses, one wrong sign-in each: sharing per address cannot help, each holds none.
    const storm = Array.from({ length: 20 }, (_, i) =>
      servingClient(`10.1.0.${i}`, () => passwordHashing.verify({ hash: stored, password: `wrong ${i}` })).finally(() =>
        done.push(`storm ${i}`),
      ),
    );
    expect(passwordChecks()).toMatchObject({ running: PASSWORD_CHECKS_AT_ONCE, waiting: 20 - PASSWORD_CHECKS_AT_ONCE });
    const known = servingClient("10.2.0.1", () => {
      markKnownSignIn();
      return passwordHashing.verify({ hash: stored, password: "correct horse battery" });
    }).finally(() => done.push("known"));
    expect(passwordChecks().known).toEqual({ running: PASSWORD_CHECKS_KNOWN_ADDRESSES, waiting: 0 });
    expect(await known).toBe(true);
    expect(done.indexOf("known")).toBeLessThan(2 * PASSWORD_CHECKS_AT_ONCE);
    expect((await Promise.all(storm)).every((ok) => !ok)).toBe(true);
  });
});
