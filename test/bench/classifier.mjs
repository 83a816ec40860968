// Classifier quality on the project's own labelled sets: the offline concern matcher, the
// safeguarding triage that marks a report URGENT, and the `!ask` retriever when the build has one.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { dist, DIST, emit, readJsonl, ROOT, round } from './lib.mjs';
import { labelledConcernPhrasings } from './texts.mjs';

// A ratio with nothing to divide by is 0, so an empty or one-sided set never passes by accident.
const ratio = (hits, misses) => (hits + misses === 0 ? 0 : hits / (hits + misses));

/** Precision, recall and the four counts of `predict` against the labels `isPositive` reads. */
function confusion(samples, predict, isPositive) {
  const counts = { truePositives: 0, falsePositives: 0, falseNegatives: 0, trueNegatives: 0 };
  for (const sample of samples) {
    const predicted = predict(sample);
    if (predicted && isPositive(sample)) counts.truePositives++;
    else if (predicted) counts.falsePositives++;
    else if (isPositive(sample)) counts.falseNegatives++;
    else counts.trueNegatives++;
  }
  return {
    precision: round(ratio(counts.truePositives, counts.falsePositives), 3),
    recall: round(ratio(counts.truePositives, counts.falseNegatives), 3),
    ...counts,
  };
}

// Counted here from matchConcern alone: the project's scorer has moved between src/ and test/
// support/ (TypeScript, not in dist/), and the bench must not depend on where it lives.
const { matchConcern } = await dist('features/concern-matcher.js');
const phrasings = labelledConcernPhrasings();
const matcher = confusion(phrasings, ({ text }) => matchConcern(text).isConcern, ({ concern }) => concern);

// The safeguarding set: the parts the rules were tuned on and the score was trained on, and the
// held-out part written blind and never tuned or trained on (the only measure of unseen wording).
const { looksUrgent } = await dist('core/triage.js');
const safeguarding = {};
for (const part of ['tune', 'fresh', 'second', 'third', 'fourth', 'held-out']) {
  const file = path.join(ROOT, 'test', 'data', `safeguarding-${part}.jsonl`);
  if (!existsSync(file)) {
    safeguarding[part] = null;
    continue;
  }
  const samples = readJsonl(file);
  safeguarding[part] = {
    samples: samples.length,
    urgent: samples.filter((s) => s.urgent).length,
    ...confusion(samples, ({ reason, text }) => looksUrgent([reason, text]), ({ urgent }) => urgent),
  };
}

const classifier = {
  precision: matcher.precision,
  recall: matcher.recall,
  concernSamples: phrasings.length,
  truePositives: matcher.truePositives,
  falsePositives: matcher.falsePositives,
  falseNegatives: matcher.falseNegatives,
  trueNegatives: matcher.trueNegatives,
  safeguarding,
  askTop1: null,
  askTop3: null,
  askNote: null,
};

