"use server";
// The admin page's actions: users and agent keys. Each checks the admin role on the server and is audited.
import { asFormData } from "@/lib/http/form-data";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { asAdmin as gate, type AdminResult } from "./as-admin";
import { addUser, generatePassword, removeUser, resetPassword, setRole } from "@/lib/auth/users";
import { ROLES } from "@/lib/auth/roles";
import { addAgentKey, removeAgentKey } from "@/lib/agents/keys-admin";
import { CLIENT_NAME_RE } from "@/lib/agents/keys";
import { setAnonymousRead } from "@/lib/auth/anonymous-read";

const asAdmin = (task: Parameters<typeof gate>[1]) => gate("only admins manage users and agent keys", task);

const userId = z.string().min(1).max(100);

export async function addUserAction(_prev: AdminResult | null, form: FormData): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const fields = asFormData(form);
    const password = generatePassword();
    const role = z.enum(ROLES).catch("viewer").parse(fields.get("role"));
    const user = await addUser(
      db(),
      { email: String(fields.get("email") ?? ""), name: String(fields.get("name") ?? ""), role, password },
      actor,
    );
    return { ok: true, message: `Added ${user.email} as ${user.role}. Their password (shown once):`, secret: password };
  });
}

export async function setRoleAction(id: string, role: string): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const parsed = z.object({ id: userId, role: z.enum(ROLES) }).safeParse({ id, role });
    if (!parsed.success) return { ok: false, reason: `role: one of ${ROLES.join(", ")}` };
    await setRole(db(), parsed.data.id, parsed.data.role, actor);
    return { ok: true, message: `Role set to ${parsed.data.role}` };
  });
}

export async function resetPasswordAction(id: string): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const password = generatePassword();
    await resetPassword(db(), userId.parse(id), password, actor);
    return { ok: true, message: "New password (shown once; their sessions were ended):", secret: password };
  });
}

export async function removeUserAction(id: string): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    await removeUser(db(), userId.parse(id), actor);
    return { ok: true, message: "Removed" };
  });
}

export async function addAgentKeyAction(_prev: AdminResult | null, form: FormData): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const fields = asFormData(form);
    const name = String(fields.get("name") ?? "").trim();
    if (!CLIENT_NAME_RE.test(name)) return { ok: false, reason: "name: 1-100 letters, digits, '.', '_' or '-'" };
    const key = await addAgentKey(db(), name, actor);
    return { ok: true, message: `Key for client "${name}" (shown once; an older key of this client no longer works):`, secret: key };
  });
}

export async function removeAgentKeyAction(name: string): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const removed = await removeAgentKey(db(), String(name).slice(0, 100), actor);
    return removed ? { ok: true, message: `Removed client "${name}"` } : { ok: false, reason: `no client "${name}"` };
  });
}

export async function setAnonymousReadAction(allowed: boolean): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    await setAnonymousRead(db(), z.boolean().parse(allowed), actor);
    return { ok: true, message: allowed ? "Anyone who can reach the app may now read runs" : "Only signed-in people may read runs now" };
  });
}
