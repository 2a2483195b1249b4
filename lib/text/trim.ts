// Trimming a run of chosen characters from the ends of a string, in linear time. The regular expressions that say
// the same (/\r+$/, /[ \t]+$/gm, /^\/+|\/+$/g) are tried at every start position of a long run that is followed by
// another character, which is quadratic: 100,000 "\r" before an "x" held the server's thread for seconds. Text from
// agents, models and imports reaches these, so they are written as loops (the ESLint rules regexp/no-super-linear-*
// find the regex forms).

/** `s` without the characters of `chars` at its end: trimEnd("a\r\r", "\r") → "a". */
export function trimEnd(s: string, chars: string): string {
  let end = s.length;
  while (end > 0 && chars.includes(s[end - 1]!)) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** `s` without the characters of `chars` at its start: trimStart("//a", "/") → "a". */
export function trimStart(s: string, chars: string): string {
  let start = 0;
  while (start < s.length && chars.includes(s[start]!)) start++;
  return start === 0 ? s : s.slice(start);
}

/** `s` without the characters of `chars` at either end: trim("/a/b//", "/") → "a/b". */
export function trim(s: string, chars: string): string {
  return trimStart(trimEnd(s, chars), chars);
}

/** Each line of `s` without the spaces and tabs at its end (what /[ \t]+$/gm does, in linear time). */
export function trimLineEnds(s: string): string {
  return s
    .split("\n")
    .map((line) => trimEnd(line, " \t"))
    .join("\n");
}
