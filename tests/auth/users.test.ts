// Integration: users, roles, reviews and the audit log on a real PostgreSQL.
import { afterAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { verifyPassword } from "better-auth/crypto";
import { db, disconnectDb } from "@/lib/db/client";
import { addUser, removeUser, resetPassword, setRole, UserError } from "@/lib/auth/users";
import { COMMAND_LINE } from "@/lib/audit/log";
import { reviewJob } from "@/lib/runs/review";
import { anonymousReadAllowed, setAnonymousRead } from "@/lib/auth/anonymous-read";
import { roleAtLeast } from "@/lib/auth/roles";
import { saveImportedRun } from "@/lib/ingest/save-run";
import { patchTriageRun } from "@/lib/demo/patch-triage";
import { findJobs } from "@/lib/history/list";
import { DEFAULT_QUERY } from "@/lib/history/query";

afterAll(disconnectDb);

const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@unit.test`;

describe("users", () => {
  it("stores a memory-hard (scrypt) hash, never the password, and audits the addition", async () => {
    const user = await addUser(
      db(),
      { email: email("Hash").toUpperCase(), role: "operator", password: "correct horse battery" },
      COMMAND_LINE,
    );
    expect(user.email).toBe(user.email.toLowerCase());
    const account = await db().account.findFirstOrThrow({ where: { userId: user.id } });
    expect(account.providerId).toBe("credential");
    expect(account.password).not.toContain("correct horse");
    expect(account.password).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/); // salt:scrypt key
    expect(await verifyPassword({ hash: account.password!, password: "correct horse battery" })).toBe(true);
    expect(await verifyPassword({ hash: account.password!, password: "wrong" })).toBe(false);
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.add", target: user.email } });
    expect(audit).toMatchObject({ actorId: null, actorLabel: "command line", details: { role: "operator" } });
  });

  it("refuses bad input by naming the field, and a second account for one email, writing nothing", async () => {
    const before = await db().user.count();
    await expect(addUser(db(), { email: "not-an-email", role: "viewer", password: "long enough pw" }, COMMAND_LINE)).rejects.toThrow(
      "email: not an email address",
    );
    await expect(addUser(db(), { email: email("short"), role: "viewer", password: "short" }, COMMAND_LINE)).rejects.toThrow(
      "password: at least 10 characters",
    );
    await expect(
      addUser(db(), { email: email("role"), role: "root" as "admin", password: "long enough pw" }, COMMAND_LINE),
    ).rejects.toThrow("role: one of viewer, operator, admin");
    const twice = email("twice");
    await addUser(db(), { email: twice, role: "viewer", password: "long enough pw" }, COMMAND_LINE);
    await expect(addUser(db(), { email: twice, role: "admin", password: "long enough pw" }, COMMAND_LINE)).rejects.toThrow(
      `a user ${twice} already exists`,
    );
    expect(await db().user.count()).toBe(before + 1);
  });

  it("never leaves nobody in charge: the last admin can be neither demoted nor removed", async () => {
    await db().user.updateMany({ where: { role: "admin" }, data: { role: "operator" } });
    const only = await addUser(db(), { email: email("only-admin"), role: "admin", password: "long enough pw" }, COMMAND_LINE);
    await expect(setRole(db(), only.id, "viewer", COMMAND_LINE)).rejects.toThrow(UserError);
    await expect(removeUser(db(), only.id, COMMAND_LINE)).rejects.toThrow("this is the last admin");
    const second = await addUser(db(), { email: email("second-admin"), role: "admin", password: "long enough pw" }, COMMAND_LINE);
    await setRole(db(), only.id, "viewer", COMMAND_LINE);
    expect((await db().user.findUniqueOrThrow({ where: { id: only.id } })).role).toBe("viewer");
    await expect(removeUser(db(), second.id, COMMAND_LINE)).rejects.toThrow("this is the last admin");
    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: "user.role", target: only.email } });
    expect(audit.details).toEqual({ from: "admin", to: "viewer" });
  });

  it("a password reset replaces the hash and ends the user's sessions", async () => {
    const user = await addUser(db(), { email: email("reset"), role: "viewer", password: "first password" }, COMMAND_LINE);
    await db().session.create({
      data: { id: randomUUID(), token: randomUUID(), userId: user.id, expiresAt: new Date(Date.now() + 3_600_000) },
    });
    await resetPassword(db(), user.id, "second password", COMMAND_LINE);
    const account = await db().account.findFirstOrThrow({ where: { userId: user.id } });
    expect(await verifyPassword({ hash: account.password!, password: "second password" })).toBe(true);
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("orders roles: viewer < operator < admin", () => {
    expect(roleAtLeast("viewer", "operator")).toBe(false);
    expect(roleAtLeast("operator", "operator")).toBe(true);
    expect(roleAtLeast("admin", "operator")).toBe(true);
    expect(roleAtLeast(null, "viewer")).toBe(false);
  });
});

describe("reviews", () => {
  it("keeps who marked a run and when, clears both with the mark, audits each change, and filters the history", async () => {
    const reviewer = await addUser(db(), { email: email("reviewer"), role: "operator", password: "long enough pw" }, COMMAND_LINE);
    const tag = `review${randomUUID().slice(0, 8)}`;
    const run = await saveImportedRun(
      patchTriageRun({
        seed: 9100,
        start: new Date(Date.UTC(2026, 7, 1)),
        description: `reviewed run ${tag}`,
        subsystem: "mm",
        files: ["mm/slub.c"],
        symbols: ["kmem_cache_alloc"],
        configs: ["SLUB"],
        worthFuzzing: true,
        needsKmsan: false,
        steps: 2,
      }),
    );
    const actor = { id: reviewer.id, label: reviewer.email };
    const marked = await reviewJob(db(), run.id, false, actor);
    expect(marked).toMatchObject({ correct: false, reviewedBy: reviewer.email });
    expect(marked!.reviewedAt).toBeInstanceOf(Date);
    const incorrect = await findJobs(db(), { ...DEFAULT_QUERY, q: tag, review: "incorrect" });
    expect(incorrect.jobs.map((j) => [j.id, j.correct])).toEqual([[run.id, false]]);
    expect((await findJobs(db(), { ...DEFAULT_QUERY, q: tag, review: "correct" })).jobs).toHaveLength(0);

    expect(await reviewJob(db(), run.id, null, actor)).toEqual({ correct: null, reviewedBy: null, reviewedAt: null });
    expect((await findJobs(db(), { ...DEFAULT_QUERY, q: tag, review: "unreviewed" })).jobs).toHaveLength(1);
    const audit = await db().auditEvent.findMany({ where: { action: "review", target: run.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => [a.actorLabel, a.details])).toEqual([
      [reviewer.email, { from: null, to: false }],
      [reviewer.email, { from: false, to: null }],
    ]);
    expect(await reviewJob(db(), "00000000-0000-4000-8000-000000000000", true, actor)).toBeNull();
  });
});

describe("anonymous read access", () => {
  it("follows an admin's choice, stored and audited, over the default", async () => {
    await setAnonymousRead(db(), false, COMMAND_LINE);
    expect(await anonymousReadAllowed(db())).toBe(false);
    await setAnonymousRead(db(), true, COMMAND_LINE);
    expect(await anonymousReadAllowed(db())).toBe(true);
    const audit = await db().auditEvent.findMany({ where: { action: "setting" }, orderBy: { id: "desc" }, take: 2 });
    expect(audit.map((a) => a.details)).toEqual([{ to: "on" }, { to: "off" }]);
  });
});
