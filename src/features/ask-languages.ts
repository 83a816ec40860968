/**
 * `!ask` in the parents' other languages: the policy's clauses in each language's courtesy
 * translation (the `_policy` of its messages file), ranked for a question asked in that language,
 * and quoted in it.
 *
 * The ranking is BM25, as for English (ask-retriever.ts), over the translation's words folded as
 * the concern words are (concern-words.ts): no stemmer per language, but each word also counts by
 * its first four letters, at half weight, so "گروپ" meets "گروپوں" and "kooxda" meets "kooxdan";
 * Arabic's joined article ("al-", "wal-", "bil-", "lil-") comes off first. Words found in most
 * clauses (of, the, in, whatever the language) count for nothing. Parents' words in Roman letters
 * reach the translation's script through the language's `_understand.ask.synonyms`; English words
 * mixed in ("group mein add kar sakti hoon?") are ranked against the English clauses too, and the
 * two rankings are added: a clause both agree on comes first.
 */
import type { School } from '../config/schema.js';
import type { LanguageFile, PolicyTranslation } from '../config/templates.js';
import { policyClauses, type Clause } from '../core/policy.js';
import { rankClauses, type Retrieved } from './ask-retriever.js';
import { foldWords, PhraseList } from './language-words.js';

const MAX_QUESTION_TOKENS = 120;
const K1 = 1.2;
const B = 0.75;
/** A stem is this many letters of a word; shorter words are their own stem. */
const STEM_LETTERS = 4;
const STEM_WEIGHT = 0.5;
const SYNONYM_WEIGHT = 0.7;
/** A word in more than this share of the clauses carries no evidence of which one is meant. */
const COMMON_SHARE = 0.4;
// As for English: in units of one word found in one clause only.
const MIN_SCORE_IN_WORDS = 0.6;
const RELATIVE_CUT = 0.3;

// Arabic's article and the conjunctions and prepositions written joined to it.
const ARABIC_ARTICLE = /^(?:وال|بال|فال|كال|لل|ال)(?=[\u0621-\u064A]{2,})/u;
const ARABIC_LETTER = /^[\u0621-\u064A]/u;

/** A word as index terms: itself, its stem, and the same without Arabic's article. */
function termsOf(token: string): Array<[string, number]> {
  const forms = [token];
  if (ARABIC_LETTER.test(token)) {
    const bare = token.replace(ARABIC_ARTICLE, '');
    if (bare !== token) forms.push(bare);
  }
  const terms: Array<[string, number]> = [];
  for (const form of forms) {
    terms.push([form, 1]);
    if ([...form].length > STEM_LETTERS) terms.push([`${[...form].slice(0, STEM_LETTERS).join('')}…`, STEM_WEIGHT]);
  }
  return terms;
}

interface Doc {
  clause: Clause;
  tf: Map<string, number>;
  length: number;
}

/** One language's clauses, indexed, and the parents' words for the translation's. */
export interface AskLanguage {
  code: string;
  /** The clauses in this language, with the English ids. */
  clauses: Clause[];
  byId: ReadonlyMap<string, Clause>;
  docs: Doc[];
  idf: Map<string, number>;
  avgLength: number;
  rareIdf: number;
  synonyms: Array<{ words: PhraseList; terms: string[] }>;
  ignore: PhraseList;
}

/** A template's lines, trimmed: the rules' "A breach may lead to:" is the line before `{breachActions}`. */
function templateLines(template: string | undefined): string[] {
  return (template ?? '').split('\n').map((line) => line.trim());
}

/**
 * The clauses in the translation, with the same ids and in the same order as the English ones.
 * The breach clause and the decider's are framed by the language's own `!rules full` lines, so
 * they read as sentences in it, as the English policy's do.
 */
export function translatedClauses(translation: PolicyTranslation, school: School, rulesFull: string | undefined): Clause[] {
  const english = policyClauses(school);
  const lines = templateLines(rulesFull);
  const leadIndex = lines.findIndex((line) => line === '{breachActions}');
  const lead = leadIndex > 0 && !/\{\w+\}/.test(lines[leadIndex - 1]!) ? lines[leadIndex - 1] : undefined;
  const deciderLine = lines.find((line) => line.includes('{decider}') && (line.match(/\{\w+\}/g) ?? []).length === 1);
  const text: Record<string, string> = {
    RC: translation.raisingConcerns.replace(/\{email\}/g, () => school.email),
    SG: translation.safeguarding,
    BA: [translation.investigation, ...(lead ? [lead] : []), ...translation.breachActions.map((a) => `• ${a}`)].join('\n'),
    PD: deciderLine ? deciderLine.replace('{decider}', () => translation.decider) : translation.decider,
  };
  for (const [id, g] of Object.entries(translation.guidelines)) text[id] = g.text;
  for (const [id, t] of Object.entries(translation.expectations)) text[id] = t;
  for (const [id, t] of Object.entries(translation.inappropriate)) text[id] = t;
  return english.map((clause) => ({ ...clause, text: text[clause.id] ?? clause.text }));
}

