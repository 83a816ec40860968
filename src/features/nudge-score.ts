import { COMMON_WORDS, SCHOOL_WORDS, TITLES } from '../core/redact-words.js';
import { wordFeatures, wordScore, wordsOf, type WordModel } from '../core/word-score.js';
import { NUDGE_BIAS, NUDGE_WEIGHTS } from './nudge-weights.js';
import {
  ADULT_HARM, BULLYING, CHILD_AGENTS, CHILDREN, CLASS, HOW_TO, JUDGEMENT, NOT_NAMES, ONE_CHILD, OWN_CHILD, PARENT, POINTING, STAFF, TO_SCHOOL, TO_THE_GROUP,
} from './nudge-words.js';

/**
 * Whether a group message airs a grievance about a teacher, child or parent, or tells of bullying
 * in the group instead of to the school: a logistic regression over its words (core/word-score.ts)
 * and over what nudge-words.ts finds in it, trained on test/data/nudge-tune.jsonl by
 * test/support/train-nudges.ts. Names are read as one word, "xperson", so the score learns what is
 * said of a named person, never who was named.
 */

const model: WordModel = { bias: NUDGE_BIAS, weights: NUDGE_WEIGHTS };

const whole = (alternatives: string) => new RegExp(` (?:${alternatives}) `);
const concepts = {
  staff: whole(STAFF),
  parent: whole(PARENT),
  own: whole(OWN_CHILD),
  judge: whole(JUDGEMENT),
  bully: whole(BULLYING),
  agents: whole(CHILD_AGENTS),
  adultHarm: whole(ADULT_HARM),
  school: whole(TO_SCHOOL),
  howto: whole(HOW_TO),
  group: whole(TO_THE_GROUP),
  pointedChild: whole(`(?:${POINTING}) (?:\\w+ ){0,2}(?:${ONE_CHILD})|(?:a|one of the|one of those) (?:\\w+ ){0,2}(?:${ONE_CHILD}|${CHILDREN}) (?:in|from|with|who|at|on)|xpersons? (?:in|from) (?:${CLASS})|someones (?:son|daughter|${ONE_CHILD})`),
  childrenInClass: whole(`(?:${CHILDREN}) (?:in|from) (?:${CLASS})|(?:${CLASS}) (?:${CHILDREN})`),
  pointedParent: whole(`(?:${POINTING}|one of the) (?:\\w+ ){0,2}(?:${PARENT})|(?:his|her|their) (?:mum|mom|dad|parents|mother|father)|xpersons? (?:${PARENT})`),
  ownJudged: whole(`(?:${OWN_CHILD}) (?:is|s|has been|can be|gets|was) (?:\\w+ ){0,2}(?:${JUDGEMENT})`),
  pointedPerson: whole(`(?:${POINTING}|a) (?:\\w+ )?(?:lady|man|woman|guy|person|people|one|lot)|whoevers? (?:is )?(?:on|at|in|\\w+s)`),
  named: whole('xpersons?'),
};
// Rolled eyes, anger, a clown: said of a person, they are the judgement.
const scorn = /[\u{1F644}\u{1F612}\u{1F92C}\u{1F621}\u{1F620}\u{1F921}\u{1F624}]/u;

/** The message as the word lists read it: lower case, no apostrophes, single spaces, a space at each end. */
function plain(text: string): string {
  return ` ${text.toLowerCase().replace(/['’‘]/g, '').replace(/[^a-z0-9]+/g, ' ').trim()} `;
}

