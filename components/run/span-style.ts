// Colour and short label per span type, with a neutral look for types the viewer does not know.
const STYLES: Record<string, { label: string; className: string }> = {
  flow: { label: "flow", className: "bg-violet-100 text-violet-800" },
  action: { label: "action", className: "bg-amber-100 text-amber-800" },
  agent: { label: "agent", className: "bg-sky-100 text-sky-800" },
  llm: { label: "llm", className: "bg-indigo-100 text-indigo-800" },
  tool: { label: "tool", className: "bg-emerald-100 text-emerald-800" },
  "agent-candidates": { label: "candidates", className: "bg-cyan-100 text-cyan-800" },
  loop: { label: "loop", className: "bg-orange-100 text-orange-800" },
  iteration: { label: "iteration", className: "bg-orange-50 text-orange-700" },
};

export function spanTypeStyle(type: string): { label: string; className: string } {
  return STYLES[type] ?? { label: type, className: "bg-slate-100 text-slate-700" };
}
