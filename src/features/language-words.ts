/**
 * The parents' words, as every language's matching sees them: a message folded into words
 * (lower-case, accents and Arabic short vowels gone, letters written differently for the same
 * sound made alike), lists of words and phrases from the messages files' `_understand` sections
 * compiled into something quick and safe to search, and the language a message's words belong to.
 */
import type { LanguageFile } from '../config/templates.js';
import { GAP } from '../config/understanding.js';
import { detectLanguage, writtenInLatin } from '../core/language.js';
import { STOP as ENGLISH_FUNCTION_WORDS } from './ask-vocabulary.js';

// A question is a sentence or two. Cutting first bounds every later step, NFKC included.
const MAX_INPUT_CHARS = 1000;
const MAX_NORMALISED_CHARS = 4000;
const MAX_TOKENS = 300;
/** Words longer than this are pasted links or keyboard mash; only their start is looked at. */
const MAX_TOKEN_CHARS = 40;

// Latin accents, Arabic short vowels and other marks written above or below (harakat, the hamza and
// madda that NFD takes off alef, waw and yeh, Quranic marks), and the tatweel that stretches a word.
const LATIN_ACCENTS = /[\u0300-\u036F]/g;
const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g;
const INVISIBLE = /\p{Cf}+/gu;
const CONTROL = /\p{Cc}+/gu;
const APOSTROPHES = /['\u2018\u2019\u02BC`´]/g;
const REPEATED = /(\p{L})\1{2,}/gu;
const SEPARATOR = /[^\p{L}\p{M}\p{N}]+/u;
const ASCII = /^[\x00-\x7F]*$/;

/**
 * Letters written differently for the same word: Urdu's and Persian's kaf, yeh and heh against
 * Arabic's, teh marbuta and alef maqsura as people type them without care. A Map, so "__proto__"
 * stays an ordinary key.
 */
const SAME_LETTER = new Map<string, string>([
  ['\u06A9', '\u0643'], // ک → ك
  ['\u06CC', '\u064A'], // ی → ي
  ['\u0649', '\u064A'], // ى → ي
  ['\u06C1', '\u0647'], // ہ → ه
  ['\u06BE', '\u0647'], // ھ → ه
  ['\u0629', '\u0647'], // ة → ه
  ['\u06C3', '\u0647'], // ۃ → ه
]);
const SAME_LETTER_RE = new RegExp(`[${[...SAME_LETTER.keys()].join('')}]`, 'g');
// Arabic-Indic, Persian and Bengali digits read as the digits Arabizi and times use.
const DIGITS = /[\u0660-\u0669\u06F0-\u06F9\u09E6-\u09EF]/g;
const digitValue = (d: string): string => {
  const c = d.charCodeAt(0);
  return String(c >= 0x09e6 ? c - 0x09e6 : c >= 0x06f0 ? c - 0x06f0 : c - 0x0660);
};

/** A message or an entry as words to match: lower-case, accents and short vowels gone, letters made alike. */
export function foldWords(input: string, maxTokens = MAX_TOKENS): string[] {
  if (typeof input !== 'string' || !input) return [];
  let s = input.slice(0, MAX_INPUT_CHARS);
  // Lone surrogates, including a pair the slice cut in half, would make NFKC and /u unpredictable.
  s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ' ');
  // Plain ASCII (most of a group's chatter) has nothing for the normalisations to change.
  if (ASCII.test(s)) s = s.toLowerCase().replace(CONTROL, ' ');
  else {
    s = s.normalize('NFKC').slice(0, MAX_NORMALISED_CHARS).toLowerCase();
    // NFD takes the hamza and madda off their letters (أ إ آ ؤ ئ) and the accents off Latin ones;
    // Bengali's vowel signs come apart too and NFC puts them back.
    s = s.normalize('NFD').replace(LATIN_ACCENTS, '').replace(ARABIC_MARKS, '').normalize('NFC');
    s = s.replace(INVISIBLE, '').replace(CONTROL, ' ');
    s = s.replace(SAME_LETTER_RE, (letter) => SAME_LETTER.get(letter) ?? letter).replace(DIGITS, digitValue);
  }
  s = s.replace(REPEATED, '$1$1').replace(APOSTROPHES, '');
  const tokens = s.split(SEPARATOR).filter(Boolean);
  return (tokens.length > maxTokens ? tokens.slice(0, maxTokens) : tokens).map((t) => (t.length > MAX_TOKEN_CHARS ? t.slice(0, MAX_TOKEN_CHARS) : t));
}

/** One word of an entry: whole, or with any ending (`x*`), any beginning (`*x`), or both; or a gap of up to two words. */
interface WordPattern {
  kind: 'exact' | 'prefix' | 'suffix' | 'infix' | 'gap';
  text: string;
}
const GAP_WIDTHS = [0, 1, 2];

