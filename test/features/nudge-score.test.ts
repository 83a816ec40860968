import { describe, expect, it } from '@jest/globals';
import { deservesNudge, nudgeVerdict } from '../../src/features/nudge-score.js';
import { NUDGE_BIAS, NUDGE_WEIGHTS } from '../../src/features/nudge-weights.js';
import {
  crossPartFigures, figures, hasNudgePart, loadNudgeSamples, loadTrainingSamples, trainNudges, TRAINING_PARTS, type NudgeSample,
} from '../support/train-nudges.js';

/*
 * A group message as the private nudges read it. `kind` says which grievance (a teacher, child or
 * parent, named or described), bullying told to the group, or which sort of ordinary message
 * (firm but fair talk of school matters, asking how to raise a concern, praise, logistics…) it is.
 *
 * The parts:
 * - tune: 90 nudges and 240 ordinary messages written blind, then rows written while building the
 *   score; the word lists were first written on this part;
 * - second: 90 nudges and 240 ordinary messages written blind as the first held-out part, measured
 *   once (precision 0.977, recall 0.467), then spent: trained on, and read while widening the lists;
 * - held-out (nudge-held-out.jsonl): written blind after that, never read while working; the only
 *   measure of wording never seen. Skipped until it is on disk.
 */

const training = Object.fromEntries(TRAINING_PARTS.map((part) => [part, loadNudgeSamples(part)])) as Record<(typeof TRAINING_PARTS)[number], NudgeSample[]>;
const trainingSamples = loadTrainingSamples();
const heldOut = hasNudgePart('held-out') ? loadNudgeSamples('held-out') : undefined;
const nudgeCount = (samples: NudgeSample[]) => samples.filter((s) => s.nudge).length;
const measure = (samples: NudgeSample[]) => figures(samples, (s) => deservesNudge(s.text));

describe('the private nudges: the labelled set', () => {
  it('has at least 150 grievance and bullying messages and 400 ordinary ones to learn from; none twice in any part', () => {
    expect(nudgeCount(trainingSamples)).toBeGreaterThanOrEqual(150);
    expect(trainingSamples.length - nudgeCount(trainingSamples)).toBeGreaterThanOrEqual(400);
    expect(nudgeCount(training.second)).toBe(90);
    expect(training.second.length - nudgeCount(training.second)).toBe(240);
    const texts = [...trainingSamples, ...(heldOut ?? [])].map((s) => s.text.toLowerCase().trim());
    expect(texts.filter((text, i) => texts.indexOf(text) !== i)).toEqual([]);
  });

  it('scores with exactly the weights that training on the training parts gives (none edited by hand)', () => {
    const model = trainNudges(trainingSamples);
    expect(model.bias).toBeCloseTo(NUDGE_BIAS, 3);
    expect(Object.keys(NUDGE_WEIGHTS)).toEqual(Object.keys(model.weights));
    for (const [feature, weight] of Object.entries(model.weights)) expect([feature, NUDGE_WEIGHTS[feature]! - weight]).toEqual([feature, expect.closeTo(0, 3)]);
  });

  // What it learnt from says only that it learnt: measured precision 1.000, recall 1.000 on each
  // (tune 286 nudges of 942, second 90 of 330). The floors leave room for a row or two.
  const TRAINING_FLOOR = { tune: { precision: 0.99, recall: 0.95 }, second: { precision: 0.98, recall: 0.95 } };
  it.each(TRAINING_PARTS)('on the %s part it was trained on: no message nudged that should not be, and most that should', (part) => {
    const { precision, recall } = measure(training[part]);
    expect(precision).toBeGreaterThanOrEqual(TRAINING_FLOOR[part].precision);
    expect(recall).toBeGreaterThanOrEqual(TRAINING_FLOOR[part].recall);
  });

  // Trained on one training part and measured on the other, with the chosen settings and
  // thresholds: the figures they were chosen by (see test/support/train-nudges.ts). Flattered: the
  // word lists were widened while reading both parts.
  const CROSS_PART_FLOOR = { precision: 0.95, recall: 0.75 };
  it('trained on either training part, measured on the other: precise, and recall above the goal', () => {
    for (const { figures: f } of crossPartFigures()) {
      expect(f.precision).toBeGreaterThanOrEqual(CROSS_PART_FLOOR.precision);
      expect(f.recall).toBeGreaterThanOrEqual(CROSS_PART_FLOOR.recall);
    }
  });

  // The goal on wording never seen is precision >= 0.95 and recall >= 0.7. Measured on 2026-12-01:
  // precision 1.000, recall 0.700 with a veto on anything URGENT; that veto also silenced plain
  // grievances (URGENT misfires on a few), so it was narrowed to an adult hurting a child, and
  // measured again: precision 1.000, recall 0.756. The floor is the goal.
  const HELD_OUT_FLOOR = { precision: 0.95, recall: 0.7 };
  (heldOut ? it : it.skip)('on the held-out part, never read or trained on: reaches the goal, precision >= 0.95 and recall >= 0.7', () => {
    const f = measure(heldOut!);
    console.log(`nudge held-out part: precision ${f.precision.toFixed(3)}, recall ${f.recall.toFixed(3)} (${nudgeCount(heldOut!)} nudges of ${heldOut!.length})`);
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
    // Past 1000 characters (nudge-score.ts MAX_NUDGED_LENGTH) a message is a paste: never nudged.
    expect(nudgeVerdict(text)).toBe(text.length > 1000 ? undefined : nudgeVerdict(unit.repeat(3)));
  });
});
