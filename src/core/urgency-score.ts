import { URGENCY_BIAS, URGENCY_WEIGHTS } from './urgency-weights.js';

/**
 * The second look at whether a report is URGENT: a logistic regression over the words of the
 * report, trained on the labelled safeguarding phrasings (test/data/safeguarding-*.jsonl, see
 * test/support/train-urgency.ts). The rules in triage.ts name what they catch and why; this catches
 * what no rule was written for, in words they never saw. Either one is enough.
 */

/** The report's words, lower case, without apostrophes, each cut to a rough stem. */
export function urgencyFeatures(texts: Array<string | undefined>): string[] {
  const words = texts
    .filter(Boolean)
    .join(' . ')
    .slice(0, 20_000)
    .toLowerCase()
    .replace(/['’‘]/g, '')
    .replace(/[^a-z0-9£]+/g, ' ')
    .split(' ')
    .filter(Boolean);
  return [...new Set(words.map(stem))];
}

/** "hurting", "hurts", "hurted" are one word here: parents' spelling varies more than the stem. */
export function stem(word: string): string {
  return word.replace(/(?:ing|ed|es|s|ly)$/, '');
}

/** How likely the phrasings learnt from would call a report with these words urgent, 0 to 1. */
export function urgencyScore(texts: Array<string | undefined>): number {
  let sum = URGENCY_BIAS;
  for (const feature of urgencyFeatures(texts)) sum += URGENCY_WEIGHTS[feature] ?? 0;
  return 1 / (1 + Math.exp(-sum));
}

/**
 * The score from which a report is URGENT. Chosen on half of a blind set (the other half was then
 * measured once): high, since the rules already catch most, and a school's URGENT must stay rare
 * enough to mean something.
 */
export const URGENT_SCORE = 0.9;
