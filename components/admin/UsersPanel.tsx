"use client";
// Users: add one (the password is generated and shown once), change a role, reset a password, remove.
import { useActionState } from "react";
import { addUserAction, removeUserAction, resetPasswordAction, setRoleAction } from "@/lib/admin/actions";
import { ROLE_CAN, ROLES, type Role } from "@/lib/auth/roles";
import { formatTime } from "@/lib/format";
import { ActionResult, SubmitButton, useAdminAction } from "./ActionResult";

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  createdAt: Date;
  lastActive: Date | null;
}

const input = "rounded border border-slate-300 px-2 py-1 text-sm";
const button = "rounded border border-slate-300 bg-white px-2 py-0.5 text-xs hover:bg-slate-50 disabled:opacity-50";

export function UsersPanel({ users, me }: { users: UserRow[]; me: string }) {
  const [added, addAction, adding] = useActionState(addUserAction, null);
  const { result, pending, run } = useAdminAction();
  return (
    <section className="space-y-3 rounded border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Users</h2>
      <form action={addAction} className="flex flex-wrap items-end gap-2" aria-label="Add a user">
        <input name="email" type="email" required placeholder="email" aria-label="Email" className={input} />
        <input name="name" placeholder="name (optional)" aria-label="Name" className={input} />
        <select name="role" defaultValue="viewer" aria-label="Role" className={input}>
          {ROLES.map((r) => (
            <option key={r} value={r} title={ROLE_CAN[r]}>
              {r}
            </option>
          ))}
        </select>
        <SubmitButton pending={adding}>Add user</SubmitButton>
      </form>
      <ActionResult result={added} />
      <ActionResult result={result} />
      {/* On a phone the table scrolls sideways: its columns keep their gaps instead of running into each other. */}
      <div className="overflow-x-auto">
        <table className="w-full text-sm [&_td]:pr-3 [&_th]:pr-3">
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="py-1">Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Added</th>
              <th className="whitespace-nowrap">Last active</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} className="border-t border-slate-100" data-testid={`user-${u.email}`}>
                <td className="py-1.5">{u.email}</td>
                <td>{u.name}</td>
                <td>
                  <select
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    disabled={pending}
                    onChange={(e) => run(() => setRoleAction(u.id, e.target.value))}
                    className="rounded border border-slate-300 px-1 py-0.5 text-xs"
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="whitespace-nowrap tabular-nums text-slate-600">{formatTime(u.createdAt).slice(0, 10)}</td>
                <td className="whitespace-nowrap tabular-nums text-slate-600">{u.lastActive ? formatTime(u.lastActive) : "never"}</td>
                <td className="space-x-2 whitespace-nowrap text-right">
                  <button type="button" className={button} disabled={pending} onClick={() => run(() => resetPasswordAction(u.id))}>
                    Reset password
                  </button>
                  {u.id !== me && (
                    <button
                      type="button"
                      className={`${button} text-red-700`}
                      disabled={pending}
                      onClick={() => window.confirm(`Remove ${u.email}? They are signed out at once.`) && run(() => removeUserAction(u.id))}
                    >
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
