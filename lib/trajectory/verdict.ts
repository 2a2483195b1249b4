// Reads the verdict out of a run's results: the main yes/no for lists, and typed fields for the verdict card.

export const PATCH_TRIAGE = "patch-triage";

/** Results values as the verdict card shows them. */
export type VerdictField =
  | { name: string; kind: "bool"; value: boolean }
  | { name: string; kind: "list"; value: string[] }
  | { name: string; kind: "text"; value: string }
  | { name: string; kind: "json"; value: unknown };

// Patch-triage fields in the order a reader wants them; the rest follow alphabetically.
const PATCH_TRIAGE_ORDER = ["WorthFuzzing", "NeedsKMSAN", "FocusSymbols", "EnableConfigs", "Reasoning", "KMSANReasoning"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Results as an object; job page JSON gives a list of {Name, Value} display items instead. */
export function resultsObject(results: unknown): Record<string, unknown> | null {
  if (isRecord(results)) return results;
  if (Array.isArray(results)) {
    const out: Record<string, unknown> = {};
    for (const item of results) {
      if (isRecord(item) && typeof item.Name === "string") out[item.Name] = item.Value;
    }
    return Object.keys(out).length ? out : null;
  }
  return null;
}

/** The run's main yes/no: WorthFuzzing for patch-triage, else the first boolean result. */
export function mainVerdict(workflow: string, results: unknown): boolean | null {
  const r = resultsObject(results);
  if (!r) return null;
  if (workflow === PATCH_TRIAGE || "WorthFuzzing" in r) {
    return typeof r.WorthFuzzing === "boolean" ? r.WorthFuzzing : null;
  }
  const firstBool = Object.keys(r)
    .sort()
    .map((k) => r[k])
    .find((v) => typeof v === "boolean");
  return typeof firstBool === "boolean" ? firstBool : null;
}

/** The name of the field mainVerdict reads, for labels ("WorthFuzzing: yes"). */
export function mainVerdictName(workflow: string, results: unknown): string | null {
  const r = resultsObject(results);
  if (!r) return null;
  if (workflow === PATCH_TRIAGE || "WorthFuzzing" in r) return "WorthFuzzing";
  return Object.keys(r).sort().find((k) => typeof r[k] === "boolean") ?? null;
}

export function verdictFields(results: unknown): VerdictField[] {
  const r = resultsObject(results);
  if (!r) return [];
  const rank = (k: string) => {
    const i = PATCH_TRIAGE_ORDER.indexOf(k);
    return i < 0 ? PATCH_TRIAGE_ORDER.length : i;
  };
  return Object.keys(r)
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((name): VerdictField => {
      const value = r[name];
      if (typeof value === "boolean") return { name, kind: "bool", value };
      if (Array.isArray(value) && value.every((x) => typeof x === "string")) return { name, kind: "list", value };
      if (typeof value === "string") return { name, kind: "text", value };
      return { name, kind: "json", value };
    });
}
