import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WordModel } from '../../src/core/word-score.js';

/**
 * Trains a word score (src/core/word-score.ts) and writes its weights as a TypeScript module: the
 * part the URGENT score (train-urgency.ts) and the nudges (train-nudges.ts) share. Deterministic (a
 * seeded shuffle, fixed settings), so a test can check that the committed weights are exactly what
 * the committed phrasings give.
 */

/** One labelled phrasing as the trainer sees it: its features, and 1 for a yes. */
export interface TrainingRow {
  features: readonly string[];
  target: 0 | 1;
}

export interface TrainingSettings {
  /** Features seen in fewer phrasings than this get no weight. */
  minSamples: number;
  /** How hard each weight is pulled back to 0 at every step. */
  l2: number;
  rate: number;
  epochs: number;
  /** Of the shuffle: the same seed, the same weights. */
  seed: number;
}

/** The rows of a JSON-lines file, each checked by `valid`; a bad row stops with the line. */
export function readLabelled<T>(file: string, valid: (row: Partial<T>) => boolean): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const row = JSON.parse(line) as Partial<T>;
      if (!valid(row)) throw new Error(`bad sample in ${file}: ${line}`);
      return row as T;
    });
}

/** Stochastic gradient descent on the log loss, weights rounded to 4 places (0 dropped). */
export function trainWordScore(rows: readonly TrainingRow[], settings: TrainingSettings): { bias: number; weights: Record<string, number> } {
  // A word seen once says more about its writer than about the label.
  const seen = new Map<string, number>();
  for (const row of rows) for (const f of row.features) seen.set(f, (seen.get(f) ?? 0) + 1);
  const weights = new Map<string, number>();
  for (const [feature, count] of seen) if (count >= settings.minSamples) weights.set(feature, 0);
  let bias = 0;
  let state = settings.seed;
  const random = () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < settings.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const index of order) {
      const row = rows[index]!;
      let sum = bias;
      for (const f of row.features) sum += weights.get(f) ?? 0;
      const error = 1 / (1 + Math.exp(-sum)) - row.target;
      bias -= settings.rate * error;
      for (const f of row.features) {
        const w = weights.get(f);
        if (w !== undefined) weights.set(f, w - settings.rate * (error + settings.l2 * w));
      }
    }
  }
  const rounded: Record<string, number> = {};
  for (const [feature, w] of [...weights].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const value = Math.round(w * 10_000) / 10_000;
    if (value !== 0) rounded[feature] = value;
  }
  return { bias: Math.round(bias * 10_000) / 10_000, weights: rounded };
}

/** How the generated module names itself and its two constants. */
export interface WeightsFile {
  /** The comment at its top: where the weights come from and which test checks them. */
  header: string[];
  biasName: string;
  weightsName: string;
}

export function weightsSource(file: WeightsFile, model: WordModel): string {
  const lines = Object.entries(model.weights).map(([f, w]) => `  ${JSON.stringify(f)}: ${w},`);
  return [
    ...file.header.map((line) => `// ${line}`),
    `export const ${file.biasName} = ${model.bias};`,
    `export const ${file.weightsName}: Readonly<Record<string, number>> = {`,
    ...lines,
    '};',
    '',
  ].join('\n');
}

/** Whether this module is the script node was started with (`npm run train-…`), not an import. */
export function isMainScript(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && fileURLToPath(moduleUrl) === process.argv[1];
}
