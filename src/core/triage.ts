import type { ReportCategory, School } from '../config/schema.js';

/**
 * Offline first look at a report: which part of the code of conduct it may concern, and whether
 * its words suggest a child may be at risk. It only labels the email for the school; it never
 * decides whether a report is sent or to whom.
 */

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

/**
 * The first configured category whose words appear, as the clause it names. The config's loader
 * has checked that every named clause exists, so renaming a clause cannot silently stop this.
 */
export function categorise(texts: Array<string | undefined>, school: School, categories: ReportCategory[]): string | undefined {
  const text = normalise(texts);
  const id = categories.find((category) => new RegExp(category.words).test(text))?.clause;
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
