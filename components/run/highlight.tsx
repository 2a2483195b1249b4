"use client";
// Syntax highlighting with shiki, loaded only when a span is opened: the core, the JavaScript regex engine
// (no WASM) and just the grammars asked for. Tokens become React text, so payloads are never parsed as HTML.
import { useEffect, useState } from "react";
import type { HighlighterCore, ThemedToken } from "shiki/core";

export type Tokens = ThemedToken[][];

const GRAMMARS: Record<string, () => Promise<{ default: unknown }>> = {
  json: () => import("shiki/langs/json.mjs"),
  c: () => import("shiki/langs/c.mjs"),
  cpp: () => import("shiki/langs/cpp.mjs"),
  python: () => import("shiki/langs/python.mjs"),
  go: () => import("shiki/langs/go.mjs"),
  rust: () => import("shiki/langs/rust.mjs"),
  shellscript: () => import("shiki/langs/shellscript.mjs"),
  make: () => import("shiki/langs/make.mjs"),
  yaml: () => import("shiki/langs/yaml.mjs"),
  javascript: () => import("shiki/langs/javascript.mjs"),
  typescript: () => import("shiki/langs/typescript.mjs"),
  asm: () => import("shiki/langs/asm.mjs"),
  markdown: () => import("shiki/langs/markdown.mjs"),
};

/** Above this many characters highlighting costs more than it helps: the text is shown plain. */
export const HIGHLIGHT_LIMIT = 150_000;
/** Longest line highlighted, and the most time spent tokenizing one line (ms); past either the line is plain. */
const HIGHLIGHT_LINE_LIMIT = 5_000;
const HIGHLIGHT_LINE_MS = 200;

let highlighter: Promise<HighlighterCore> | null = null;
const loading = new Map<string, Promise<void>>();

async function core(): Promise<HighlighterCore> {
  highlighter ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }, light, dark] = await Promise.all([
      import("shiki/core"),
      import("shiki/engine/javascript"),
      import("shiki/themes/github-light.mjs"),
      import("shiki/themes/github-dark.mjs"),
    ]);
    return createHighlighterCore({
      themes: [light.default, dark.default],
      langs: [],
      engine: createJavaScriptRegexEngine({ forgiving: true }),
    });
  })();
  return highlighter;
}

export function canHighlight(lang: string | null): lang is string {
  return lang !== null && lang in GRAMMARS;
}

export async function tokenize(code: string, lang: string): Promise<Tokens | null> {
  if (!canHighlight(lang) || code.length > HIGHLIGHT_LIMIT) return null;
  const h = await core();
  if (!loading.has(lang)) {
    loading.set(
      lang,
      GRAMMARS[lang]!().then((m) => h.loadLanguage(m.default as Parameters<HighlighterCore["loadLanguage"]>[0])),
    );
  }
  await loading.get(lang);
  // A line past HIGHLIGHT_LINE_LIMIT (minified JSON, a hex dump) is left plain, and one line's tokenizing stops after
  // HIGHLIGHT_LINE_MS: TextMate grammars can backtrack badly on long odd lines, and this runs on the reader's thread.
  // Both themes' colours on every token (--shiki-light, --shiki-dark); app/globals.css picks one by the colour scheme.
  return h.codeToTokens(code, {
    lang,
    themes: { light: "github-light", dark: "github-dark" },
    defaultColor: false,
    tokenizeMaxLineLength: HIGHLIGHT_LINE_LIMIT,
    tokenizeTimeLimit: HIGHLIGHT_LINE_MS,
  }).tokens;
}

/** Tokens of `code` once shiki has them; null meanwhile, and for text too long or a language it does not know. */
export function useTokens(code: string, lang: string | null): Tokens | null {
  const [result, setResult] = useState<{ code: string; lang: string | null; tokens: Tokens | null } | null>(null);
  useEffect(() => {
    if (!canHighlight(lang) || code.length > HIGHLIGHT_LIMIT) return;
    let live = true;
    tokenize(code, lang)
      .then((tokens) => live && setResult({ code, lang, tokens }))
      .catch(() => live && setResult({ code, lang, tokens: null }));
    return () => {
      live = false;
    };
  }, [code, lang]);
  return result && result.code === code && result.lang === lang ? result.tokens : null;
}

/** A token's colours: both themes' (dual-theme tokens carry htmlStyle), or its one colour (the ANSI tokenizer's). */
export function tokenStyle(t: ThemedToken): React.CSSProperties | undefined {
  if (t.htmlStyle) return t.htmlStyle as React.CSSProperties;
  return t.color ? { color: t.color } : undefined;
}

/** One line of tokens as coloured spans: text nodes only, whatever the payload holds. */
export function TokenLine({ tokens }: { tokens: ThemedToken[] }) {
  return tokens.map((t, i) => (
    <span key={i} style={tokenStyle(t)}>
      {t.content}
    </span>
  ));
}
