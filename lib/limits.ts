// Every cap on input the app takes from outside (agents, uploads, URLs), in one place; the README's limits table mirrors it.

const MB = 1024 * 1024;
/** PostgreSQL's int: the largest value an int column (seq, a span's tokens) holds. */
export const PG_INT_MAX = 2_147_483_647;

// ---- POST /api (agent protocol)

/** Largest multipart request an agent may send: a span with big tool output, gzip-compressed. */
export const AGENT_MAX_REQUEST_BYTES = 16 * MB;
/**
 * Largest payload after gunzip: a span at its 8 MB cap, or 8 MB of Results with a long Error, fits; a gzip bomb stops
 * here. Also bounds the main thread's JSON parse of one request to tens of milliseconds.
 */
export const AGENT_MAX_PAYLOAD_BYTES = 20 * MB;
/** Longest `key` and `method` field; real values are tens of characters. */
export const AGENT_MAX_FIELD_CHARS = 1000;
/** Longest AgentName, CodeRevision, workflow names and types in protocol requests. */
export const AGENT_MAX_NAME_CHARS = 200;
/** Workflows one poll may offer. */
export const AGENT_MAX_WORKFLOWS = 100;
/** Longest `Error` of ai_job_done kept, bytes of UTF-8; a longer one is cut here and ends "\n... [truncated]", as upstream's. */
export const AGENT_JOB_ERROR_KEEP_BYTES = 1 << 20;
/** Seconds after ai_job_done that spans are still taken (finish copies racing done); later ones get 409. */
export const AGENT_SPAN_GRACE_SECONDS = 60;
/** Largest `Results` of ai_job_done, serialized as JSON. */
export const AGENT_MAX_RESULTS_BYTES = 8 * MB;
/** OTLP export requests (POST /v1/traces) one app process works on at once; more are answered 429 with Retry-After. */
export const OTLP_MAX_CONCURRENT_REQUESTS = 8;
/**
 * OTLP requests one agent client works on at once in a process, half of OTLP_MAX_CONCURRENT_REQUESTS: a key whose bodies
 * trickle in cannot hold every slot and lock the other agents out (429 with Retry-After past it). A BatchSpanProcessor
 * exports one batch at a time, so an honest exporter needs one.
 */
export const OTLP_MAX_CONCURRENT_REQUESTS_PER_CLIENT = 4;
/**
 * Seconds to receive an OTLP request's whole body (400 naming it past them): a slow sender holds its slot no longer. A
 * full 16 MB body at 1 MB/s arrives in time; 1 byte a second never does.
 */
export const OTLP_BODY_READ_SECONDS = 20;
/**
 * Most spans in one OTLP export request (413 naming it, nothing written): storing costs main-thread time per span. Real
 * exporters fit: the SDKs' BatchSpanProcessor sends at most 512 a request (maxExportBatchSize), the Collector's batch
 * processor 8,192 (send_batch_size). 70,000 empty spans in 622 KB gzip were 5 s of event loop before it.
 */
export const OTLP_MAX_SPANS_PER_REQUEST = 8_192;
/**
 * Most events in one OTLP span (the span is refused past it, named in the answer's partial_success; the request's other
 * spans are stored). The SDKs keep 128 a span (OTEL_SPAN_EVENT_COUNT_LIMIT's default) and drop the rest; GenAI's
 * message events (gen_ai.user.message, …, v1.36) are one a message, so 2,000 is a conversation far longer than the
 * SDKs send. Each event is mapped, stored in the span's body and Extra, and read back by every export: 62,000 exception
 * events in one span (185 KB of gzip, within the value budget) were 8 MB of text copied on the main thread in one
 * statement, and one export of it held the event loop 730 ms.
 */
export const OTLP_MAX_EVENTS_PER_SPAN = 2_000;
/**
 * Largest trace (spans placed plus a request's) whose spans are placed in the run's tree within the request: placing
 * reads and orders every span of the trace. Past it a request's spans wait in otlp_spans and are placed after it
 * (lib/ingest/otlp-place.ts placePendingTraces), so one request's work does not grow with its trace: one span into a
 * 100,000-span trace read and re-ordered all of them (1.4 s of event loop).
 */
