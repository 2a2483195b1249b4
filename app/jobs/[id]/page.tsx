// One run: header and verdict from the job's own totals (no span scan), then the trajectory explorer, whose first
// screen of rows comes with the HTML; it loads the whole outline itself and each span's payload only when opened.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { readDb } from "@/lib/db/read-your-writes";
import { finalLlmSeq, getOutlineHead, getRunHeader, getRunTitle, OTLP_SOURCES } from "@/lib/runs/queries";
import { RunHeader } from "@/components/run/RunHeader";
import { RunInputs } from "@/components/run/RunInputs";
import { VerdictCard } from "@/components/run/VerdictCard";
import { RunExplorer } from "@/components/run/RunExplorer";
import { requireReader } from "@/lib/auth/session";
import { runTitle } from "@/components/run/run-title";
import { rerunReadiness } from "@/lib/runs/rerun-readiness";
import { roleAtLeast } from "@/lib/auth/roles";

/** Spans rendered with the HTML: a screenful of rows and then some, so the tree can be clicked as soon as it hydrates. */
const HEAD_SPANS = 80;

/** The tab names the run ("patch-triage · ext4: fix …"), so a reader with ten runs open can tell them apart. */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await params;
  // The title shows the description: only to those who may read the run.
  await requireReader(`/jobs/${id}`);
  const run = await getRunTitle(await readDb(), id);
  return { title: run ? runTitle(run.workflow, run.description, id) : "No such run" };
}

export default async function RunPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  await connection();
  const { id } = await params;
  const view = (await searchParams).view === "conversation" ? "conversation" : "tree";
  const user = await requireReader(`/jobs/${id}`);
  const run = await getRunHeader(await readDb(), id);
  if (!run) notFound();
  const reader = await readDb();
  // An OpenTelemetry trace has no workflow results: the verdict card points to the model's final output instead.
  const otlp = OTLP_SOURCES.includes(run.source);
  const [head, readiness, finalSeq] = await Promise.all([
    getOutlineHead(reader, run.id, HEAD_SPANS),
    rerunReadiness(reader, run),
    otlp ? finalLlmSeq(reader, run.id) : null,
  ]);
  return (
    <div className="space-y-3">
      {/* The browser fetches the outline while it loads the scripts, instead of after hydration
          (react-dom's preload() emits nothing for as="fetch"). */}
      <link rel="preload" href={`/api/jobs/${run.id}/outline`} as="fetch" crossOrigin="anonymous" fetchPriority="high" />
      <RunHeader run={run} role={user?.role ?? null} readiness={readiness} />
      <div className="grid items-start gap-3 lg:grid-cols-[2fr_1fr]">
        <VerdictCard
          workflow={run.workflow}
          workflowType={run.workflowType}
          status={run.status}
          results={run.results}
          error={run.error}
          errorRedacted={run.errorRedacted}
          rawHref={`/api/jobs/${run.id}`}
          otlp={otlp ? { finalLlmSeq: finalSeq } : undefined}
        />
        <RunInputs
          args={run.args}
          workflow={run.workflow}
          workflowType={run.workflowType}
          printed={run.valuesPrinted}
          rawHref={`/api/jobs/${run.id}`}
        />
      </div>
      <RunExplorer
        jobId={run.id}
        spanCount={run.spanCount}
        minutePrecision={run.minutePrecision}
        status={run.status}
        head={head}
        view={view}
        me={user ? { id: user.id, canWrite: roleAtLeast(user.role, "operator") } : null}
      />
    </div>
  );
}
