// The 404 page, rendered per request: Next.js can put the CSP nonce (proxy.ts) on its scripts only when it renders
// the answer, never into a page prerendered at build time.
import Link from "next/link";
import { connection } from "next/server";

export default async function NotFound() {
  await connection();
  return (
    <div className="space-y-2">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="text-sm text-slate-600">
        No such page or run.{" "}
        <Link href="/" className="text-sky-700 hover:underline">
          Back to the runs
        </Link>
      </p>
    </div>
  );
}
