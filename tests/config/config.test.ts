// The one configuration module: bad values are refused with the variable's name, defaults apply, the README agrees.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentEnvSchema, appEnvSchema, envDocs, parseEnv, toolEnvSchema } from "@/lib/config";
import { withConfigTables } from "@/lib/config-docs";

describe("configuration", () => {
  it("applies defaults and treats empty as unset", () => {
    const c = parseEnv(appEnvSchema, { PORT: "", ANONYMOUS_READ: "" });
    expect(c.PORT).toBe(3000);
    expect(c.HOST).toBe("127.0.0.1");
    expect(c.ANONYMOUS_READ).toBeUndefined();
  });

  it("reads on/off words and numbers", () => {
    expect(parseEnv(appEnvSchema, { ANONYMOUS_READ: "ON" }).ANONYMOUS_READ).toBe(true);
    expect(parseEnv(appEnvSchema, { ANONYMOUS_READ: "no" }).ANONYMOUS_READ).toBe(false);
    expect(parseEnv(appEnvSchema, { PORT: "8080" }).PORT).toBe(8080);
  });

  it("refuses bad values, naming each variable", () => {
    expect(() => parseEnv(appEnvSchema, { PORT: "eighty", ANONYMOUS_READ: "maybe", BETTER_AUTH_SECRET: "short" })).toThrow(
      /PORT: .*\n.*ANONYMOUS_READ: expected on or off, got "maybe"\n.*BETTER_AUTH_SECRET: must be at least 32 characters/,
    );
  });

  it("documents every variable", () => {
    for (const schema of [appEnvSchema, agentEnvSchema, toolEnvSchema]) {
      for (const { name, doc } of envDocs(schema)) {
        expect(doc.meaning.length, name).toBeGreaterThan(5);
        expect(doc.default.length, name).toBeGreaterThan(0);
      }
    }
  });

  it("the README's tables are the generated ones (npm run docs:config rewrites them)", () => {
    const readme = readFileSync(path.resolve(import.meta.dirname, "../../README.md"), "utf8");
    expect(withConfigTables(readme)).toBe(readme);
  });
});
