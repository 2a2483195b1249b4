"use client";
// Thoughts as the markdown they are, sanitized: raw HTML is shown as text (no rehype-raw), links only to http(s),
// images never load (a model's text must not make the browser fetch anything).
// Rendered only within a shape budget (lib/text/markdown-budget.ts: length, nesting, emphasis marks per paragraph):
// remark's worst cases are quadratic or recursive, so hostile text past the budget is shown plain, said so, and a
// renderer that still throws is caught by a ValueBoundary here: one bad Thoughts never takes the page.
import { ValueBoundary } from "@/components/run/ValueBoundary";
import { markdownRefusal } from "@/lib/text/markdown-budget";
import ReactMarkdown, { type Components } from "react-markdown";
import remarkGfm from "remark-gfm";

function safeHref(href: string | undefined): string | null {
  if (!href) return null;
  try {
    const u = new URL(href);
    return u.protocol === "https:" || u.protocol === "http:" ? u.href : null;
  } catch {
    return null;
  }
}

const components: Components = {
  a: ({ href, children }) => {
    const safe = safeHref(href);
    return safe ? (
      <a href={safe} className="text-sky-700 underline" rel="noopener noreferrer nofollow" target="_blank">
        {children}
      </a>
    ) : (
      <span>{children}</span>
    );
  },
  img: ({ alt }) => <span className="text-slate-500">[image: {alt}]</span>,
  p: ({ children }) => <p className="my-1.5">{children}</p>,
  ul: ({ children }) => <ul className="my-1.5 list-disc pl-5">{children}</ul>,
  ol: ({ children }) => <ol className="my-1.5 list-decimal pl-5">{children}</ol>,
  h1: ({ children }) => <h4 className="mt-2 font-semibold">{children}</h4>,
  h2: ({ children }) => <h4 className="mt-2 font-semibold">{children}</h4>,
  h3: ({ children }) => <h4 className="mt-2 font-semibold">{children}</h4>,
  code: ({ children }) => <code className="rounded bg-slate-100 px-1 font-mono text-xs">{children}</code>,
  pre: ({ children }) => <pre className="my-1.5 overflow-x-auto rounded bg-slate-100 p-2 font-mono text-xs">{children}</pre>,
  blockquote: ({ children }) => <blockquote className="border-l-2 border-slate-300 pl-2 text-slate-600">{children}</blockquote>,
  table: ({ children }) => (
    <table className="my-1.5 border-collapse text-xs [&_td]:border [&_td]:px-1 [&_th]:border [&_th]:px-1">{children}</table>
  ),
};

/** `text` as markdown when it is within the shape budget, else as plain text with the reason. */
export default function Markdown({ text }: { text: string }) {
  const refused = markdownRefusal(text);
  if (refused !== null) {
    return (
      <div data-markdown-plain>
        <p className="mb-1 text-[11px] italic text-slate-500" data-testid="markdown-plain">
          shown as plain text: {refused}
        </p>
        <pre className="whitespace-pre-wrap wrap-anywhere font-mono text-xs text-slate-800">{text}</pre>
      </div>
    );
  }
  return (
    <ValueBoundary label="This markdown" text={text}>
      <div className="text-sm leading-6 text-slate-800" data-markdown>
        <ReactMarkdown remarkPlugins={[remarkGfm]} components={components} skipHtml={false}>
          {text}
        </ReactMarkdown>
      </div>
    </ValueBoundary>
  );
}
