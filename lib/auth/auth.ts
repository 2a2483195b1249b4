// better-auth, set up for this app: email and password sign-in, sessions in PostgreSQL, a role on every user.
import { appConfig } from "@/lib/config";
import "server-only";
import { betterAuth } from "better-auth/minimal";
import { APIError } from "better-auth/api";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { nextCookies } from "better-auth/next-js";
import { db, type Db } from "@/lib/db/client";
import { authSecret } from "./secret";
import { passwordHashing } from "./password-turns";
import { limitSignInAttempts, recordSuccessfulSignIn } from "./sign-in-limit";
import { CLIENT_ADDRESS_HEADER } from "./client-address";
import { PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, profileSchema } from "./users";

/**
 * The better-auth endpoints reachable over HTTP (app/api/auth/[...all]); every other one answers 404. The app itself
 * manages profiles, passwords and accounts (the admin page, npm run user:add), with its own checks and audit log;
 * better-auth's update-user, change-email, change-password, delete-user, sign-up, password-reset, session-revoking
 * and account-linking endpoints would write around both.
 */
export const HTTP_AUTH_ENDPOINTS: readonly string[] = ["POST /sign-in/email", "POST /sign-out", "GET /get-session"];

/** A user row better-auth is about to write, checked like the admin form; a 400 naming the field otherwise. */
function checkProfile(user: Record<string, unknown>, partial: boolean): void {
  const fields = Object.fromEntries(Object.entries(user).filter(([k]) => k in profileSchema.shape));
  const parsed = (partial ? profileSchema.partial() : profileSchema.partial({ image: true })).safeParse(fields);
  if (!parsed.success) throw new APIError("BAD_REQUEST", { message: parsed.error.issues.map((i) => i.message).join("; ") });
}

function createAuth(prisma: Db, secret: string) {
  return betterAuth({
    appName: "Trajectory viewer",
    secret,
    baseURL: appConfig().BETTER_AUTH_URL,
    // Without a configured URL, the app's own origin (as the request reached it) is the one it trusts.
    trustedOrigins: (request) => {
      const host = request?.headers.get("host");
      return host ? [`http://${host}`, `https://${host}`] : [];
    },
    database: prismaAdapter(prisma, { provider: "postgresql" }),
    // Admins add people (npm run user:add, /admin); nobody signs themselves up.
    emailAndPassword: {
      enabled: true,
      disableSignUp: true,
      minPasswordLength: PASSWORD_MIN_CHARS,
      maxPasswordLength: PASSWORD_MAX_CHARS,
      password: passwordHashing,
    },
    user: { additionalFields: { role: { type: "string", input: false, defaultValue: "viewer" } } },
    session: { expiresIn: 60 * 60 * 24 * 14, updateAge: 60 * 60 * 24 },
    telemetry: { enabled: false },
    // Whatever writes a user row through better-auth is checked like the admin form (its HTTP writers are off too).
    databaseHooks: {
      user: {
        create: { before: async (user) => checkProfile(user, false) },
        update: { before: async (user) => checkProfile(user, true) },
      },
    },
    // The address proxy.ts found (lib/auth/client-address.ts), never a header a client chose.
    advanced: { ipAddress: { ipAddressHeaders: [CLIENT_ADDRESS_HEADER] } },
    // better-auth's own limiter sees HTTP requests only; this one also counts the sign-in form's server action.
    hooks: { before: limitSignInAttempts, after: recordSuccessfulSignIn },
    // …so its own 3-per-10-seconds rule for that path would only count the HTTP half twice.
    rateLimit: { customRules: { "/sign-in/email": false } },
    // Lets server actions (the sign-in form) set the session cookie.
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

const globalForAuth = globalThis as unknown as { trajectoryAuth?: Promise<Auth> };

/** The process's better-auth instance; created on first use, once the signing secret is read from the database. */
export function getAuth(): Promise<Auth> {
  globalForAuth.trajectoryAuth ??= authSecret(db())
    .then((secret) => createAuth(db(), secret))
    .catch((error: unknown) => {
      globalForAuth.trajectoryAuth = undefined;
      throw error;
    });
  return globalForAuth.trajectoryAuth;
}
