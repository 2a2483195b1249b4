// Form actions called by hand (attack7 L1): Next hands a server action whatever the call's body decoded to, so a
// text/plain body of JSON arrives as an array; the action answers with its form's error, never a TypeError (a 500).
import { describe, expect, it } from "vitest";
import { signInAction } from "@/lib/auth/sign-in-action";
import { asFormData } from "@/lib/http/form-data";

describe("form actions called with something that is not a form", () => {
  it("the sign-in action answers with its error state", async () => {
    const state = await signInAction({ error: null, email: "" }, [{ error: null, email: "x" }] as unknown as FormData);
    expect(state).toEqual({ error: expect.stringContaining("the fields must come from the form"), email: "" });
  });

  it("asFormData passes a form and refuses anything else with a 400", () => {
    const form = new FormData();
    form.set("email", "a@b.c");
    expect(asFormData(form).get("email")).toBe("a@b.c");
    expect(() => asFormData("text")).toThrow(expect.objectContaining({ status: 400 }));
  });
});
