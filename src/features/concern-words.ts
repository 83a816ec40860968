/**
 * Concern questions in the parents' other languages: Urdu (in its script, in Roman letters, and
 * mixed with English), Arabic, Bengali, Somali, and any language a volunteer adds. The words are
 * not here but in each language's messages file (`_understand.concern`, see
 * config/understanding.ts), so the people who speak a language can read and extend them.
 *
 * The rule, in one sentence: a message asks how to raise a concern in a language when it holds
 * one of that language's `direct` questions ("shikayat karni hai"), or a `whom` (to whom, with
 * whom) within three words of a `reach` (speak, contact, tell: "kis se baat karun"), or a way of
 * `asking` (how, who to, where; or the English matcher's "who do I / where do I") together with
 * a `topic` that names a concern (complaint, bullying), or with a general `problem` word
 * (problem, issue) and someone at the `school` to take it to; and none of its `not` phrases, nor
 * any of the English matcher's negative contexts (a joke, a report card), fires. A maths problem
 * and a tutor are not a concern.
 * Every list of every language is tried on every message, whatever the group reads: a parent
 * writes Roman Urdu in an English group. Precision first: a word the lists do not know is silence.
 */
import type { LanguageFile } from '../config/templates.js';
import type { ConcernMatch } from './concern-matcher.js';
import { detectLanguage } from '../core/language.js';
import { CONCERN_SCORE, concernScore, LISTS_OVERRULED_BELOW } from './concern-score.js';
import { foldWords, LanguageWords, WordIndex } from './language-words.js';

/** The lists of a language's `_understand.concern`, in the order each language's lists sit in the index. */
const LISTS = ['asking', 'topic', 'problem', 'school', 'whom', 'reach', 'direct', 'not'] as const;
type ListName = (typeof LISTS)[number];

/** One language's concern words: where its lists sit in the shared index. */
export interface ConcernLanguage {
  code: string;
  /** The index of its first list (`asking`); the others follow in LISTS order. */
  first: number;
}

/** Every language's concern words, compiled into one index, so a message is walked once for all of them. */
export interface ConcernLanguages {
  languages: readonly ConcernLanguage[];
  index: WordIndex;
  /** Which language a message is written in, Roman Urdu and Somali included: where the score applies. */
  words: LanguageWords;
}

/** The languages the learnt score (concern-score.ts) was trained on; English never reaches it. */
const SCORED = new Set(['ur', 'ar', 'bn', 'so']);

/** The concern words of every messages file that has them, in the files' order (English first). */
export function concernLanguages(files: readonly LanguageFile[]): ConcernLanguages {
  const languages: ConcernLanguage[] = [];
  const lists: string[][] = [];
  for (const file of files) {
    const words = file.understand?.concern;
    if (!words) continue;
    languages.push({ code: file.code, first: lists.length });
    for (const name of LISTS) lists.push(words[name]);
  }
  return { languages, index: new WordIndex(lists), words: new LanguageWords(files) };
}

/** What was understood: whether it asks how to raise a concern, and in which language it asked. */
export interface Understood {
  isConcern: boolean;
  /** The language it was asked in, when not English (or not recognisable); the answer speaks it. */
  language: string | undefined;
  /** Short signal names (`ur:asking`, `so:direct`), never the message's words. */
  reasons: string[];
  /** What the English matcher and the word lists said, before the score had its say. */
  listsSaid: boolean;
  /** The learnt score, when the message is in one of the languages it was trained on (or the lists fired). */
  score?: number;
}

/** "Kis se ... baat karun", "لمين ... احكي", "yaan la hadlaa": to whom, near speaking or telling. */
const NEAR = 3;

/**
 * One language's verdict on the words, with its reasons. `own`: it fired on the language's own
 * words (a direct question, a way of asking), so the message was asked in it; a topic with an
 * English "who should I talk to?" could be any language's loanword ("unfair").
 */
function heardIn(
  language: ConcernLanguage,
  found: ReadonlyArray<number[] | undefined>,
  englishAsking: boolean,
): { fires: boolean; own: boolean; reasons: string[] } {
  const code = language.code;
  const places = (name: ListName) => found[language.first + LISTS.indexOf(name)];
  const has = (name: ListName) => places(name) !== undefined;
  if (has('not')) return { fires: false, own: false, reasons: [`${code}:not`] };
  if (has('direct')) return { fires: true, own: true, reasons: [`${code}:direct`] };
  const reach = places('reach') ?? [];
  if (places('whom')?.some((i) => reach.some((j) => j !== i && Math.abs(i - j) <= NEAR))) {
    return { fires: true, own: true, reasons: [`${code}:whom-reach`] };
  }
  const asking = has('asking');
  const topic = has('topic');
  // A general problem word counts only when it is taken to someone at the school.
  const problem = !topic && has('problem');
  const school = problem && has('school');
  const reasons = [
    ...(asking ? [`${code}:asking`] : []),
    ...(topic ? [`${code}:topic`] : []),
    ...(problem ? [`${code}:problem`] : []),
    ...(school ? [`${code}:school`] : []),
  ];
  const concern = topic || school;
  return { fires: concern && (asking || englishAsking), own: concern && asking, reasons };
}