export const OTLP_PLACE_IN_REQUEST_MAX_SPANS = 16_384;
/**
 * Inflated request bodies (agent payloads, OTLP requests) larger than this are decoded and checked on a worker thread
 * (lib/workers), so no one request holds the event loop for long; smaller ones (most: a span is a few KB) inline,
 * where a hand-over would cost more than the work. A 256 KB payload parses in a few ms.
 */
export const OFF_THREAD_MIN_BYTES = 256 * 1024;
/** Large bodies waiting for a worker thread (each up to AGENT_MAX_PAYLOAD_BYTES held); past it, 429 with Retry-After. */
export const OFF_THREAD_MAX_QUEUE = 16;

// ---- POST /api/import

/** Largest file an import accepts. */
export const IMPORT_MAX_FILE_BYTES = 50 * MB;
/** Largest upload: room for several files plus multipart framing. */
export const IMPORT_MAX_REQUEST_BYTES = 4 * IMPORT_MAX_FILE_BYTES;
/** Files in one upload (all are stored in one transaction, or none). */
export const IMPORT_MAX_FILES = 100;
/** Span entries in one file, start and finish copies counted apiece (a 100,000-span run has up to 200,000). */
export const IMPORT_MAX_SPAN_ENTRIES = 500_000;
/** Most JSON values in one import file (its spans together; each Args/Results also within MAX_JSON_VALUES). */
export const IMPORT_MAX_JSON_VALUES = 20_000_000;
/** Longest file name kept for messages. */
export const IMPORT_MAX_FILE_NAME_CHARS = 255;
/**
 * Largest upload imported on the app's own thread. A larger one (or one without a Content-Length) is written to a
 * private temp folder and imported by a child process (lib/import/offload.ts), so its parse cannot stall every other
 * request. The work grows with the spans, not the bytes: an attacker's 1 MB file of 8,329 tiny spans held the main
 * thread 3.3 s at a time on a busy 2-core machine (~0.4 ms a span). At 64 KB an inline import holds it ~0.2 s at
 * most; a child process costs ~1.5 s to start, paid only by larger files.
 */
export const IMPORT_INLINE_MAX_BYTES = 64 * 1024;

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
/**
 * Most values (array elements and object members, each object and array one more) in one agent payload and in one
 * span's Args or Results, wherever it comes from. Counted while scanning the text, before anything is parsed (413 past
 * it): the work of parsing, storing and later walking a value grows with this count, not with its characters (19 KB of
 * gzip inflates to 9.9M zeros). Real spans hold thousands; a million short values is already a runaway tool output.
 */
export const MAX_JSON_VALUES = 1_000_000;
/**
 * Most values in one OTLP export request, protobuf or JSON (lib/otlp/wire.ts counts a protobuf body's field
 * occurrences before decoding, as raw-json.ts counts a JSON body's values). A full batch of the SDKs' defaults (512
 * spans, up to 128 attributes each) stays under it; decoding one costs ~10 µs a value, so the budget bounds a request
 * to seconds of a worker's time, where the byte cap alone let 16 MB of empty values take minutes and gigabytes.
 */
export const OTLP_MAX_VALUES = 500_000;
/** Most members of any one JSON object (413 past it): sorting keys (Compare) and lookups stay cheap. */
export const MAX_JSON_KEYS_PER_OBJECT = 100_000;
/** Largest Seq: far beyond any real run, and well inside PostgreSQL's int. */
export const MAX_SEQ = 100_000_000;
/** Largest Nesting of a span. */
export const MAX_NESTING = 10_000;
/** No single model call comes near 100M tokens (a span's token columns are int; the job's sums are int8). */
export const MAX_TOKENS_PER_SPAN = 100_000_000;
/** Timestamps must lie in years 0001-9999 (UTC): Go's zero time is test data; later years have no RFC 3339 form. */
export const MIN_TIMESTAMP = "0001-01-01T00:00:00Z";
export const MAX_TIMESTAMP = "9999-12-31T23:59:59.999999999Z";

