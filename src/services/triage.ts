import type { School } from '../config/schema.js';

/**
 * Offline first look at a report: which part of the code of conduct it may concern, and whether
 * its words suggest a child may be at risk. It only labels the email for the school; it never
 * decides whether a report is sent or to whom.
 */

const clauseWords: Array<[string, RegExp]> = [
  ['G5', /\b(bull(y|ies|ied|ying)|pick(ing|ed)? on|harass\w*|intimidat\w*)\b/],
  ['I7', /\b(threat\w*|i'?ll (hurt|get) (you|him|her)|watch your back|scare\w*)\b/],
  ['I2', /\b(swear\w*|f+u+c+k\w*|sh[i1]t\w*|bastard\w*|bitch\w*|offensive|abusive language|bad language)\b/],
  ['G2', /\b(politic\w*|election|government|protest|war|vote|party leader)\b/],
  ['I4', /\b(defamat\w*|libel\w*|slander\w*|lies about|liar)\b/],
  ['G1', /\b(teacher|staff|head ?teacher|principal|grievance|complain\w* about)\b/],
  ['G4', /\b(racis\w*|disrespect\w*|insult\w*|rude|mock\w*|culture|religio\w*)\b/],
  ['G3', /\b(private (chat|conversation)|dm me|personal conversation)\b/],
  ['G6', /\b(not a parent|stranger|invited (someone|a friend)|doesn'?t have a child)\b/],
  ['I6', /\b(name[sd]? (a|the) child|about (a|one) child|individual child)\b/],
];

const riskWords =
  /\b(at risk|in danger|unsafe|not safe|abus(e|ed|ing)|neglect\w*|self[- ]?harm\w*|suicid\w*|kill (him|her|them|myself|himself|herself)|groom\w*|touched (him|her|them|my)|hit (him|her|them|my)|hurt (him|her|them|my|a|the) (child|son|daughter|kid|boy|girl)|bruis\w*|runaway|ran away|missing (child|boy|girl|pupil|kid)|safeguarding|police|knife|weapon)\b/;

function normalise(texts: Array<string | undefined>): string {
  return texts
    .filter(Boolean)
    .join('\n')
    .slice(0, 20_000)
    .toLowerCase()
    .replace(/[’‘]/g, "'");
}

export function categorise(texts: Array<string | undefined>, school: School): string | undefined {
  const text = normalise(texts);
  const id = clauseWords.find(([, words]) => words.test(text))?.[0];
  if (!id) return undefined;
  const { guidelines, inappropriate } = school.policy;
  const guideline = guidelines.findIndex((c) => c.id === id);
  if (guideline >= 0) return `group guideline ${guideline + 1}: "${guidelines[guideline]!.text}"`;
  const activity = inappropriate.find((c) => c.id === id);
  return activity && `inappropriate online activity: "${activity.text}"`;
}

export function looksUrgent(texts: Array<string | undefined>): boolean {
  return riskWords.test(normalise(texts));
}
