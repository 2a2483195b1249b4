// /experiments/<id>: one experiment's progress and analysis, polled while reruns are queued or running.
import { notFound } from "next/navigation";
import { connection } from "next/server";
import { readDb } from "@/lib/db/read-your-writes";
import { requireReader } from "@/lib/auth/session";
import { isJobId } from "@/lib/trajectory/job-id";
import { loadExperimentView } from "@/lib/experiments/report";
import { ExperimentView } from "@/components/experiments/ExperimentView";

export default async function ExperimentPage({ params }: { params: Promise<{ id: string }> }) {
  await connection();
  const { id } = await params;
  await requireReader(`/experiments/${encodeURIComponent(id)}`);
  if (!isJobId(id)) notFound();
  const view = await loadExperimentView(await readDb(), id.toLowerCase());
  if (!view) notFound();
  return <ExperimentView initial={view} />;
}