const retrieverFile = path.join(DIST, 'features', 'ask-retriever.js');
const questionsFile = path.join(ROOT, 'test', 'data', 'ask-questions.jsonl');
if (!existsSync(retrieverFile)) classifier.askNote = 'no !ask retriever in this build (dist/features/ask-retriever.js)';
else if (!existsSync(questionsFile)) classifier.askNote = 'no labelled set at test/data/ask-questions.jsonl';
else {
  const retriever = await dist('features/ask-retriever.js');
  const { loadBenchConfig, tempDir } = await import('./lib.mjs');
  const dir = await tempDir('ask');
  const { config } = await loadBenchConfig(dir);
  // policyClauses moved from the retriever to core/policy.js; either build works.
  const { policyClauses } = typeof retriever.policyClauses === 'function' ? retriever : await dist('core/policy.js');
  const clauses = policyClauses(config.school);
  const questions = readJsonl(questionsFile);
  // Top-k over the questions that have an answer: a hit when a clause the label lists is first (top-1)
  // or among the first three (top-3). Questions labelled with no clause must get none.
  let answerable = 0, top1 = 0, top3 = 0, none = 0, noneRight = 0;
  for (const { question, expected } of questions) {
    const got = retriever.retrieveClauses(question, clauses, 3).map((r) => r.clause.id);
    if (!expected.length) {
      none++;
      if (!got.length) noneRight++;
      continue;
    }
    answerable++;
    if (got[0] !== undefined && expected.includes(got[0])) top1++;
    if (got.some((id) => expected.includes(id))) top3++;
  }
  Object.assign(classifier, {
    askTop1: round(top1 / answerable, 3),
    askTop3: round(top3 / answerable, 3),
    askNoAnswerRight: none ? round(noneRight / none, 3) : null,
    askQuestions: questions.length,
    askAnswerable: answerable,
  });
  // The project's own scorer, where there is one, must agree with the count above.
  if (typeof retriever.scoreRetriever === 'function') {
    const own = retriever.scoreRetriever(questions, clauses);
    if (round(own.top1, 3) !== classifier.askTop1 || round(own.top3, 3) !== classifier.askTop3) {
      classifier.askNote = `the project's scoreRetriever says top-1 ${round(own.top1, 3)}, top-3 ${round(own.top3, 3)}`;
    }
  }
  const { rm } = await import('node:fs/promises');
  await rm(dir, { recursive: true, force: true });
}
// The parents' other languages: concern questions recognised with every messages file's
// `_understand` words, as the app does (all languages on every message), on each language's
// labelled set: the parts the words were tuned on and the score trained on (tune; second to sixth,
// ninth and eleventh: earlier held-out sets, spent; seventh, eighth, tenth and twelfth: written for
// training; negatives: chatter only)
// and the held-out part written blind and never tuned or trained on; and `!ask` retrieval over each
// language's courtesy translation of the policy.
const languageFiles = ['ur', 'ar', 'bn', 'so'];
const understandingFile = path.join(DIST, 'features', 'concern-words.js');
if (!existsSync(understandingFile)) classifier.languagesNote = 'no per-language matcher in this build (dist/features/concern-words.js)';
else {
  const { loadBenchConfig, tempDir } = await import('./lib.mjs');
  const { concernLanguages, understandConcern } = await dist('features/concern-words.js');
  const { askLanguages, rankInLanguage } = await dist('features/ask-languages.js');
  const { policyClauses } = await dist('core/policy.js');
  const storage = await tempDir('languages');
  const loaded = await loadBenchConfig(storage);
  const understanding = concernLanguages(loaded.languages);
  const languages = {};
  for (const code of languageFiles) {
    const parts = {};
    for (const part of ['tune', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth', 'eleventh', 'twelfth', 'negatives', 'negatives-two', 'held-out']) {
      const file = path.join(ROOT, 'test', 'data', `concern-${code}-${part}.jsonl`);
      if (!existsSync(file)) {
        parts[part] = null;
        continue;
      }
      const samples = readJsonl(file);
      parts[part] = {
        samples: samples.length,
        concerns: samples.filter((s) => s.concern).length,
        ...confusion(samples, ({ text }) => understandConcern(text, understanding, matchConcern(text)).isConcern, ({ concern }) => concern),
      };
    }
    languages[code] = parts;
  }
  classifier.languages = languages;

  const askFile = path.join(ROOT, 'test', 'data', 'ask-questions-multilingual.jsonl');
  if (existsSync(askFile)) {
    const english = policyClauses(loaded.config.school);
    const byCode = new Map(askLanguages(loaded.languages, loaded.config.school).map((l) => [l.code, l]));
    const ask = {};
    for (const { question, language, expected } of readJsonl(askFile)) {
      const got = byCode.has(language) ? rankInLanguage(question, byCode.get(language), english, 3).map((r) => r.clause.id) : [];
      const tally = (ask[language] ??= { questions: 0, top1: 0, top3: 0 });
      tally.questions++;
      if (got[0] !== undefined && expected.includes(got[0])) tally.top1++;
      if (got.some((id) => expected.includes(id))) tally.top3++;
    }
    for (const tally of Object.values(ask)) Object.assign(tally, { top1: round(tally.top1 / tally.questions, 3), top3: round(tally.top3 / tally.questions, 3) });
    classifier.askLanguages = ask;
  }
  const { rm } = await import('node:fs/promises');
  await rm(storage, { recursive: true, force: true });
}
// The private nudges (grievances and bullying aired in a group): the two parts the word lists were
// written and the score trained on, and the held-out part written blind and never read while working.
const nudgeFile = path.join(DIST, 'features', 'nudge-score.js');
if (!existsSync(nudgeFile)) classifier.nudgesNote = 'no nudge score in this build (dist/features/nudge-score.js)';
else {
  const { deservesNudge } = await dist('features/nudge-score.js');
  const nudges = {};
  for (const part of ['tune', 'second', 'held-out']) {
    const file = path.join(ROOT, 'test', 'data', `nudge-${part}.jsonl`);
    if (!existsSync(file)) {
      nudges[part] = null;
      continue;
    }
    const samples = readJsonl(file);
    nudges[part] = { samples: samples.length, nudges: samples.filter((s) => s.nudge).length, ...confusion(samples, ({ text }) => deservesNudge(text), ({ nudge }) => nudge) };
  }
  classifier.nudges = nudges;
}
emit({ classifier });
