/**
 * The `_understand` section of a messages file: the words by which the bot recognises, in that
 * language, a parent asking how to raise a concern, and the parents' words for the policy's own
 * (for `!ask`). A volunteer who adds a language adds these too, as plain word lists:
 *
 *   "_understand": {
 *     "concern": {
 *       "asking": ["kaise", "kis se", "kahan"],          // how / who to / where, in the language
 *       "topic":  ["shikayat*", "bullying"],             // what a concern is called
 *       "problem": ["masla", "masle"],                    // trouble in general: counts with `school`
 *       "school": ["teacher", "head", "school ko"],       // someone at the school, a way to reach it
 *       "whom":   ["kis se", "kisko"],                    // to whom, with whom, where to
 *       "reach":  ["baat", "rabta", "bataun"],            // speak, contact, tell: near a `whom`, a question by itself
 *       "direct": ["shikayat karni hai"],                 // a whole question by itself
 *       "not":    ["koi shikayat nahi"]                   // never a concern question
 *     },
 *     "ask": {
 *       "ignore": ["کیا", "میں"],                          // words that say nothing about which rule
 *       "synonyms": { "مدعو": ["بہن", "shohar", "add"] }   // the translation's words: parents' words for them
 *     }
 *   }
 *
 * An entry is a word or a few words, matched whole and in order; `*` at a word's end stands for
 * any ending (`shikayat*`), at its start for anything before it (`*شكوى`, Arabic's joined "al-",
 * "li-"), at both for anything around it; `...` between two words for up to two words of
 * anything (`لمين ... احكي`). No regular expressions: every entry is checked here, and matching
 * is a bounded walk over the message's words, so no list can make the bot slow.
 */
import { z } from 'zod';

/** Enough for any language's ways of asking; a list far longer is a paste gone wrong. */
const MOST_ENTRIES = 400;
/** Entries with `*` at both ends are tried against every word, so they are kept few. */
const MOST_INFIX_ENTRIES = 40;
const MOST_WORDS = 6;
/** Each gap is tried at three widths, so an entry has two at most. */
const MOST_GAPS = 2;
export const GAP = '...';
const MOST_CHARS = 80;

/** A word: letters (with their marks), digits (Arabizi's 3 and 7) and apostrophes, `*` only at an end. */
const WORD = /^\*?[\p{L}\p{M}\p{N}'’]+\*?$/u;
const LETTER = /\p{L}/gu;

const isInfix = (word: string) => word.length > 2 && word.startsWith('*') && word.endsWith('*');

/** Why an entry cannot be used, or undefined when it can. */
export function entryProblem(entry: string): string | undefined {
  const words = entry.trim().split(/\s+/u);
  if (!entry.trim()) return 'is empty';
  if (entry.length > MOST_CHARS) return `is longer than ${MOST_CHARS} characters`;
  if (words.length > MOST_WORDS) return `has more than ${MOST_WORDS} words`;
  const gaps = words.filter((word) => word === GAP).length;
  if (gaps && (words[0] === GAP || words.at(-1) === GAP)) return `has ${GAP} at its start or end: it goes between two words`;
  if (gaps > MOST_GAPS) return `has more than ${MOST_GAPS} ${GAP}`;
  for (const word of words) {
    if (word === GAP) continue;
    if (!WORD.test(word)) {
      return `is not a word or phrase: use letters, spaces, * at the start or end of a word and ${GAP} between words (no regular expressions)`;
    }
    const letters = word.match(LETTER)?.length ?? 0;
    // "*a*" would be found in nearly every message.
    if (word.includes('*') && letters < (isInfix(word) ? 3 : 2)) return `"${word}" is too short to carry a *`;
  }
  return undefined;
}

const entry = z.string().superRefine((value, ctx) => {
  const problem = entryProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: `"${value}" ${problem}` });
});

const list = z
  .array(entry)
  .max(MOST_ENTRIES, `may hold ${MOST_ENTRIES} entries at most`)
  .refine((entries) => entries.filter((e) => e.split(/\s+/u).some(isInfix)).length <= MOST_INFIX_ENTRIES, {
    message: `may hold ${MOST_INFIX_ENTRIES} entries with * at both ends of a word at most: each is tried against every word`,
  })
  .default([]);

export const understandingSchema = z.strictObject({
  concern: z
    .strictObject({ asking: list, topic: list, problem: list, school: list, whom: list, reach: list, direct: list, not: list })
    .optional(),
  ask: z
    .strictObject({
      ignore: list,
      synonyms: z
        .record(z.string().trim().min(1).max(MOST_CHARS), z.array(entry).max(MOST_ENTRIES))
        .refine((map) => Object.values(map).flat().length <= MOST_ENTRIES * 2, { message: `may hold ${MOST_ENTRIES * 2} words in all at most` })
        .default({}),
    })
    .optional(),
});

export type Understanding = z.infer<typeof understandingSchema>;
export type ConcernWords = NonNullable<Understanding['concern']>;
