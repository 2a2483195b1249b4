// The history of runs at /: filters, sort and page come from the URL (lib/history/query.ts); trends stream in above the list.
import { Suspense } from "react";
import Link from "next/link";
import { connection } from "next/server";
import { cookies } from "next/headers";
import { TRENDS_COOKIE } from "@/components/history/trends-cookie";
import { readDb } from "@/lib/db/read-your-writes";
import { findJobs, HistoryQueryError } from "@/lib/history/list";
import { countJobs, historyFacets } from "@/lib/history/stats";
import { FILTER_KEYS, parseHistoryQueryLenient, toSearchParams, type HistoryQuery } from "@/lib/history/query";
import { HistoryView } from "@/components/history/HistoryView";
import { Trends, TrendsSkeleton } from "@/components/history/Trends";
import { requireReader } from "@/lib/auth/session";
import { roleAtLeast } from "@/lib/auth/roles";

async function firstPageOr(query: HistoryQuery) {
  try {
    return { page: await findJobs(await readDb(), query), error: null };
  } catch (e) {
    if (!(e instanceof HistoryQueryError)) throw e;
    return {
      page: await findJobs(await readDb(), { ...query, after: undefined, before: undefined }),
      error: `${e.message}; showing the first page`,
    };
  }
}

export default async function HistoryPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await connection();
  const params = await searchParams;
  const user = await requireReader(
    `/?${new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])))}`,
  );
  // A bad parameter is reported and dropped alone; the link\'s other filters stay applied.
  const { query, problems } = parseHistoryQueryLenient(params);
  const reader = await readDb();
  const [{ page, error }, total, facets] = await Promise.all([firstPageOr(query), countJobs(reader, query), historyFacets(reader)]);
  const problem = problems.length
    ? `This link has ${problems.length === 1 ? "a bad parameter" : "bad parameters"} (${problems.join("; ")}), left out; the other filters apply${error ? `. ${error}` : ""}`
    : error;
  // Changed filters show the skeleton while new charts load; paging and sorting keep the old ones on screen meanwhile.
  const trendKey = toSearchParams(Object.fromEntries(FILTER_KEYS.map((k) => [k, query[k]]))).toString();

  return (
    <div className="space-y-3">
      <h1 className="text-lg font-semibold">Runs</h1>
      {problem && (
        <p
          role="alert"
          data-testid="history-problem"
          className="rounded border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {problem}.{" "}
          <Link href="/" className="underline">
            Reset
          </Link>
        </p>
      )}
      <HistoryView
        rows={page.jobs}
        next={page.next}
        prev={page.prev}
        query={query}
        total={total}
        facets={facets}
        canExperiment={roleAtLeast(user?.role, "operator")}
        canImport={roleAtLeast(user?.role, "operator")}
        trendsOpen={(await cookies()).get(TRENDS_COOKIE)?.value === "open"}
      >
        <Suspense key={trendKey} fallback={<TrendsSkeleton />}>
          <Trends filters={query} />
        </Suspense>
      </HistoryView>
    </div>
  );
}
