import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { looksUrgent } from '../../src/core/triage.js';

/**
 * A report as looksUrgent sees it: the reporter's reason or note (if any) and the reported message.
 * `kind` says which safeguarding situation, or which sort of ordinary message, the phrasing is.
 */
interface Sample { text: string; reason?: string; urgent: boolean; kind: string }

function load(part: 'tune' | 'holdout'): Sample[] {
  const file = fileURLToPath(new URL(`../data/safeguarding-${part}.jsonl`, import.meta.url));
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const sample = JSON.parse(line) as Partial<Sample>;
      const reasonOk = sample.reason === undefined || typeof sample.reason === 'string';
      if (typeof sample.text !== 'string' || typeof sample.urgent !== 'boolean' || typeof sample.kind !== 'string' || !reasonOk) {
        throw new Error(`bad sample in ${part}: ${line}`);
      }
      return sample as Sample;
    });
}

const tune = load('tune');
const holdout = load('holdout');
const urgentCount = (samples: Sample[]) => samples.filter((s) => s.urgent).length;

function score(samples: Sample[]) {
  let truePositives = 0, falsePositives = 0, falseNegatives = 0;
  const wrong: string[] = [];
  for (const sample of samples) {
    const predicted = looksUrgent([sample.reason, sample.text]);
    if (predicted && sample.urgent) truePositives++;
    else if (predicted) falsePositives++;
    else if (sample.urgent) falseNegatives++;
    if (predicted !== sample.urgent) {
      wrong.push(`${sample.urgent ? 'missed' : 'misfired'} (${sample.kind}): ${sample.reason ? `[${sample.reason}] ` : ''}${sample.text}`);
    }
  }
  // A ratio with nothing to divide by is 0, so an empty or one-sided set never passes by accident.
  const precision = truePositives + falsePositives === 0 ? 0 : truePositives / (truePositives + falsePositives);
  const recall = truePositives + falseNegatives === 0 ? 0 : truePositives / (truePositives + falseNegatives);
  return { precision, recall, wrong };
}

describe('looksUrgent: the labelled safeguarding set', () => {
  it('has at least 100 urgent and 300 ordinary phrasings, with a held-out part that shares none of them', () => {
    const all = [...tune, ...holdout];
    expect(urgentCount(all)).toBeGreaterThanOrEqual(100);
    expect(all.length - urgentCount(all)).toBeGreaterThanOrEqual(300);
    expect(urgentCount(holdout)).toBeGreaterThanOrEqual(30);
    expect(holdout.length - urgentCount(holdout)).toBeGreaterThanOrEqual(80);
    const tuned = new Set(tune.map((s) => s.text.toLowerCase()));
    expect(holdout.filter((s) => tuned.has(s.text.toLowerCase())).map((s) => s.text)).toEqual([]);
  });

  // The goal is recall >= 0.95 and precision >= 0.90 on wording never tuned on. The tuning part
  // reaches it; the held-out part does not yet (recall 0.50 when it was first run, and it was not
  // tuned on since): its floor below only keeps it from getting worse, and the gap is an open task.
  const goals = [
    ['tuning', tune, { precision: 0.9, recall: 0.95 }],
    ['held-out', holdout, { precision: 0.9, recall: 0.5 }],
  ] as const;
  for (const [part, samples, floor] of goals) {
    it(`reaches precision >= ${floor.precision} and recall >= ${floor.recall} on the ${part} part`, () => {
      const { precision, recall, wrong } = score(samples);
      if (precision < floor.precision || recall < floor.recall) {
        console.log(`${part} part: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n  ${wrong.join('\n  ')}`);
      }
      expect(precision).toBeGreaterThanOrEqual(floor.precision);
      expect(recall).toBeGreaterThanOrEqual(floor.recall);
    });
  }
});

describe('looksUrgent: reports that went out as ordinary', () => {
  it.each([
    'I will hurt your child',
    'she said she wants to die',
    'I know which class your daughter is in. Watch your back.',
  ])('%s', (text) => {
    expect(looksUrgent([text])).toBe(true);
  });

  it('reads the reason when the message itself looks harmless', () => {
    const message = 'See you at the gates tomorrow, Zain.';
    expect(looksUrgent([message])).toBe(false);
    expect(looksUrgent(['he is threatening my son', message])).toBe(true);
  });
});

describe('looksUrgent: hostile input', () => {
  // Each is built to make a backtracking pattern retry: long runs of the words the patterns start
  // or end on, bounded gaps that never close, and no spaces at all. They must simply finish.
  const hostile: Record<string, string> = {
    'one 200 KB word': 'a'.repeat(200_000),
    'a threat opener repeated': 'i will '.repeat(30_000),
    'a child addressed, over and over': "your son's your little ".repeat(10_000),
    'gaps that never close': `told ${'w '.repeat(11)}`.repeat(10_000),
    'a stranger, never reaching a child': 'older man asked the a the '.repeat(10_000),
    'sentence ends only': '.!?'.repeat(70_000),
    'curly quotes and text-speak': '’u ur n 2 ’s '.repeat(20_000),
  };
  it.each(Object.entries(hostile))('%s', (_name, text) => {
    const started = performance.now();
    expect(looksUrgent([text, text])).toBe(false);
    // Generous for a slow CI machine; a catastrophic backtrack takes minutes, not seconds.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