/**
 * Characters of each string the run outline carries (names, types, models, summaries; lib/trajectory/outline.ts
 * `outlineHead`): a longer one is cut to this head and marked with a trailing "…". The outline is a display form —
 * a tree row shows ~40 characters — and 100,000 spans of unique 1,000-character names of `"` (2 bytes each in JSON)
 * made a 200 MB outline whose build never finished within the readers' 30 s (attack6 N7): nobody could read the run.
 * The span's own read (its details pane) has the whole name.
 */
export const OUTLINE_TEXT_HEAD_CHARS = 120;
/**
 * Bytes of catch-up one live watcher is streamed span by span (lib/live/watch-run.ts): a watcher further behind is
 * sent `reload` and loads the outline (cached, built once for every reader, gzip-able), then follows from where it
 * stands. 20 anonymous watchers of a live run of 100,000 long names were each sent its whole ~170 MB (attack6 N6).
 */
export const LIVE_CATCHUP_MAX_BYTES = 4 * MB;
/** Characters of a span's one-line summary kept in the outline (lib/trajectory/step-summary.ts): a row's width, no more. */
export const SPAN_SUMMARY_CHARS = 160;
/** Spans in one page of the conversation view (GET /api/jobs/<id>/conversation): loaded per agent, as it is opened. */
export const CONVERSATION_PAGE_SPANS = 50;
/** Characters of one text the conversation view shows; the tree's details pane has the whole. */
export const CONVERSATION_TEXT_CHARS = 10_000;
/**
 * Longest Args or Results JSON text a conversation page carries (characters); a longer one is left out, said in the
 * page's `truncated` and read on demand. Long strings inside are cut anyway, but a dense value (a million small
 * numbers) is long without any long string: 50 spans of 7.5 MB made one page 380 MB in the server's memory.
 */
export const CONVERSATION_JSON_CHARS = 200_000;
/** Longest note on a step (markdown, lib/notes). */
export const MAX_NOTE_CHARS = 10_000;
/** Notes on one run, all its steps and authors together (409 past it): a run page reads them all. */
export const NOTES_MAX_PER_RUN = 1000;
/** Notes one author may add in 24 hours, over all runs (429 past it). */
export const NOTES_MAX_PER_AUTHOR_PER_DAY = 500;
/** Notes in one page of GET /api/jobs/<id>/notes (a cursor reads the next): at most 2 MB of note text a page. */
export const NOTES_PAGE_SIZE = 200;

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

// ---- Live runs (GET /api/jobs/<id>/events)

/** Live connections one signed-in user may hold at once (one per open run page; tabs add up). */
export const LIVE_WATCHERS_PER_USER = 20;
/** Live connections of anonymous readers (not signed in, no agent key), all addresses together, per app process. */
export const LIVE_WATCHERS_ANONYMOUS = 1000;
/** Live connections of anonymous readers from one address (lib/auth/client-address.ts), so one client cannot take the shared slots. */
export const LIVE_WATCHERS_PER_ADDRESS = 20;
/** Live connections one agent key may hold at once: its own allowance, outside the anonymous readers'. */
export const LIVE_WATCHERS_PER_KEY = 20;
/** Live connections per app process in all: each holds a socket and a little memory, no database connection. */
export const LIVE_WATCHERS_PER_PROCESS = 5000;
/** Changed spans a watcher may say it already has unfinished (its `open` list); more, and it starts from scratch. */
export const LIVE_MAX_OPEN_SEQS = 1000;
/** Least time between two loads of one run's changes: a run streaming fast is sent batches, a few a second. */
export const LIVE_MIN_REFRESH_MS = 250;
/** Spans of one page of a watcher's catch-up (what changed before it connected), read as the watcher reads. */
export const LIVE_CATCHUP_PAGE_SPANS = 500;
/**
 * Catch-up pages a process reads at once, whatever the number of watchers: the others wait their turn. Twenty watchers
 * catching up at once landed twenty pages in one turn of the event loop (holds of 220-570 ms, issue 21).
 */
