// Colour, label and timeline bar colour per span type, with a neutral look for types the viewer does not know.
export interface SpanTypeStyle {
  label: string;
  /** chip and icon colours */
  className: string;
  /** timeline bar colour */
  bar: string;
}

const STYLES: Record<string, SpanTypeStyle> = {
  flow: { label: "flow", className: "bg-violet-100 text-violet-800", bar: "bg-violet-400" },
  action: { label: "action", className: "bg-amber-100 text-amber-800", bar: "bg-amber-400" },
  agent: { label: "agent", className: "bg-sky-100 text-sky-800", bar: "bg-sky-500" },
  llm: { label: "llm", className: "bg-indigo-100 text-indigo-800", bar: "bg-indigo-500" },
  tool: { label: "tool", className: "bg-emerald-100 text-emerald-800", bar: "bg-emerald-500" },
  "agent-candidates": { label: "candidates", className: "bg-cyan-100 text-cyan-800", bar: "bg-cyan-500" },
  loop: { label: "loop", className: "bg-orange-100 text-orange-800", bar: "bg-orange-400" },
  iteration: { label: "iteration", className: "bg-orange-50 text-orange-700", bar: "bg-orange-300" },
};

const UNKNOWN = { className: "bg-slate-100 text-slate-700", bar: "bg-slate-400" };

export function spanTypeStyle(type: string): SpanTypeStyle {
  return STYLES[type] ?? { label: type, ...UNKNOWN };
}

/** Stable colours for agents in the charts, in the order agents first appear. */
export const AGENT_COLOURS = ["#4f46e5", "#0891b2", "#d97706", "#db2777", "#059669", "#7c3aed", "#dc2626", "#65a30d"];
