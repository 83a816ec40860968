import { URGENCY_BIAS, URGENCY_WEIGHTS } from './urgency-weights.js';

/**
 * The second look at whether a report is URGENT: a logistic regression over the words of the
 * report, trained on the labelled safeguarding phrasings (test/data/safeguarding-*.jsonl, see
 * test/support/train-urgency.ts). The rules in triage.ts name what they catch and why; this catches
 * what no rule was written for, in words they never saw. Either one is enough.
 */

/**
 * The report's words, lower case, without apostrophes, each cut to a rough stem, and each pair of
 * neighbouring words ("hurt_you", "not_safe"): a pair tells a threat from a complaint where the
 * single words cannot.
 */
export function urgencyFeatures(texts: Array<string | undefined>): string[] {
  const words = texts
    .filter(Boolean)
    .join(' . ')
    .slice(0, 20_000)
    .toLowerCase()
    .replace(/['’‘]/g, '')
    .replace(/[^a-z0-9£]+/g, ' ')
    .split(' ')
    .filter(Boolean)
    // A number is a number: "message 14" must not weigh as an age or a time because 14 did once.
    .map((word) => (/^[0-9]+$/.test(word) ? '#' : stem(word)));
  const features = new Set(words);
  for (let i = 1; i < words.length; i++) features.add(`${words[i - 1]}_${words[i]}`);
  return [...features];
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
 * The score from which a report is URGENT on the score alone, and the score below which a rule's
 * URGENT is not believed (the rule matched words, the phrasings say it is ordinary talk). Both
 * chosen by training on all labelled parts but one and measuring on the one left out, for each
 * part written blind (see test/core/urgent.test.ts).
 */
export const URGENT_SCORE = 0.5;
export const RULE_OVERRULED_BELOW = 0.2;
