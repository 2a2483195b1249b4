// `npm run user:add -- [--admin | --operator] <email>`: adds a person who can sign in and prints their password once.
import { parseArgs } from "node:util";
import { withDatabase } from "@/lib/db/with-database";
import { addUser, generatePassword } from "@/lib/auth/users";
import { COMMAND_LINE } from "@/lib/audit/log";

const USAGE = `usage: npm run user:add -- [--admin | --operator] [--name "Full Name"] [--password-stdin] <email>
  roles: viewer (default; reads), --operator (also reruns and marks runs), --admin (also users and agent keys)
  the password is generated and printed once, unless --password-stdin reads it from standard input`;

let parsed;
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      admin: { type: "boolean", default: false },
      operator: { type: "boolean", default: false },
      name: { type: "string", default: "" },
      "password-stdin": { type: "boolean", default: false },
    },
  });
} catch (e) {
  console.error(`${e instanceof Error ? e.message : e}\n${USAGE}`);
  process.exit(2);
}
const { values, positionals } = parsed;
if (positionals.length !== 1 || (values.admin && values.operator)) {
  console.error(USAGE);
  process.exit(2);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

let code = 0;
try {
  const password = values["password-stdin"] ? await readStdin() : generatePassword();
  const role = values.admin ? "admin" : values.operator ? "operator" : "viewer";
  const user = await withDatabase((db) => addUser(db, { email: positionals[0]!, name: values.name, role, password }, COMMAND_LINE));
  console.error(`Added ${user.email} as ${user.role}.`);
  // Only the password on stdout, so scripts can capture it.
  if (!values["password-stdin"]) {
    console.error("Password (shown once; they can sign in at /sign-in with it):");
    console.log(password);
  }
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  code = 1;
}
process.exit(code);
