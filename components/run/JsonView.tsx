"use client";
// Args and Results as highlighted JSON in the agent's own key order and number text (an ordered tree, lib/text/json.ts);
// multi-line, long and terminal strings leave the JSON and show under their key as text (or as a diff, when they are
// one), so a PatchDiff or a file's contents read as what they are.
import { useMemo, useState } from "react";
import type { ThemedToken } from "shiki/core";
import { layoutJson, type JsonBlock } from "@/lib/trajectory/fold";
import { countLines } from "@/lib/trajectory/fold";
import type { JsonNode } from "@/lib/text/json";
import { formatCount } from "@/lib/format";
import { TokenLine, tokenStyle, useTokens } from "@/components/run/highlight";
import { TextBlock, moreButton } from "@/components/run/TextBlock";

/** JSON lines shown before "show more" (a huge array should not stall the panel). */
const JSON_LINES = 300;

/** The line's tokens with the block placeholder's characters replaced by `label`. */
function splice(tokens: ThemedToken[], from: number, to: number, label: React.ReactNode): React.ReactNode[] {
  const out: React.ReactNode[] = [];
  let pos = 0;
  tokens.forEach((t, i) => {
    const start = pos;
    const end = pos + t.content.length;
    pos = end;
    const style = tokenStyle(t);
    if (end <= from || start >= to) {
      out.push(
        <span key={i} style={style}>
          {t.content}
        </span>,
      );
      return;
    }
    if (start < from)
      out.push(
        <span key={`${i}a`} style={style}>
          {t.content.slice(0, from - start)}
        </span>,
      );
    if (start <= from && end > from) out.push(<span key="label">{label}</span>);
    if (end > to)
      out.push(
        <span key={`${i}b`} style={style}>
          {t.content.slice(to - start)}
        </span>,
      );
  });
  return out;
}

function BlockLabel({ block, whole }: { block: JsonBlock; whole: number | undefined }) {
  const lines = countLines(block.value);
  if (whole !== undefined) {
    return (
      <span className="rounded bg-amber-100 px-1 text-[11px] text-amber-900" data-cut={block.path}>
        text, first {formatCount(block.value.length)} of {formatCount(whole)} characters ↓
      </span>
    );
  }
  return (
    <span className="rounded bg-slate-200 px-1 text-[11px] text-slate-600">
      {lines > 1 ? `text, ${lines.toLocaleString("en-US")} lines ↓` : `text, ${block.value.length.toLocaleString("en-US")} characters ↓`}
    </span>
  );
}

/** `cuts` gives the whole length of each string the server cut, by path (lib/trajectory/truncate.ts). */
export function JsonView({ value, name, cuts }: { value: JsonNode; name: string; cuts?: ReadonlyMap<string, number> }) {
  const layout = useMemo(() => layoutJson(value, name), [value, name]);
  const tokens = useTokens(layout.text, "json");
  const [all, setAll] = useState(false);
  const lines = useMemo(() => layout.text.split("\n"), [layout]);
  const shown = all ? lines.length : Math.min(lines.length, JSON_LINES);
  return (
    <div className="rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs leading-5" data-json={name}>
      {lines.slice(0, shown).map((line, i) => {
        const block = layout.blocks.get(i);
        const lineTokens = tokens?.[i];
        const indent = line.length - line.trimStart().length;
        let content: React.ReactNode;
        if (block) {
          const label = <BlockLabel block={block} whole={cuts?.get(block.path)} />;
          content = lineTokens ? splice(lineTokens, block.from, block.to, label) : [line.slice(0, block.from), label, line.slice(block.to)];
        } else {
          content = lineTokens ? <TokenLine tokens={lineTokens} /> : line;
        }
        return (
          <div key={i}>
            <div className="whitespace-pre-wrap break-all">{content}</div>
            {block && (
              <div className="my-1" style={{ marginLeft: `${indent + 2}ch` }} data-block={block.path}>
                <TextBlock text={block.value} detectDiff />
              </div>
            )}
          </div>
        );
      })}
      {shown < lines.length && (
        <button type="button" className={moreButton} onClick={() => setAll(true)}>
          show {(lines.length - shown).toLocaleString("en-US")} more lines
        </button>
      )}
    </div>
  );
}
