// Job ids are UUIDs; checking the shape first keeps a malformed id a 400/404 instead of a database error.
export const JOB_ID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isJobId(id: string): boolean {
  return JOB_ID_RE.test(id);
}
