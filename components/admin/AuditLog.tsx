// The audit log, newest first: when, who, what, to which run, user or agent key.
import Link from "next/link";
import { formatTime } from "@/lib/format";
import { AUDIT_PAGE_SIZE, type listAudit } from "@/lib/audit/log";
import { isJobId } from "@/lib/trajectory/job-id";

type Event = Awaited<ReturnType<typeof listAudit>>[number];

function Target({ event }: { event: Event }) {
  if ((event.action === "rerun" || event.action === "review") && isJobId(event.target)) {
    return (
      <Link href={`/jobs/${event.target}`} className="font-mono text-sky-700 hover:underline">
        {event.target.slice(0, 8)}
      </Link>
    );
  }
  return <span className="font-mono">{event.target}</span>;
}

function describe(event: Event): string {
  const d = (event.details ?? {}) as Record<string, unknown>;
  switch (event.action) {
    case "review":
      return `marked ${d.to === true ? "correct" : d.to === false ? "incorrect" : "unreviewed"}`;
    case "user.role":
      return `role ${String(d.from)} → ${String(d.to)}`;
    case "user.add":
    case "user.remove":
      return String(d.role ?? "");
    case "rerun":
      return typeof d.rerunId === "string" ? `queued ${d.rerunId.slice(0, 8)}` : "";
    case "setting":
      return `${event.target.replace("_", " ")} ${String(d.to)}`;
    case "agent_key.add":
      return d.rekeyed ? "re-keyed" : "new client";
    default:
      return "";
  }
}

export function AuditLog({ events }: { events: Event[] }) {
  const last = events.at(-1);
  return (
    <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Audit log</h2>
      <table className="w-full text-sm" data-testid="audit-log">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1">When (UTC)</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={String(e.id)} className="border-t border-slate-100">
              <td className="py-1 tabular-nums text-slate-600">{formatTime(e.at)}</td>
              <td>{e.actorLabel}</td>
              <td className="font-medium">{e.action}</td>
              <td>
                <Target event={e} />
              </td>
              <td className="text-slate-600">{describe(e)}</td>
            </tr>
          ))}
          {events.length === 0 && (
            <tr>
              <td colSpan={5} className="py-2 text-slate-500">
                Nothing yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
      {events.length === AUDIT_PAGE_SIZE && last && (
        <Link href={`/admin?before=${last.id}`} className="text-sm text-sky-700 hover:underline">
          Older →
        </Link>
      )}
    </section>
  );
}
