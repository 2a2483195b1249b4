// /compare?a=<id>&b=<id>: two runs side by side.
import type { Metadata } from "next";
import Link from "next/link";
import { connection } from "next/server";
import { readDb } from "@/lib/db/read-your-writes";
import { compareRuns } from "@/lib/compare/comparison";
import { CompareView } from "@/components/compare/CompareView";
import { requireReader } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Compare runs" };

export default async function ComparePage({ searchParams }: { searchParams: Promise<{ a?: string; b?: string; from?: string }> }) {
  await connection();
  const { a, b, from } = await searchParams;
  await requireReader(`/compare?${new URLSearchParams({ ...(a ? { a } : {}), ...(b ? { b } : {}) })}`);
  const reader = await readDb("expensive");
  const { a: ra, b: rb, steps } = await compareRuns(reader, a ?? "", b ?? "");
  if (!ra || !rb || !steps) {
    return (
      <div className="rounded border border-amber-300 bg-amber-50 p-4 text-sm">
        Pick two runs to compare: <code>/compare?a=&lt;run id&gt;&amp;b=&lt;run id&gt;</code>. {a && !ra && <span>No run {a}. </span>}
        {b && !rb && <span>No run {b}. </span>}
        <Link href="/" className="text-sky-700 hover:underline">
          Back to the runs
        </Link>
      </div>
    );
  }
  // The first aligned step the table shows (components/compare/StepDiffTable.tsx pages them); anything else is 0.
  const first = /^\d{1,7}$/.test(from ?? "") ? Number(from) : 0;
  return <CompareView a={ra} b={rb} steps={steps} from={first} />;
}
