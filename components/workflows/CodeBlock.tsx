"use client";
// A program shown as code: C and JSON highlighted by shiki (loaded on first use), syzkaller programs by their own
// small tokenizer; long programs fold. Tokens become React text, never HTML.
import { useState } from "react";
import { TokenLine, useTokens } from "@/components/run/highlight";
import { CopyButton } from "@/components/run/CopyButton";
import { moreButton } from "@/components/run/TextBlock";
import { syzLineTokens, type SyzTokenKind } from "@/lib/workflows/syz-tokens";
import type { CodeLanguage } from "@/lib/workflows/fields";

// github-light's colours, and github-dark's in dark mode (as shiki's dual themes give the other languages).
const SYZ_COLOR: Record<SyzTokenKind, string | undefined> = {
  comment: "light-dark(#6a737d, #959da5)",
  call: "light-dark(#005cc5, #79b8ff)",
  resource: "light-dark(#6f42c1, #b392f0)",
  string: "light-dark(#032f62, #9ecbff)",
  number: "light-dark(#e36209, #ffab70)",
  plain: undefined,
};

/** Lines shown before "show all": a 2,000-line C reproducer should not push the rest of the card away. */
const SHOWN_LINES = 40;

function SyzLines({ lines }: { lines: string[] }) {
  return lines.map((line, i) => (
    <div key={i}>
      {syzLineTokens(line).map((t, j) => (
        <span
          key={j}
          style={SYZ_COLOR[t.kind] ? { color: SYZ_COLOR[t.kind] } : undefined}
          data-syz={t.kind === "plain" ? undefined : t.kind}
        >
          {t.text}
        </span>
      ))}
      {line === "" && "\n"}
    </div>
  ));
}

export function CodeBlock({ code, lang }: { code: string; lang: CodeLanguage }) {
  const [open, setOpen] = useState(false);
  const tokens = useTokens(code, lang === "syz" ? null : lang);
  const lines = code.split("\n");
  const shown = open ? lines : lines.slice(0, SHOWN_LINES);
  return (
    <div data-code={lang}>
      <div className="relative">
        <pre className="overflow-x-auto rounded border border-slate-200 bg-slate-50 p-2 font-mono text-xs leading-5 text-slate-800">
          {lang === "syz" ? (
            <SyzLines lines={shown} />
          ) : (
            // An empty line still takes a line's height (an empty div would collapse).
            shown.map((line, i) => <div key={i}>{line === "" ? "\n" : tokens?.[i] ? <TokenLine tokens={tokens[i]} /> : line}</div>)
          )}
        </pre>
        <div className="absolute right-1 top-1">
          <CopyButton text={code} />
        </div>
      </div>
      {!open && lines.length > SHOWN_LINES && (
        <button type="button" className={moreButton} onClick={() => setOpen(true)}>
          show {lines.length - SHOWN_LINES} more lines
        </button>
      )}
    </div>
  );
}