export const LIVE_CATCHUP_PAGES_AT_ONCE = 2;
/**
 * Bytes of catch-up pages kept to share among watchers that read the same page of a run (lib/live/run-changes.ts):
 * 200 watchers connecting from the start of a run of 16,000 open spans read 6,400 pages (19 s of CPU) where 32 serve
 * them all. 32 MB holds the 32 pages of such a run many times over; a page is at most ~1 MB (500 spans of the longest
 * names, error heads and summaries), so at least 32 pages of the largest kind.
 */
export const LIVE_CATCHUP_SHARED_BYTES = 32 * MB;
/**
 * Watchers handed one change (lib/live/hub.ts) or one shared catch-up page (lib/live/run-changes.ts) per turn of the
 * event loop: their streams write to their sockets between other requests' turns rather than 200 at once (200
 * watchers handed 32 shared pages each without turns held the event loop 2.4-3.2 s).
 */
export const LIVE_DELIVER_LISTENERS_PER_TURN = 20;
/**
 * Requests Next works on at once per process (lib/server/admission.ts); the others wait their turn. 200 page loads of
 * the history at once held the event loop 600-760 ms; 16 at a time 261-275 ms, 8 at a time 148-184 ms with the same
 * throughput (the renders share one core either way), 4 at a time no better and fewer requests waiting on the database.
 */
export const NEXT_MAX_CONCURRENT = 8;
/**
 * Password hashes (sign-in, a user added or reset) at once per process (lib/auth/password-turns.ts); the rest wait.
 * 100 wrong sign-ins at once: all 401 in 2-11 s, a static file 13-16 ms and /api/jobs 62-129 ms meanwhile (were 500s,
 * 20 s and 18-24 s); one at a time frees no more of the event loop and makes sign-ins half as fast.
 */
export const PASSWORD_CHECKS_AT_ONCE = 2;
/**
 * Password hashes at once, beside those, for sign-ins from an address the account signed in from lately
 * (lib/auth/password-turns.ts): a storm of wrong sign-ins from many new addresses does not hold a returning user's.
 */
export const PASSWORD_CHECKS_KNOWN_ADDRESSES = 1;
/** Requests that may wait for a turn per process; past it the answer is 503 with Retry-After. */
export const NEXT_MAX_WAITING = 2000;
/**
 * Requests one client address may have waiting for a turn (lib/server/admission.ts); past it that address gets 429
 * with Retry-After. Without it one anonymous client's burst of 2,000 page loads filled the whole queue and every
 * other client got 503 (attack6 F1). A browser loading a page with its prefetches asks for a few dozen at most.
 */
export const NEXT_WAITING_PER_CLIENT = 64;
/**
 * Turns one client address holds at once (lib/server/admission.ts): half of them, so one address (eight anonymous
 * slow uploads, attack6 G1) cannot take every turn; the others' requests get the next free turns first.
 */
export const NEXT_TURNS_PER_CLIENT = Math.max(1, Math.floor(NEXT_MAX_CONCURRENT / 2));
/**
 * The longest a request holds its turn: an honest page is done in well under a second here; past this the request
 * goes on outside the turns, so a client that trickles its body or stops reading an answer holds a turn this long
 * at most (it held them for Node's 300 s request timeout, attack6 G1, G2).
 */
export const NEXT_TURN_MAX_MS = 5000;
/**
 * How long a request's body may take to arrive before the request takes a turn (lib/server/admission.ts); past it the
 * answer is 408. A body waits outside the turns: 200 addresses that each trickled one POST's body held every turn for
 * its 5 s in turn, and another client waited 56 s (attack7 G1b). A body larger than Node's buffer is admitted as soon
 * as the buffer is full (its client sends as fast as it is read).
 */
export const NEXT_BODY_WAIT_MS = 10_000;
/**
 * How often a turn looks whether its request only waits on its client (a body that stopped coming, an answer the client
 * does not read) and ends the turn then: such a request does no work on the event loop (attack7 G1b, G2).
 */
