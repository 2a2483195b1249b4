"use server";
// Sign-in as a server action: the form works without client-side auth code, and the cookie is set by better-auth.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { APIError } from "better-auth/api";
import { z } from "zod";
import { getAuth } from "./auth";
import { actionWriteRefusal } from "./csrf";
import { safeNext } from "./safe-next";
import { asFormData } from "@/lib/http/form-data";

export type SignInState = { error: string | null; email: string };

const signInSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, "Enter your email").max(254, "That email is too long"),
  password: z.string().min(1, "Enter your password").max(256, "That password is too long"),
});

export async function signInAction(_prev: SignInState, received: FormData): Promise<SignInState> {
  let form: FormData;
  try {
    form = asFormData(received);
  } catch (e) {
    return { error: (e as Error).message, email: "" };
  }
  const email = typeof form.get("email") === "string" ? String(form.get("email")).slice(0, 254) : "";
  const refusal = await actionWriteRefusal();
  if (refusal) return { error: `Not signed in: ${refusal}`, email };
  const parsed = signInSchema.safeParse({ email: form.get("email"), password: form.get("password") });
  if (!parsed.success) return { error: parsed.error.issues[0]!.message, email };
  const auth = await getAuth();
  try {
    await auth.api.signInEmail({ body: parsed.data, headers: await headers() });
  } catch (error) {
    if (error instanceof APIError && error.statusCode === 429) return { error: error.message, email };
    // Same answer whether the email or the password was wrong: nobody learns who has an account.
    return { error: "Wrong email or password", email };
  }
  redirect(safeNext(form.get("next")));
}
