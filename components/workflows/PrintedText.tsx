// A value the dashboard printed with Go's fmt and that text does not allow one reading of: shown as the text,
// marked so nobody takes it for JSON (lib/import/go-printed.ts says when a text is read and when it is kept).
import { TextBlock } from "@/components/run/TextBlock";

export function PrintedText({ text }: { text: string }) {
  return (
    <div data-printed>
      <div
        className="mb-0.5 text-[11px] italic text-slate-500"
        title="The dashboard's job page prints values with Go's fmt (map[k:v …]); this text can be read more than one way, so it is shown as it is."
      >
        as the dashboard printed it
      </div>
      <TextBlock text={text} />
    </div>
  );
}