export const NEXT_TURN_IDLE_CHECK_MS = 250;
/**
 * A client that takes no byte of its answer for this long is cut (lib/server/abandoned-writes.ts), as nginx's
 * send_timeout (60 s by default): 4 stalled readers held every whole-run export slot for good (attack6 G3).
 */
export const SEND_TIMEOUT_MS = 60_000;
/**
 * The longest a stream (a live run's events, an export) holds its admission turn before its head is written: their
 * first page is read before they answer, in tens of ms; a stream that is slow to start gives its turn back anyway.
 */
export const STREAM_HEAD_TURN_MS = 2000;
/**
 * Bytes queued for one watcher that has not read them; a change past it cuts the watcher (its browser reconnects and
 * catches up), so a stalled watcher holds at most this much.
 */
export const LIVE_WATCHER_QUEUE_BYTES = 1024 * 1024;
/** Bytes queued for all of a process's watchers together; past it, watchers that are behind are cut first. */
export const LIVE_QUEUED_BYTES_PER_PROCESS = 64 * MB;

// ---- What a page shows of stored data (lib/text/budget.ts): a page's size follows these, never what was stored

/** Items of one list (a result's symbols, configs, recipients, replies) shown before "N more". */
export const DISPLAY_MAX_ITEMS = 200;
/** Models or agents shown in one history row before "+N more". */
export const DISPLAY_MAX_ROW_CHIPS = 10;
/** Fields of one card (a run's inputs, its results) shown before "N more fields". */
export const DISPLAY_MAX_FIELDS = 100;
/** Characters of one text field shown on a page before "N more characters" and a link to the whole value. */
export const DISPLAY_MAX_CHARS = 64 * 1024;
/** Characters of one list item (a symbol, a config, a recipient) shown. */
export const DISPLAY_MAX_ITEM_CHARS = 1000;
/** Characters of a value shown as JSON (a field whose shape is not what its workflow says). */
export const DISPLAY_MAX_JSON_CHARS = 32 * 1024;
/**
 * JSON values of a run's Args or Results a page reads (lib/text/json-scan.ts budgetJsonText): every list or object
 * read up to DISPLAY_MAX_ITEMS, and at most this many values in all, the rest counted. Results of 990,000 strings
 * parsed whole for a 326 KB page held the event loop 267-381 ms.
 */
export const DISPLAY_MAX_READ_VALUES = DISPLAY_MAX_FIELDS * DISPLAY_MAX_ITEMS;
/**
 * Longest text the browser renders as markdown (a model's Thoughts); a longer one is shown as plain text. With the
 * shape budget below it keeps remark's worst cases (unmatched emphasis, deep quotes) to about a second on a busy machine.
 */
export const MARKDOWN_MAX_CHARS = 100_000;
/** Deepest nesting of block quotes and lists rendered as markdown; deeper text is shown plain (5,001 ">" overflowed the stack). */
export const MARKDOWN_MAX_NESTING = 32;
/**
 * Most emphasis, code and link marks (`*`, `_`, `~`, backtick, brackets, `<`) in one paragraph rendered as markdown:
 * remark matches emphasis in time quadratic in them (198K characters of `*a_` took Chromium 119 s; 2,000 marks ~1 s).
 */
export const MARKDOWN_MAX_DELIMITERS = 1_000;
/**
 * Steps (both runs together, after their common head and tail and steps whose name the other run lacks are set
 * aside) Compare aligns inline; more go to a worker thread (lib/compare/align.ts). A shortest-edit diff costs length ×
 * differences: 500 against 500 reversed is a few ms, while 5,000 against 5,000 held the event loop 150 ms (its time
 * cap) on every GET of the page (issue 21, F4).
 */
export const COMPARE_ALIGN_INLINE_STEPS = 1_000;
/**
 * Comparisons of two runs kept for their next reader (lib/compare/comparison.ts), and for how long (ms): the pages of
 * one comparison's steps (250 rows each) and readers who open it at once share one load and alignment (10 GETs at
 * once of two runs of 5,000 and 9,000 steps each loaded and aligned both). Each holds up to COMPARE_PAGE_DIFF_CHARS of
 * payload and its diffs: four keep memory to tens of MB; a minute covers reading through the pages.
 */
