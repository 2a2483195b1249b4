// Names as a reader can trust them, and tool output as a terminal shows it.
import { describe, expect, it } from "vitest";
import { hasHiddenCharacters, nameSegments, visibleName } from "@/lib/text/visible";
import { collapseStyledLines, hasTerminalCodes, renderTerminal, sgrOnly, showControls, styledText } from "@/lib/text/terminal";
import { spanSearchText, visibleText } from "@/lib/text/search";

describe("visibleName", () => {
  it("spells out bidi controls, so a reversed extension cannot pass for another", () => {
    const name = "grepper-\u202Egnp.exe";
    expect(visibleName(name)).toBe("grepper-⟨U+202E⟩gnp.exe");
    expect(nameSegments(name)).toEqual([{ text: "grepper-" }, { code: "U+202E", char: "\u202E" }, { text: "gnp.exe" }]);
  });

  it("spells out zero-width, control, tag and filler characters, and leaves plain and right-to-left names alone", () => {
    expect(visibleName("a\u200Bb\u0007c\u{E0041}d\u3164")).toBe("a⟨U+200B⟩b⟨U+0007⟩c⟨U+E0041⟩d⟨U+3164⟩");
    expect(visibleName("line\nbreak\ttab")).toBe("line⟨U+000A⟩break⟨U+0009⟩tab");
    expect(visibleName("patch-evaluator")).toBe("patch-evaluator");
    expect(visibleName("בודק-תיקונים")).toBe("בודק-תיקונים");
    expect(hasHiddenCharacters("בודק")).toBe(false);
  });

  it("is what search indexes for names and keys", () => {
    const text = spanSearchText({ Name: "grepper-\u202Egnp.exe", Args: { "\u202Ekey": "v" } });
    expect(text).toContain("grepper-⟨u+202e⟩gnp.exe");
    expect(text).toContain("⟨u+202e⟩key");
  });
});

describe("terminal text", () => {
  const sample =
    "\u001b[1mmm/demo.c:12:\u001b[0m \u001b[1;31merror:\u001b[0m implicit declaration of function '\u001b[1mdemo_check\u001b[0m'\n" +
    "\u001b[32m  CC      mm/demo.o\u001b[0m\n\u001b[33mwarning:\u001b[0m unused variable 'p'\nprogress 10%\r\rprogress 100%\u001b[K\n";

  it("colours SGR, drops the rest, collapses carriage returns: the characters are visibleText's", async () => {
    const lines = await renderTerminal(sample);
    expect(styledText(lines)).toBe(visibleText(sample));
    expect(styledText(lines)).toContain("progress 100%");
    expect(styledText(lines)).not.toContain("[1;31m");
    const error = lines[0]!.find((r) => r.text === "error:")!;
    expect(error.color).toMatch(/^#/);
    expect(error.fontStyle! & 2).toBe(2); // bold
    expect(lines[0]!.find((r) => r.text.startsWith(" implicit"))!.fontStyle ?? 0).toBe(0);
  });

  it("gives exactly visibleText for any mix of escapes, carriage returns and text", async () => {
    // A seeded generator over the characters that matter: escapes of every kind, CR, LF, letters, digits, emoji.
    const alphabet = [
      "\u001b",
      "[",
      "]",
      "1",
      "3",
      ";",
      "m",
      "K",
      "H",
      "7",
      "(",
      "B",
      "\r",
      "\n",
      "a",
      "x",
      " ",
      "\u0007",
      "\\",
      "😀",
      "\u009b",
      "P",
    ];
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 400; n++) {
      const text = Array.from({ length: 1 + Math.floor(next() * 40) }, () => alphabet[Math.floor(next() * alphabet.length)]).join("");
      expect(styledText(await renderTerminal(text)), JSON.stringify(text)).toBe(visibleText(text));
    }
  });

  it("feeds the tokenizer SGR only", () => {
    expect(sgrOnly("a\u001b[2Kb\u001b[31mc\u001b]0;title\u0007d\u009b1me")).toBe("ab\u001b[31mcd\u001b[1me");
  });

  it("collapses styled lines as a terminal would", () => {
    expect(
      styledText(
        collapseStyledLines([
          [
            { content: "abcdef", color: "#1" },
            { content: "\rXY", color: "#2" },
          ],
        ]),
      ),
    ).toBe("XYcdef");
    const [line] = collapseStyledLines([
      [
        { content: "10%", color: "#1" },
        { content: "\r100%", color: "#2" },
      ],
    ]);
    expect(line).toEqual([{ text: "100%", color: "#2", bgColor: undefined, fontStyle: undefined }]);
  });

  it("knows text that needs a terminal, and shows the raw codes visibly", () => {
    expect(hasTerminalCodes("plain\r\nwindows")).toBe(false);
    expect(hasTerminalCodes("10%\r100%")).toBe(true);
    expect(hasTerminalCodes("\u001b[0m")).toBe(true);
    expect(showControls("\u001b[1;31mred\u001b[0m\r\n")).toBe("␛[1;31mred␛[0m␍\n");
  });
});
