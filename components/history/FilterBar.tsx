// The history's filters: search, menus, dates, and the active filters as removable chips; every change is a new URL.
"use client";
import { useEffect, useRef, useState } from "react";
import type { HistoryFacets } from "@/lib/history/stats";
import { FILTER_KEYS, hasFilters, hrefWith, STATUSES, type FilterKey, type HistoryQuery } from "@/lib/history/query";
import { workflowSpec } from "@/lib/workflows/catalog";

/** The verdict filter's values in the chosen workflow's words (lib/workflows); plain yes/no across workflows. */
function verdictOptions(workflow: string | undefined): [string, string][] {
  const main = workflowSpec(workflow)?.main;
  return [
    ["yes", main ? main.yes : "yes"],
    ["no", main ? main.no : "no"],
    ["none", "no verdict"],
  ];
}

const LABELS: Record<FilterKey, string> = {
  q: "search",
  workflow: "workflow",
  status: "status",
  verdict: "verdict",
  model: "model",
  agent: "agent",
  worker: "worker",
  from: "from",
  to: "to",
  errors: "errors",
  rerun: "rerun",
  review: "review",
  experiment: "experiment",
  notes: "notes",
};

function chipText(key: FilterKey, value: string, query: HistoryQuery): string {
  if (key === "q") return `“${value}”`;
  if (key === "errors") return value === "yes" ? "has errors" : "no errors";
  if (key === "rerun") return value === "yes" ? "reruns only" : "no reruns";
  if (key === "experiment") return value.slice(0, 8);
  if (key === "notes") return value === "yes" ? "with notes" : "without notes";
  if (key === "verdict") return verdictOptions(query.workflow).find(([v]) => v === value)?.[1] ?? value;
  return value;
}

const field = "h-7 rounded border border-slate-300 bg-white px-1.5 text-xs text-slate-800 focus:border-sky-500 focus:outline-none";

