// Title block of a run: workflow, status, verdict, times, totals and lineage.
import Link from "next/link";
import type { Run } from "@/lib/runs/queries";
import { headText } from "@/lib/text/budget";
import { DISPLAY_MAX_CHARS } from "@/lib/limits";
import { StatusBadge, VerdictBadge } from "@/components/jobs/badges";
import { formatCount, formatDurationAt, formatTime, safeHref } from "@/lib/format";
import { verdictWords } from "@/lib/workflows/verdict";
import { DashboardFields } from "@/components/dashboard/DashboardFields";
import { isReplay } from "@/lib/triage-agent/replay-marker";
import { RerunButton } from "@/components/rerun/RerunButton";
import type { RerunReadiness } from "@/lib/runs/rerun-readiness";
import { LiveRefresh } from "@/components/live/LiveRefresh";
import { LiveCount, LiveDuration, LiveStatusBadge, type LiveTotal } from "@/components/live/LiveRunStats";
import { isLive } from "@/lib/runs/status";
import { ReviewControl } from "@/components/review/ReviewControl";
import { roleAtLeast, type Role } from "@/lib/auth/roles";

function Stat({ label, value }: { label: string; value: React.ReactNode }) {
  return (
    <div>
      <div className="text-xs text-slate-500">{label}</div>
      <div className="font-medium tabular-nums">{value}</div>
    </div>
  );
}

/** One line on where the job stands: who runs it since when, or why it ended without results. */
function JobState({ run, live }: { run: Run; live: boolean }) {
  if (run.status === "incomplete") {
    return (
      <p className="text-sm text-amber-800" data-testid="incomplete">
        Incomplete: imported from a file whose run never finished. The trajectory shows what was recorded; nothing more will arrive.
      </p>
    );
  }
  if (run.status === "pending" && live) return <p className="text-sm text-slate-600">Waiting for an agent to take it.</p>;
  if (run.status === "running" && live && run.agentName) {
    return (
      <p className="text-sm text-sky-800">
        Running on <span className="font-medium">{run.agentName}</span> since {formatTime(run.startedAt, run.minutePrecision)} UTC.
      </p>
    );
  }
  if (run.status === "aborted") return <p className="text-sm text-amber-800 wrap-anywhere">Aborted: {run.error ?? "no reason recorded"}</p>;
  return null;
}

/**
 * Who reported the run: the AgentName it polled with, the agent client (key) that polled it — the one identity the
 * protocol trusts — and the AgentName its spans came with when that differs (syz-agent logs spans under its client name).
 */
function AgentIdentity({ run }: { run: Run }) {
  if (!run.agentName && !run.agentClient) return <>—</>;
  return (
    <span data-testid="run-agent">
      <span className="font-medium">{run.agentName ?? "—"}</span>
      {run.agentClient && <span className="ml-1 text-xs font-normal text-slate-500">client {run.agentClient}</span>}
      {run.spanAgentName && run.spanAgentName !== run.agentName && (
        <span className="ml-1 text-xs font-normal text-slate-500">spans as {run.spanAgentName}</span>
      )}
    </span>
  );
}

/**
 * A pending or running run (lib/runs/status.ts isLive) is followed: the header shows its live mark.
 * `role` is the reader's (null when anonymous): operators see Rerun and the review buttons enabled.
 */
/**
 * The run's description up to the display budget (a 2.7 MB description made a 5.4 MB page), in a box that scrolls
 * once it is long, saying what was left out below it.
 */
function Description({ text, id }: { text: string; id: string }) {
  const head = headText(text, DISPLAY_MAX_CHARS);
  return (
    <div>
      <p className="max-h-40 overflow-auto whitespace-pre-wrap wrap-anywhere text-slate-700">{head.text}</p>
      {head.more > 0 && (
        <p className="text-xs text-slate-500" data-more="description">
          {head.more.toLocaleString("en-US")} more characters —{" "}
          <a className="text-sky-700 hover:underline" href={`/api/jobs/${id}`} rel="nofollow">
            the whole text in the run&apos;s JSON
          </a>
        </p>
      )}
    </div>
  );
}