const wordPattern = /\p{L}+(?:['’]\p{L}+)?(?:-\p{L}+)*/gu;
// After a sentence's first word, these say it was a name: "Riley's a brat", "Amira is…", "Tasha, if…",
// "Farhan bhai ki…", "Ibrahim K told…".
const nameVerb = new RegExp(
  "^(?:['’]s\\b|,| \\p{Lu}\\b| (?:" +
    'is|isnt|was|wasnt|has|hasnt|had|keeps|kept|never|always|needs|should|shouldnt|can|cant|could|will|would|wont|did|didnt|does|doesnt|' +
    'really|literally|actually|just|again|still|clearly|honestly|seriously|obviously|constantly|' +
    'ruins|ruined|wrecked|stole|told|tells|said|says|made|makes|took|takes|thinks|thought|lost|broke|lied|lies|cheats|cheated|started|starts|' +
    'got|gets|gave|gives|went|goes|came|comes|wants|loves|hates|hit|pushed|kicked|bit|and|from|in|' +
    'bhai|baji|apa|aunty|auntie|uncle|khala|bohat|bahut|ka|ki|ke|ne|ko|jo|hai|hain' +
    ')\\b)',
  'u',
);
// Most words ending "-ing", and "-ed" ones that are not names (Ahmed, Javed), are verbs: "Parking is…".
const looksLikeAVerb = (key: string) =>
  (key.length >= 5 && key.endsWith('ing')) || (key.length >= 6 && /ed$/.test(key) && !/(eed|med|ved|jed|hed|led)$/.test(key));
const sentenceEnd = /[.!?\n:;]["')\]]?\s*$/;
const isCapitalised = (word: string) => /^\p{Lu}\p{Ll}/u.test(word);

/**
 * Names, as "[name]": any word after a title ("mrs hussain"), a capitalised one after "miss" or
 * "sir" (also a verb and a word of address); a capital inside a sentence on a word that is not an
 * ordinary or a school word (core/redact-words.ts); and a sentence's first word when what follows
 * makes it someone. Wrong now and then both ways: the score learns how far to trust them.
 */
function markNames(text: string): string {
  const words = Array.from(text.matchAll(wordPattern), (m) => ({ text: m[0], start: m.index }));
  const startsSentence = (i: number) => i === 0 || sentenceEnd.test(text.slice(0, words[i]!.start));
  let out = '';
  let at = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const bare = word.text.replace(/['’]s$/, '');
    const key = bare.toLowerCase();
    const previous = words[i - 1];
    const gap = previous ? text.slice(previous.start + previous.text.length, word.start) : '';
    const afterTitle =
      previous !== undefined &&
      /^\.?[ \t]{1,2}$/.test(gap) &&
      (TITLES.has(previous.text.toLowerCase()) ||
        (['miss', 'sir'].includes(previous.text.toLowerCase()) && (isCapitalised(bare) || startsSentence(i - 1))));
    let name = afterTitle && !COMMON_WORDS.has(key) && !TITLES.has(key);
    if (!name && isCapitalised(bare) && !/^\p{Lu}+$/u.test(bare)) {
      const ordinary = COMMON_WORDS.has(key) || SCHOOL_WORDS.has(key) || TITLES.has(key) || NOT_NAMES.has(key);
      name = !ordinary && (!startsSentence(i) || (!looksLikeAVerb(key) && !concepts.judge.test(` ${key} `) && nameVerb.test(text.slice(word.start + bare.length, word.start + bare.length + 14))));
    }
    if (!name) continue;
    out += `${text.slice(at, word.start)}[name]`;
    at = word.start + bare.length;
  }
  return out + text.slice(at);
}

/** The concepts nudge-words.ts finds in a message where names are "xperson", by name. */
export function nudgeConcepts(named: string): Set<string> {
  const read = plain(named);
  const found = new Set<string>();
  for (const [name, pattern] of Object.entries(concepts)) if (pattern.test(read)) found.add(name);
  if (scorn.test(named)) found.add('scorn');
  return found;
}

/** The words, word pairs and concepts of a message, with names as "xperson". */
export function nudgeFeatures(text: string): string[] {
  const named = markNames(text).replace(/\[name\]/g, 'xperson');
  const found = nudgeConcepts(named);
  const features = wordFeatures(wordsOf([named]));
  const someone = ['named', 'staff', 'pointedChild', 'pointedParent', 'pointedPerson'].filter((c) => found.has(c));
  for (const concept of found) features.push(`@${concept}`);
  const judged = found.has('judge') || found.has('scorn');
  if (judged) for (const who of someone) features.push(`@${who}+judge`);
  if (judged && someone.length) features.push('@someone+judge');
  if (found.has('bully') && found.has('own')) features.push('@own+bully');
  if (found.has('bully') && found.has('agents')) features.push('@agents+bully');
  if (found.has('bully') && found.has('own') && found.has('agents')) features.push('@own+agents+bully');
  if (found.has('bully') && !found.has('school') && !found.has('howto') && !found.has('adultHarm')) features.push('@bully-unreported');
  return features;
}

/**
 * The rule beside the score: someone named or described and judged, or bullying told without
 * being taken to the school. A message with neither is never nudged, whatever its words weigh.
 */
export function nudgeGate(text: string): boolean {
  return passesGate(nudgeFeatures(text));
}

function passesGate(features: readonly string[]): boolean {
  return features.includes('@someone+judge') || features.includes('@bully-unreported');
}

/** How likely the labelled phrasings would call this message one to nudge about, 0 to 1. */
export function nudgeScore(text: string): number {
  return wordScore(model, nudgeFeatures(text));
}

/**
 * The score from which a message that passes the gate is nudged about, and the higher one from
 * which the score alone decides (as URGENT does in core/triage.ts): the gate's word lists cannot
 * name every way a grievance is put, but words the score weighs heavily can. Chosen with the
 * training settings by training on one training part and measuring on the other, both ways (see
 * test/support/train-nudges.ts): precision first, because a nudge nobody deserved costs more than
 * one not sent.
 */
export const NUDGE_THRESHOLD = 0.4;
export const NUDGE_ALONE_THRESHOLD = 0.7;

export type NudgeKind = 'grievance' | 'bullying';

/**
 * Longer than any grievance the labelled set holds three times over: a pasted letter or article,
 * or noise, where a chance word would decide. Unsure, so silent.
 */
const MAX_NUDGED_LENGTH = 1000;

/** Most of what is written is words: noise of letters and symbols can spell "sly" by chance. */
function mostlyWords(text: string): boolean {
  const tokens = text.split(/\s+/).filter(Boolean);
  const words = tokens.filter((t) => /^["'(‘“]*[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*["')’”.,!?:;]*$/u.test(t));
  return tokens.length > 0 && words.length >= tokens.length / 2;
}

/**
 * Whether this message gets its author a private nudge, and which: a high score, or the gate and a
 * lower score agreeing; otherwise no (when unsure, say nothing). Bullying told of the writer's own child, or by
 * children named as doing it, gets the note on reporting bullying; anything else the one on
 * grievances.
 */
export function nudgeVerdict(text: string): NudgeKind | undefined {
  if (text.length > MAX_NUDGED_LENGTH || !mostlyWords(text)) return undefined;
  const features = nudgeFeatures(text);
  const score = wordScore(model, features);
  if (score < NUDGE_ALONE_THRESHOLD && !(passesGate(features) && score >= NUDGE_THRESHOLD)) return undefined;
  const bullying = features.includes('@bully-unreported') && (features.includes('@own') || features.includes('@agents'));
  if (bullying) return 'bullying';
  // An adult hurting a child is a disclosure for the school at once, not a grievance to be talked
  // out of the group: that note's tone would be wrong.
  return features.includes('@adultHarm') ? undefined : 'grievance';
}

export function deservesNudge(text: string): boolean {
  return nudgeVerdict(text) !== undefined;
}
