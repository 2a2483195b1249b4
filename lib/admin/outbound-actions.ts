"use server";
// The admin page's actions on the outbound allow-list (lib/outbound): allow a host:port, remove one. Each checks the
// admin role on the server and is audited.
import { asFormData } from "@/lib/http/form-data";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { allowOutbound, disallowOutbound } from "@/lib/outbound/allow-list";
import { asAdmin as gate, type AdminResult } from "./as-admin";

const asAdmin = (task: Parameters<typeof gate>[1]) => gate("only admins change where the server may send requests", task);

export async function allowOutboundAction(_prev: AdminResult | null, form: FormData): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const fields = asFormData(form);
    const entry = await allowOutbound(
      db(),
      z
        .string()
        .max(300)
        .parse(String(fields.get("entry") ?? "")),
      actor,
    );
    return { ok: true, message: `The server may now send requests to ${entry.host}:${entry.port}` };
  });
}

export async function disallowOutboundAction(entry: string): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const removed = await disallowOutbound(db(), z.string().max(300).parse(entry), actor);
    return removed ? { ok: true, message: `Removed ${entry}` } : { ok: false, reason: `${entry} was not on the list` };
  });
}
