"use server";
// The admin page's actions on the model price table: add or replace a price, remove one. Each checks the admin role on
// the server and is audited (lib/costs/prices.ts).
import { asFormData } from "@/lib/http/form-data";
import { z } from "zod";
import { db } from "@/lib/db/client";
import { priceInputSchema, removePrice, setPrice } from "@/lib/costs/prices";
import { asAdmin as gate, type AdminResult } from "./as-admin";

const asAdmin = (task: Parameters<typeof gate>[1]) => gate("only admins change prices", task);

export async function setPriceAction(_prev: AdminResult | null, form: FormData): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const fields = asFormData(form);
    const parsed = priceInputSchema.safeParse(
      Object.fromEntries(
        ["model", "inputPerMtok", "outputPerMtok", "thinkingPerMtok", "effectiveFrom", "source"].map((k) => [
          k,
          fields.get(k) ?? undefined,
        ]),
      ),
    );
    if (!parsed.success)
      return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ") };
    const { runs } = await setPrice(db(), parsed.data, actor);
    return {
      ok: true,
      message: `Price of ${parsed.data.model} from ${parsed.data.effectiveFrom} saved; the cost of ${runs} runs was recomputed`,
    };
  });
}

export async function removePriceAction(id: number): Promise<AdminResult> {
  return asAdmin(async (actor) => {
    const { runs } = await removePrice(db(), z.number().int().positive().parse(id), actor);
    return { ok: true, message: `Price removed; the cost of ${runs} runs was recomputed` };
  });
}
