// The reason a failed answer of our own JSON APIs gives ({ error }), for buttons that show it next to themselves.

/** The reason in a JSON error answer, or the status line. */
export async function failureReason(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: unknown } | null;
  return typeof body?.error === "string" ? body.error : `${response.status} ${response.statusText}`;
}
