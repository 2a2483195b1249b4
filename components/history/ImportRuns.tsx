"use client";
// Import in the browser (operators): files dropped or picked go to POST /api/import, the same route `npm run import`
// uses, so every shape it reads is read here too (trajectory JSON, a job page, an HTML report, a page copy). The upload
// shows its progress (XMLHttpRequest: fetch reports no upload progress), then the import's, then what came of it: runs
// created, runs already imported, or each file's error as the server words it (file and line).
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";

interface ImportedJob {
  id: string;
  file: string;
  workflow: string;
  spans: number;
  created: boolean;
}

interface FileProblem {
  file: string;
  reason: string;
}

type Phase =
  | { kind: "idle" }
  | { kind: "uploading"; loaded: number; total: number }
  | { kind: "importing" }
  | { kind: "done"; jobs: ImportedJob[] }
  | { kind: "failed"; problems: FileProblem[] };

/** Posts the files as one multipart upload, reporting the bytes sent and when the server starts importing. */
function upload(files: File[], onPhase: (p: Phase) => void): void {
  const form = new FormData();
  for (const f of files) form.append("file", f, f.name);
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/api/import");
  xhr.responseType = "json";
  xhr.upload.onprogress = (e) => onPhase({ kind: "uploading", loaded: e.loaded, total: e.lengthComputable ? e.total : 0 });
  xhr.upload.onload = () => onPhase({ kind: "importing" });
  xhr.onerror = () => onPhase({ kind: "failed", problems: [{ file: "upload", reason: "the app did not answer; try again" }] });
  xhr.onload = () => {
    const body = (xhr.response ?? {}) as { jobs?: ImportedJob[]; error?: string; errors?: FileProblem[] };
    if (xhr.status === 200 && body.jobs) return onPhase({ kind: "done", jobs: body.jobs });
    const problems = body.errors?.length ? body.errors : [{ file: "upload", reason: body.error ?? `HTTP ${xhr.status}` }];
    onPhase({ kind: "failed", problems });
  };
  onPhase({ kind: "uploading", loaded: 0, total: files.reduce((n, f) => n + f.size, 0) });
  xhr.send(form);
}

function Progress({ phase }: { phase: Phase }) {
  if (phase.kind !== "uploading" && phase.kind !== "importing") return null;
  const share = phase.kind === "uploading" && phase.total > 0 ? phase.loaded / phase.total : null;
  return (
    <div className="space-y-1" data-testid="import-progress">
      <div
        role="progressbar"
        aria-label={phase.kind === "uploading" ? "Uploading" : "Importing"}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share === null ? undefined : Math.round(100 * share)}
        className="h-2 overflow-hidden rounded bg-slate-100"
      >
        <div
          className={`h-full bg-sky-500 ${share === null ? "w-1/3 animate-pulse" : ""}`}
          style={share === null ? undefined : { width: `${100 * share}%` }}
        />
      </div>
      <p className="text-xs text-slate-600">
        {phase.kind === "uploading" ? `Uploading… ${share === null ? "" : `${Math.round(100 * share)} %`}` : "Importing…"}
      </p>
    </div>
  );
}

function Outcome({ phase }: { phase: Phase }) {
  if (phase.kind === "failed") {
    return (
      <div role="alert" className="space-y-1 text-sm text-red-800" data-testid="import-errors">
        <p className="font-medium">Nothing was imported:</p>
        <ul className="list-disc pl-5">
          {phase.problems.map((p, i) => (
            <li key={i} className="wrap-anywhere">
              <span className="font-mono">{p.file}</span>: {p.reason}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (phase.kind !== "done") return null;
  const created = phase.jobs.filter((j) => j.created).length;
  const again = phase.jobs.length - created;
  return (
    <div className="space-y-1 text-sm" data-testid="import-result">
      <p className="font-medium text-emerald-800">
        {created} {created === 1 ? "run" : "runs"} created{again > 0 ? `, ${again} already imported` : ""}.
      </p>
      <ul className="space-y-0.5">
        {phase.jobs.map((j) => (
          <li key={j.id}>
            <Link href={`/jobs/${j.id}`} className="text-sky-700 hover:underline" data-testid="imported-run">
              {j.workflow}
            </Link>{" "}
            <span className="text-xs text-slate-500">
              {j.file} · {j.spans} spans{j.created ? "" : " · already imported"}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The history's import panel: a drop zone and a file picker; opens from the page's Import button. */
export function ImportRuns({ open, onClose }: { open: boolean; onClose: () => void }) {
  const router = useRouter();
  const input = useRef<HTMLInputElement>(null);
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [over, setOver] = useState(false);
  const busy = phase.kind === "uploading" || phase.kind === "importing";
  const start = (list: FileList | null) => {
    const files = list ? [...list] : [];
    if (files.length === 0 || busy) return;
    upload(files, (p) => {
      setPhase(p);
      // The list shows the new runs once they are in.
      if (p.kind === "done") router.refresh();
    });
  };
  if (!open) return null;
  return (
    <section className="space-y-2 rounded border border-slate-200 bg-white p-3" aria-label="Import runs" data-testid="import-panel">
      <div
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          start(e.dataTransfer.files);
        }}
        className={`rounded border-2 border-dashed p-4 text-center text-sm ${over ? "border-sky-500 bg-sky-50" : "border-slate-300"}`}
        data-testid="import-drop"
      >
        <p className="text-slate-700">
          Drop trajectory files here (trajectory JSON, a saved job page, an HTML report or a page copy), or{" "}
          <button type="button" className="text-sky-700 underline" onClick={() => input.current?.click()} disabled={busy}>
            pick files
          </button>
          .
        </p>
        <input
          ref={input}
          type="file"
          multiple
          className="sr-only"
          aria-label="Files to import"
          onChange={(e) => {
            start(e.currentTarget.files);
            e.currentTarget.value = "";
          }}
        />
      </div>
      <Progress phase={phase} />
      <Outcome phase={phase} />
      <div className="flex justify-end">
        <button type="button" className="text-xs text-slate-500 hover:text-slate-800" onClick={onClose} disabled={busy}>
          Close
        </button>
      </div>
    </section>
  );
}
