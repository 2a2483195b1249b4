// The dashboards the mirror follows (mirror_dashboards): added, changed and removed by an admin (audited), named on
// the `npm run mirror` command line, and listed with their last sync for the admin page.
import "server-only";
import { z } from "zod";
import type { Db } from "@/lib/db/client";
import { recordAudit, type Actor } from "@/lib/audit/log";
import { MIRROR_MAX_DASHBOARDS } from "@/lib/limits";
import { HttpError } from "@/lib/http/errors";
import { checkOutboundUrl, type Resolver } from "@/lib/outbound/allow-list";
import { isNamespace, MirrorUrlError, normalizeBaseUrl } from "./url";

export const dashboardInputSchema = z.object({
  baseUrl: z.string().trim().min(1, "the dashboard's URL is missing").max(500),
  namespace: z.string().trim().refine(isNamespace, "a namespace is letters, digits, dots, dashes and underscores"),
  follow: z.boolean().default(true),
});

/**
 * Adds a dashboard (or finds it: same URL and namespace) and returns its id. Throws MirrorUrlError for a bad URL, and
 * for one whose host the outbound allow-list does not allow (lib/outbound's reason, naming host and port).
 */
export async function addDashboard(db: Db, input: z.input<typeof dashboardInputSchema>, actor: Actor, resolve?: Resolver): Promise<number> {
  const { baseUrl, namespace, follow } = dashboardInputSchema.parse(input);
  const base = normalizeBaseUrl(baseUrl);
  try {
    await checkOutboundUrl(db, base, "the dashboard", resolve);
  } catch (e) {
    if (e instanceof HttpError) throw new MirrorUrlError(e.message);
    throw e;
  }
  return db.$transaction(async (tx) => {
    const existing = await tx.mirrorDashboard.findUnique({ where: { baseUrl_namespace: { baseUrl: base, namespace } } });
    if (existing) {
      if (follow && !existing.follow) await tx.mirrorDashboard.update({ where: { id: existing.id }, data: { follow } });
      return existing.id;
    }
    if ((await tx.mirrorDashboard.count()) >= MIRROR_MAX_DASHBOARDS) {
      throw new MirrorUrlError(`at most ${MIRROR_MAX_DASHBOARDS} dashboards can be mirrored`);
    }
    const row = await tx.mirrorDashboard.create({ data: { baseUrl: base, namespace, follow } });
    await recordAudit(tx, actor, "mirror.dashboard", `${base} ${namespace}`, { added: true, follow });
    return row.id;
  });
}

/** Follows or stops following a dashboard on the schedule; `syncNow` makes the next tick sync it. */
export async function setDashboard(db: Db, id: number, change: { follow?: boolean; syncNow?: boolean }, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.mirrorDashboard.update({
      where: { id },
      data: { ...(change.follow === undefined ? {} : { follow: change.follow }), ...(change.syncNow ? { lastSyncStartedAt: null } : {}) },
    });
    await recordAudit(tx, actor, "mirror.dashboard", `${row.baseUrl} ${row.namespace}`, change);
  });
}

/** Removes a dashboard from the mirror; the runs it brought stay. */
export async function removeDashboard(db: Db, id: number, actor: Actor): Promise<void> {
  await db.$transaction(async (tx) => {
    const row = await tx.mirrorDashboard.delete({ where: { id } });
    await recordAudit(tx, actor, "mirror.dashboard", `${row.baseUrl} ${row.namespace}`, { removed: true });
  });
}

/** Every mirrored dashboard with its last sync and how many jobs it brought, for the admin page. */
export async function listDashboards(db: Db) {
  const rows = await db.mirrorDashboard.findMany({ orderBy: { id: "asc" }, include: { _count: { select: { jobs: true } } } });
  return rows.map(({ _count, failures, ...r }) => ({
    ...r,
    stored: _count.jobs,
    failures: z
      .array(z.object({ id: z.string(), reason: z.string() }))
      .catch([])
      .parse(failures),
  }));
}

export type MirroredDashboard = Awaited<ReturnType<typeof listDashboards>>[number];
