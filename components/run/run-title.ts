// The title of a run's page and tab: "patch-triage · ext4: fix …" (workflow, then the description's first line, or the
// run's short id when it has no description, as imported trajectory files often have none).
import { visibleName } from "@/lib/text/visible";

/** Characters of the description kept in a title. */
const TITLE_DESCRIPTION = 80;

export function runTitle(workflow: string, description: string, id: string): string {
  const first = description.split("\n", 1)[0]!.trim();
  const short = first.length > TITLE_DESCRIPTION ? `${first.slice(0, TITLE_DESCRIPTION - 1)}…` : first;
  return visibleName(`${workflow} · ${short || id.slice(0, 8)}`);
}
