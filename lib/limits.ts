// Every cap on input the app takes from outside (agents, uploads, URLs), in one place; the README's limits table mirrors it.

const MB = 1024 * 1024;
/** PostgreSQL's int: the largest value an int column (seq, the job's token totals) holds. */
export const PG_INT_MAX = 2_147_483_647;

// ---- POST /api (agent protocol)

/** Largest multipart request an agent may send: a span with big tool output, gzip-compressed. */
export const AGENT_MAX_REQUEST_BYTES = 16 * MB;
/** Largest payload after gunzip: stops a small gzip bomb from inflating into gigabytes. */
export const AGENT_MAX_PAYLOAD_BYTES = 64 * MB;
/** Longest `key` and `method` field; real values are tens of characters. */
export const AGENT_MAX_FIELD_CHARS = 1000;
/** Longest AgentName, CodeRevision, workflow names and types in protocol requests. */
export const AGENT_MAX_NAME_CHARS = 200;
/** Workflows one poll may offer. */
export const AGENT_MAX_WORKFLOWS = 100;
/** Longest `Error` of ai_job_done. */
export const AGENT_MAX_JOB_ERROR_CHARS = 1_000_000;
/** Largest `Results` of ai_job_done, serialized as JSON. */
export const AGENT_MAX_RESULTS_BYTES = 8 * MB;

// ---- POST /api/import

/** Largest file an import accepts. */
export const IMPORT_MAX_FILE_BYTES = 50 * MB;
/** Largest upload: room for several files plus multipart framing. */
export const IMPORT_MAX_REQUEST_BYTES = 4 * IMPORT_MAX_FILE_BYTES;
/** Files in one upload (all are stored in one transaction, or none). */
export const IMPORT_MAX_FILES = 100;
/** Span entries in one file, start and finish copies counted apiece (a 100,000-span run has up to 200,000). */
export const IMPORT_MAX_SPAN_ENTRIES = 500_000;
/** Longest file name kept for messages. */
export const IMPORT_MAX_FILE_NAME_CHARS = 255;

// ---- Spans and jobs, whichever edge they come through

/** Largest span, serialized as JSON: one span over this is a runaway tool output, not a trajectory. */
export const MAX_SPAN_BYTES = 8 * MB;
/** Longest free-text field (Instruction, Prompt, Reply, Thoughts, Error, Description, Link). */
export const MAX_TEXT_FIELD_CHARS = 4 * MB;
/** Longest Name and Model of a span. */
export const MAX_SPAN_NAME_CHARS = 1000;
/** Longest span Type, and job ID, Workflow and Type fields. */
export const MAX_SHORT_FIELD_CHARS = 200;
/** Deepest nesting of objects/arrays in any JSON input; deeper values would exhaust the stack of recursive code. */
export const MAX_JSON_DEPTH = 100;
/** Largest Seq: far beyond any real run, and well inside PostgreSQL's int. */
export const MAX_SEQ = 100_000_000;
/** Largest Nesting of a span. */
export const MAX_NESTING = 10_000;
/** No single model call comes near 100M tokens; the cap keeps per-run sums within the job's int columns. */
export const MAX_TOKENS_PER_SPAN = 100_000_000;
/** Largest token total of a run: the job's int columns hold no more. */
export const MAX_TOKEN_TOTAL = PG_INT_MAX;
/** Timestamps must lie in years 0001-9999 (UTC): Go's zero time is test data; later years have no RFC 3339 form. */
export const MIN_TIMESTAMP = "0001-01-01T00:00:00Z";
export const MAX_TIMESTAMP = "9999-12-31T23:59:59.999999999Z";

// ---- Sign-in (the form and POST /api/auth/sign-in/email alike; lib/auth/sign-in-limit.ts). Counts are kept in
// PostgreSQL, per client address as lib/auth/client-address.ts finds it; a sign-in takes its own attempt back.

/** Attempts at one account from one address it never signed in from, per window; then refused until the window ends. */
export const SIGN_IN_ATTEMPTS_PER_NEW_ADDRESS = 10;
/** Attempts from one address over all accounts it never signed in to, per window (password spraying; an office behind one NAT stays well under). */
export const SIGN_IN_ATTEMPTS_PER_ADDRESS = 100;
/** The window of the two counts above. */
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
/** Attempts at one account from all the addresses it never signed in from, per account window: bounds guessing from many addresses. */
export const SIGN_IN_ATTEMPTS_PER_ACCOUNT = 100;
export const SIGN_IN_ACCOUNT_WINDOW_SECONDS = 24 * 60 * 60;
/**
 * From an address the account signed in from before, nothing above applies (nobody elsewhere can lock its owner out):
 * this many attempts per window go without waiting, then each waits twice as long as the last, from 1 s up to
 * SIGN_IN_MAX_WAIT_SECONDS — slowed, never refused.
 */
export const SIGN_IN_FREE_ATTEMPTS_KNOWN_ADDRESS = 10;
export const SIGN_IN_MAX_WAIT_SECONDS = 60;
/** An address stays known this long after the account last signed in from it. */
export const SIGN_IN_KNOWN_ADDRESS_DAYS = 90;

// ---- GET /api/jobs…

/** Longest search text and filter value in a history query. */
export const MAX_QUERY_TEXT_CHARS = 200;
/** Longest text searched for inside one run's spans. */
export const MAX_SPAN_SEARCH_CHARS = 500;
/** Largest span Seq in a URL: PostgreSQL's int. */
export const MAX_URL_SEQ = PG_INT_MAX;
