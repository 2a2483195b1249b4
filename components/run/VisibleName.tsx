// A name (span, model, tool, payload key) as a reader can trust it: hidden characters drawn as ⟨U+202E⟩ marks
// (lib/text/visible.ts), and the whole isolated (<bdi>) so right-to-left text never reorders what stands beside it.
import { nameSegments, visibleName } from "@/lib/text/visible";

/** `titled`: the whole name as a tooltip, for a name that may be cut (truncated) where it stands. */
export function VisibleName({ text, className, titled = false }: { text: string; className?: string; titled?: boolean }) {
  const segments = nameSegments(text);
  if (segments.length === 1 && "text" in segments[0]!) {
    return (
      <bdi className={className} title={titled ? text : undefined}>
        {text}
      </bdi>
    );
  }
  return (
    <bdi className={className} title={visibleName(text)} data-hidden-chars>
      {segments.map((s, i) =>
        "text" in s ? (
          <span key={i}>{s.text}</span>
        ) : (
          <span
            key={i}
            className="mx-px rounded-sm bg-amber-100 px-0.5 font-mono text-[0.85em] text-amber-900"
            title={`hidden character ${s.code}, shown so it cannot disguise the name`}
          >
            ⟨{s.code}⟩
          </span>
        ),
      )}
    </bdi>
  );
}
