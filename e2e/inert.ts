// What must never happen on a page that shows untrusted content, for the tests that open hostile runs: watch() records
// dialogs, script errors and CSP violations as they happen; expectInert() checks the DOM holds nothing a payload could
// have made (event handlers, script URLs, frames, scripts without the page's nonce).
import { expect, type Page } from "@playwright/test";

/** Records what must never happen on a page: a dialog, a script error, a CSP violation. */
export function watch(page: Page): { problems: string[] } {
  const problems: string[] = [];
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("console", (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  // An init script comes from the test, not the page, so the CSP does not apply to it.
  void page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      const w = window as unknown as { __violations?: string[] };
      (w.__violations ??= []).push(`${e.violatedDirective} ${e.blockedURI} ${e.sample} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return { problems };
}

/** The DOM holds nothing a payload could have made: no handlers, no script URLs, no frames, no script without our nonce. */
export async function expectInert(page: Page, where: string): Promise<void> {
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    const w = window as unknown as { __pwned?: unknown; __violations?: string[] };
    if (w.__pwned !== undefined) bad.push(`window.__pwned = ${String(w.__pwned)}`);
    for (const v of w.__violations ?? []) bad.push(`CSP violation: ${v}`);
    const nodes = [...document.querySelectorAll("*")];
    for (const el of nodes) {
      const tag = el.tagName.toLowerCase();
      if (["iframe", "frame", "object", "embed", "base", "meta"].includes(tag) && !(tag === "meta" && !el.hasAttribute("http-equiv")))
        bad.push(`<${tag}>`);
      if (tag === "script") {
        const src = el.getAttribute("src");
        if (src ? new URL(src, location.href).origin !== location.origin : !el.hasAttribute("nonce"))
          bad.push(`script ${src ?? el.textContent?.slice(0, 60)}`);
      }
      for (const attr of [...el.attributes]) {
        if (attr.name.startsWith("on") || attr.name === "srcdoc") bad.push(`<${tag} ${attr.name}>`);
        if (/^(href|src|action|formaction|xlink:href|data|poster)$/.test(attr.name)) {
          const url = new URL(attr.value, location.href);
          if (url.protocol !== "http:" && url.protocol !== "https:") bad.push(`<${tag} ${attr.name}="${attr.value.slice(0, 60)}">`);
        }
      }
    }
    return bad;
  });
  expect(found, where).toEqual([]);
}
