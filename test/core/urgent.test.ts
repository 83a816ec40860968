import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { looksUrgent } from '../../src/core/triage.js';
import { URGENCY_BIAS, URGENCY_WEIGHTS } from '../../src/core/urgency-weights.js';
import { loadSamples, trainUrgency, TRAINING_PARTS, type Sample } from '../support/train-urgency.js';

/*
 * A report as looksUrgent sees it: the reporter's reason or note (if any) and the reported message.
 * `kind` says which safeguarding situation, or which sort of ordinary message, the phrasing is.
 *
 * The parts, and what each can show:
 * - tune: phrasings the rules were written against, and hard negatives written while writing them;
 * - fresh: written blind, first measured at precision 0.926, recall 0.676, then tuned on;
 * - second: written blind; rules alone measured precision 0.978, recall 0.692; then trained on;
 * - third: written blind; rules and a first score measured precision 0.844, recall 0.900; then
 *   trained on. The score's settings were chosen by training without the second (or the third)
 *   part and measuring on it: precision 0.93 / 0.86, recall 0.97 / 0.95;
 * - fourth: written blind; measured precision 0.911, recall 0.927 with the score's settings as they
 *   are now; then trained on, the settings unchanged;
 * - held-out: written blind by someone who saw neither the rules nor any other part, never tuned
 *   or trained on: the only measure of wording never seen.
 */

const heldOutFile = fileURLToPath(new URL('../data/safeguarding-held-out.jsonl', import.meta.url));
const training = TRAINING_PARTS.map((part) => [part, loadSamples(part)] as const);
const heldOut = existsSync(heldOutFile) ? loadSamples('held-out') : undefined;
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
  it('has at least 100 urgent and 300 ordinary phrasings to learn from, and as many held out; none twice', () => {
    const all = [training.flatMap(([, samples]) => samples), ...(heldOut ? [heldOut] : [])];
    for (const samples of all) {
      expect(urgentCount(samples)).toBeGreaterThanOrEqual(100);
      expect(samples.length - urgentCount(samples)).toBeGreaterThanOrEqual(300);
    }
    const texts = all.flat().map((s) => s.text.toLowerCase().trim());
    expect(texts.filter((text, i) => texts.indexOf(text) !== i)).toEqual([]);
  });

  // Figures on what it learnt from say only that it learnt; the held-out part below is the measure.
  it.each(training)('reaches precision >= 0.95 and recall >= 0.95 on the %s part it was trained on', (part, samples) => {
    const { precision, recall, wrong } = score(samples);
    if (precision < 0.95 || recall < 0.95) console.log(`${part}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}\n  ${wrong.join('\n  ')}`);
    expect(precision).toBeGreaterThanOrEqual(0.95);
    expect(recall).toBeGreaterThanOrEqual(0.95);
  });

  it('scores with exactly the weights that training on those parts gives (none edited by hand)', () => {
    const model = trainUrgency(training.flatMap(([, samples]) => samples));
    expect(model.bias).toBeCloseTo(URGENCY_BIAS, 3);
    expect(Object.keys(URGENCY_WEIGHTS)).toEqual(Object.keys(model.weights));
    for (const [feature, weight] of Object.entries(model.weights)) expect([feature, URGENCY_WEIGHTS[feature]! - weight]).toEqual([feature, expect.closeTo(0, 3)]);
  });

  // The goal on wording never seen is precision >= 0.90 and recall >= 0.95. Measured once, on
  // 2026-12-01: precision 0.957, recall 1.000 (110 urgent, 330 ordinary). The floor is the goal:
  // it fails the day the figure falls below it. Tuning against this part would spend it: a new
  // held-out part must be written blind to measure again.
  const HELD_OUT_FLOOR = { precision: 0.9, recall: 0.95 };
  (heldOut ? it : it.skip)('on the held-out part, never trained on: reaches the goal, precision >= 0.9 and recall >= 0.95', () => {
    const { precision, recall } = score(heldOut!);
    console.log(`held-out part: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)} (${urgentCount(heldOut!)} urgent of ${heldOut!.length})`);
    expect(precision).toBeGreaterThanOrEqual(HELD_OUT_FLOOR.precision);
    expect(recall).toBeGreaterThanOrEqual(HELD_OUT_FLOOR.recall);
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
  // or end on, bounded gaps that never close, and no spaces at all. They must simply finish (a
  // catastrophic backtrack would hold the test for minutes, past jest's timeout), and a phrase said
  // ten thousand times says no more than said once.
  const hostile: Record<string, [unit: string, times: number]> = {
    'one 200 KB word': ['a', 200_000],
    'a threat opener repeated': ['i will ', 30_000],
    'a child addressed, over and over': ["your son's your little ", 10_000],
    'gaps that never close': [`told ${'w '.repeat(11)}`, 10_000],
    'a stranger, never reaching a child': ['older man asked the a the ', 10_000],
    'sentence ends only': ['.!?', 70_000],
    'curly quotes and text-speak': ['’u ur n 2 ’s ', 20_000],
    'a carer, never reaching a victim': ['his dad said that the ', 10_000],
    'missing signs without a child': ['phone off since 9pm please share ', 5_000],
    'ages and times': ['10yo 3:15 y7 ', 20_000],
    'menace with no child addressed': ['i will be at the gates waiting ', 8_000],
  };
  it.each(Object.entries(hostile))('%s', (_name, [unit, times]) => {
    const text = unit.repeat(times);
    expect(looksUrgent([text, text])).toBe(looksUrgent([unit.repeat(3)]));
  });
});

describe('looksUrgent: what the README tells a reporter to write', () => {
  it('"a child is at risk" in the reason marks an ordinary-looking message urgent', () => {
    expect(looksUrgent(['See you all at the fair on Saturday', 'a child is at risk'])).toBe(true);
    expect(looksUrgent(['See you all at the fair on Saturday', 'please remove this'])).toBe(false);
  });
});
