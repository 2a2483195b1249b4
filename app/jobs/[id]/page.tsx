// One run: header, inputs, verdict, summaries and the trajectory tree.
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { db } from "@/lib/db/client";
import { getRun } from "@/lib/db/runs";
import { RunHeader } from "@/components/run/RunHeader";
import { RunInputs } from "@/components/run/RunInputs";
import { VerdictCard } from "@/components/run/VerdictCard";
import { CallSummaries } from "@/components/run/CallSummaries";
import { TrajectoryTree } from "@/components/run/TrajectoryTree";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  const run = await getRun(db(), id);
  if (!run) notFound();
  return (
    <div className="space-y-4">
      <RunHeader run={run} />
      <div className="grid gap-4 lg:grid-cols-[2fr_1fr]">
        <VerdictCard results={run.results} error={run.error} />
        <RunInputs args={run.args} />
      </div>
      <CallSummaries spans={run.spans} minutePrecision={run.minutePrecision} />
      <TrajectoryTree spans={run.spans} minutePrecision={run.minutePrecision} />
    </div>
  );
}
