import type { Clause } from '../../src/core/policy.js';
import { retrieveClauses } from '../../src/features/ask-retriever.js';
import { matchConcern } from '../../src/features/concern-matcher.js';

export interface LabelledPhrase { text: string; concern: boolean }
export interface LabelledQuestion { question: string; expected: string[] }

/** Ratios with a zero denominator report 0, so a one-sided or empty sample never passes a threshold by accident. */
export function scoreMatcher(samples: LabelledPhrase[]): {
  precision: number; recall: number; truePositives: number; falsePositives: number; falseNegatives: number; trueNegatives: number;
} {
  let truePositives = 0, falsePositives = 0, falseNegatives = 0, trueNegatives = 0;
  for (const sample of samples) {
    const predicted = matchConcern(sample.text).isConcern;
    if (predicted && sample.concern) truePositives++;
    else if (predicted) falsePositives++;
    else if (sample.concern) falseNegatives++;
    else trueNegatives++;
  }
  const precision = truePositives + falsePositives === 0 ? 0 : truePositives / (truePositives + falsePositives);
  const recall = truePositives + falseNegatives === 0 ? 0 : truePositives / (truePositives + falseNegatives);
  return { precision, recall, truePositives, falsePositives, falseNegatives, trueNegatives };
}

/** Ratios with a zero denominator report 0, so an empty or one-sided sample never passes a threshold by accident. */
export function scoreRetriever(samples: LabelledQuestion[], clauses: Clause[]): {
  top1: number; top3: number; noneCorrect: number; count: number;
} {
  let answerable = 0, top1 = 0, top3 = 0, none = 0, noneCorrect = 0;
  for (const sample of samples) {
    const got = retrieveClauses(sample.question, clauses, 3).map((r) => r.clause.id);
    if (sample.expected.length === 0) {
      none++;
      if (got.length === 0) noneCorrect++;
      continue;
    }
    answerable++;
    if (got[0] !== undefined && sample.expected.includes(got[0])) top1++;
    if (got.some((id) => sample.expected.includes(id))) top3++;
  }
  return {
    top1: answerable === 0 ? 0 : top1 / answerable,
    top3: answerable === 0 ? 0 : top3 / answerable,
    noneCorrect: none === 0 ? 0 : noneCorrect / none,
    count: samples.length,
  };
}
