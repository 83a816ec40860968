/**
 * In a right-to-left message (Urdu, Arabic) a phone lays out an email address, a reference or a
 * number by the letters around it: "school@imai.org.uk" can come out as "uk.org.imai@school",
 * and "R-260105-AB12" with its parts swapped. Wrapped in a left-to-right isolate (U+2066 … U+2069)
 * each shows as typed, and removing the two marks gives back the exact text.
 */
export const LRI = '\u2066';
export const PDI = '\u2069';

// One alternation, the longer kinds first: an email is not split into a mention and a word, a URL
// keeps its digits, a command keeps its Latin arguments (`!rules full`, `!share R-…`).
const LEFT_TO_RIGHT = new RegExp(
  [
    // Addresses are ASCII; the last character is not the sentence's full stop or comma.
    String.raw`https?://[!-~]*[\w/#=&%~+-]`,
    String.raw`www\.[!-~]*[\w/#=&%~+-]`,
    String.raw`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`,
    String.raw`![A-Za-z]+(?: (?:[A-Za-z0-9|+-]+))*`,
    String.raw`@\w+`,
    String.raw`R-\d{6}-[A-Z0-9]{4}`,
    String.raw`\+?\d[\d ()-]{6,}\d`,
    String.raw`\d+(?:[.,:/-]\d+)*`,
  ].join('|'),
  'gu',
);

// An isolate already in the text (a value rendered before, or one a translator typed) is left whole.
const ISOLATED = /[\u2066\u2067\u2068][^\u2066-\u2069]*\u2069/gu;

/** Wraps each address, reference, number, command and mention in `text` in an isolate, once. */
export function isolateLeftToRight(text: string): string {
  let out = '';
  let from = 0;
  for (const done of text.matchAll(ISOLATED)) {
    out += wrap(text.slice(from, done.index)) + done[0];
    from = done.index + done[0].length;
  }
  return out + wrap(text.slice(from));
}

function wrap(part: string): string {
  return part.replace(LEFT_TO_RIGHT, (run) => `${LRI}${run}${PDI}`);
}

/** The text without directional isolates: what a reader copies out of the message. */
export function withoutIsolates(text: string): string {
  return text.replace(/[\u2066-\u2069]/g, '');
}
