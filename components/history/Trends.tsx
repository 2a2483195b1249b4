// Trend charts over the filtered runs, fetched on the server; the page streams them in after the list.
import { readDb } from "@/lib/db/read-your-writes";
import { jobTrends } from "@/lib/history/stats";
import type { HistoryFilters } from "@/lib/history/query";
import { TrendCharts } from "@/components/history/TrendCharts";

export async function Trends({ filters }: { filters: HistoryFilters }) {
  const trends = await jobTrends(await readDb("expensive"), filters);
  return <TrendCharts trends={trends} workflow={filters.workflow} />;
}

export function TrendsSkeleton() {
  return (
    <div className="grid grid-cols-2 gap-2 lg:grid-cols-4" aria-hidden>
      {[0, 1, 2, 3].map((i) => (
        <div key={i} className="h-[150px] animate-pulse rounded border border-slate-200 bg-white" />
      ))}
    </div>
  );
}
