// The reader's colour scheme: "system" follows prefers-color-scheme; "light" and "dark" are a choice, kept in a cookie
// so the server renders <html data-theme> with the page (no flash of the other scheme, no inline script for the CSP).

export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = "theme";

/** The theme a cookie value names; "system" for anything else (a missing or forged cookie is no error). */
export function parseTheme(value: string | undefined): Theme {
  return (THEMES as readonly string[]).includes(value ?? "") ? (value as Theme) : "system";
}
