"use client";
// The answer of an admin action: an error, or a confirmation with a password or key shown once.
import { useState, useTransition } from "react";
import { CopyButton } from "@/components/run/CopyButton";
import type { AdminResult } from "@/lib/admin/as-admin";
import { useHydrated } from "@/components/auth/useHydrated";

export function ActionResult({ result }: { result: AdminResult | null }) {
  if (!result) return null;
  if (!result.ok) {
    return (
      <p role="alert" className="text-sm text-red-700">
        {result.reason}
      </p>
    );
  }
  return (
    <div role="status" className="rounded border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900">
      {result.message}
      {result.secret && (
        <span className="ml-2 inline-flex items-center gap-2">
          <code data-testid="secret" className="rounded bg-white px-1.5 py-0.5 font-mono">
            {result.secret}
          </code>
          <CopyButton text={result.secret} />
        </span>
      )}
    </div>
  );
}

/** One admin action at a time: its last result, whether it is running, and how to run the next. */
export function useAdminAction() {
  const [result, setResult] = useState<AdminResult | null>(null);
  const [pending, startTransition] = useTransition();
  const run = (task: () => Promise<AdminResult>) => startTransition(async () => setResult(await task()));
  return { result, pending, run };
}

/** A server-action form's submit button: disabled while the action runs and until the page is hydrated (see useHydrated). */
export function SubmitButton({ pending, children }: { pending: boolean; children: React.ReactNode }) {
  const hydrated = useHydrated();
  return (
    <button
      type="submit"
      disabled={pending || !hydrated}
      className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:bg-slate-300"
    >
      {children}
    </button>
  );
}
