// The mark of a span whose times are not plain: running, no end recorded, no start, end before start, skew
// (lib/trajectory/timing.ts), with its explanation as the tooltip. Valid spans get no mark.
import { NO_START, END_BEFORE_START, SKEWED, UNFINISHED, timingLabel } from "@/lib/trajectory/timing";

const STYLE: Record<number, string> = {
  [UNFINISHED]: "bg-amber-100 text-amber-800",
  [NO_START]: "bg-orange-100 text-orange-800",
  [END_BEFORE_START]: "bg-orange-100 text-orange-800",
  [SKEWED]: "bg-violet-100 text-violet-800",
};

export function TimingMark({ code, live, skew }: { code: number; live: boolean; skew?: { beforeUs: number; afterUs: number } }) {
  const label = timingLabel(code, live, skew);
  if (!label.mark) return null;
  const running = code === UNFINISHED && live;
  return (
    <span
      className={`shrink-0 rounded px-1 text-[11px] font-semibold ${running ? "animate-pulse bg-sky-100 text-sky-700" : STYLE[code]}`}
      title={label.explain}
      data-timing-mark={running ? "running" : label.kind}
    >
      {running ? "● running" : `⚠ ${label.mark}`}
    </span>
  );
}
