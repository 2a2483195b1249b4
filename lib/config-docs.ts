// The README's configuration tables, written between markers from lib/config.ts (npm run docs:config; a test compares).
import { agentEnvSchema, appEnvSchema, envTable, toolEnvSchema } from "@/lib/config";

/** Marker name → the table that stands between `<!-- config:NAME -->` and `<!-- /config:NAME -->`. */
export const CONFIG_TABLES = {
  app: () => envTable(appEnvSchema),
  agent: () => envTable(agentEnvSchema),
  tools: () => envTable(toolEnvSchema),
} as const;

/** The README with every marked table replaced by the generated one; throws when a marker pair is missing. */
export function withConfigTables(readme: string): string {
  let out = readme;
  for (const [name, table] of Object.entries(CONFIG_TABLES)) {
    const re = new RegExp(`(<!-- config:${name} -->\\n)[\\s\\S]*?(<!-- /config:${name} -->)`);
    if (!re.test(out)) throw new Error(`README.md has no <!-- config:${name} --> … <!-- /config:${name} --> markers`);
    out = out.replace(re, (_m, open: string, close: string) => `${open}${table()}\n${close}`);
  }
  return out;
}
