import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { looksUrgent } from '../../src/core/triage.js';

/**
 * A report as looksUrgent sees it: the reporter's reason or note (if any) and the reported message.
 * `kind` says which safeguarding situation, or which sort of ordinary message, the phrasing is.
 */
interface Sample { text: string; reason?: string; urgent: boolean; kind: string }

const dataFile = (part: string) => fileURLToPath(new URL(`../data/safeguarding-${part}.jsonl`, import.meta.url));

function load(part: 'tune' | 'fresh'): Sample[] {
  return readFileSync(dataFile(part), 'utf8')
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

// Everything the patterns were tuned on: the first tuning part, the part once held out (looked at,
// so spent as a held-out set and merged in), and phrasings and hard negatives written while tuning.
const tune = load('tune');
// A blind held-out set, written by someone who never saw the patterns. Optional: absent until written.
const fresh = existsSync(dataFile('fresh')) ? load('fresh') : undefined;
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
  it('has at least 300 urgent and 600 ordinary phrasings to tune on, none twice', () => {
    expect(urgentCount(tune)).toBeGreaterThanOrEqual(300);
    expect(tune.length - urgentCount(tune)).toBeGreaterThanOrEqual(600);
    const texts = tune.map((s) => s.text.toLowerCase());
    expect(texts.filter((text, i) => texts.indexOf(text) !== i)).toEqual([]);
  });

  // The goal is recall >= 0.95 and precision >= 0.90 on wording never tuned on. The tuning part is
  // no measure of that (the patterns were written against it); the blind part below is.
  it('reaches precision >= 0.9 and recall >= 0.95 on the tuning part', () => {
    const { precision, recall, wrong } = score(tune);
    if (precision < 0.9 || recall < 0.95) {
      console.log(`tuning part: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n  ${wrong.join('\n  ')}`);
    }
    expect(precision).toBeGreaterThanOrEqual(0.9);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  // The goal on this blind set is precision 0.90 and recall 0.95; its first measurement was
  // precision 0.926, recall 0.676 (2026-12-01), so recall is short of it and the floor below only
  // keeps it from getting worse. This set is now spent for tuning too: whoever improves the
  // patterns next needs a new blind set, written by someone who has not seen them.
  const freshFloor = { precision: 0.9, recall: 0.65 };
  (fresh ? it : it.skip)(`reaches precision >= ${freshFloor.precision} and recall >= ${freshFloor.recall} on the blind fresh part`, () => {
    const { precision, recall, wrong } = score(fresh!);
    console.log(`fresh part: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${urgentCount(fresh!)} urgent of ${fresh!.length})`);
    if (precision < freshFloor.precision || recall < freshFloor.recall) console.log(`fresh part misses:\n  ${wrong.join('\n  ')}`);
    expect(precision).toBeGreaterThanOrEqual(freshFloor.precision);
    expect(recall).toBeGreaterThanOrEqual(freshFloor.recall);
  });
});

describe('looksUrgent: reports that went out as ordinary', () => {
  it.each([
    'I will hurt your child',
    'she said she wants to die',
    'I know which class your daughter is in. Watch your back.',
  ])('%s', (text) => {
    expect(looksUrgent([text])).toBe(true);
  });

  it.each([
    'this homework is killing me',
    "I'll murder him if he loses another jumper lol",
    "she's missing her PE kit",
    'the kids were hurt that the party was cancelled',
    'Can someone pick up my son? He is at the gates',
  ])('stays ordinary: %s', (text) => {
    expect(looksUrgent([text])).toBe(false);
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
    'a carer, never reaching a victim': 'his dad said that the '.repeat(10_000),
    'missing signs without a child': 'phone off since 9pm please share '.repeat(5_000),
    'ages and times': '10yo 3:15 y7 '.repeat(20_000),
    'menace with no child addressed': 'i will be at the gates waiting '.repeat(8_000),
  };
  it.each(Object.entries(hostile))('%s', (_name, text) => {
    const started = performance.now();
    expect(looksUrgent([text, text])).toBe(false);
    // Generous for a slow CI machine; a catastrophic backtrack takes minutes, not seconds.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('looksUrgent: what the README tells a reporter to write', () => {
  it('"a child is at risk" in the reason marks an ordinary-looking message urgent', () => {
    expect(looksUrgent(['See you all at the fair on Saturday', 'a child is at risk'])).toBe(true);
    expect(looksUrgent(['See you all at the fair on Saturday', 'please remove this'])).toBe(false);
  });
});