function Menu(props: {
  label: string;
  name: FilterKey;
  value: string | undefined;
  options: readonly (string | [string, string])[];
  onPick: (v: string | undefined) => void;
}) {
  // A value from a shared link that the recent runs do not have is still offered, so the menu shows it.
  const options = props.options.map((o) => (typeof o === "string" ? [o, o] : o));
  if (props.value && !options.some(([v]) => v === props.value)) options.push([props.value, props.value]);
  return (
    <label className="flex items-center gap-1 text-xs text-slate-500">
      <span className="sr-only">{props.label}</span>
      <select
        aria-label={props.label}
        name={props.name}
        value={props.value ?? ""}
        onChange={(e) => props.onPick(e.target.value || undefined)}
        className={`${field} max-w-[11rem] ${props.value ? "border-sky-400 bg-sky-50" : ""}`}
      >
        <option value="">{props.label}: any</option>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Pause in typing after which the history searches for what is in the box. */
const SEARCH_DEBOUNCE_MS = 300;

export function FilterBar({
  query,
  facets,
  navigate,
}: {
  query: HistoryQuery;
  facets: HistoryFacets;
  navigate: (href: string, replace?: boolean) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  const latest = useRef(query);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    latest.current = query;
    // Back/forward or a chip changed the URL's q: the box follows, unless the reader is typing in it.
    if (input.current && document.activeElement !== input.current) input.current.value = query.q ?? "";
  }, [query]);
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), []);
  /** Searches for the box's text as typed, once typing pauses; the first search of a new text pushes a history entry. */
  const searchAsTyped = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      const q = (input.current?.value ?? "").trim() || undefined;
      if (q === latest.current.q) return;
      navigate(hrefWith(latest.current, { q }), latest.current.q !== undefined && q !== undefined);
    }, SEARCH_DEBOUNCE_MS);
  };
  // Text typed before the page hydrated has had no handler yet: search for it now.
  useEffect(() => {
    if (input.current && input.current.value.trim() !== (latest.current.q ?? "")) searchAsTyped();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once, at hydration: searchAsTyped reads the latest query through refs
  }, []);
  // "/" jumps to the search box, as in most list tools.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (
        e.key === "/" &&
        !(e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement || e.target instanceof HTMLTextAreaElement)
      ) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  const set = (key: FilterKey) => (value: string | undefined) => navigate(hrefWith(query, { [key]: value }));
  // At phone width the menus wait behind a button, so the runs come first.
  const [menus, setMenus] = useState(false);

  return (
    <div className="space-y-2 rounded border border-slate-200 bg-white p-2" data-testid="filters">
      <div className={`flex flex-wrap items-center gap-1.5 ${menus ? "" : "max-md:[&>label]:hidden"}`} data-testid="filter-menus">
        {/* Uncontrolled (text typed before hydration survives), following the URL's q while not focused (above);
            it searches as the reader types. Without JavaScript the form still searches (a plain GET). */}
        <form
          role="search"
          action="/"
          className="min-w-56 flex-1"
          onSubmit={(e) => {
            e.preventDefault();
            if (timer.current) clearTimeout(timer.current);
            const q = String(new FormData(e.currentTarget).get("q") ?? "").trim();
            if ((q || undefined) !== query.q) set("q")(q || undefined);
          }}
        >
          <input
            ref={input}
            type="search"
            onInput={searchAsTyped}
            name="q"
            defaultValue={query.q ?? ""}
            placeholder="Search runs…   ( / )"
            title="Words in the description, link, results (reasoning, symbols, configs), span names or errors; every word must match, the last as a prefix"
            aria-label="Search runs"
            className={`${field} w-full`}
          />
        </form>
        <button
          type="button"
          className="rounded border border-slate-300 px-2 py-1 text-xs md:hidden"
          aria-expanded={menus}
          onClick={() => setMenus(!menus)}
          data-testid="filters-button"
        >
          Filters{hasFilters(query) ? ` (${FILTER_KEYS.filter((k) => k !== "q" && query[k] !== undefined).length})` : ""}
        </button>
        <Menu label="Workflow" name="workflow" value={query.workflow} options={facets.workflows} onPick={set("workflow")} />
        <Menu label="Status" name="status" value={query.status} options={STATUSES} onPick={set("status")} />
        <Menu label="Verdict" name="verdict" value={query.verdict} options={verdictOptions(query.workflow)} onPick={set("verdict")} />
        <Menu label="Model" name="model" value={query.model} options={facets.models} onPick={set("model")} />
        <Menu label="Agent" name="agent" value={query.agent} options={facets.agents} onPick={set("agent")} />
        <Menu label="Worker" name="worker" value={query.worker} options={facets.workers} onPick={set("worker")} />
        <Menu
          label="Errors"
          name="errors"
          value={query.errors}
          options={[
            ["yes", "run or tool failed"],
            ["no", "none"],
          ]}
          onPick={set("errors")}
        />
        <Menu
          label="Rerun"
          name="rerun"
          value={query.rerun}
          options={[
            ["yes", "reruns only"],
            ["no", "originals only"],
          ]}
          onPick={set("rerun")}
        />
        <Menu
          label="Review"
          name="review"
          value={query.review}
          options={[
            ["correct", "marked correct"],
            ["incorrect", "marked incorrect"],
            ["unreviewed", "not marked"],
          ]}
          onPick={set("review")}
        />
        <Menu
          label="Notes"
          name="notes"
          value={query.notes}
          options={[
            ["yes", "with notes"],
            ["no", "without notes"],
          ]}
          onPick={set("notes")}
        />
        <label className="flex items-center gap-1 text-xs text-slate-500">
          from
          <input
            type="date"
            aria-label="Created from"
            value={query.from ?? ""}
            max={query.to}
            onChange={(e) => set("from")(e.target.value || undefined)}
            className={field}
          />
        </label>
        <label className="flex items-center gap-1 text-xs text-slate-500">
          to
          <input
            type="date"
            aria-label="Created to"
            value={query.to ?? ""}
            min={query.from}
            onChange={(e) => set("to")(e.target.value || undefined)}
            className={field}
          />
        </label>
      </div>
      {hasFilters(query) && (
        <div className="flex flex-wrap items-center gap-1.5 text-xs" data-testid="active-filters">
          {FILTER_KEYS.filter((k) => query[k] !== undefined).map((k) => (
            <span
              key={k}
              className="inline-flex items-center gap-1 rounded-full bg-sky-50 py-0.5 pl-2 pr-1 text-sky-900 ring-1 ring-sky-200"
              data-filter={k}
            >
              <span className="text-sky-600">{LABELS[k]}:</span> {chipText(k, String(query[k]), query)}
              <button
                type="button"
                aria-label={`Remove filter ${LABELS[k]}`}
                onClick={() => set(k)(undefined)}
                className="rounded-full px-1 text-sky-500 hover:bg-sky-100 hover:text-sky-900"
              >
                ×
              </button>
            </span>
          ))}
          <button
            type="button"
            onClick={() => navigate(hrefWith(query, Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined]))))}
            className="text-slate-500 underline-offset-2 hover:text-slate-800 hover:underline"
          >
            Clear all
          </button>
        </div>
      )}
    </div>
  );
}
