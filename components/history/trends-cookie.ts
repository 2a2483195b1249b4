// The cookie that keeps the reader's choice of folded or unfolded trends. A plain module (not "use client"): the
// history page reads it on the server, and a constant imported from a client module is only a reference there.
export const TRENDS_COOKIE = "trends";
