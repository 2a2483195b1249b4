// The three roles and what each may do; shared by server checks and by the UI that hides what a role can't use.
import type { Role } from "@/lib/generated/prisma/enums";

export type { Role };

export const ROLES = ["viewer", "operator", "admin"] as const satisfies readonly Role[];

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** What each role adds, in the words the UI and errors use. */
export const ROLE_CAN: Record<Role, string> = {
  viewer: "read runs",
  operator: "read runs, rerun them and mark them correct or incorrect",
  admin: "everything, and manage users and agent keys",
};

/** True when a user with `role` may do what `needed` may (roles are ordered: viewer < operator < admin). */
export function roleAtLeast(role: Role | null | undefined, needed: Role): boolean {
  return role != null && RANK[role] >= RANK[needed];
}

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}
