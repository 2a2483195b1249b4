// Every environment variable the app, the built-in agent and the test and benchmark tools read: one zod schema each,
// each variable with its meaning and default, read from process.env and checked in one place. The README's tables
// are generated from these (`npm run docs:config`) and a test fails when they drift.
import { isIP } from "node:net";
import { z } from "zod";

/** What the README says of a variable: its default as a reader should read it, and what it means. */
export interface EnvDoc {
  default: string;
  meaning: string;
}

const docs = new Map<z.ZodType, EnvDoc>();

/** A variable's schema with its documentation attached. */
function env<T extends z.ZodType>(schema: T, doc: EnvDoc): T {
  docs.set(schema, doc);
  return schema;
}

const onOff = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v, ctx) => {
    if (["on", "true", "1", "yes"].includes(v)) return true;
    if (["off", "false", "0", "no"].includes(v)) return false;
    ctx.addIssue({ code: "custom", message: `expected on or off, got "${v}"` });
    return z.NEVER;
  });
/** "a, b ,c" → ["a", "b", "c"]; empty entries dropped. */
const commaList = (item: z.ZodString) =>
  z
    .string()
    .transform((v) =>
      v
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item));
// A host name as the Host header carries it, without the port: letters, digits, dots and dashes.
const hostList = commaList(
  z
    .string()
    .toLowerCase()
    .regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, "a host name without scheme or port, e.g. viewer.example.org"),
);
const addressList = commaList(
  z
    .string()
    .refine(
      (v) => isIP(v.split("/")[0]!) !== 0 && /^[^/]+(\/\d{1,3})?$/.test(v),
      "an IP address or CIDR range, e.g. 10.0.0.5 or 10.0.0.0/24",
    ),
);
const seconds = (fallback: number) => z.coerce.number().positive().default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The app server and its command-line tools (npm start, import, user:add, agent:add, db:*). */
export const appEnvSchema = z.object({
  DATABASE_URL: env(z.string().min(1).optional(), {
    default: "unset: embedded PostgreSQL",
    meaning: "any PostgreSQL, e.g. `postgresql://user:pw@host:5432/trajectories` (run `npm run db:migrate` once)",
  }),
  PORT: env(z.coerce.number().int().min(1).max(65535).default(3000), { default: "`3000`", meaning: "the port the app listens on" }),
  HOST: env(z.string().min(1).default("127.0.0.1"), { default: "`127.0.0.1`", meaning: "the address the app listens on" }),
  TRAJECTORY_DATA_DIR: env(z.string().min(1).optional(), {
    default: "`.data/postgres`",
    meaning: "data folder of the embedded PostgreSQL",
  }),
  ANONYMOUS_READ: env(onOff.optional(), {
    default: "on for the embedded database, else off in production",
    meaning: "`on` or `off`: may people who are not signed in read runs (an admin's choice at `/admin` wins)",
  }),
  BETTER_AUTH_SECRET: env(z.string().min(32, "must be at least 32 characters").optional(), {
    default: "generated once, kept in the database",
    meaning: "the secret that signs session cookies",
  }),
  BETTER_AUTH_URL: env(z.string().url().optional(), {
    default: "the request's own origin",
    meaning: "the app's public URL, when it sits behind a proxy",
  }),
  ALLOWED_HOSTS: env(hostList.default([]), {
    default: "IP addresses, `localhost` and `BETTER_AUTH_URL`'s host",
    meaning:
      "comma-separated host names the app answers to, e.g. `viewer.example.org,viewer.lan`; any other `Host` gets 421 (a DNS-rebinding page cannot read or write)",
  }),
  TRUSTED_PROXIES: env(addressList.default([]), {
    default: "none: the connection's own address",
    meaning:
      "comma-separated addresses or CIDR ranges of reverse proxies in front of the app; only a request arriving from one of them has its `x-forwarded-for` read (sign-in limits count per client address)",
  }),
  AGENT_SILENT_TIMEOUT_SECONDS: env(seconds(28_800), {
    default: "`28800` (8 hours, upstream's)",
    meaning:
      'how long a running job may go without a poll or span from its agent before the next poll aborts it ("Aborted: assigned agent has been inactive for too long") and queues a fresh copy',
  }),
  LOG_FORMAT: env(z.enum(["json", "off"]).default("off"), {
    default: "`off`",
    meaning: "`json`: one JSON line a request on stdout (time, method, path without query, status, ms; never a query, header or payload)",
  }),
  INGEST_BATCH_MAX_SPANS: env(positiveInt(200), {
    default: "`200`",
    meaning: "group commit (lib/ingest/span-batch.ts): the most spans stored in one statement",
  }),
  INGEST_BATCH_IN_FLIGHT: env(positiveInt(2), {
    default: "`2`",
    meaning: "group commit: how many batch statements one process writes at once; spans that arrive meanwhile gather into the next",
  }),
  INGEST_BATCH_WAIT_MS: env(z.coerce.number().min(0).max(1000).default(2), {
    default: "`2`",
    meaning:
      "group commit: how long, ms, a span that arrives while a batch is being written waits for others before a second batch is sent (never when nothing is being written)",
  }),
  RERUN_MAX_PENDING_PER_USER: env(positiveInt(2000), {
    default: "`2000`",
    meaning:
      "reruns one user may have waiting (pending) at once, by the Rerun button and experiments together; more are refused (429) with the figures",
  }),
  RERUN_MAX_PENDING: env(positiveInt(20_000), {
    default: "`20000`",
    meaning: "reruns waiting (pending) at once from everyone together; more are refused (429) with the figures",
  }),
  EXPERIMENTS_PER_DAY_PER_USER: env(positiveInt(20), {
    default: "`20`",
    meaning: "experiments one user may start in 24 hours; more are refused (429) saying when the next one may start",
  }),
  EXPERIMENT_BUDGET_USD: env(z.coerce.number().positive().optional(), {
    default: "unset: no budget",
    meaning:
      "largest estimated cost (USD) of one experiment; a larger one, or one whose cost cannot be estimated, is refused (400) with the estimate",
  }),
  USER_BUDGET_USD_30_DAYS: env(z.coerce.number().positive().optional(), {
    default: "unset: no budget",
    meaning:
      "largest estimated cost (USD) of the experiments one user starts in 30 days, this one included; past it the start is refused (400) with the figures",
  }),
  DATABASE_READ_URL: env(
    commaList(z.string().regex(/^postgres(ql)?:\/\//, "a PostgreSQL URL, e.g. postgresql://user:pw@replica:5432/db")).default([]),
    {
      default: "none: every query on `DATABASE_URL`",
      meaning:
        "comma-separated URLs of streaming replicas of `DATABASE_URL`; the read paths (history, run pages, exports, compare, experiments, trends) go to a replica that is up and not lagging, everything that writes, the queue and LISTEN to the primary (`lib/db/pools.ts`)",
    },
  ),
  DB_REPLICA_MAX_LAG_SECONDS: env(seconds(5), {
    default: "`5`",
    meaning: "a replica further behind the primary than this (or not answering) is skipped until it catches up",
  }),
  DB_READ_YOUR_WRITES_SECONDS: env(seconds(15), {
    default: "`15`",
    meaning: "after a rerun, review, import or experiment, that browser's reads go to the primary for this long (a signed cookie)",
  }),
  DB_READ_TIMEOUT_SECONDS: env(seconds(30), {
    default: "`30`",
    meaning:
      "`statement_timeout` of the readers' queries (history, a run's header and outline, a span); past it the request answers 503 with the reason",
  }),
  DB_EXPENSIVE_TIMEOUT_SECONDS: env(seconds(30), {
    default: "`30`",
    meaning: "`statement_timeout` of the expensive readers' queries (in-run search, compare, exports, trends)",
  }),
  DB_EXPENSIVE_CONNECTIONS: env(positiveInt(3), {
    default: "`3`",
    meaning:
      "connections per process (per database) of the expensive readers' own pool, so they cannot starve the history and the agents; they are shared fairly between client addresses (one holds all but one at most, one not served lately goes first); a request that waits longer than its timeout for one answers 503",
  }),
  DB_WRITE_TIMEOUT_SECONDS: env(seconds(300), {
    default: "`300`",
    meaning: "`statement_timeout` of each statement that writes (agents, imports, reruns, sign-in)",
  }),
  OTLP_TRACE_QUIET_SECONDS: env(seconds(10), {
    default: "`10`",
    meaning:
      "how long an OpenTelemetry trace (`POST /v1/traces`) must go without a new span, once its root span has ended, before its run is settled as finished",
  }),
  MIRROR_INTERVAL_MINUTES: env(positiveInt(15), {
    default: "`15`",
    meaning: "how often the app syncs the dashboards an admin follows at /admin (lib/mirror; one instance at a time)",
  }),
  MIRROR_CONCURRENCY: env(positiveInt(4), { default: "`4`", meaning: "job pages the mirror fetches at once from one dashboard" }),
  MIRROR_DELAY_MS: env(z.coerce.number().int().min(0).default(200), {
    default: "`200`",
    meaning: "least time between two requests the mirror starts to one dashboard (ms)",
  }),
  WORKFLOWS_FILE: env(z.string().min(1).optional(), {
    default: "—",
    meaning: "a JSON file of extra workflow descriptions (verdict field and words, field order and kinds; lib/workflows/extra.ts)",
  }),
  NODE_ENV: env(z.enum(["development", "production", "test"]).optional(), {
    default: "`production` under `npm start`",
    meaning: "set by the tools; `development` only under `npm run dev`",
  }),
});

/** The built-in triage agent (`npm run agent`). */
export const agentEnvSchema = z.object({
  TRAJECTORY_URL: env(z.string().url().default("http://127.0.0.1:3000"), { default: "`http://127.0.0.1:3000`", meaning: "the app" }),
  AGENT_CLIENT: env(z.string({ error: "AGENT_CLIENT is not set (make a client with `npm run agent:add -- <name>`)" }), {
    default: "—",
    meaning: "the agent's client name: `npm run agent:add -- <name>` makes one and prints its key (`npm start` makes its own)",
  }),
  AGENT_KEY: env(z.string({ error: "AGENT_KEY is not set (`npm run agent:add -- <name>` prints it)" }), {
    default: "—",
    meaning: "the client's key",
  }),
  AGENT_NAME: env(z.string().min(1).max(200).default("builtin-agent"), {
    default: "`builtin-agent`",
    meaning: "the AgentName the runs show (`-replay` is added when replaying)",
  }),
  AGENT_MODEL: env(z.string().optional(), {
    default: "replay, or the first provider whose key is set",
    meaning:
      "`google:<model>`, `openai:<model>`, `anthropic:<model>`, `openai-compatible:<model>@<baseURL>` (any local server speaking Chat Completions, e.g. `openai-compatible:qwen3:8b@http://127.0.0.1:11434/v1`), or `replay`",
  }),
  GOOGLE_GENERATIVE_AI_API_KEY: env(z.string().optional(), { default: "—", meaning: "Google's key" }),
  OPENAI_API_KEY: env(z.string().optional(), { default: "—", meaning: "OpenAI's key (also sent to an OpenAI-compatible server)" }),
  ANTHROPIC_API_KEY: env(z.string().optional(), { default: "—", meaning: "Anthropic's key" }),
  AGENT_MAX_LLM_CALLS: env(positiveInt(200), {
    default: "`200`",
    meaning: "per-job limit of llm calls; reaching it fails the job with `limit reached: …`",
  }),
  AGENT_MAX_TOKENS: env(positiveInt(3_000_000), { default: "`3000000`", meaning: "per-job limit of tokens" }),
  AGENT_MAX_SECONDS: env(positiveInt(1800), { default: "`1800`", meaning: "per-job limit of wall time" }),
  AGENT_KERNEL_ROOTS: env(z.string().optional(), {
    default: "`.data/demo-kernel` (next to the data folder, where `npm start` makes the demo checkouts)",
    meaning:
      "the folders the agent may open kernel checkouts in, `:`-separated (relative ones from the project root); a job's `KernelSrc` must be the top of a git work tree under one of them, and is never the app's own folder or the database's data folder",
  }),
  AGENT_TOOL_SECONDS: env(positiveInt(60), {
    default: "`60`",
    meaning: "wall-time cap of one tool call (a `git grep`, a file read); a call over it is stopped and the model gets a tool error",
  }),
  AGENT_TOOL_MEMORY_MB: env(positiveInt(2048), {
    default: "`2048`",
    meaning: "address-space cap of each `git` the agent runs (`prlimit --as`); a regular expression that needs more fails as a tool error",
  }),
});

/** End-to-end tests and benchmarks. */
export const toolEnvSchema = z.object({
  CHROMIUM_PATH: env(z.string().optional(), {
    default: "`/usr/bin/chromium`",
    meaning: "the browser of the end-to-end tests and benchmarks",
  }),
  E2E_PORT: env(z.coerce.number().int().positive().default(3100), {
    default: "`3100`",
    meaning: "where the end-to-end tests serve the app",
  }),
  FUZZ_SEED: env(z.coerce.number().int().optional(), { default: "random (printed)", meaning: "replays a fuzz run" }),
  FUZZ_CASES: env(z.coerce.number().int().positive().default(10_000), { default: "`10000`", meaning: "requests per fuzzed endpoint" }),
  NEXT_DIST_DIR: env(z.string().min(1).default(".next"), {
    default: "`.next`",
    meaning: "the build folder (two checkouts or test runs can build side by side)",
  }),
  BENCH_RUNS: env(z.coerce.number().int().positive().default(1_000_000), {
    default: "`1000000`",
    meaning: "runs `bench:history` fills its database with",
  }),
  BENCH_PORT: env(z.coerce.number().int().positive().default(3130), { default: "`3130`", meaning: "where `bench:page` serves the app" }),
  BENCH_DETAIL: env(onOff.default(false), {
    default: "off",
    meaning: "`bench:page` prints the viewer's navigation, resource and long-task timings",
  }),
  BENCH_VIEWER_ONLY: env(onOff.default(false), { default: "off", meaning: "`bench:page` skips the minutes-long original-style page" }),
  BENCH_HOLD: env(onOff.default(false), { default: "off", meaning: "`bench:page` keeps the app and runs up for a profiler" }),
  BENCH_SCREENSHOT: env(z.string().optional(), { default: "—", meaning: "a folder where `bench:page` saves screenshots" }),
  BENCH_QUIET_LOAD: env(z.coerce.number().positive().optional(), {
    default: "—",
    meaning: "`bench:page` waits for the load average to fall below this before measuring",
  }),
  BENCH_MAX_WAIT: env(z.coerce.number().positive().default(900), {
    default: "`900`",
    meaning: "seconds `bench:page` waits for a quiet machine at most",
  }),
});

export type AppConfig = z.infer<typeof appEnvSchema>;
export type ToolConfig = z.infer<typeof toolEnvSchema>;
export type AgentEnv = z.infer<typeof agentEnvSchema>;

type Env = Record<string, string | undefined>;

/** Unset and empty are the same: `FOO= npm start` means "no FOO". */
function cleaned(raw: Env): Env {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ""));
}

