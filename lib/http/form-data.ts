// A form action's fields as received. Next hands a server action whatever the call's body decoded to: a hand-made call
// (a text/plain body of JSON) makes it an array, and `form.get` then threw a TypeError, answered 500 (attack7 L1).
import { badRequest } from "./errors";

/**
 * `value` when it is the FormData a form sends; throws HttpError 400 naming what is expected otherwise (the admin
 * actions' gate turns it into the form's message; the sign-in action into its error).
 */
export function asFormData(value: unknown): FormData {
  if (value instanceof FormData) return value;
  throw badRequest("the fields must come from the form (multipart/form-data or application/x-www-form-urlencoded)");
}
