/**
 * Takes out what identifies people before text leaves the machine for a language model. Names are
 * found by what surrounds them (titles, "my son ...", "... in Year 3"), numbers, emails, postcodes,
 * dates and NI numbers by their shape, written out or spelled ("oh seven seven ...", "at gmail dot
 * com"); test/data/redaction-cases.jsonl keeps it honest.
 */

import {
  FUNCTION_WORDS, SCHOOL_WORDS, COMMON_WORDS, TITLES, WORD_TITLES, CAPITAL_ONLY_TITLES, AFTER_NAME_TITLES,
  RELATIVES, POSSESSIVES, ADJECTIVES, NOT_A_TITLE_AFTER, RELATIONS, NAME_PARTICLES, TLDS, MAIL_PROVIDERS, words,
} from './redact-words.js';

/** The most of a message that is ever sent: longer text costs more and is rarely a question. */
const MAX_SENT = 4000;
const LETTER = String.raw`[\p{L}\p{M}]`;
// A word: letters, digits, and an apostrophe or hyphen only between letters ("Begum-Khan", "Bilal's").
const wordPattern = new RegExp(String.raw`${LETTER}(?:[\p{L}\p{M}\p{N}]|['’-](?=${LETTER}))*`, 'gu');
const YEAR = String.raw`(?:(?:year|yr|y)[ \t]?\d{1,2}|reception|nursery|class[ \t]?\d[a-z]?|\d[a-z])(?![\p{L}\p{N}])`;
const yearAfterWord = new RegExp(String.raw`^[ \t]+${YEAR}`, 'iu');
const yearAfterName = new RegExp(String.raw`^[ \t]*[,(][ \t]*${YEAR}`, 'iu');

const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)';
const DAY = '\\d{1,2}(?:st|nd|rd|th)?';
const DAY_MONTH = `(?:${DAY}[ \\t]+(?:of[ \\t]+)?${MONTH}|${MONTH}\\.?[ \\t]+${DAY})`;
const DOT = String.raw`(?:\.|[ \t]*[(\[{]dot[)\]}][ \t]*|[ \t]+dot[ \t]+)`;
const AT = String.raw`(?:[ \t]*@[ \t]*|[ \t]*[(\[{]at[)\]}][ \t]*|[ \t]+at[ \t]+)`;
const domainDot = new RegExp(DOT, 'i');
const NUMBER_WORD = String.raw`(?:zero|oh|o|nought|one|two|three|four|five|six|seven|eight|nine|ten|double|triple|treble|hundred|thousand|\d+)(?![\p{L}\p{N}])`;

type Span = [start: number, end: number];

interface Detector {
  label: string;
  pattern: RegExp;
  /** The part of a match to replace, or undefined when the match is not what it looked like. */
  pick?: (match: RegExpExecArray) => Span | undefined;
}