function indexed(code: string, clauses: Clause[], words: { ignore?: string[]; synonyms?: Record<string, string[]> }): AskLanguage {
  const docs = clauses.map((clause) => {
    const tf = new Map<string, number>();
    for (const token of foldWords(clause.text, 2000)) for (const [term] of termsOf(token)) tf.set(term, (tf.get(term) ?? 0) + 1);
    return { clause, tf, length: [...tf.values()].reduce((a, b) => a + b, 0) };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  const idf = new Map<string, number>();
  for (const [t, f] of df) idf.set(t, f > n * COMMON_SHARE ? 0 : Math.log(1 + (n - f + 0.5) / (f + 0.5)));
  return {
    code,
    clauses,
    byId: new Map(clauses.map((c) => [c.id, c])),
    docs,
    idf,
    avgLength: Math.max(1, docs.reduce((sum, d) => sum + d.length, 0) / Math.max(1, n)),
    rareIdf: Math.log(1 + (n - 1 + 0.5) / 1.5),
    synonyms: Object.entries(words.synonyms ?? {}).map(([target, parents]) => ({ words: new PhraseList(parents), terms: foldWords(target) })),
    ignore: new PhraseList(words.ignore ?? []),
  };
}

/** Every language whose messages file translates the policy, ready for `!ask`. */
export function askLanguages(files: readonly LanguageFile[], school: School): AskLanguage[] {
  return files.flatMap((file) =>
    file.policy
      ? [indexed(file.code, translatedClauses(file.policy, school, file.templates.rulesFull), file.understand?.ask ?? {})]
      : [],
  );
}

/** BM25 scores of the question against the translation, by clause id, in units of one rare word. */
function translatedScores(question: string, language: AskLanguage): Map<string, { score: number; matched: string[] }> {
  const tokens = foldWords(question, MAX_QUESTION_TOKENS);
  const query = new Map<string, number>();
  const add = (term: string, weight: number) => {
    if (weight > (query.get(term) ?? 0)) query.set(term, weight);
  };
  // Words that say nothing about which rule ("can I", "in the group") are left out.
  const ignored = new Set(language.ignore.places(tokens));
  tokens.forEach((token, i) => {
    if (!ignored.has(i)) for (const [term, weight] of termsOf(token)) add(term, weight);
  });
  for (const { words, terms } of language.synonyms) {
    if (words.find(tokens) === undefined) continue;
    for (const token of terms) for (const [term, weight] of termsOf(token)) add(term, weight * SYNONYM_WEIGHT);
  }
  const scores = new Map<string, { score: number; matched: string[] }>();
  for (const doc of language.docs) {
    let score = 0;
    const matched: string[] = [];
    for (const [term, weight] of query) {
      const f = doc.tf.get(term);
      const idf = language.idf.get(term) ?? 0;
      if (f === undefined || idf === 0) continue;
      score += weight * idf * (f * (K1 + 1)) / (f + K1 * (1 - B + B * doc.length / language.avgLength));
      matched.push(term);
    }
    if (score > 0) scores.set(doc.clause.id, { score: score / language.rareIdf, matched });
  }
  return scores;
}

/**
 * The clauses for a question asked in this language, best first, in this language. English words
 * in the question are ranked against `english` (the official clauses) and count too.
 */
export function rankInLanguage(question: string, language: AskLanguage, english: Clause[], limit: number): Retrieved[] {
  if (typeof question !== 'string' || limit <= 0) return [];
  const combined = translatedScores(question, language);
  const englishUnit = Math.log(1 + (english.length - 1 + 0.5) / 1.5);
  for (const hit of rankClauses(question, english, english.length)) {
    const seen = combined.get(hit.clause.id) ?? { score: 0, matched: [] };
    combined.set(hit.clause.id, { score: seen.score + hit.score / englishUnit, matched: [...seen.matched, ...hit.matched] });
  }
  const ranked = [...combined]
    .filter(([id, hit]) => hit.score >= MIN_SCORE_IN_WORDS && language.byId.has(id))
    // Ties keep policy order, so the same question always gets the same answer.
    .sort(([a, x], [b, y]) => y.score - x.score || language.clauses.indexOf(language.byId.get(a)!) - language.clauses.indexOf(language.byId.get(b)!));
  const top = ranked[0]?.[1].score ?? 0;
  return ranked
    .filter(([, hit]) => hit.score >= top * RELATIVE_CUT)
    .slice(0, limit)
    .map(([id, hit]) => ({ clause: language.byId.get(id)!, score: Math.round(hit.score * 1000) / 1000, matched: hit.matched }));
}

/** rankInLanguage, never throwing: parents' messages reach it unfiltered. */
export function retrieveInLanguage(question: string, language: AskLanguage, english: Clause[], limit = 3): Retrieved[] {
  try {
    return rankInLanguage(question, language, english, Number.isFinite(limit) ? Math.floor(limit) : 3);
  } catch {
    return [];
  }
}
