// When a text is rendered as markdown and when it is shown plain: a shape budget read in one linear pass. The
// markdown parser (remark, via react-markdown) is fine on what models write but has hostile worst cases: its emphasis
// matching (micromark's resolveAllAttention) is quadratic in the delimiters of one paragraph (198K characters of "*a_" held Chromium's thread over
// 119 s) and its containers recurse once per level (5,001 ">" overflowed the stack). A text past any budget here is
// shown as plain text, said so; no regex, so this check is linear itself.
import { MARKDOWN_MAX_CHARS, MARKDOWN_MAX_DELIMITERS, MARKDOWN_MAX_NESTING } from "@/lib/limits";

/** Why `text` is shown plain instead of as markdown, or null when it is within every budget (lib/limits.ts MARKDOWN_*). */
export function markdownRefusal(text: string): string | null {
  if (text.length > MARKDOWN_MAX_CHARS) return `longer than ${MARKDOWN_MAX_CHARS.toLocaleString("en-US")} characters`;
  let delimiters = 0;
  let depth = 0;
  let lineStart = true;
  let blank = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 /* \n */) {
      // A blank line ends the paragraph: emphasis is matched within one paragraph, so its marks are counted apiece.
      if (blank) delimiters = 0;
      lineStart = true;
      blank = true;
      depth = 0;
      continue;
    }
    if (c !== 32 && c !== 9 && c !== 13) blank = false;
    if (lineStart) {
      // The containers a line opens: quote markers, list markers and indentation (two spaces or a tab a level).
      if (c === 62 /* > */ || c === 9 /* \t */) depth++;
      else if (c === 32 /* space */) depth += 0.5;
      else if ((c === 45 || c === 42 || c === 43) /* - * + */ && (text.charCodeAt(i + 1) === 32 || text.charCodeAt(i + 1) === 9)) depth++;
      else lineStart = false;
      if (depth > MARKDOWN_MAX_NESTING) return `nested deeper than ${MARKDOWN_MAX_NESTING} quotes or lists`;
    }
    if (c === 42 || c === 95 || c === 126 || c === 96 || c === 91 || c === 93 || c === 60 /* * _ ~ ` [ ] < */) {
      if (++delimiters > MARKDOWN_MAX_DELIMITERS)
        return `more than ${MARKDOWN_MAX_DELIMITERS.toLocaleString("en-US")} emphasis, code or link marks in one paragraph`;
    }
  }
  return null;
}
