"use client";
// The header's theme switch: system → light → dark → system. The choice is remembered in a cookie (a year) and applied
// at once by setting <html data-theme>; app/globals.css turns the palette by it, or by the system when there is none.
import { useState } from "react";
import { THEME_COOKIE, THEMES, type Theme } from "@/components/theme/theme";

const LABEL: Record<Theme, string> = { system: "Theme: system", light: "Theme: light", dark: "Theme: dark" };
const ICON: Record<Theme, string> = { system: "◐", light: "☀", dark: "☾" };

export function ThemeToggle({ initial }: { initial: Theme }) {
  const [theme, setTheme] = useState<Theme>(initial);
  const next = THEMES[(THEMES.indexOf(theme) + 1) % THEMES.length]!;
  return (
    <button
      type="button"
      className="rounded px-1.5 py-0.5 text-sm text-slate-600 hover:bg-slate-100 hover:text-slate-900"
      aria-label={`${LABEL[theme]} (switch to ${next})`}
      title={`${LABEL[theme]}; click for ${next}`}
      data-testid="theme-toggle"
      data-theme-choice={theme}
      onClick={() => {
        setTheme(next);
        const root = document.documentElement;
        if (next === "system") delete root.dataset.theme;
        else root.dataset.theme = next;
        document.cookie = `${THEME_COOKIE}=${next}; path=/; max-age=${365 * 24 * 3600}; samesite=lax`;
      }}
    >
      <span aria-hidden>{ICON[theme]}</span>
    </button>
  );
}