/** Checks `raw` against a schema; throws one Error listing every bad variable with its reason. */
export function parseEnv<S extends z.ZodObject>(schema: S, raw: Env = process.env): z.infer<S> {
  const r = schema.safeParse(cleaned(raw));
  if (!r.success) throw new Error(`bad configuration:\n${r.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n")}`);
  return r.data;
}

let cachedApp: { key: string; config: AppConfig } | null = null;

/**
 * The app's configuration from process.env, checked. Cached until one of its variables changes (`npm start` sets
 * DATABASE_URL once it has started the embedded database; tests set it in their global setup).
 */
export function appConfig(): AppConfig {
  const key = Object.keys(appEnvSchema.shape)
    .map((k) => process.env[k] ?? "")
    .join("\u0000");
  if (cachedApp?.key !== key) cachedApp = { key, config: parseEnv(appEnvSchema) };
  return cachedApp.config;
}

/** The tests' and benchmarks' configuration from process.env, checked. */
export function toolConfig(): ToolConfig {
  return parseEnv(toolEnvSchema);
}

/** The browser for tests and benchmarks: CHROMIUM_PATH, else Debian's Chromium when installed, else Playwright's own. */
export function chromiumPath(exists: (path: string) => boolean): string | undefined {
  return toolConfig().CHROMIUM_PATH ?? ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(exists);
}

/** Chromium's flags for tests, benchmarks and screenshots: a closed network, so it never tries to reach Google and hang. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/** The documentation of every variable of a schema, in declaration order, for the README's tables. */
export function envDocs(schema: z.ZodObject): { name: string; doc: EnvDoc }[] {
  return Object.entries(schema.shape).map(([name, s]) => {
    const doc = docs.get(s as z.ZodType);
    if (!doc) throw new Error(`${name} has no documentation in lib/config.ts`);
    return { name, doc };
  });
}

/** A README table of a schema's variables: `| variable | default | meaning |`. */
export function envTable(schema: z.ZodObject): string {
  const rows = envDocs(schema).map(({ name, doc }) => `| \`${name}\` | ${doc.default} | ${doc.meaning} |`);
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}
