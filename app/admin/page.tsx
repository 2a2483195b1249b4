// /admin: users, agent keys and the audit log — admins only.
import Link from "next/link";
import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { requireReader } from "@/lib/auth/session";
import { listUsers } from "@/lib/auth/users";
import { listAgentClients } from "@/lib/agents/keys-admin";
import { listAudit } from "@/lib/audit/log";
import { UsersPanel } from "@/components/admin/UsersPanel";
import { AgentKeysPanel } from "@/components/admin/AgentKeysPanel";
import { AuditLog } from "@/components/admin/AuditLog";
import { SettingsPanel } from "@/components/admin/SettingsPanel";
import { anonymousReadAllowed } from "@/lib/auth/anonymous-read";
import { listPrices } from "@/lib/costs/prices";
import { PricesPanel } from "@/components/admin/PricesPanel";
import { OutboundPanel } from "@/components/admin/OutboundPanel";
import { listOutboundAllowed, outboundEntryText } from "@/lib/outbound/allow-list";
import { MirrorPanel } from "@/components/admin/MirrorPanel";
import { listDashboards } from "@/lib/mirror/dashboards";
import { appConfig } from "@/lib/config";

export default async function AdminPage({ searchParams }: { searchParams: Promise<{ before?: string }> }) {
  await connection();
  const user = await requireReader("/admin");
  if (user?.role !== "admin") {
    return (
      <p role="alert" className="rounded border border-amber-300 bg-amber-50 p-4 text-sm">
        Only admins manage users and agent keys.{" "}
        {user ? (
          `You are signed in as ${user.email} (${user.role}).`
        ) : (
          <Link href="/sign-in?next=/admin" className="text-sky-700 underline">
            Sign in
          </Link>
        )}
      </p>
    );
  }
  const { before } = await searchParams;
  const beforeId = before && /^\d{1,18}$/.test(before) ? BigInt(before) : undefined;
  const [users, clients, events, anonymousRead, prices, outbound, dashboards] = await Promise.all([
    listUsers(db()),
    listAgentClients(db()),
    listAudit(db(), { before: beforeId }),
    anonymousReadAllowed(db()),
    listPrices(db()),
    listOutboundAllowed(db()),
    listDashboards(db()),
  ]);
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Admin</h1>
      <UsersPanel
        me={user.id}
        users={users.map((u) => ({
          id: u.id,
          email: u.email,
          name: u.name,
          role: u.role,
          createdAt: u.createdAt,
          lastActive: u.sessions[0]?.updatedAt ?? null,
        }))}
      />
      <AgentKeysPanel clients={clients} />
      <SettingsPanel anonymousRead={anonymousRead} />
      <PricesPanel prices={prices} />
      <OutboundPanel entries={outbound.map(outboundEntryText)} />
      <MirrorPanel dashboards={dashboards} intervalMinutes={appConfig().MIRROR_INTERVAL_MINUTES} />
      <AuditLog events={events} />
    </div>
  );
}
