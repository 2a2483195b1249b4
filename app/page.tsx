// The history of runs, newest first, paged by cursor.
import Link from "next/link";
import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { countJobs, listJobs } from "@/lib/db/history";
import { HistoryTable } from "@/components/history/HistoryTable";
import { formatCount } from "@/lib/format";

export default async function HistoryPage({ searchParams }: { searchParams: Promise<{ after?: string }> }) {
  await connection();
  const { after } = await searchParams;
  const [page, total] = await Promise.all([listJobs(db(), { cursor: after, limit: 50 }), countJobs(db())]);
  return (
    <div className="space-y-4">
      <div className="flex items-baseline justify-between">
        <h1 className="text-xl font-semibold">Runs</h1>
        <span className="text-sm text-slate-500">{formatCount(total)} runs</span>
      </div>
      <HistoryTable jobs={page.jobs} />
      <div className="flex gap-4 text-sm">
        {after && (
          <Link href="/" className="text-sky-700 hover:underline">
            ← Newest
          </Link>
        )}
        {page.next && (
          <Link href={`/?after=${page.next}`} className="text-sky-700 hover:underline" data-testid="older">
            Older →
          </Link>
        )}
      </div>
    </div>
  );
}