function wordMatches(pattern: WordPattern, token: string): boolean {
  switch (pattern.kind) {
    case 'exact':
      return token === pattern.text;
    case 'prefix':
      return token.startsWith(pattern.text);
    case 'suffix':
      return token.endsWith(pattern.text);
    case 'infix':
      return token.includes(pattern.text);
    case 'gap':
      return true;
  }
}

/** Whether the patterns match the words from `at` on; a gap tries each of its widths (two gaps at most, by config). */
function restMatches(patterns: readonly WordPattern[], tokens: readonly string[], at: number, from = 0): boolean {
  for (let p = from; p < patterns.length; p++, at++) {
    const pattern = patterns[p]!;
    if (pattern.kind === 'gap') return GAP_WIDTHS.some((width) => restMatches(patterns, tokens, at + width, p + 1));
    if (at >= tokens.length || !wordMatches(pattern, tokens[at]!)) return false;
  }
  return true;
}

/** An entry as patterns: its words folded as a message's are, `*` kept at the ends. */
function compileEntry(entry: string): WordPattern[] {
  const patterns: WordPattern[] = [];
  for (const word of entry.trim().split(/\s+/u)) {
    if (word === GAP) {
      patterns.push({ kind: 'gap', text: '' });
      continue;
    }
    const before = word.startsWith('*');
    const after = word.length > 1 && word.endsWith('*');
    const parts = foldWords(word.replace(/^\*|\*$/g, ''));
    parts.forEach((text, i) => {
      const open = before && i === 0;
      const close = after && i === parts.length - 1;
      patterns.push({ kind: open && close ? 'infix' : open ? 'suffix' : close ? 'prefix' : 'exact', text });
    });
  }
  return patterns;
}

/** Entries whose first word is a beginning (or an ending) starting (or ending) with one letter. */
interface Affixes {
  lengths: number[];
  byText: Map<string, Indexed[]>;
}

interface Indexed {
  /** Which of the index's lists the entry is in. */
  list: number;
  entry: string;
  rest: WordPattern[];
}

/**
 * Lists of words and phrases, indexed together by their first word, so that a message is walked
 * once whatever the number of lists: each of its words is looked up whole in a map, then by each
 * of its beginnings and endings as long as an entry's (a handful of lengths), and compared only
 * with the few `*x*` entries (bounded by config). What follows the first word is checked only
 * for the entries that start there.
 */
export class WordIndex {
  private readonly exact = new Map<string, Indexed[]>();
  // Beginnings by their first letter and endings by their last, each with the lengths they come in,
  // so a word is cut only at lengths some entry starting (or ending) with its letter has.
  private readonly prefixes = new Map<string, Affixes>();
  private readonly suffixes = new Map<string, Affixes>();
  private readonly infixes: Array<Indexed & { text: string }> = [];
  readonly lists: number;

  constructor(lists: ReadonlyArray<readonly string[]>) {
    this.lists = lists.length;
    const add = (map: Map<string, Indexed[]>, key: string, item: Indexed) => {
      const items = map.get(key);
      if (items) items.push(item);
      else map.set(key, [item]);
    };
    const addAffix = (map: Map<string, Affixes>, letter: string, text: string, item: Indexed) => {
      let affixes = map.get(letter);
      if (!affixes) map.set(letter, (affixes = { lengths: [], byText: new Map() }));
      if (!affixes.lengths.includes(text.length)) affixes.lengths = [...affixes.lengths, text.length].sort((a, b) => a - b);
      add(affixes.byText, text, item);
    };
    lists.forEach((entries, list) => {
      for (const entry of entries) {
        const [first, ...rest] = compileEntry(entry);
        if (!first || !first.text) continue;
        const item = { list, entry, rest };
        if (first.kind === 'exact') add(this.exact, first.text, item);
        else if (first.kind === 'prefix') addAffix(this.prefixes, first.text[0]!, first.text, item);
        else if (first.kind === 'suffix') addAffix(this.suffixes, first.text.at(-1)!, first.text, item);
        else if (first.kind === 'infix') this.infixes.push({ text: first.text, ...item });
      }
    });
  }

