/**
 * A logistic regression over the words of a message: what the URGENT score (urgency-score.ts) and
 * the private nudges (features/nudge-score.ts) both are. Each has its own labelled phrasings, its
 * own weights generated from them (test/support/train-word-score.ts) and its own threshold; the
 * words are read the same way for both.
 */

/** A trained score: a bias and a weight per feature; a feature without a weight counts 0. */
export interface WordModel {
  readonly bias: number;
  readonly weights: Readonly<Record<string, number>>;
}

/** Beyond this, a paste says nothing more about what it is; reading it whole only costs time. */
const MAX_CHARACTERS = 20_000;

/**
 * The words of the texts, lower case, without apostrophes, each cut to a rough stem; every number
 * is `#`: "message 14" must not weigh as an age or a time because 14 did once.
 */
export function wordsOf(texts: Array<string | undefined>): string[] {
  return texts
    .filter(Boolean)
    .join(' . ')
    .slice(0, MAX_CHARACTERS)
    .toLowerCase()
    .replace(/['’‘]/g, '')
    .replace(/[^a-z0-9£]+/g, ' ')
    .split(' ')
    .filter(Boolean)
    .map((word) => (/^[0-9]+$/.test(word) ? '#' : stem(word)));
}

/** "hurting", "hurts", "hurted" are one word here: parents' spelling varies more than the stem. */
export function stem(word: string): string {
  return word.replace(/(?:ing|ed|es|s|ly)$/, '');
}

/**
 * Each word once, and each pair of neighbouring words ("hurt_you", "not_safe"): a pair tells a
 * threat from a complaint where the single words cannot.
 */
export function wordFeatures(words: readonly string[]): string[] {
  const features = new Set(words);
  for (let i = 1; i < words.length; i++) features.add(`${words[i - 1]}_${words[i]}`);
  return [...features];
}

/** How likely the phrasings the model learnt from would call a message with these features a yes, 0 to 1. */
export function wordScore(model: WordModel, features: Iterable<string>): number {
  let sum = model.bias;
  for (const feature of features) sum += model.weights[feature] ?? 0;
  return 1 / (1 + Math.exp(-sum));
}
