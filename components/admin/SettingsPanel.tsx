"use client";
// Settings admins change at run time: whether people who are not signed in may read runs.
import { useState, useTransition } from "react";
import { setAnonymousReadAction } from "@/lib/admin/actions";
import type { AdminResult } from "@/lib/admin/as-admin";
import { ActionResult } from "./ActionResult";

export function SettingsPanel({ anonymousRead }: { anonymousRead: boolean }) {
  const [result, setResult] = useState<AdminResult | null>(null);
  const [on, setOn] = useState(anonymousRead);
  const [pending, startTransition] = useTransition();
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Settings</h2>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={on}
          disabled={pending}
          onChange={(e) => {
            const allowed = e.target.checked;
            setOn(allowed);
            startTransition(async () => {
              const r = await setAnonymousReadAction(allowed);
              if (!r.ok) setOn(!allowed);
              setResult(r);
            });
          }}
        />
        Anonymous read access: people who are not signed in may read runs (never rerun, mark or manage)
      </label>
      <ActionResult result={result} />
    </section>
  );
}
