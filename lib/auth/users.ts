// People who may sign in: adding them with a password, changing their role, resetting passwords, removing them — each audited.
import "server-only";
import { randomBytes, randomUUID } from "node:crypto";
import { passwordHashing } from "./password-turns";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { EMAIL_MAX_CHARS } from "@/lib/limits";
import { ROLES, type Role } from "./roles";
import { clearSignInCounts } from "./sign-in-limit";

/** Passwords: at least 10 characters (a guess must be long), at most 256 (scrypt's input stays small). */
export const PASSWORD_MIN_CHARS = 10;
export const PASSWORD_MAX_CHARS = 256;

/**
 * A user's profile fields, checked alike wherever they are written: the admin form, `npm run user:add`, and every
 * write better-auth makes itself (lib/auth/auth.ts checks its user rows with this). `image` is never set by this
 * app; should anything set it, only an http(s) URL of sensible length.
 */
export const profileSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .email("email: not an email address")
    .max(EMAIL_MAX_CHARS, `email: longer than ${EMAIL_MAX_CHARS} characters`),
  name: z.string().trim().max(100, "name: longer than 100 characters"),
  image: z
    .string()
    .max(2048, "image: longer than 2048 characters")
    .url("image: not a URL")
    .refine((v) => /^https?:\/\//i.test(v), "image: only an http(s) URL")
    .nullable(),
});

export const newUserSchema = profileSchema.pick({ email: true }).extend({
  name: profileSchema.shape.name.default(""),
  role: z.enum(ROLES, { message: `role: one of ${ROLES.join(", ")}` }),
  password: z
    .string()
    .min(PASSWORD_MIN_CHARS, `password: at least ${PASSWORD_MIN_CHARS} characters`)
    .max(PASSWORD_MAX_CHARS, `password: at most ${PASSWORD_MAX_CHARS} characters`),
});
export type NewUser = z.input<typeof newUserSchema>;

export class UserError extends Error {}

/** A password people can type and nobody guesses: 18 random bytes, base64url (24 characters). */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

export async function addUser(db: Db, input: NewUser, actor: Actor): Promise<{ id: string; email: string; role: Role }> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => i.message).join("; "));
  const { email, name, role, password } = parsed.data;
  // scrypt (N=16384, r=16: 32 MiB per hash), memory-hard, the same hash better-auth checks at sign-in.
  const hash = await passwordHashing.hash(password);
  return db.$transaction(async (tx) => {
    if (await tx.user.findUnique({ where: { email }, select: { id: true } })) throw new UserError(`a user ${email} already exists`);
    const id = randomUUID();
    await tx.user.create({ data: { id, email, name: name || email.split("@")[0]!, role, emailVerified: true } });
    await tx.account.create({ data: { id: randomUUID(), accountId: id, providerId: "credential", userId: id, password: hash } });
    await recordAudit(tx, actor, "user.add", email, { role });
    return { id, email, role };
  });
}

async function userOrThrow(tx: Pick<Db, "user">, id: string) {
  const user = await tx.user.findUnique({ where: { id } });
  if (!user) throw new UserError(`no user ${id}`);
  return user;
}

// Locks the admins' rows so two admins demoting each other at once cannot leave nobody in charge.
async function assertAnotherAdmin(tx: Db, exceptId: string): Promise<void> {
  const admins = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM users WHERE role = 'admin' FOR UPDATE`;
  if (!admins.some((a) => a.id !== exceptId)) throw new UserError("this is the last admin; make someone else admin first");
}

export async function setRole(db: Db, userId: string, role: Role, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await userOrThrow(tx, userId);
    if (user.role === role) return;
    if (user.role === "admin") await assertAnotherAdmin(tx as Db, userId);
    await tx.user.update({ where: { id: userId }, data: { role } });
    await recordAudit(tx, actor, "user.role", user.email, { from: user.role, to: role });
  });
}

/** Sets a new password and signs the user out everywhere. */
export async function resetPassword(db: Db, userId: string, password: string, actor: Actor): Promise<void> {
  const ok = newUserSchema.shape.password.safeParse(password);
  if (!ok.success) throw new UserError(ok.error.issues[0]!.message);
  const hash = await passwordHashing.hash(password);
  await db.$transaction(async (tx) => {
    const user = await userOrThrow(tx, userId);
    await tx.account.updateMany({ where: { userId, providerId: "credential" }, data: { password: hash } });
    await tx.session.deleteMany({ where: { userId } });
    // Whoever was kept out by the sign-in caps starts afresh with the new password.
    await clearSignInCounts(tx, user.email);
    await recordAudit(tx, actor, "user.password", user.email);
  });
}

export async function removeUser(db: Db, userId: string, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await userOrThrow(tx, userId);
    if (user.role === "admin") await assertAnotherAdmin(tx as Db, userId);
    await tx.user.delete({ where: { id: userId } });
    await tx.signInAddress.deleteMany({ where: { email: user.email } });
    await recordAudit(tx, actor, "user.remove", user.email, { role: user.role });
  });
}

export async function listUsers(db: Db) {
  return db.user.findMany({
    orderBy: [{ role: "desc" }, { email: "asc" }],
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      createdAt: true,
      sessions: { select: { updatedAt: true }, orderBy: { updatedAt: "desc" }, take: 1 },
    },
  });
}
