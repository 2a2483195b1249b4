"use client";
// Outbound requests: the host:port pairs the server and its built-in agent may send requests to (lib/outbound). An
// experiment or a rerun naming a model endpoint elsewhere is refused when it starts.
import { useActionState } from "react";
import { allowOutboundAction, disallowOutboundAction } from "@/lib/admin/outbound-actions";
import { ActionResult, SubmitButton, useAdminAction } from "./ActionResult";

export function OutboundPanel({ entries }: { entries: string[] }) {
  const [added, addAction, adding] = useActionState(allowOutboundAction, null);
  const { result, pending, run } = useAdminAction();
  return (
    <section className="space-y-3 rounded border border-slate-200 bg-white p-4" data-testid="outbound-panel">
      <h2 className="font-semibold">Outbound requests</h2>
      <p className="text-sm text-slate-600">
        Hosts and ports the server may send requests to: the model endpoints of experiments and reruns (
        <code>openai-compatible:&lt;model&gt;@&lt;url&gt;</code>). A name that resolves to a private or loopback address is refused unless
        that address is listed too (e.g. <code>127.0.0.1:11434</code> for a model server on this machine). The built-in providers (google,
        openai, anthropic) need no entry.
      </p>
      <form action={addAction} className="flex flex-wrap items-end gap-2" aria-label="Allow a host">
        <input
          name="entry"
          required
          placeholder="models.example.org:443"
          aria-label="Host and port"
          className="w-72 rounded border border-slate-300 px-2 py-1 font-mono text-sm"
        />
        <SubmitButton pending={adding}>Allow</SubmitButton>
      </form>
      <ActionResult result={added} />
      <ActionResult result={result} />
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500">None: only the built-in providers are reached.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {entries.map((e) => (
            <li key={e} className="flex items-center gap-2 py-1" data-testid="outbound-entry">
              <span className="font-mono text-xs">{e}</span>
              <button
                type="button"
                disabled={pending}
                className="ml-auto rounded border border-slate-300 bg-white px-2 py-0.5 text-xs text-red-700 hover:bg-slate-50"
                onClick={() => window.confirm(`Stop requests to ${e}?`) && run(() => disallowOutboundAction(e))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
