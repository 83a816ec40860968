import { wordScore, type WordModel } from '../core/word-score.js';
import { CONCERN_BIAS, CONCERN_WEIGHTS } from './concern-weights.js';
import { foldWords } from './language-words.js';

/**
 * The second look at whether a message in Urdu, Arabic, Bengali or Somali asks how to raise a
 * concern: a logistic regression (core/word-score.ts) over pieces of its words, trained on every
 * labelled part of each language (test/data/concern-{ur,ar,bn,so}-*.jsonl, see
 * test/support/train-concerns.ts). The word lists (concern-words.ts) name what they catch; this
 * reaches wording and spellings they never saw: "shikayat", "shkayat" and "shikaayat" share most
 * of their three- to five-letter pieces where a list needs each written out.
 */

const model: WordModel = { bias: CONCERN_BIAS, weights: CONCERN_WEIGHTS };

/** Pieces of a word this long and no longer: longer pieces are whole words, seen too rarely to learn. */
const SHORTEST_PIECE = 3;
const LONGEST_PIECE = 5;

/**
 * The message's words (folded as the lists fold them: lower case, no accents or short vowels,
 * Urdu and Arabic letter variants made one), each pair of neighbours, and the 3- to 5-letter
 * pieces of each word with its edges marked, so a word's start ("<shik") weighs apart from its middle.
 */
export function concernFeatures(text: string): string[] {
  const words = foldWords(text).map((word) => (/^[0-9]+$/.test(word) ? '#' : word));
  const features = new Set<string>();
  words.forEach((word, i) => {
    features.add(`w:${word}`);
    if (i > 0) features.add(`p:${words[i - 1]}_${word}`);
    const letters = [...`<${word}>`];
    for (let n = SHORTEST_PIECE; n <= LONGEST_PIECE; n++) {
      for (let start = 0; start + n <= letters.length; start++) features.add(`c:${letters.slice(start, start + n).join('')}`);
    }
  });
  return [...features];
}

/** How likely the labelled phrasings would call this message a concern question, 0 to 1. */
export function concernScore(text: string): number {
  return wordScore(model, concernFeatures(text));
}

/**
 * From this score a message in one of the four languages is a concern question on the score
 * alone; below the second, a word lists' match (or the English matcher's, on a message written in
 * another language) is not believed: the lists saw a concern word, the phrasings say it is chatter.
 * Chosen by training on all labelled parts but one and measuring on the one left out, for each
 * part (`npm run train-concerns -- --choose`): recall at least 0.92 in every language first (blind
 * parts have come out a little under what leaving a part out gives), then the fewest chatter lines
 * answered. Earlier, with fewer and narrower parts, 0.97 alone answered no chatter on any left-out
 * part; on the wider parts it lost a tenth of the questions.
 */
export const CONCERN_SCORE = 0.9;
// 0.2 rather than 0.1: on the parts left out, a fifth fewer chatter lines answered (60 against 73,
// most of them "whom do I speak to" about a club or an admission) for a question in three hundred.
export const LISTS_OVERRULED_BELOW = 0.2;
