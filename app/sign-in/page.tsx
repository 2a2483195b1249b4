// /sign-in?next=<path>: email and password; people are added by an admin (npm run user:add, /admin).
import { SignInForm } from "@/components/auth/SignInForm";
import { safeNext } from "@/lib/auth/safe-next";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  return (
    <div className="mx-auto mt-12 max-w-sm rounded border border-slate-200 bg-white p-6 shadow-sm">
      <h1 className="mb-1 text-lg font-semibold">Sign in</h1>
      <p className="mb-4 text-sm text-slate-600">
        Ask an admin for an account; the first admin is made with <code>npm run user:add -- --admin you@example.com</code>.
      </p>
      <SignInForm next={safeNext(next)} />
    </div>
  );
}
