// POST /api/experiments/preview: how many runs an experiment would rerun and its estimated cost (operators; writes nothing).
import { route } from "@/lib/api/route";
import { readDb } from "@/lib/db/read-your-writes";
import { previewExperiment, previewInputSchema } from "@/lib/experiments/start";

export const POST = route({ access: "operator", body: { schema: previewInputSchema, maxBytes: 256 * 1024 } }, async ({ body }) =>
  previewExperiment(await readDb("expensive"), body),
);