export function RunHeader({ run, role, readiness }: { run: Run; role: Role | null; readiness?: RerunReadiness }) {
  const live = isLive(run.status);
  const href = run.link ? safeHref(run.link) : null;
  const operator = roleAtLeast(role, "operator");
  // A live run's totals follow its spans as they stream in (components/live/LiveRunStats.tsx).
  const count = (field: LiveTotal) =>
    live ? (
      <LiveCount jobId={run.id} status={run.status} field={field} initial={Number(run[field])} />
    ) : (
      <span className={field === "toolErrors" && run.toolErrors ? "text-red-700" : ""} data-testid={`run-${field}`}>
        {formatCount(run[field])}
      </span>
    );
  return (
    <section className="space-y-2">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <h1 className="text-lg font-semibold">{run.workflow}</h1>
        <span data-testid="job-status">
          {live ? <LiveStatusBadge jobId={run.id} status={run.status} /> : <StatusBadge status={run.status} />}
        </span>
        {isReplay(run.agentName) && (
          <span
            className="rounded bg-fuchsia-100 px-1.5 py-0.5 text-xs font-semibold text-fuchsia-800"
            title="The model's decisions were replayed from the original run; the tools ran again for real."
          >
            replay
          </span>
        )}
        {live && <LiveRefresh jobId={run.id} status={run.status} />}
        <span className="ml-auto flex items-center gap-3">
          {run.rerunOf && (
            <Link href={`/compare?a=${run.rerunOf.id}&b=${run.id}`} className="text-sm text-sky-700 hover:underline">
              Compare with original
            </Link>
          )}
          <RerunButton jobId={run.id} workflow={run.workflow} status={run.status} allowed={operator} readiness={readiness} />
        </span>
        <VerdictBadge
          verdict={run.verdict}
          words={run.verdict == null ? null : verdictWords(run.workflow, run.verdict, run.workflowType)}
        />
        <span className="font-mono text-xs text-slate-400">{run.id}</span>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        <JobState run={run} live={live} />
        {/* A run still under way has no answer to judge yet: the marks appear once it ends. */}
        {!live && (
          <ReviewControl
            jobId={run.id}
            correct={run.correct}
            reviewedBy={run.reviewedBy?.email ?? null}
            reviewedAt={run.reviewedAt}
            canReview={operator}
          />
        )}
      </div>
      {run.description && <Description text={run.description} id={run.id} />}
      <DashboardFields run={run} />
      {run.link &&
        (href ? (
          <a href={href} className="break-all text-sm text-sky-700 hover:underline" rel="noreferrer noopener" target="_blank">
            {run.link}
          </a>
        ) : (
          <p className="break-all text-sm text-slate-600">{run.link}</p>
        ))}
      <div className="flex flex-wrap gap-x-5 gap-y-1 rounded border border-slate-200 bg-white px-3 py-1.5 text-sm">
        <Stat label="Started (UTC)" value={formatTime(run.startedAt ?? run.createdAt, run.minutePrecision)} />
        <Stat
          label="Duration"
          value={
            live ? (
              <LiveDuration
                jobId={run.id}
                status={run.status}
                startedAt={(run.startedAt ?? run.createdAt).toISOString()}
                initialMs={run.durationMs == null ? null : Number(run.durationMs)}
                minutePrecision={run.minutePrecision}
              />
            ) : (
              <span
                title="from the flow span's start to its finish, or over the spans with valid times (zero starts and missing ends never count)"
                data-testid="run-duration"
              >
                {formatDurationAt(run.durationMs, run.minutePrecision)}
                {run.status === "incomplete" && run.durationMs != null && (
                  <span className="ml-1 text-xs font-normal text-amber-700">recorded so far</span>
                )}
              </span>
            )
          }
        />
        <Stat label="Agent" value={<AgentIdentity run={run} />} />
        <Stat label="Input tokens" value={count("inputTokens")} />
        <Stat label="Output tokens" value={count("outputTokens")} />
        <Stat label="Thought tokens" value={count("thoughtsTokens")} />
        <Stat label="LLM calls" value={count("llmCalls")} />
        <Stat label="Tool calls" value={count("toolCalls")} />
        <Stat label="Tool errors" value={count("toolErrors")} />
        {run.codeRevision && <Stat label="Code revision" value={<span className="font-mono text-xs">{run.codeRevision}</span>} />}
        <Stat label="Source" value={run.source} />
      </div>
      {(run.rerunOf || run.reruns.length > 0) && (
        <div className="text-sm text-slate-600">
          {run.rerunOf && (
            <span>
              Rerun of{" "}
              <Link className="font-mono text-sky-700 hover:underline" href={`/jobs/${run.rerunOf.id}`}>
                {run.rerunOf.id.slice(0, 8)}
              </Link>
              .{" "}
            </span>
          )}
          {run.reruns.length > 0 && (
            <span>
              Reruns:{" "}
              {run.reruns.map((r) => (
                <Link key={r.id} className="mr-2 font-mono text-sky-700 hover:underline" href={`/jobs/${r.id}`}>
                  {r.id.slice(0, 8)}
                </Link>
              ))}
            </span>
          )}
        </div>
      )}
    </section>
  );
}
