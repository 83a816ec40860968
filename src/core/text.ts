/** Longest text the features look at: a real command or question is short; a 200 KB paste is not one. */
export const MAX_TEXT_EXAMINED = 4000;

// Control and format characters (zero-width joiners, bidi marks and isolates, soft hyphens) change
// nothing a person reads but can hide a command or break matching. Line breaks and tabs stay.
const invisible = /[\p{Cf}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;

/** Text as the features see it: well-formed, visible characters only, bounded in length. */
export function cleanText(raw: string): string {
  const head = raw.length > MAX_TEXT_EXAMINED ? raw.slice(0, MAX_TEXT_EXAMINED) : raw;
  return head.toWellFormed().replace(invisible, '').normalize('NFKC');
}
