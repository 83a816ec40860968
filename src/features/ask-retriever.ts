/**
 * Offline retriever for `!ask`: picks the code-of-conduct clauses that answer a parent's question.
 *
 * The bot only ever quotes clauses verbatim, so the retriever's whole job is ranking. It is BM25
 * over lightly stemmed tokens, with a small hand-written synonym map that carries parents' words
 * ("nan", "DM", "election", "swore") to the policy's words ("not directly related", "private
 * conversations", "political", "swearing"). Every hit lists the query terms that produced it, so
 * a surprising answer can be explained to the parents who run the group, and
 * test/data/ask-questions.jsonl keeps the ranking honest.
 */
import type { Clause } from '../core/policy.js';
import { STOP, SYNONYMS, TEXT_SPEAK } from './ask-vocabulary.js';
import { editDistance } from '../core/text.js';

/** `matched` lists the query terms (stemmed, after synonyms) that contributed, for explaining an answer. */
export interface Retrieved { clause: Clause; score: number; matched: string[] }

// A question is a sentence or two. Cutting first bounds every later step, including NFKC, which
// can make text up to 18 times longer.
const MAX_QUESTION_CHARS = 500;
const MAX_NORMALISED_CHARS = 2000;
const MAX_TOKENS = 120;
const DEFAULT_LIMIT = 3;

const K1 = 1.2;
const B = 0.75;
// In units of one word found in a single clause, so the bar is the same for the whole policy and for
// a short list of clauses. Set on the labelled set: one distinctive policy word, or one good synonym,
// clears it; a question sharing only everyday words with the policy (school, parent, post) does not.
const MIN_SCORE_IN_WORDS = 0.6;
// A clause far below the best one is noise that a parent would have to read past.
const RELATIVE_CUT = 0.3;
// Synonyms point at the policy's words but are guesses, so they count for less than the parent's own words.
const SYNONYM_WEIGHT = 0.7;
// Words that appear in questions about everything ("can I post…", "about the school") carry
// little evidence of which rule is meant, whatever their idf among the clauses.
const WEAK_WEIGHT = 0.35;
const WEAK_WORDS = 'post school parent child pupil staff member comment say share other';

// Words whose final "s" is not a plural: "news" must not meet "new", nor "maths" "math".
const NOT_PLURAL = new Set(['news', 'maths', 'series', 'species', 'means', 'always', 'perhaps', 'christmas', 'bus', 'thanks']);

/** Light stemming: strips plural, -ing and -ed so "bullied", "bullies" and "bullying" meet. */
function stem(word: string): string {
  let w = word;
  if (w.length <= 3 || !/^[a-z]+$/.test(w)) return w;
  if (w.endsWith('ies') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('ied') && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith('ing') && w.length >= 6) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length >= 5) w = undouble(w.slice(0, -2));
  else if (w.endsWith('s') && !/(?:ss|us|is)$/.test(w) && !NOT_PLURAL.has(w)) w = w.slice(0, -1);
  // "responsibly" and "responsible", "invite" and "invited", "share" and "sharing" all meet here.
  if (w.endsWith('bly')) w = `${w.slice(0, -3)}bl`;
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

// "chatting" → "chatt" → "chat"; but "added" keeps its "dd" and "called" its "ll".
function undouble(w: string): string {
  return /([b-df-hj-kmnp-rtv-z])\1$/.test(w) && !/(?:dd|ll|ss|zz)$/.test(w) ? w.slice(0, -1) : w;
}

