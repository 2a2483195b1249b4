// The one gate of every admin page action (users, agent keys, settings, prices): the request comes from this app's own
// page (lib/auth/csrf.ts), the caller is a signed-in admin, and an expected failure becomes a message on the form.
import "server-only";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { userWithRole } from "@/lib/auth/session";
import { actionWriteRefusal } from "@/lib/auth/csrf";
import { actorOf } from "@/lib/audit/log";
import { UserError } from "@/lib/auth/users";
import { HttpError } from "@/lib/http/errors";

/** `secret` is a password or key shown once. */
export type AdminResult = { ok: true; message: string; secret?: string } | { ok: false; reason: string };

/**
 * Runs `task` as the signed-in admin and refreshes /admin after it. Answers { ok: false, reason } for a write from
 * another origin, a caller who is not an admin (`forbidden` says what only admins may do), and a task's UserError,
 * HttpError or ZodError; anything else is thrown.
 */
export async function asAdmin(forbidden: string, task: (actor: ReturnType<typeof actorOf>) => Promise<AdminResult>): Promise<AdminResult> {
  const refusal = await actionWriteRefusal();
  if (refusal) return { ok: false, reason: `forbidden: ${refusal}` };
  const admin = await userWithRole("admin");
  if (!admin) return { ok: false, reason: `forbidden: ${forbidden}` };
  try {
    const result = await task(actorOf(admin));
    revalidatePath("/admin");
    return result;
  } catch (e) {
    if (e instanceof UserError || e instanceof HttpError) return { ok: false, reason: e.message };
    if (e instanceof z.ZodError)
      return { ok: false, reason: e.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ") };
    throw e;
  }
}
