"use client";
// An error boundary around one shown value (a span's field, a workflow's field, a span's details): a value that makes
// its renderer throw (a stack overflow on 5,001 nested quotes, a highlighter's error) shows a note and its first
// characters as plain text, and the rest of the page stays. Without it React takes the whole route to its error page.
import { Component, type ReactNode } from "react";

interface Props {
  /** what is shown: "Thoughts", "Args", "FocusSymbols"; named in the note */
  label: string;
  /** the value's text, shown plain (its first characters) when rendering it failed */
  text?: string;
  children: ReactNode;
}

/** Characters of the value shown plain after its renderer failed. */
const PLAIN_CHARS = 10_000;

export class ValueBoundary extends Component<Props, { failed: string | null }> {
  state = { failed: null as string | null };

  static getDerivedStateFromError(e: unknown) {
    return { failed: e instanceof Error ? e.message : String(e) };
  }

  componentDidUpdate(prev: Props) {
    // Another value in the same place gets its own try.
    if (this.state.failed !== null && (prev.text !== this.props.text || prev.label !== this.props.label)) this.setState({ failed: null });
  }

  render() {
    if (this.state.failed === null) return this.props.children;
    const { label, text } = this.props;
    return (
      <div className="rounded border border-amber-300 bg-amber-50 p-2 text-xs text-amber-900" data-testid="value-failed" data-label={label}>
        <p>
          {label} could not be shown formatted ({this.state.failed.slice(0, 200)});{" "}
          {text !== undefined ? "here it is as plain text." : "the rest of the page is unaffected."}
        </p>
        {text !== undefined && (
          <pre className="mt-1 max-h-80 overflow-auto whitespace-pre-wrap wrap-anywhere font-mono text-slate-800">
            {text.length > PLAIN_CHARS ? `${text.slice(0, PLAIN_CHARS)}…` : text}
          </pre>
        )}
      </div>
    );
  }
}
