"use client";
// What a page shows when it failed on the server: most often the database restarting or out of reach. The details
// stay in the server's log (under the reference shown); the reader gets a way to try again without losing the URL.
import Link from "next/link";

export default function PageError({ error, retry }: { error: Error & { digest?: string }; retry: () => void }) {
  return (
    <div className="mx-auto mt-8 max-w-xl space-y-3 rounded border border-amber-300 bg-amber-50 p-5" role="alert" data-testid="page-error">
      <h1 className="text-lg font-semibold text-amber-900">This page could not be loaded</h1>
      <p className="text-sm text-amber-900">
        The server could not answer just now — usually because its database is restarting or out of reach, or a query took too long (the
        answer's status is 503 then). Nothing was changed. Try again in a moment, or narrow what the page shows.
      </p>
      <div className="flex items-center gap-4 text-sm">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded bg-amber-600 px-3 py-1.5 font-medium text-white hover:bg-amber-700"
        >
          Try again
        </button>
        <Link href="/" className="text-sky-700 hover:underline">
          Back to the runs
        </Link>
        {error.digest && <span className="ml-auto font-mono text-xs text-amber-800">reference {error.digest}</span>}
      </div>
    </div>
  );
}