/** The learnt score and its two thresholds (see concern-score.ts); the trainer tries others. */
export interface Scoring {
  scoreOf: (text: string) => number;
  /** From this score, a concern on the score alone. */
  alone: number;
  /** Below this score, the word lists' match is not believed. */
  overruledBelow: number;
}

const SHIPPED_SCORING: Scoring = { scoreOf: concernScore, alone: CONCERN_SCORE, overruledBelow: LISTS_OVERRULED_BELOW };

/**
 * The English matcher's verdict and every language's, together. `english` is matchConcern's
 * answer for the same text (the caller has it already). The language it was asked in is the one
 * whose own words asked it ("kivabe", "kis se"), else the one core/language.ts says it is written
 * in. A message written in Urdu, Arabic, Bengali or Somali also gets the learnt score
 * (concern-score.ts, `scoring`), which reaches wording the lists never saw and overrules their
 * match on chatter. Never throws: a message that breaks a list is English's verdict alone.
 */
export function understandConcern(
  text: string,
  every: ConcernLanguages,
  english: ConcernMatch,
  scoring: Scoring = SHIPPED_SCORING,
): Understood {
  const { scoreOf, alone, overruledBelow } = scoring;
  const { languages, index } = every;
  const writtenIn = () => (typeof text === 'string' ? detectLanguage(text) : undefined);
  const englishOnly = (reasons: string[]) => ({
    isConcern: english.isConcern,
    language: english.isConcern ? writtenIn() : undefined,
    reasons,
    listsSaid: english.isConcern,
  });
  if (!languages.length) return englishOnly(english.reasons);
  try {
    const reasons = [...english.reasons];
    // The English matcher's negative contexts (a joke, a report card, fundraising) hold in any language.
    const negative = english.reasons.some((r) => r.startsWith('negative:'));
    const englishAsking = english.reasons.includes('channel:who-where');
    let heard = false;
    let routed = false;
    // A list's `not` phrase (a tutor, someone else's complaint) silences the score too: it names
    // chatter the score may never have seen.
    let vetoed = false;
    const askedIn: string[] = [];
    if (!negative) {
      const found = index.scan(foldWords(text));
      for (const language of languages) {
        // Most messages hold none of a language's words: nothing to weigh.
        if (!LISTS.some((_, k) => found[language.first + k] !== undefined)) continue;
        const verdict = heardIn(language, found, englishAsking);
        reasons.push(...verdict.reasons);
        heard ||= verdict.fires;
        routed ||= SCORED.has(language.code);
        vetoed ||= verdict.reasons.includes(`${language.code}:not`);
        if (verdict.own) askedIn.push(language.code);
      }
    }
    const listsSaid = english.isConcern || heard;
    // English is the English matcher's alone: the score only weighs a message written in one of
    // its languages, or one the lists already took for one (Roman Urdu with an English "who do I").
    const scoredIn = negative || vetoed ? undefined : every.words.languageOf(text);
    const scored = scoredIn !== undefined && SCORED.has(scoredIn);
    // In a message written in another language, the English matcher hears only its English words
    // ("Teacher complain করলেন ..., tips?" is someone else's complaint): the score may overrule it, as the lists.
    const englishAlone = english.isConcern && !scored;
    const heardAny = heard || english.isConcern;
    const score = !englishAlone && (scored || (heard && routed)) ? scoreOf(text) : undefined;
    // As URGENT (core/triage.ts): the score alone when it is sure, the lists unless the score finds
    // the words plainly chatter. Precision first: a message the score alone calls must be in a scored language.
    const isConcern =
      englishAlone ||
      (score !== undefined && ((scored && score >= alone) || (heardAny && score >= overruledBelow))) ||
      (heardAny && score === undefined);
    if (scored && score !== undefined && score >= alone) reasons.push('score');
    if (!isConcern) return { isConcern, language: undefined, reasons, listsSaid, score };
    const written = writtenIn();
    const language = written && askedIn.includes(written) ? written : askedIn[0] ?? (scored ? scoredIn : written);
    return { isConcern, language, reasons, listsSaid, score };
  } catch {
    return englishOnly([...english.reasons, 'error']);
  }
}
