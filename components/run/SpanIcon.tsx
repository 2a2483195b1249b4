// A small icon per span type (drawn inline, no icon font), coloured like the type's chip.
import { spanTypeStyle } from "@/components/run/span-style";

// 16x16 strokes: simple shapes a reader learns in a minute.
const PATHS: Record<string, string> = {
  flow: "M3 3h4v4H3zM9 9h4v4H9zM5 7v4h4", // two boxes joined: a workflow
  action: "M9 2 4 9h4l-1 5 5-7H8z", // bolt: a step that does something
  agent: "M5 6h6v6H5zM8 3v3M6.5 9h.01M9.5 9h.01M3 8v2M13 8v2", // robot head
  llm: "M8 2v3M8 11v3M2 8h3M11 8h3M4 4l2 2M10 10l2 2M12 4l-2 2M6 10l-2 2", // spark
  tool: "M10 2a3 3 0 0 0-3 4L2.5 10.5l3 3L10 9a3 3 0 0 0 4-3l-2 1-1-1 1-2z", // wrench
  "agent-candidates": "M3 5h5v5H3zM8 8h5v5H8z", // stacked boxes: several agents
  loop: "M3 8a5 5 0 0 1 9-3M13 8a5 5 0 0 1-9 3M12 2v3H9M4 14v-3h3", // arrows in a circle
  iteration: "M8 4a4 4 0 1 1 0 8 4 4 0 0 1 0-8M8 7.5v1", // one turn
};

export function SpanIcon({ type }: { type: string }) {
  const style = spanTypeStyle(type);
  const d = PATHS[type];
  return (
    <span
      className={`inline-flex h-5 w-5 shrink-0 items-center justify-center rounded ${style.className}`}
      title={type}
      aria-hidden
      data-icon={type}
    >
      <svg
        viewBox="0 0 16 16"
        className="h-3.5 w-3.5"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.5"
        strokeLinecap="round"
        strokeLinejoin="round"
      >
        {d ? <path d={d} /> : <circle cx="8" cy="8" r="3" />}
      </svg>
    </span>
  );
}