  /** For each list, where in the words one of its entries starts (each place once, in order); empty lists stay undefined. */
  scan(tokens: readonly string[]): Array<number[] | undefined> {
    const found: Array<number[] | undefined> = new Array(this.lists);
    const visit = (items: readonly Indexed[] | undefined, i: number) => {
      if (!items) return;
      for (const item of items) {
        const places = found[item.list];
        if (places?.at(-1) === i || !restMatches(item.rest, tokens, i + 1)) continue;
        if (places) places.push(i);
        else found[item.list] = [i];
      }
    };
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      visit(this.exact.get(token), i);
      const prefixes = this.prefixes.get(token[0]!);
      for (const n of prefixes?.lengths ?? []) {
        if (n > token.length) break;
        visit(prefixes!.byText.get(token.slice(0, n)), i);
      }
      const suffixes = this.suffixes.get(token.at(-1)!);
      for (const n of suffixes?.lengths ?? []) {
        if (n > token.length) break;
        visit(suffixes!.byText.get(token.slice(token.length - n)), i);
      }
      for (const infix of this.infixes) if (token.includes(infix.text)) visit([infix], i);
    }
    return found;
  }

  /** The first entry of a list found in the words, for explaining a match. */
  entryAt(tokens: readonly string[], list: number, i: number): string | undefined {
    const token = tokens[i];
    if (token === undefined) return undefined;
    const prefixes = this.prefixes.get(token[0]!);
    const suffixes = this.suffixes.get(token.at(-1)!);
    const candidates = [
      ...(this.exact.get(token) ?? []),
      ...(prefixes?.lengths ?? []).flatMap((n) => prefixes!.byText.get(token.slice(0, n)) ?? []),
      ...(suffixes?.lengths ?? []).flatMap((n) => (n <= token.length ? suffixes!.byText.get(token.slice(token.length - n)) ?? [] : [])),
      ...this.infixes.filter((infix) => token.includes(infix.text)),
    ];
    return candidates.find((item) => item.list === list && restMatches(item.rest, tokens, i + 1))?.entry;
  }
}

/** One list of words and phrases: a WordIndex of one. */
export class PhraseList {
  private readonly index: WordIndex;

  constructor(entries: readonly string[]) {
    this.index = new WordIndex([entries]);
  }

  /** The first entry found in the words, in the order the words come; undefined when none is. */
  find(tokens: readonly string[]): string | undefined {
    const first = this.index.scan(tokens)[0]?.[0];
    return first === undefined ? undefined : this.index.entryAt(tokens, 0, first);
  }

  /** Where in the words an entry starts, each place once. */
  places(tokens: readonly string[]): number[] {
    return this.index.scan(tokens)[0] ?? [];
  }
}

/**
 * The language a message is written in: its script, and the commonest words, as
 * core/language.ts tells them; for a message in Latin letters, also the words of each language's
 * `_understand` lists (so "ami ki amar shami ke group e add korte pari?" is Bengali). A word counts
 * for a language only when no other language's lists have it and it is not an everyday English
 * word: loanwords ("group", "complaint") are in every list, and Roman Urdu's "to" and "me" are
 * English's too.
 */
export class LanguageWords {
  private readonly codes: string[] = [];
  /** Every list of every language, one index; `listLanguage[i]` is the language of list i. */
  private readonly index: WordIndex;
  private readonly listLanguage: number[] = [];
  /** Everyday English: the function words, and every word of the bot's own English messages. */
  private readonly english = new Set(ENGLISH_FUNCTION_WORDS);

  constructor(files: readonly LanguageFile[]) {
    for (const template of Object.values(files.find((file) => file.code === 'en')?.templates ?? {})) {
      for (const word of foldWords(template, 2000)) this.english.add(word);
    }
    const lists: string[][] = [];
    for (const file of files) {
      const concern = file.understand?.concern;
      const ask = file.understand?.ask;
      const own = [
        ...(concern ? [concern.asking, concern.topic, concern.problem, concern.whom, concern.reach, concern.direct] : []),
        ...(ask ? [ask.ignore, ...Object.values(ask.synonyms)] : []),
      ];
      if (!own.length) continue;
      const language = this.codes.push(file.code) - 1;
      for (const list of own) {
        lists.push(list);
        this.listLanguage.push(language);
      }
    }
    this.index = new WordIndex(lists);
  }

  languageOf(text: string): string | undefined {
    if (typeof text !== 'string') return undefined;
    const detected = detectLanguage(text);
    if ((detected && !writtenInLatin(text)) || !this.codes.length) return detected;
    const tokens = foldWords(text);
    // Which languages' lists have each word.
    const owners: Array<Set<number>> = tokens.map(() => new Set());
    this.index.scan(tokens).forEach((places, list) => {
      for (const i of places ?? []) owners[i]!.add(this.listLanguage[list]!);
    });
    const counts = new Map<string, number>();
    owners.forEach((owner, i) => {
      if (owner.size !== 1 || this.english.has(tokens[i]!)) return;
      const code = this.codes[[...owner][0]!]!;
      counts.set(code, (counts.get(code) ?? 0) + 1);
    });
    const [best, second] = [...counts].sort((a, b) => b[1] - a[1]);
    // Two words of its own, more than any other language has, and more than the detected one.
    const beats = (n: number) => !detected || n > (counts.get(detected) ?? 0);
    if (best && best[1] >= 2 && (!second || best[1] > second[1]) && beats(best[1])) return best[0];
    return detected;
  }
}