/** Lower-cased words, punctuation and diacritics gone. Never throws on valid strings. */
function words(input: string, maxChars: number): string[] {
  let s = input.slice(0, maxChars);
  // Lone surrogates, including a pair the slice cut in half, would make NFKC and the /u regexes
  // unpredictable, so they go first.
  s = s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, ' ');
  s = s.normalize('NFKC').slice(0, MAX_NORMALISED_CHARS).toLowerCase();
  s = s.normalize('NFD').replace(/\p{M}+/gu, '');
  s = s.replace(/\p{Cf}+/gu, '').replace(/\p{Cc}+/gu, ' ');
  // "pleeease", "sooo mean": three or more of a letter are never English.
  s = s.replace(/(\p{L})\1{2,}/gu, '$1$1');
  // Apostrophes join words, so "don't" and "childs" stay whole; everything else splits.
  return s.replace(/['\u2018\u2019`]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, MAX_TOKENS);
}

const stemAll = (text: string) => words(text, 10_000).filter((w) => !STOP.has(w)).map(stem);

const WEAK = new Set(stemAll(WEAK_WORDS));
const WORD_SYNONYMS = new Map<string, string[]>();
const PHRASE_SYNONYMS: Array<{ phrase: string; terms: string[] }> = [];
for (const [keys, target] of SYNONYMS) {
  const terms = stemAll(target);
  if (keys.includes('|')) {
    for (const phrase of keys.split('|')) PHRASE_SYNONYMS.push({ phrase: ` ${words(phrase, 200).join(' ')} `, terms });
  } else {
    for (const key of keys.split(' ')) {
      const k = stem(key);
      WORD_SYNONYMS.set(k, [...new Set([...(WORD_SYNONYMS.get(k) ?? []), ...terms])]);
    }
  }
}

// Real words within reach of a policy or synonym word; correcting them would invent a match ("of
// course" is not a curse, a "contract" is not a "contact"). Found by running the corrector over a few
// thousand ordinary English words and the project's other parent phrasings.
const PROTECTED = new Set(('course courses causes contract contracts compliant layer layers though tries violet ' +
  'career careers rating ratings relatively fourth').split(' '));

interface Index {
  docs: Array<{ clause: Clause; tf: Map<string, number>; length: number }>;
  idf: Map<string, number>;
  avgLength: number;
  /** Typo targets: unstemmed words from the clauses and synonym keys, bucketed by first letter. */
  fuzzy: Map<string, string[]>;
  known: Set<string>;
  knownStems: Set<string>;
  /** idf of a word found in one clause only. */
  rareIdf: number;
}

const INDEX_CACHE = new WeakMap<Clause[], Index>();

function buildIndex(clauses: Clause[]): Index {
  const docs = clauses.map((clause) => {
    const tokens = stemAll(typeof clause.text === 'string' ? clause.text : '');
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    return { clause, tf, length: tokens.length };
  });
  const df = new Map<string, number>();
  for (const d of docs) for (const t of d.tf.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = docs.length;
  // The "+1" form of idf stays positive for a word in most clauses, so a common word never counts against a clause.
  const idf = new Map<string, number>();
  for (const [t, f] of df) idf.set(t, Math.log(1 + (n - f + 0.5) / (f + 0.5)));
  const avgLength = n === 0 ? 1 : Math.max(1, docs.reduce((sum, d) => sum + d.length, 0) / n);

  const known = new Set<string>();
  for (const c of clauses) for (const w of words(typeof c.text === 'string' ? c.text : '', 10_000)) if (!STOP.has(w)) known.add(w);
  for (const [keys] of SYNONYMS) for (const k of keys.split(/[\s|]+/)) if (k && !STOP.has(k)) known.add(k);
  const fuzzy = new Map<string, string[]>();
  // Short words sit one edit from too many ordinary words, so only longer ones are typo targets.
  for (const w of known) {
    if (w.length < 5 || !/^[a-z]+$/.test(w)) continue;
    const bucket = fuzzy.get(w[0]!) ?? [];
    bucket.push(w);
    fuzzy.set(w[0]!, bucket);
  }
  return { docs, idf, avgLength, fuzzy, known, knownStems: new Set([...known].map(stem)),
    rareIdf: Math.log(1 + (n - 1 + 0.5) / 1.5) };
}

function indexFor(clauses: Clause[]): Index {
  let index = INDEX_CACHE.get(clauses);
  if (index === undefined) {
    index = buildIndex(clauses);
    INDEX_CACHE.set(clauses, index);
  }
  return index;
}

function correctTypo(token: string, index: Index): string {
  if (token.length < 5 || token.length > 30 || index.known.has(token) || STOP.has(token) || PROTECTED.has(token)) return token;
  if (!/^[a-z]+$/.test(token)) return token;
  // An inflection of a word the index already knows ("talking", "complained") is not a typo.
  if (index.knownStems.has(stem(token))) return token;
  // People rarely get the first letter wrong, and requiring it keeps each token to a handful of comparisons.
  const max = token.length <= 8 ? 1 : 2;
  let best = token;
  let bestDistance = max + 1;
  for (const w of index.fuzzy.get(token[0]!) ?? []) {
    const d = editDistance(token, w, Math.min(max, bestDistance - 1), 2);
    if (d < bestDistance) { best = w; bestDistance = d; }
  }
  return best;
}

/** Query terms with weights: the parent's own words at 1 (weak ones less), synonym targets at SYNONYM_WEIGHT. */
function queryTerms(question: string, index: Index): Map<string, number> {
  const raw = words(question, MAX_QUESTION_CHARS);
  const corrected = new Map<string, string>(); // floods repeat words, so each is looked up once
  const tokens = raw.map((t) => {
    const spoken = TEXT_SPEAK.get(t) ?? t;
    let fixed = corrected.get(spoken);
    if (fixed === undefined) { fixed = correctTypo(spoken, index); corrected.set(spoken, fixed); }
    return fixed;
  });
  const weights = new Map<string, number>();
  const add = (term: string, w: number) => { if (w > (weights.get(term) ?? 0)) weights.set(term, w); };
  const joined = ` ${tokens.join(' ')} `;
  for (const { phrase, terms } of PHRASE_SYNONYMS) if (joined.includes(phrase)) for (const t of terms) add(t, SYNONYM_WEIGHT);
  for (const t of tokens) {
    if (STOP.has(t)) continue;
    const s = stem(t);
    add(s, WEAK.has(s) ? WEAK_WEIGHT : 1);
    for (const syn of WORD_SYNONYMS.get(s) ?? []) add(syn, WEAK.has(syn) ? WEAK_WEIGHT : SYNONYM_WEIGHT);
  }
  return weights;
}

/** The ranking itself, without retrieveClauses' safety net: tests call it so that a bug shows as a failure, not as silence. */
export function rankClauses(question: string, clauses: Clause[], limit: number): Retrieved[] {
  if (typeof question !== 'string' || !Array.isArray(clauses) || clauses.length === 0 || limit <= 0) return [];
  const index = indexFor(clauses);
  const query = queryTerms(question, index);
  if (query.size === 0) return [];
  const minScore = MIN_SCORE_IN_WORDS * index.rareIdf;
  const scored: Retrieved[] = [];
  for (const doc of index.docs) {
    let score = 0;
    const matched: string[] = [];
    for (const [term, weight] of query) {
      const f = doc.tf.get(term);
      if (f === undefined) continue;
      const idf = index.idf.get(term) ?? 0;
      score += weight * idf * (f * (K1 + 1)) / (f + K1 * (1 - B + B * doc.length / index.avgLength));
      matched.push(term);
    }
    if (score >= minScore) scored.push({ clause: doc.clause, score: Math.round(score * 1000) / 1000, matched });
  }
  // Ties keep policy order, so the same question always gets the same answer.
  scored.sort((a, b) => b.score - a.score);
  const top = scored[0]?.score ?? 0;
  return scored.filter((r) => r.score >= top * RELATIVE_CUT).slice(0, limit);
}

/** Clauses ranked for a question, best first; empty when nothing applies. The index is cached per clauses array. */
export function retrieveClauses(question: string, clauses: Clause[], limit: number = DEFAULT_LIMIT): Retrieved[] {
  // Parents' messages reach this unfiltered, so a bug here must never take the bot down.
  try {
    const n = Number.isFinite(limit) ? Math.floor(limit) : DEFAULT_LIMIT;
    return rankClauses(question, clauses, n);
  } catch {
    return [];
  }
}
