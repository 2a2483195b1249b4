// The fields a job imported from the dashboard's job page brings along (dashboard/app/ai.go uiAIJob): its external
// bug id, the page it came from, the agent's code revision on GitHub, and whether its span values were printed text.
import type { Run } from "@/lib/runs/queries";
import { safeHref } from "@/lib/format";

type DashboardRun = Pick<Run, "externalBugId" | "dashboardLink" | "codeRevision" | "codeRevisionLink" | "valuesPrinted">;

export function DashboardFields({ run }: { run: DashboardRun }) {
  const revisionHref = run.codeRevisionLink ? safeHref(run.codeRevisionLink) : null;
  const dashboardHref = run.dashboardLink && /^https?:\/\//.test(run.dashboardLink) ? safeHref(run.dashboardLink) : null;
  if (!run.externalBugId && !run.dashboardLink && !revisionHref && !run.valuesPrinted) return null;
  return (
    <div className="flex flex-wrap items-baseline gap-x-4 gap-y-1 text-xs text-slate-600" data-testid="dashboard-fields">
      {run.externalBugId && (
        <span data-field="ExternalBugID">
          External bug: <span className="font-mono text-slate-800">{run.externalBugId}</span>
        </span>
      )}
      {dashboardHref && (
        // Absolute only for a mirrored run: the mirror builds it from the dashboard an admin named (lib/mirror/url.ts).
        <a
          href={dashboardHref}
          className="text-sky-700 hover:underline"
          rel="noreferrer noopener"
          target="_blank"
          data-field="DashboardLink"
        >
          its page on the dashboard
        </a>
      )}
      {run.dashboardLink && !dashboardHref && (
        // Relative: the page does not say which dashboard it came from, so it stays text.
        <span data-field="DashboardLink">
          Dashboard page: <span className="font-mono text-slate-800">{run.dashboardLink}</span>
        </span>
      )}
      {revisionHref && (
        <a
          href={revisionHref}
          className="text-sky-700 hover:underline"
          rel="noreferrer noopener"
          target="_blank"
          data-field="CodeRevisionLink"
        >
          agent code {run.codeRevision ? run.codeRevision.slice(0, 12) : "revision"} on GitHub
        </a>
      )}
      {run.valuesPrinted && (
        <span
          className="italic text-slate-500"
          data-testid="values-printed"
          title="The dashboard's job page prints span Args and Results with Go's fmt (map[k:v …]), not as JSON. Values were read back from that text where it allows one reading; elsewhere the text is shown as printed."
        >
          span Args and Results were read from the text the dashboard printed
        </span>
      )}
    </div>
  );
}
