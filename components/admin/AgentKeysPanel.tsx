"use client";
// Agent clients: add one or re-key it (the key is shown once), remove one (its agents get 401 from then on).
import { useActionState } from "react";
import { addAgentKeyAction, removeAgentKeyAction } from "@/lib/admin/actions";
import { formatTime } from "@/lib/format";
import { ActionResult, SubmitButton, useAdminAction } from "./ActionResult";

export function AgentKeysPanel({ clients }: { clients: { name: string; createdAt: Date }[] }) {
  const [added, addAction, adding] = useActionState(addAgentKeyAction, null);
  const { result, pending, run } = useAdminAction();
  return (
    <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Agent keys</h2>
      <p className="text-sm text-slate-600">
        Agents send their client name and key with every request to <code>POST /api</code>. Keys are stored hashed.
      </p>
      <form action={addAction} className="flex items-end gap-2" aria-label="Add an agent key">
        <input
          name="name"
          required
          placeholder="client name"
          aria-label="Client name"
          className="rounded border border-slate-300 px-2 py-1 text-sm"
        />
        <SubmitButton pending={adding}>Add key</SubmitButton>
      </form>
      <ActionResult result={added} />
      <ActionResult result={result} />
      <ul className="divide-y divide-slate-100 text-sm">
        {clients.map((c) => (
          <li key={c.name} className="flex items-center gap-3 py-1.5" data-testid={`client-${c.name}`}>
            <span className="font-mono">{c.name}</span>
            <span className="text-slate-500">added {formatTime(c.createdAt)} UTC</span>
            <button
              type="button"
              disabled={pending}
              className="ml-auto rounded border border-slate-300 bg-white px-2 py-0.5 text-xs text-red-700 hover:bg-slate-50"
              onClick={() =>
                window.confirm(`Remove client ${c.name}? Its agents can no longer report.`) && run(() => removeAgentKeyAction(c.name))
              }
            >
              Remove
            </button>
          </li>
        ))}
        {clients.length === 0 && <li className="py-1.5 text-slate-500">No agent clients yet.</li>}
      </ul>
    </section>
  );
}
