// The packaging (Dockerfile, compose.yaml, the Helm chart, deploy/nginx) cannot be run here — no container engine —
// so it is checked against what is: valid YAML, every npm command a script of package.json, every variable one
// lib/config.ts reads, the probes on routes that exist, no secret in the image, nginx's config the tested one.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { agentEnvSchema, appEnvSchema } from "@/lib/config";
import { COMPOSE_NGINX, nginxConfig } from "@/scripts/test-deploy-nginx";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const read = (p: string) => readFileSync(path.join(ROOT, p), "utf8");
const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
const CONFIG = new Set([...Object.keys(appEnvSchema.shape), ...Object.keys(agentEnvSchema.shape)]);
// Variables of Next.js and of the postgres image, not the app's.
const NOT_OURS = new Set(["NEXT_TELEMETRY_DISABLED", "POSTGRES_DB", "POSTGRES_PASSWORD", "PGPASSWORD"]);

/** The npm script a command runs: ["npm", "run", "db:migrate"] → "db:migrate", ["npm", "start", …] → "start". */
function npmScript(argv: string[]): string | null {
  if (argv[0] !== "npm") return null;
  return argv[1] === "run" ? argv[2]! : argv[1]!;
}

describe("Dockerfile", () => {
  const text = read("Dockerfile");
  const lines = text.split("\n");

  it("is multi-stage, runs as a non-root user, and sets no secret", () => {
    expect(lines.filter((l) => /^FROM /.test(l)).length).toBeGreaterThanOrEqual(2);
    const users = lines.filter((l) => /^USER /.test(l)).map((l) => l.slice(5).trim());
    expect(users.at(-1)).toBe("node");
    const declared = lines.filter((l) => /^(ENV|ARG) /.test(l)).join(" ");
    expect(declared).not.toMatch(/SECRET|PASSWORD|DATABASE_URL|API_KEY/);
  });

  it("runs the commands the tested topology runs, each a script of package.json", () => {
    const commands = [...text.matchAll(/npm (run [\w:]+|ci|start|prune)/g)].map((m) => m[1]!);
    expect(commands).toEqual(expect.arrayContaining(["ci", "run build", "start"]));
    for (const c of commands.filter((c) => c.startsWith("run "))) expect(scripts).toHaveProperty(c.slice(4));
    const cmd = JSON.parse(lines.find((l) => l.startsWith("CMD "))!.slice(4)) as string[];
    expect(cmd).toEqual(["npm", "start", "--", "--no-agent", "--no-demo"]);
    expect(read("scripts/deploy/topology.ts")).toContain('["start", "--", "--no-agent", "--no-demo"]');
  });

  it("sets only variables lib/config.ts knows, and checks readiness on /api/health", () => {
    const env = lines
      .filter((l) => /^ENV /.test(l) || /^\s+[A-Z_]+=/.test(l))
      .flatMap((l) => [...l.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!));
    expect(env.length).toBeGreaterThan(0);
    for (const name of env) expect(CONFIG.has(name) || NOT_OURS.has(name), name).toBe(true);
    expect(text).toContain("/api/health?ready=1");
    expect(existsSync(path.join(ROOT, "app/api/health/route.ts"))).toBe(true);
  });
});

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml"), { merge: true }) as {
    services: Record<
      string,
      {
        command?: string[];
        environment?: Record<string, string>;
        healthcheck?: unknown;
        volumes?: string[];
        image?: string;
        build?: string;
      }
    >;
    volumes: Record<string, unknown>;
  };

  it("has the topology's services, each with a health check", () => {
    expect(Object.keys(compose.services).sort()).toEqual(["app1", "app2", "db", "migrate", "nginx", "replica"]);
    for (const name of ["db", "replica", "app1", "app2", "nginx"]) expect(compose.services[name]!.healthcheck, name).toBeDefined();
    expect(Object.keys(compose.volumes)).toEqual(["pgdata", "pgreplica"]);
  });

  it("the app's commands are package.json scripts and its variables are lib/config.ts's", () => {
    for (const name of ["migrate", "app1", "app2"]) {
      const s = compose.services[name]!;
      expect(s.build).toBe(".");
      expect(scripts).toHaveProperty(npmScript(s.command!)!);
      for (const v of Object.keys(s.environment!)) expect(CONFIG.has(v), `${name}: ${v}`).toBe(true);
    }
    expect(compose.services.app1!.command).toEqual(["npm", "start", "--", "--no-agent", "--no-demo"]);
    expect(compose.services.migrate!.command).toEqual(["npm", "run", "db:migrate"]);
    for (const f of (compose.services.db!.volumes ?? []).map((v) => v.split(":")[0]!).filter((v) => v.startsWith("./")))
      expect(existsSync(path.join(ROOT, f)), f).toBe(true);
  });

  it("nginx's configuration is the one scripts/test-deploy.ts runs", () => {
    expect(read("deploy/nginx/nginx.conf")).toBe(nginxConfig(COMPOSE_NGINX));
    expect(compose.services.nginx!.volumes).toContain("./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro");
  });
});

