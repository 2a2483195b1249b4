"use client";
// Dashboards the mirror follows (lib/mirror): add one by its base URL and namespace, follow it on the schedule or not,
// and read what its last sync did — jobs seen, new, updated, unchanged, failed with the reasons.
import { useActionState } from "react";
import { addDashboardAction, removeDashboardAction, setDashboardAction } from "@/lib/admin/mirror-actions";
import type { MirroredDashboard } from "@/lib/mirror/dashboards";
import { ActionResult, SubmitButton, useAdminAction } from "./ActionResult";

const input = "rounded border border-slate-300 px-2 py-1 text-sm";
const small = "rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50";

function when(d: Date | null): string {
  return d ? `${d.toISOString().slice(0, 19).replace("T", " ")} UTC` : "never";
}

export function MirrorPanel({ dashboards, intervalMinutes }: { dashboards: MirroredDashboard[]; intervalMinutes: number }) {
  const [added, addAction, adding] = useActionState(addDashboardAction, null);
  const { result, pending, run } = useAdminAction();
  return (
    <section className="space-y-3 rounded border border-slate-200 bg-white p-4" data-testid="mirror-panel">
      <h2 className="font-semibold">Mirrored dashboards</h2>
      <p className="text-sm text-slate-600">
        Runs of a syzkaller dashboard&apos;s AI jobs, copied here every {intervalMinutes} minutes: new jobs and jobs that changed. These are
        the only hosts the mirror contacts; it reads what a signed-out reader sees, so errors the dashboard hides stay hidden. From a
        terminal: <code>npm run mirror -- &lt;URL&gt; --namespace &lt;ns&gt;</code>.
      </p>
      <form action={addAction} className="flex flex-wrap items-end gap-2" aria-label="Follow a dashboard">
        <input name="baseUrl" required placeholder="https://syzkaller.appspot.com" aria-label="Dashboard URL" className={`${input} w-72`} />
        <input name="namespace" required placeholder="upstream" aria-label="Namespace" className={`${input} w-40`} />
        <SubmitButton pending={adding}>Follow</SubmitButton>
      </form>
      <ActionResult result={added} />
      <ActionResult result={result} />
      {dashboards.length > 0 && (
        <ul className="divide-y divide-slate-100 text-sm">
          {dashboards.map((d) => (
            <li key={d.id} className="space-y-1 py-2" data-testid="mirror-dashboard">
              <div className="flex flex-wrap items-center gap-2">
                <span className="break-all font-mono text-xs">{d.baseUrl}</span>
                <span className="rounded bg-slate-100 px-1.5 text-xs">{d.namespace}</span>
                <label className="flex items-center gap-1 text-xs">
                  <input
                    type="checkbox"
                    checked={d.follow}
                    disabled={pending}
                    onChange={(e) => run(() => setDashboardAction(d.id, { follow: e.target.checked }))}
                  />
                  follow
                </label>
                <button
                  type="button"
                  className={small}
                  disabled={pending}
                  onClick={() => run(() => setDashboardAction(d.id, { syncNow: true }))}
                >
                  Sync now
                </button>
                <button
                  type="button"
                  className={`${small} text-red-700`}
                  disabled={pending}
                  onClick={() => window.confirm(`Stop mirroring ${d.baseUrl}? Its runs stay.`) && run(() => removeDashboardAction(d.id))}
                >
                  Remove
                </button>
              </div>
              <p className="text-xs text-slate-600" data-testid="mirror-status">
                Last sync: {when(d.lastSyncFinishedAt ?? d.lastSyncStartedAt)}
                {d.lastSyncStartedAt && (!d.lastSyncFinishedAt || d.lastSyncFinishedAt < d.lastSyncStartedAt) ? " (running)" : ""} ·{" "}
                {d.seen} seen, {d.created} new, {d.updated} updated, {d.unchanged} unchanged, {d.failed} failed · {d.requests} requests ·{" "}
                {d.stored} stored in all
              </p>
              {d.lastSyncError && (
                <p role="alert" className="text-xs text-red-700">
                  Stopped: {d.lastSyncError}
                </p>
              )}
              {d.failures.length > 0 && (
                <details className="text-xs">
                  <summary className="cursor-pointer text-red-700">{d.failures.length} failed jobs and why</summary>
                  <ul className="mt-1 space-y-0.5">
                    {d.failures.map((f) => (
                      <li key={f.id} className="break-all">
                        <span className="font-mono">{f.id}</span>: {f.reason}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
