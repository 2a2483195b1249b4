// Schemas of the URL pieces several routes share.
import { z } from "zod";
import { isJobId } from "@/lib/trajectory/job-id";
import { MAX_URL_SEQ } from "@/lib/limits";

/** A run's id in a URL: a UUID, any case. */
export const runId = z.string().refine(isJobId, "not a run id (expected a UUID)");

export const runParams = z.object({ id: runId });

/** A span's Seq in a URL: a non-negative integer that fits PostgreSQL's int. */
export const spanSeq = z.coerce
  .number({ error: "not a span Seq (expected an integer)" })
  .int("not a span Seq (expected an integer)")
  .min(0)
  .max(MAX_URL_SEQ);

export const spanParams = z.object({ id: runId, seq: spanSeq });
