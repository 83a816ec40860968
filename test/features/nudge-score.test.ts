import { describe, expect, it } from '@jest/globals';
import { deservesNudge, nudgeVerdict } from '../../src/features/nudge-score.js';
import { NUDGE_BIAS, NUDGE_WEIGHTS } from '../../src/features/nudge-weights.js';
import { figures, loadNudgeSamples, trainNudges, type NudgeSample } from '../support/train-nudges.js';

/*
 * A group message as the private nudges read it. `kind` says which grievance (a teacher, child or
 * parent, named or described), bullying told to the group, or which sort of ordinary message
 * (firm but fair talk of school matters, asking how to raise a concern, praise, logistics…) it is.
 *
 * The parts:
 * - tune: 90 nudges and 240 ordinary messages written blind by someone who never saw the score,
 *   then rows written while building it (three batches, each measured blind before it was added);
 *   the word lists were written, the score trained and its settings chosen (10-fold
 *   cross-validation) on this part alone;
 * - held-out: 90 nudges and 240 ordinary messages written blind, never read while working: the only
 *   measure of wording never seen.
 */

const tune = loadNudgeSamples('tune');
const heldOut = loadNudgeSamples('held-out');
const nudgeCount = (samples: NudgeSample[]) => samples.filter((s) => s.nudge).length;
const measure = (samples: NudgeSample[]) => figures(samples, (s) => deservesNudge(s.text));

describe('the private nudges: the labelled set', () => {
  it('has at least 150 grievance and bullying messages and 400 ordinary ones to learn from, 90 and 240 held out; none twice', () => {
    expect(nudgeCount(tune)).toBeGreaterThanOrEqual(150);
    expect(tune.length - nudgeCount(tune)).toBeGreaterThanOrEqual(400);
    expect(nudgeCount(heldOut)).toBe(90);
    expect(heldOut.length - nudgeCount(heldOut)).toBe(240);
    const texts = [...tune, ...heldOut].map((s) => s.text.toLowerCase().trim());
    expect(texts.filter((text, i) => texts.indexOf(text) !== i)).toEqual([]);
  });

  it('scores with exactly the weights that training on the tune part gives (none edited by hand)', () => {
    const model = trainNudges(tune);
    expect(model.bias).toBeCloseTo(NUDGE_BIAS, 3);
    expect(Object.keys(NUDGE_WEIGHTS)).toEqual(Object.keys(model.weights));
    for (const [feature, weight] of Object.entries(model.weights)) expect([feature, NUDGE_WEIGHTS[feature]! - weight]).toEqual([feature, expect.closeTo(0, 3)]);
  });

  // What it learnt from says only that it learnt: measured precision 1.000, recall 0.923 (286 nudges of
  // 942). Cross-validated on the same part, the settings chosen gave precision 1.000, recall 0.843.
  it('on the tune part it was trained on: no message nudged that should not be, and most that should', () => {
    const { precision, recall } = measure(tune);
    expect(precision).toBeGreaterThanOrEqual(0.99);
    expect(recall).toBeGreaterThanOrEqual(0.9);
  });

  // The goal on wording never seen is precision >= 0.95 and recall >= 0.7. Measured once, at the
  // end of the work: precision 0.977, recall 0.467 (90 nudges, 240 ordinary): precision meets the
  // goal, recall falls well short of it (the score says nothing about most grievances worded unlike
  // any it learnt from). The floor is that, less rounding: it keeps the figure from falling. Tuning
  // against this part would spend it: a new held-out part must be written blind to measure again.
  const HELD_OUT_FLOOR = { precision: 0.97, recall: 0.46 };
  it('on the held-out part, never read or trained on: at least what it first measured', () => {
    const f = measure(heldOut);
    console.log(`nudge held-out part: precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)} (${nudgeCount(heldOut)} nudges of ${heldOut.length})`);
    expect(f.precision).toBeGreaterThanOrEqual(HELD_OUT_FLOOR.precision);
    expect(f.recall).toBeGreaterThanOrEqual(HELD_OUT_FLOOR.recall);
  });
});

describe('the private nudges: which note', () => {
  it.each([
    ['grievance', 'Mrs Baker is useless, she never marks anything and has favourites'],
    ['grievance', "Jayden's mum is so rude at pickup, pushes past everyone"],
    ['bullying', 'My son is being bullied by two boys in Year 4 every lunchtime, whose kids are they?'],
  ] as const)('%s: %s', (kind, text) => {
    expect(nudgeVerdict(text)).toBe(kind);
  });

  it.each([
    'How do I report bullying to the school?',
    'Mrs Baker is lovely, my son adores her',
    'The new pickup system is chaotic, hope it improves after half term',
    'My son is being bullied, I have emailed the office and they are dealing with it',
    'Mr Khan said the trip is on Friday',
    '',
  ])('stays quiet: %s', (text) => {
    expect(nudgeVerdict(text)).toBeUndefined();
  });
});

describe('the private nudges: hostile input', () => {
  // Built to make a pattern retry: the words the lists start or end on, over and over, gaps that
  // never close, no spaces at all, up to the 4000 characters the bot reads of a message. Each must
  // simply finish (a catastrophic backtrack would hold the test past jest's timeout), and saying a
  // thing a thousand times says no more than saying it three times.
  const hostile: Record<string, [unit: string, times: number]> = {
    'one long word': ['a', 4000],
    'titles with no name': ['mr mrs miss ', 300],
    'a judgement repeated': ['is a joke rude useless ', 170],
    'pointing, never reaching a child': ['the the that some ', 220],
    'capitals that might be names': ['Aa Bb Cc ', 440],
    'bullying words with no child': ['pushed hit kicked ', 220],
    'a grievance, over and over': ['Mr Khan is useless. ', 200],
  };
  it.each(Object.entries(hostile))('%s', (_name, [unit, times]) => {
    const text = unit.repeat(times);
    expect(text.length).toBeLessThanOrEqual(4000);
    expect(nudgeVerdict(text)).toBe(nudgeVerdict(unit.repeat(3)));
  });
});
