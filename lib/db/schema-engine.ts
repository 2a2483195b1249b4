// Prisma's schema engine (its WASM build) driven from Node, so migrations work offline, without the native binary the Prisma CLI downloads.
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import fs from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  ColumnTypeEnum,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import * as engineBindings from "@prisma/schema-engine-wasm/schema_engine_bg";
import type { MigrationList, SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm/schema_engine_bg";

export interface PrismaPaths {
  schemaPath: string;
  migrationsDir: string;
}

/** prisma/schema.prisma and prisma/migrations of the project: the nearest ancestor of cwd that has them. */
export function prismaPaths(): PrismaPaths {
  let root = process.cwd();
  while (!existsSync(path.join(root, "prisma", "schema.prisma")) && path.dirname(root) !== root) root = path.dirname(root);
  return { schemaPath: path.join(root, "prisma", "schema.prisma"), migrationsDir: path.join(root, "prisma", "migrations") };
}

const NO_FILTER: SchemaFilter = { externalTables: [], externalEnums: [] };
const LOCKFILE = "migration_lock.toml";

/** The migrations directory in the shape the engine expects; the same reading as the Prisma CLI's. */
export async function readMigrations(migrationsDir = prismaPaths().migrationsDir): Promise<MigrationList> {
  const lockContent = await fs.readFile(path.join(migrationsDir, LOCKFILE), "utf8").catch(() => null);
  const entries = await fs.readdir(migrationsDir, { withFileTypes: true }).catch(() => []);
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort((a, b) => a.localeCompare(b))
      .map(async (name) => ({
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: await fs
            .readFile(path.join(migrationsDir, name, "migration.sql"), "utf8")
            .then((value) => ({ tag: "ok" as const, value }))
            .catch((error: Error) => ({ tag: "error" as const, value: error.message })),
        },
      })),
  );
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: lockContent },
    shadowDbInitScript: "",
    migrationDirectories,
  };
}

/** Applies every pending migration of prisma/migrations, recorded in `_prisma_migrations` as `prisma migrate deploy` does. */
export async function applyMigrations(url: string, paths = prismaPaths()): Promise<string[]> {
  const migrationsList = await readMigrations(paths.migrationsDir);
  return withEngine(url, paths, async (engine) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTER });
    return appliedMigrationNames;
  });
}

/** SQL that would bring the database at `url` to schema.prisma; "" when they agree. */
export async function diffSchemaAgainstDatabase(url: string, paths = prismaPaths()): Promise<string> {
  const schema = await fs.readFile(paths.schemaPath, "utf8");
  return withEngine(url, paths, async (engine) => {
    const { exitCode, stdout } = await engine.diff({
      // The WASM engine rejects { tag: "url" }; "the schema's datasource" means the adapter's database, i.e. `url`.
      from: { tag: "schemaDatasource", files: [{ path: paths.schemaPath, content: schema }], configDir: path.dirname(paths.schemaPath) },
      to: { tag: "schemaDatamodel", files: [{ path: paths.schemaPath, content: schema }] },
      script: true,
      exitCode: true, // 2 when they differ; otherwise the script is only an "empty migration" comment
      filters: NO_FILTER,
    });
    return exitCode === 0 ? "" : (stdout ?? "");
  });
}

/**
 * SQL for a new migration: what brings a database holding exactly the existing migrations up to schema.prisma.
 * `url` must be a scratch database — the migrations are applied to it first.
 */
export async function createMigrationSql(url: string, paths = prismaPaths()): Promise<string> {
  await applyMigrations(url, paths);
  return diffSchemaAgainstDatabase(url, paths);
}

/** Writes prisma/migrations/<UTC stamp>_<name>/migration.sql (and the lock file if absent), as `prisma migrate dev` would. */
export async function writeMigration(name: string, sql: string, paths = prismaPaths(), now = new Date()): Promise<string> {
  const slug =
    name
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean)
      .join("_") || "migration";
  const stamp = now.toISOString().replace(/\D/g, "").slice(0, 14);
  const dir = path.join(paths.migrationsDir, `${stamp}_${slug}`);
  if (existsSync(dir)) throw new Error(`${dir} already exists`);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, "migration.sql"), sql);
  const lockfile = path.join(paths.migrationsDir, LOCKFILE);
  if (!existsSync(lockfile)) {
    await fs.writeFile(
      lockfile,
      '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n',
    );
  }
  return dir;
}

let wasmLoaded: Promise<void> | undefined;
/**
 * The engine arms 10 s timeouts around its work and, having no clearTimeout import, never cancels them:
 * they would keep a finished process alive. Track them and clear what is left once no engine is running.
 */
const engineTimers = new Set<NodeJS.Timeout>();
let runningEngines = 0;

/** The package's entry imports the .wasm as an ES module, which Node 20 cannot; instantiate it by hand instead. */
function loadWasm(): Promise<void> {
  return (wasmLoaded ??= (async () => {
    // A Rust panic reports its message through this global before the RuntimeError is thrown.
    const registry = {
      message: "",
      set_message(message: string) {
        this.message = message;
      },
      get() {
        return this.message;
      },
    };
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= registry;
    const bindingsPath = createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg");
    const bytes = await fs.readFile(path.join(path.dirname(bindingsPath), "schema_engine_bg.wasm"));
    const imports: WebAssembly.ModuleImports = { ...engineBindings };
    for (const name of Object.keys(imports).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
      imports[name] = (callback: () => void, ms: number) => {
        const timer: NodeJS.Timeout = setTimeout(() => {
          engineTimers.delete(timer);
          callback();
        }, ms >>> 0);
        engineTimers.add(timer);
        return timer;
      };
    }
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": imports });
    engineBindings.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })());
}