// No pattern can match a stretch of text in more than one way (no nested or overlapping
// repetition) and the long ones start only where a word does, so hostile text cannot make them
// backtrack for long. Where two overlap, the one that starts first wins, then the longer, then the
// earlier in this list.
const detectors: Detector[] = [
  { label: '[email]', pattern: /(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g },
  {
    label: '[email]',
    pattern: new RegExp(String.raw`(?<![\w.+-])[\w+-]+(?:${DOT}[\w+-]+)*${AT}([\w-]+(?:${DOT}[\w-]+)*)`, 'gi'),
    pick: (m) => {
      const labels = m[1]!.toLowerCase().split(domainDot);
      const spelled = labels.length > 1 ? TLDS.has(labels.at(-1)!) : MAIL_PROVIDERS.has(labels[0]!);
      return spelled ? [m.index, m.index + m[0].length] : undefined;
    },
  },
  {
    label: '[person]',
    // "@Fatima Ali": a capitalised word after the mention is the rest of the name, unless ordinary.
    pattern: /@(?:\d{5,}|\p{L}(?:[\p{L}\p{N}_]|[.'’-](?=[\p{L}\p{N}]))*)(?:[ \t](\p{Lu}\p{Ll}+))?/gu,
    pick: (m) => {
      const after = m[1] && COMMON_WORDS.has(m[1].toLowerCase()) ? m[1].length + 1 : 0;
      return [m.index, m.index + m[0].length - after];
    },
  },
  {
    label: '[NI number]',
    pattern: /(?<![\p{L}\p{N}])[a-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[a-d](?![\p{L}\p{N}])/giu,
  },
  {
    label: '[postcode]',
    pattern: /(?<![\p{L}\p{N}])[a-z]{1,2}\d[a-z\d]? ?\d[abd-hjlnp-uw-z]{2}(?![\p{L}\p{N}])/giu,
    // "Y6 1st" is a year group and an ordinal; a postcode typed in lower case never ends like that.
    pick: (m) => (/\d(st|nd|rd|th)$/.test(m[0]) ? undefined : [m.index, m.index + m[0].length]),
  },
  {
    label: '[date]',
    pattern: new RegExp(
      String.raw`(?<![\p{L}\p{N}])(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2}|${DAY_MONTH},?[ \t]+\d{4})(?![\p{L}\p{N}])`,
      'giu',
    ),
  },
  {
    // A birthday needs no year to identify a child.
    label: '[date]',
    pattern: new RegExp(
      String.raw`(?<!\p{L})(?:born|dob|d\.o\.b|date[ \t]+of[ \t]+birth|birthday)(?!\p{L})[ \t:.,-]{0,4}(?:(?:is|was|on)[ \t]+){0,2}(?:the[ \t]+)?(${DAY_MONTH}|\d{1,2}[/.-]\d{1,2})(?![\p{L}\p{N}])`,
      'giud',
    ),
    pick: (m) => m.indices![1] as Span,
  },
  { label: '[number]', pattern: /\+?\d[\d\s().-]{6,}\d/g },
  // "oh seven seven double oh nine...": six number words or digit groups in a row.
  {
    label: '[number]',
    pattern: new RegExp(String.raw`(?<![\p{L}\p{N}])${NUMBER_WORD}(?:[ \t,-]{1,3}${NUMBER_WORD}){5,}`, 'giu'),
  },
];

interface Word {
  text: string;
  start: number;
  end: number;
  /** Lower case, curly apostrophe made straight. */
  key: string;
  /** The key without "'s", "'m", "n't"...: what a word list is asked about. */
  base: string;
  shape: 'lower' | 'capital' | 'caps' | 'other';
}

function toWord(text: string, start: number): Word {
  const key = text.toLowerCase().replace(/’/g, "'");
  const letters = /^[\p{L}\p{M}'’-]+$/u.test(text);
  const shape = !letters
    ? 'other'
    : text === text.toLowerCase()
      ? 'lower'
      : text === text.toUpperCase() && text.length > 1
        ? 'caps'
        : /^\p{Lu}/u.test(text)
          ? 'capital'
          : 'other';
  return { text, start, end: start + text.length, key, base: key.replace(/n't$|'(s|m|ll|re|ve|d)$/, ''), shape };
}

// "-ing" and most "-ed" words are verbs; names end in "-ed" too (Ahmed, Javed, Rasheed, Khaled).
const isCommon = (w: Word) =>
  COMMON_WORDS.has(w.key) ||
  COMMON_WORDS.has(w.base) ||
  (w.key.length >= 5 && w.key.endsWith('ing')) ||
  (w.key.length >= 6 && /ed$/.test(w.key) && !/(eed|med|ved|jed|hed|led)$/.test(w.key));
const isFunctionOrSchool = (w: Word) => FUNCTION_WORDS.has(w.base) || SCHOOL_WORDS.has(w.base) || TITLES.has(w.base);

/**
 * Could this word be a name? A capital says so, unless the word never names anyone or it only has
 * the capital because it starts a sentence; a lower-case or all-capitals word must be uncommon.
 */
function nameLike(w: Word | undefined, sentenceStart = false): boolean {
  if (!w || w.shape === 'other' || w.text.length < 2) return false;
  if (w.shape === 'capital') return !isFunctionOrSchool(w) && !(sentenceStart && isCommon(w));
  return !isCommon(w) && !TITLES.has(w.key);
}

/** Finds names from the words around them: titles, "my son ...", "... in Year 3", "...'s mum". */
function namesInContext(text: string): Span[] {
  const ws = Array.from(text.matchAll(wordPattern), (m) => toWord(m[0], m.index));
  const gap = (i: number) => text.slice(ws[i - 1]!.end, ws[i]!.start);
  const spaced = (i: number) => i > 0 && i < ws.length && /^[ \t]{1,2}$/.test(gap(i));
  const sentenceStart = (i: number) => i === 0 || /[.!?:\n]/.test(gap(i));
  const before = (i: number) => (spaced(i) ? ws[i - 1] : undefined);
  // "Mrs Khan's class" keeps its "'s".
  const nameStop = (i: number) => ws[i]!.end - (/['’]s$/i.test(ws[i]!.text) ? 2 : 0);
  const spans: Span[] = [];

  /** The last word of a name starting at `i`: a surname, or a second surname, in the same case. */
  function nameEnd(i: number): number {
    const limit = ws[i]!.shape === 'capital' ? 2 : 1;
    let last = i;
    while (last - i < limit && spaced(last + 1) && !/'s$/.test(ws[last]!.key)) {
      const next = ws[last + 1]!;
      const more =
        ws[i]!.shape === 'capital'
          ? next.shape === 'capital' && nameLike(next)
          : next.shape === ws[i]!.shape && nameLike(next) && !/[^iuas]s$/.test(next.key);
      if (!more) break;
      last += 1;
    }
    return last;
  }

  for (let i = 0; i < ws.length; i++) {
    const w = ws[i]!;
    const next = ws[i + 1];

    // Mr Khan, mr khan, Mrs. Patel, Miss Begum, sister aisha; "my sister Amina" keeps "my sister".
    if ((TITLES.has(w.key) || WORD_TITLES.has(w.key)) && next && /^\.?[ \t]{0,2}$/.test(gap(i + 1))) {
      const prev = before(i);
      const notATitle = !TITLES.has(w.key) && prev !== undefined && (NOT_A_TITLE_AFTER.has(prev.key) || /'s$/.test(prev.key));
      const named =
        next.shape === 'capital'
          ? nameLike(next)
          : !CAPITAL_ONLY_TITLES.has(w.key) && !notATitle && nameLike(next);
      if (named) {
        const end = nameEnd(i + 1);
        spans.push([notATitle ? next.start : w.start, nameStop(end)]);
        i = end;
        continue;
      }
    }

    // Shazia aunty, Tariq bhai.
    if (AFTER_NAME_TITLES.has(w.key) && i > 0 && spaced(i) && nameLike(ws[i - 1], sentenceStart(i - 1))) {
      spans.push([ws[i - 1]!.start, ws[i - 1]!.end]);
    }

    // my son Adam, our little boy ibrahim, my kids Adam, Sara and Zayd, Fatima's son Idris.
    if (RELATIVES.has(w.key) && next && /^[ \t]*[,:]?[ \t]*$/.test(gap(i + 1)) && nameLike(next)) {
      let p = i - 1;
      while (p >= 0 && p >= i - 2 && spaced(p + 1) && ADJECTIVES.has(ws[p]!.key)) p -= 1;
      const owner = p >= 0 && spaced(p + 1) ? ws[p] : undefined;
      if (owner && (POSSESSIVES.has(owner.key) || /'s$/.test(owner.key))) {
        let first = i + 1;
        for (;;) {
          const end = nameEnd(first);
          spans.push([ws[first]!.start, nameStop(end)]);
          i = end;
          // The list goes on after a comma or "and", with another name of the same shape.
          const joiner = ws[end + 1];
          const listed =
            joiner?.key === 'and' && spaced(end + 1) && spaced(end + 2)
              ? end + 2
              : joiner && /^[ \t]*,[ \t]*$/.test(gap(end + 1))
                ? end + 1
                : -1;
          const candidate = ws[listed];
          if (listed < 0 || !candidate || candidate.shape !== ws[first]!.shape || !nameLike(candidate)) break;
          first = listed;
        }
        continue;
      }
    }

    // Adam in Year 3, zayd in year 2, Hamza from Y6, Sara Ahmed (Year 5).
    if (w.shape !== 'other') {
      const viaWord =
        next && ['in', 'from', 'of'].includes(next.key) && spaced(i + 1) && yearAfterWord.test(text.slice(next.end, next.end + 40));
      const viaMark = w.shape === 'capital' && yearAfterName.test(text.slice(w.end, w.end + 40));
      if ((viaWord || viaMark) && nameLike(w, sentenceStart(i))) {
        const prev = before(i);
        const first = w.shape === 'capital' && prev?.shape === 'capital' && nameLike(prev, sentenceStart(i - 1)) ? prev : w;
        spans.push([first.start, w.end]);
      }
    }

    // Bilal's mum, yusuf's dad.
    if (/'s$/.test(w.key) && next && spaced(i + 1) && RELATIONS.has(next.key)) {
      const owner = toWord(w.text.slice(0, -2), w.start);
      if (nameLike(owner, sentenceStart(i))) spans.push([owner.start, owner.end]);
    }
  }
  return spans;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const wholeWords = (s: string, flags: string) => new RegExp(`(?<![\\p{L}\\p{M}\\p{N}])${escapeRegExp(s)}(?![\\p{L}\\p{M}\\p{N}])`, `g${flags}`);

/**
 * The names the bot knows, whole and word by word ("fatima" for "Fatima Ali"), in any case. A
 * name that is an ordinary word ("Mum") is only taken out as written.
 */
function knownNamePatterns(knownNames: Array<string | undefined>): RegExp[] {
  const patterns: RegExp[] = [];
  for (const name of knownNames) {
    const trimmed = name?.trim();
    if (!trimmed || trimmed.length < 2 || !/[\p{L}\p{N}]/u.test(trimmed)) continue;
    patterns.push(wholeWords(trimmed, COMMON_WORDS.has(trimmed.toLowerCase()) ? 'u' : 'iu'));
    for (const part of trimmed.split(/[^\p{L}\p{M}'’-]+/u)) {
      const bare = part.replace(/['’]s$/i, '').replace(/^['’-]+|['’-]+$/g, '');
      const key = bare.toLowerCase();
      if (bare.length >= 2 && bare !== trimmed && !COMMON_WORDS.has(key) && !TITLES.has(key) && !NAME_PARTICLES.has(key)) {
        patterns.push(wholeWords(bare, 'iu'));
      }
    }
  }
  return patterns;
}

/**
 * Takes out what identifies people before text leaves the machine, replacing each with a
 * placeholder: email addresses, spelled-out ones too ("fatima dot ali at gmail dot com") as
 * [email]; phone numbers, digits or words ("oh seven seven...") as [number]; @-mentions as
 * [person]; UK postcodes as [postcode]; dates with a year and birthdays as [date]; National
 * Insurance numbers as [NI number]; and as [name], the names the bot knows from WhatsApp, names
 * after a title in any case ("mr khan", "Ustadh Yusuf", "Miss Begum"), after "my son" and the like,
 * before "in Year 3" and before "'s mum". Only the first 4000 characters are looked at or kept.
 */
export function redact(text: string, knownNames: Array<string | undefined> = []): string {
  const input = text.slice(0, MAX_SENT);
  const found: Array<{ start: number; end: number; label: string; rank: number }> = [];
  detectors.forEach(({ label, pattern, pick }, rank) => {
    pattern.lastIndex = 0;
    for (let match = pattern.exec(input); match; match = pattern.exec(input)) {
      const span: Span | undefined = pick ? pick(match) : [match.index, match.index + match[0].length];
      if (span) found.push({ start: span[0], end: span[1], label, rank });
      // A rejected match may hide a real one that starts inside it ("me at fatima.ali at gmail...").
      else pattern.lastIndex = match.index + 1;
    }
  });
  const names: Span[] = knownNamePatterns(knownNames).flatMap((p) => Array.from(input.matchAll(p), (m): Span => [m.index, m.index + m[0].length]));
  for (const [start, end] of [...names, ...namesInContext(input)]) found.push({ start, end, label: '[name]', rank: detectors.length });
  found.sort((a, b) => a.start - b.start || b.end - a.end || a.rank - b.rank);

  let out = '';
  let at = 0;
  for (let k = 0; k < found.length; ) {
    const { start, label } = found[k]!;
    let end = found[k]!.end;
    for (k += 1; k < found.length && found[k]!.start < end; k += 1) end = Math.max(end, found[k]!.end);
    out += input.slice(at, start) + label;
    at = end;
  }
  return out + input.slice(at);
}
