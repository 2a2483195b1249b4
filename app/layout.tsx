// The page frame: header with the product name and navigation.
import type { Metadata } from "next";
import Link from "next/link";
import { cookies } from "next/headers";
import { UserMenu } from "@/components/auth/UserMenu";
import { RegisterWorkflows } from "@/components/workflows/RegisterWorkflows";
import { ensureExtraWorkflows } from "@/lib/workflows/extra-file";
import { ThemeToggle } from "@/components/theme/ThemeToggle";
import { parseTheme, THEME_COOKIE } from "@/components/theme/theme";
import "./globals.css";

export const metadata: Metadata = {
  title: "Trajectory viewer",
  description: "Every triage run of your LLM agents, kept and readable.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const theme = parseTheme((await cookies()).get(THEME_COOKIE)?.value);
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <body className="min-h-screen bg-slate-50 text-slate-900 antialiased">
        <header className="border-b border-slate-200 bg-white">
          <nav className="mx-auto flex max-w-screen-2xl flex-wrap items-center gap-x-4 gap-y-1 whitespace-nowrap px-4 py-3 sm:gap-x-6">
            <Link href="/" className="font-semibold tracking-tight">
              Trajectory viewer
            </Link>
            <Link href="/" className="text-sm text-slate-600 hover:text-slate-900">
              Runs
            </Link>
            <Link href="/experiments" className="text-sm text-slate-600 hover:text-slate-900">
              Experiments
            </Link>
            <UserMenu />
            <ThemeToggle initial={theme} />
          </nav>
        </header>
        <main className="mx-auto max-w-screen-2xl px-4 py-4">
          <RegisterWorkflows entries={ensureExtraWorkflows()} />
          {children}
        </main>
      </body>
    </html>
  );
}
