// The header's right end: who is signed in, with which role, and the way in or out.
import Link from "next/link";
import { currentUser } from "@/lib/auth/session";
import { isDatabaseUnavailable } from "@/lib/db/unavailable";
import { CSRF_FIELD, csrfTokenOfRequest } from "@/lib/auth/csrf";

export async function UserMenu() {
  // The header stays up while the database is away, so the page's own error (app/error.tsx) can show below it.
  const user = await currentUser().catch((error: unknown) => {
    if (isDatabaseUnavailable(error)) return undefined;
    throw error;
  });
  if (user === undefined) return <span className="ml-auto text-sm text-slate-400">account unavailable</span>;
  if (!user) {
    return (
      <Link href="/sign-in" className="ml-auto text-sm text-sky-700 hover:underline">
        Sign in
      </Link>
    );
  }
  // A plain form post from a page with Referrer-Policy no-referrer says `Origin: null`; the token proves it is ours.
  const csrf = await csrfTokenOfRequest();
  return (
    <span className="ml-auto flex items-center gap-3 text-sm">
      {user.role === "admin" && (
        <Link href="/admin" className="text-slate-600 hover:text-slate-900">
          Admin
        </Link>
      )}
      {/* On a phone the email gives way (cut, whole in the tooltip); the role stays whole beside it. */}
      <span className="flex min-w-0 items-center gap-1 text-slate-700 max-sm:max-w-[11rem]" data-testid="signed-in-as" title={user.email}>
        <span className="min-w-0 truncate">{user.email}</span>{" "}
        <span className="shrink-0 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600" data-testid="signed-in-role">
          {user.role}
        </span>
      </span>
      {/* A plain form: React renders a function action as a javascript: URL until hydration, and the CSP test forbids those. */}
      <form method="post" action="/sign-out">
        <input type="hidden" name={CSRF_FIELD} value={csrf} />
        <button type="submit" className="text-sky-700 hover:underline">
          Sign out
        </button>
      </form>
    </span>
  );
}
