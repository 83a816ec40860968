import { URGENCY_BIAS, URGENCY_WEIGHTS } from './urgency-weights.js';
import { wordFeatures, wordScore, wordsOf } from './word-score.js';

/**
 * The second look at whether a report is URGENT: a logistic regression over the words of the
 * report (see word-score.ts), trained on the labelled safeguarding phrasings
 * (test/data/safeguarding-*.jsonl, see test/support/train-urgency.ts). The rules in triage.ts name
 * what they catch and why; this catches what no rule was written for, in words they never saw.
 * Either one is enough.
 */

const model = { bias: URGENCY_BIAS, weights: URGENCY_WEIGHTS };

/** The report's words and word pairs: the reason (if any) and the reported message, as one text. */
export function urgencyFeatures(texts: Array<string | undefined>): string[] {
  return wordFeatures(wordsOf(texts));
}

/** How likely the phrasings learnt from would call a report with these words urgent, 0 to 1. */
export function urgencyScore(texts: Array<string | undefined>): number {
  return wordScore(model, urgencyFeatures(texts));
}

/**
 * The score from which a report is URGENT on the score alone, and the score below which a rule's
 * URGENT is not believed (the rule matched words, the phrasings say it is ordinary talk). Both
 * chosen by training on all labelled parts but one and measuring on the one left out, for each
 * part written blind (see test/core/urgent.test.ts).
 */
export const URGENT_SCORE = 0.5;
export const RULE_OVERRULED_BELOW = 0.2;