export const COMPARE_KEEP_COMPARISONS = 4;
export const COMPARE_KEEP_MS = 60_000;
/**
 * Steps one query of Compare's load reads (lib/compare/runs.ts; MAX_COMPARED_SPANS in pages of these): a query's rows
 * become objects in one piece of the event loop, and 5,000 steps of 1,000-character names in one took tens of ms.
 */
export const COMPARE_LOAD_PAGE_ROWS = 1_000;
/**
 * Comparisons not kept that are built at once (lib/compare/comparison.ts): load, alignment and step facts of each run in
 * slices, the rest waiting their turn without holding the event loop, one at a time per client address. Ten cold
 * pairs of 5,149 and 9,000 steps built at once held the event loop 0.57-1.57 s (issue 21, attack6 F4).
 */
export const COMPARE_BUILDS_AT_ONCE = 2;

// ---- GET /api/jobs…

/** Longest search text and filter value in a history query. */
export const MAX_QUERY_TEXT_CHARS = 200;
/** Longest text searched for inside one run's spans. */
export const MAX_SPAN_SEARCH_CHARS = 500;
/** Distinct model names, and agent names, a run's summary columns keep for the history's filters (each cut at MAX_QUERY_TEXT_CHARS). */
export const MAX_RUN_SUMMARY_NAMES = 1000;
/**
 * Most bytes of a run's stored text one in-run search reads (spans in seq order); past it the answer says where it
 * stopped. PostgreSQL's LIKE costs up to (bytes × pattern characters) on hostile text: 'a'×499+'b' over 1 MB of 'a' is
 * 2.4 s of CPU here, so the bytes read also shrink as the pattern grows: MAX_SPAN_SEARCH_WORK / pattern characters.
 */
export const MAX_SPAN_SEARCH_SCAN_BYTES = 64 * MB;
/** bytes × pattern characters one in-run search may cost (about a second of one core, worst case). */
export const MAX_SPAN_SEARCH_WORK = 256 * MB;
/**
 * Whole-run exports (GET /api/jobs/<id>/trajectory, /otlp) are read and written a page at a time, as the client reads:
 * at most this many spans a page, and a page stops once its stored text passes EXPORT_PAGE_BYTES (one span always
 * fits), so the server holds one page and the event loop is free between pages (100,000 spans at once held it 9 s).
 */
export const EXPORT_PAGE_SPANS = 1000;
export const EXPORT_PAGE_BYTES = 4 * MB;
/**
 * A span's text over EXPORT_SLICE_BYTES is not read with its page (or its span, for ?full=1) but apart, as UTF-8
 * pieces of EXPORT_SLICE_BYTES, each decoded, escaped and written in a turn of its own (lib/db/span-texts.ts): one
 * span of a 4 MB Prompt and a 3.9 MB Reply written at once held the event loop 200-500 ms; escaping a slice of
 * hostile text costs ~5 ms.
 */
export const EXPORT_SLICE_BYTES = 256 * 1024;
/** Whole-run exports one app process streams at once; more are answered 429 with Retry-After. */
export const EXPORT_MAX_CONCURRENT = 4;
/**
 * When every export slot is taken and another client asks for one, an export whose client has read nothing for this
 * long is cut and its slot given to the newcomer (lib/http/text-stream.ts): stalled readers from two addresses kept
 * everyone else's exports refused, reconnecting each SEND_TIMEOUT_MS (attack7 G3).
 */
export const EXPORT_STALLED_CUT_MS = 5000;
/** Whole-run exports one signed-in user or client address streams at once: 4 stalled readers held every slot (attack6 G3). */
export const EXPORTS_PER_CLIENT = 2;
/** Largest span Seq in a URL: PostgreSQL's int. */
export const MAX_URL_SEQ = PG_INT_MAX;

