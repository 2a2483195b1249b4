"use client";
// The answer of an admin action: an error, or a confirmation with a password or key shown once.
import { CopyButton } from "@/components/run/CopyButton";
import type { AdminResult } from "@/lib/admin/actions";

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