/** Runs `fn` with an engine connected to `url`, then closes every connection it opened (so the process can exit). */
async function withEngine<T>(url: string, paths: PrismaPaths, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  await loadWasm();
  runningEngines++;
  try {
    return await runEngine(url, paths, fn);
  } finally {
    if (--runningEngines === 0) {
      for (const timer of engineTimers) clearTimeout(timer);
      engineTimers.clear();
    }
  }
}

async function runEngine<T>(url: string, paths: PrismaPaths, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const opened: SqlDriverAdapter[] = [];
  const base = new PrismaPg({ connectionString: url });
  const factory: SqlMigrationAwareDriverAdapterFactory = {
    provider: base.provider,
    adapterName: base.adapterName,
    async connect() {
      const adapter = readSystemCharAsCharacter(await base.connect());
      opened.push(adapter);
      return adapter;
    },
    // PrismaPg's own version spreads { database } over a config whose connectionString wins inside pg,
    // so its "shadow" database would be the main one. Name the shadow database in the URL instead.
    async connectToShadowDb() {
      const admin = await this.connect();
      const database = `prisma_migrate_shadow_db_${randomUUID()}`;
      await admin.executeScript(`CREATE DATABASE "${database}"`);
      const shadowUrl = new URL(url);
      shadowUrl.pathname = `/${database}`;
      const shadow = readSystemCharAsCharacter(await new PrismaPg({ connectionString: shadowUrl.toString() }).connect());
      const dispose = shadow.dispose.bind(shadow);
      shadow.dispose = async () => {
        await dispose();
        await admin.executeScript(`DROP DATABASE IF EXISTS "${database}"`);
      };
      return shadow;
    },
  };
  const schema = await fs.readFile(paths.schemaPath, "utf8").catch(() => undefined);
  const log = (message: string) => {
    if (process.env.DEBUG?.includes("schema-engine")) console.error(message);
  };
  const engine = await engineBindings.SchemaEngine.new(
    { datamodels: schema === undefined ? undefined : [[paths.schemaPath, schema]] },
    log,
    bindMigrationAwareSqlAdapterFactory(factory),
  ).catch((error: unknown) => {
    throw engineError(error);
  });
  try {
    return await fn(engine).catch((error: unknown) => {
      throw engineError(error);
    });
  } finally {
    engine.free();
    // The engine keeps its connections open until disposed; pg pools would otherwise hold the process.
    await Promise.all(opened.map((adapter) => adapter.dispose().catch(() => undefined)));
  }
}

type PgResult = { fields: { dataTypeID: number }[]; rows: unknown[][] };
type PgQueryable = {
  client: { query(text: string): Promise<unknown> };
  executeScript(script: string): Promise<void>;
  performIO(query: unknown): Promise<PgResult>;
  queryRaw(query: unknown): Promise<{ columnTypes: number[]; rows: unknown[][] }>;
  startTransaction?(...args: unknown[]): Promise<unknown>;
};
const PG_CHAR = 18;
const PG_TEXT = 25;
/** For each result (keyed by its rows array, which queryRaw passes through): the columns that were `"char"`. */
const charColumns = new WeakMap<unknown[][], number[]>();

/**
 * Fixes two things of adapter-pg for the schema engine (the whole script per executeScript, below), and:
 * the engine reads PostgreSQL's catalogs, whose one-byte `"char"` columns (relkind, contype, ...) adapter-pg 7.10
 * rejects as unsupported ("Column type 'char' could not be deserialized"), while the engine wants them typed as
 * Character. Let adapter-pg see text, then retype those columns. performIO is adapter-pg's internal query step.
 */
function readSystemCharAsCharacter<T extends object>(queryable: T): T {
  const target = queryable as unknown as PgQueryable;
  // adapter-pg runs a script by splitting it at every ";", which breaks function bodies ($$ … ; … $$) and comments
  // with a semicolon. Send it whole, as Prisma's native engine does: PostgreSQL runs a multi-statement simple query
  // as one implicit transaction.
  if (typeof target.client?.query === "function") {
    target.executeScript = async (script) => {
      await target.client.query(script);
    };
  }
  const performIO = target.performIO.bind(target);
  target.performIO = async (query) => {
    const result = await performIO(query);
    const columns = result.fields.flatMap((field, index) => (field.dataTypeID === PG_CHAR ? [index] : []));
    for (const index of columns) result.fields[index]!.dataTypeID = PG_TEXT;
    if (columns.length > 0) charColumns.set(result.rows, columns);
    return result;
  };
  const queryRaw = target.queryRaw.bind(target);
  target.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  const startTransaction = target.startTransaction?.bind(target);
  if (startTransaction) target.startTransaction = async (...args) => readSystemCharAsCharacter((await startTransaction(...args)) as object);
  return queryable;
}

/** Engine errors arrive as plain objects (or panics); turn them into Errors with the engine's message. */
function engineError(error: unknown): Error {
  if (error instanceof Error) {
    const registry = (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { get(): string } }).PRISMA_WASM_PANIC_REGISTRY;
    return error.name === "RuntimeError" && registry?.get() ? new Error(`schema engine panic: ${registry.get()}`) : error;
  }
  const fields = error as { message?: unknown; error_code?: unknown; meta?: unknown } | null;
  const message = typeof fields?.message === "string" ? fields.message : JSON.stringify(error);
  return new Error(`schema engine: ${message}${typeof fields?.error_code === "string" ? ` (${fields.error_code})` : ""}`);
}