// ---- The built-in triage agent's tool calls (lib/triage-agent): what a model (or a replayed run) may make it read

/** Largest file `read-file` reads; the kernel's biggest sources (generated register headers) are under 16 MB. */
export const AGENT_MAX_READ_FILE_BYTES = 32 * MB;
/** Most lines one `read-file` call returns, and one `grepper` call. */
export const AGENT_MAX_READ_LINES = 1000;
export const AGENT_MAX_GREP_LINES = 200;
/** Most entries one `codesearch-dir-index` call lists. */
export const AGENT_MAX_DIR_ENTRIES = 10_000;
/** Longest `grepper` Expression: real ones are a few dozen characters. */
export const AGENT_MAX_EXPRESSION_CHARS = 2000;
/** Most bytes one git command may print before it is stopped (`git show HEAD` is cut at AGENT_MAX_PATCH_BYTES instead). */
export const AGENT_MAX_GIT_OUTPUT_BYTES = 8 * MB;
/** Longest patch `read-patch-diff` records and shows the model. */
export const AGENT_MAX_PATCH_BYTES = 512 * 1024;

// ---- Experiments (lib/experiments) and prices

/** Runs one experiment reruns at most: a thousand patches is a week of triage, and each rerun may cost real money. */
export const EXPERIMENT_MAX_RUNS = 1000;
/** Longest experiment name and agent setup (a model spec or an agent's label). */
export const EXPERIMENT_MAX_NAME_CHARS = 200;
export const EXPERIMENT_MAX_SETUP_CHARS = 500;
/** Longest experiment note. */
export const EXPERIMENT_MAX_NOTE_CHARS = 10_000;
/** Entries of the outbound allow-list admins keep (lib/outbound): host:port pairs the server may send requests to. */
export const OUTBOUND_MAX_ALLOWED = 200;
/** Characters of a remote server's error text kept in a run (a model endpoint's answer); the whole text goes to the agent's log. */
export const OUTBOUND_ERROR_KEEP_CHARS = 300;
/** Highest price per million tokens an admin may enter (USD): far above any model's, a typo guard. */
export const MAX_PRICE_PER_MTOK = 10_000;

// ---- The dashboard mirror (lib/mirror): everything it reads is remote and untrusted

/** Largest job list page (/<ns>/ai?json=1, 300 jobs) the mirror reads; a real one is well under 1 MB. */
export const MIRROR_MAX_LIST_BYTES = 16 * MB;
/** Largest job page (/ai_job?id=…&json=1) the mirror reads: an import's file cap. */
export const MIRROR_MAX_PAGE_BYTES = IMPORT_MAX_FILE_BYTES;
/** Longest a mirror request may take, headers and body (ms). */
export const MIRROR_REQUEST_TIMEOUT_MS = 60_000;
/** Longest Retry-After the mirror waits (s); a longer one ends the sync, to be resumed by the next. */
export const MIRROR_MAX_RETRY_AFTER_SECONDS = 300;
/** Times one request is retried after a 429 or 503 before the job counts as failed. */
export const MIRROR_MAX_RETRIES = 5;
/** Same-host redirects a mirror request follows (a redirect to another host is refused). */
export const MIRROR_MAX_REDIRECTS = 3;
/** List pages one sync reads at most (300 jobs each: 3 million jobs), a guard against a cursor that never ends. */
export const MIRROR_MAX_LIST_PAGES = 10_000;
/** Failures (job ID and reason) kept from the last sync for the admin page. */
export const MIRROR_MAX_FAILURES_KEPT = 100;
/** Dashboards an admin may follow. */
export const MIRROR_MAX_DASHBOARDS = 20;

/** Largest inputs export (`/ai_job?id=…&export=1`) an operator may start a job from: a job's Args, like ai_job_done's Results. */
export const EXPORT_START_MAX_BYTES = AGENT_MAX_RESULTS_BYTES;

/** Characters of an email address at most (RFC 5321's path limit): a user's, and a sign-in's before it is counted. */
export const EMAIL_MAX_CHARS = 254;
