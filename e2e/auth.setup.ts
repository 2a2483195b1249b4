// Runs before the other tests: an operator signs in once, and the tests reuse that session (they import and rerun runs).
import { test as setup } from "@playwright/test";
import { addUser, OPERATOR_STATE, signIn } from "./users";

setup("an operator signs in", async ({ page }) => {
  const operator = await addUser("operator");
  await signIn(page, operator);
  await page.context().storageState({ path: OPERATOR_STATE });
});
