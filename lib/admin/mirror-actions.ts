"use server";
// The admin page's actions on mirrored dashboards (lib/mirror/dashboards.ts): add one, follow or not, sync at the next
// tick, remove. Each checks the admin role on the server and is audited.
import { asFormData } from "@/lib/http/form-data";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { addDashboard, removeDashboard, setDashboard } from "@/lib/mirror/dashboards";
import { MirrorUrlError } from "@/lib/mirror/url";
import { asAdmin as gate, type AdminResult } from "./as-admin";

const asAdmin = (task: Parameters<typeof gate>[1]) => gate("only admins choose the dashboards to mirror", task);
const idSchema = z.number().int().positive();

export async function addDashboardAction(_prev: AdminResult | null, form: FormData): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const fields = asFormData(form);
    const baseUrl = String(fields.get("baseUrl") ?? "");
    const namespace = String(fields.get("namespace") ?? "");
    try {
      await addDashboard(db(), { baseUrl, namespace, follow: true }, actor);
    } catch (e) {
      if (e instanceof MirrorUrlError) return { ok: false, reason: e.message };
      throw e;
    }
    return { ok: true, message: `Following ${namespace} on ${baseUrl}: its first sync starts within a minute` };
  });
}

export async function setDashboardAction(id: number, change: { follow?: boolean; syncNow?: boolean }): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const parsed = z.object({ follow: z.boolean().optional(), syncNow: z.boolean().optional() }).parse(change);
    await setDashboard(db(), idSchema.parse(id), parsed, actor);
    return {
      ok: true,
      message: parsed.syncNow ? "It syncs at the next tick (within a minute)" : parsed.follow ? "Followed" : "No longer followed",
    };
  });
}

export async function removeDashboardAction(id: number): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    await removeDashboard(db(), idSchema.parse(id), actor);
    return { ok: true, message: "Removed from the mirror; the runs it brought stay" };
  });
}
