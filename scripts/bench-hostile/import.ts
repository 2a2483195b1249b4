// bench:hostile's import of a trajectory file (lib/import, as the import page and `npm run import` call it).
import { randomUUID } from "node:crypto";
import { importFiles } from "@/lib/import/import-files";
import { COMMAND_LINE } from "@/lib/audit/log";
import { T, zeros, type Kind } from "./harness";

/** A 1 MB file whose Args are 499,000 zeros, made unique per request so each one is stored. */
export function importKinds(): Kind[] {
  let file = Buffer.alloc(0);
  return [
    {
      name: "import: 1 MB file of 500K zeros",
      prepare: async () =>
        void (file = Buffer.from(
          `[{"Seq":0,"Nesting":0,"Type":"flow","Name":"f","Started":"${T}","Args":${zeros(499_000)},"Results":{"n":"${randomUUID()}"}}]`,
        )),
      run: async () => {
        const out = await importFiles([{ name: "zeros.json", content: file }], COMMAND_LINE);
        return out.ok ? "imported" : `refused: ${JSON.stringify(out.errors).slice(0, 80)}`;
      },
    },
  ];
}
