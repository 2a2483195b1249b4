// Which spans a filter matches (pure; unit-tested): the search text against the names, models and types as they are
// shown and the error heads as a reader sees them, folded like the server's search (lib/text/search.ts), plus the spans
// whose payloads the server found; then the type and errors-only filters narrow.
import { type Outline } from "@/lib/trajectory/outline";
import { indexOfSeq, withAncestors } from "@/lib/trajectory/outline-tree";
import { foldForSearch, visibleText } from "@/lib/text/search";
import { visibleName } from "@/lib/text/visible";

export interface SpanFilter {
  query: string;
  type: string;
  errorsOnly: boolean;
}

export const NO_FILTER: SpanFilter = { query: "", type: "", errorsOnly: false };

export interface FilterResult {
  /** 1 for spans that match; null when no filter is set */
  matches: Uint8Array | null;
  /** matches and their ancestors */
  shown: Uint8Array | null;
  count: number;
  /** payload search still running for the current text */
  searching: boolean;
  /** what the reader must know of the payload search: where it stopped on a large run, or why it failed */
  payloadNote?: string;
}

export const NO_MATCHES: FilterResult = { matches: null, shown: null, count: 0, searching: false };

/** The query as search compares it: what a reader typed, folded as the stored search text is. */
export function foldedQuery(query: string): string {
  return foldForSearch(visibleText(query.trim()));
}

/** True when the search text is long enough to ask the server about payloads. */
export function searchesPayloads(query: string): boolean {
  return query.trim().length >= 2;
}

/**
 * The spans a filter matches. `payloadSeqs` are the seqs the server's search found for this query (null while it has
 * not answered: names still match meanwhile).
 */
export function filterSpans(o: Outline, f: SpanFilter, payloadSeqs: readonly number[] | null): FilterResult {
  const q = foldedQuery(f.query);
  if (!q && !f.type && !f.errorsOnly) return NO_MATCHES;
  const has = (text: string) => foldForSearch(text).includes(q);
  const nameHit = o.names.map((n) => has(visibleName(n)));
  const modelHit = o.models.map((m) => m !== "" && has(visibleName(m)));
  const typeHit = o.types.map((t) => has(t));
  const inPayload = new Uint8Array(o.count);
  for (const seq of payloadSeqs ?? []) {
    const i = indexOfSeq(o, seq);
    if (i >= 0) inPayload[i] = 1;
  }
  const wantType = f.type ? o.types.indexOf(f.type) : -1;
  const matches = new Uint8Array(o.count);
  let count = 0;
  for (let i = 0; i < o.count; i++) {
    if (f.type && o.type[i] !== wantType) continue;
    if (f.errorsOnly && !o.errors.has(i)) continue;
    if (
      q &&
      !(
        nameHit[o.name[i]!] ||
        modelHit[o.model[i]!] ||
        typeHit[o.type[i]!] ||
        inPayload[i] ||
        (o.errors.has(i) && has(visibleText(o.errors.get(i)!)))
      )
    )
      continue;
    matches[i] = 1;
    count++;
  }
  return { matches, shown: withAncestors(o, matches), count, searching: searchesPayloads(f.query) && payloadSeqs === null };
}

/** The next (or previous) matching row after the selected one, wrapping around; -1 when none matches. */
export function nextMatch(rows: Int32Array, matches: Uint8Array | null, selected: number, back: boolean): number {
  if (!matches || rows.length === 0) return -1;
  const pos = selected >= 0 ? rows.indexOf(selected) : -1;
  for (let step = 1; step <= rows.length; step++) {
    const p = (((pos + (back ? -step : step)) % rows.length) + rows.length) % rows.length;
    if (matches[rows[p]!]) return rows[p]!;
  }
  return -1;
}