describe("Helm chart", () => {
  const dir = path.join(ROOT, "deploy/helm/trajectory-viewer");
  /** A template as YAML: control lines dropped, {{ … }} replaced by a placeholder (Helm itself cannot run here). */
  const asYaml = (t: string) =>
    t
      .split("\n")
      .filter((l) => !/^\s*\{\{-?\s*(if|end|range|include|toYaml|define)\b.*\}\}\s*$/.test(l))
      .join("\n")
      .replace(/\{\{[^}]*\}\}/g, "x");
  const templates = Object.fromEntries(
    readdirSync(path.join(dir, "templates"))
      .filter((f) => f.endsWith(".yaml"))
      .map((f) => [f, parseAllDocuments(asYaml(readFileSync(path.join(dir, "templates", f), "utf8")))]),
  );

  it("Chart.yaml and values.yaml are valid; every template parses", () => {
    expect(parse(readFileSync(path.join(dir, "Chart.yaml"), "utf8"))).toMatchObject({ apiVersion: "v2", name: "trajectory-viewer" });
    expect(parse(readFileSync(path.join(dir, "values.yaml"), "utf8"))).toMatchObject({ existingSecret: "trajectory-viewer" });
    expect(Object.keys(templates).sort()).toEqual(["deployment.yaml", "ingress.yaml", "migrate-job.yaml", "service.yaml"]);
    for (const [f, docs] of Object.entries(templates)) for (const d of docs) expect(d.errors, f).toEqual([]);
  });

  it("the deployment starts the app as the topology does, with secrets by reference and probes on /api/health", () => {
    const d = templates["deployment.yaml"]![0]!.toJS() as {
      spec: {
        template: {
          spec: {
            containers: {
              command: string[];
              env: { name: string; valueFrom?: { secretKeyRef?: unknown } }[];
              readinessProbe: { httpGet: { path: string } };
              livenessProbe: { httpGet: { path: string } };
            }[];
          };
        };
      };
    };
    const c = d.spec.template.spec.containers[0]!;
    expect(c.command).toEqual(["npm", "start", "--", "--no-agent", "--no-demo"]);
    for (const e of c.env) expect(CONFIG.has(e.name) || e.name === "x", e.name).toBe(true);
    const secret = c.env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
    expect(secret).toEqual(["DATABASE_URL", "BETTER_AUTH_SECRET", "DATABASE_READ_URL"]);
    expect(c.readinessProbe.httpGet.path).toBe("/api/health?ready=1");
    expect(c.livenessProbe.httpGet.path).toBe("/api/health");
    const job = templates["migrate-job.yaml"]![0]!.toJS() as { spec: { template: { spec: { containers: { command: string[] }[] } } } };
    expect(scripts).toHaveProperty(npmScript(job.spec.template.spec.containers[0]!.command)!);
  });
});
