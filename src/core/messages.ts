import type { School } from '../config/schema.js';
import { fill, type LanguageFile, type LanguageInfo, type PolicyTranslation, type TemplateKey, type Templates } from '../config/templates.js';
import { isolateLeftToRight } from './bidi.js';
import { formatDay } from './calendar.js';
import { detectLanguage, writtenInLatin } from './language.js';
import type { Words } from './words.js';

export type { LanguageInfo } from '../config/templates.js';

/** A template's values: text, numbers, or the bot's own words, written out in the same language. */
export type Values = Record<string, string | number | Words>;

const numbered = (lines: string[]): string => lines.map((line, i) => `${i + 1}. ${line}`).join('\n');
const bulleted = (lines: string[]): string => lines.map((line) => `• ${line}`).join('\n');

const ENGLISH: LanguageInfo = { code: 'en', name: 'English', english: 'English', direction: 'ltr' };

/** The values that show the policy's clauses: a rendering that uses one shows the courtesy note. */
const CLAUSE_VALUES = ['guidelinesShort', 'guidelinesFull', 'about', 'expectations', 'inappropriate', 'safeguarding', 'raisingConcerns', 'investigation', 'breachActions'];
/** Templates that quote clauses handed to them as a value (an !ask answer). */
const QUOTING_TEMPLATES = new Set<TemplateKey>(['askAnswer']);

/** The school with its policy in another language, same ids, for anything that quotes clauses. */
function translatedSchool(school: School, translation: PolicyTranslation): School {
  const p = school.policy;
  return {
    ...school,
    policy: {
      ...p,
      title: translation.title,
      about: translation.about,
      guidelines: p.guidelines.map((g) => ({ id: g.id, ...translation.guidelines[g.id]! })),
      expectations: p.expectations.map((e) => ({ id: e.id, text: translation.expectations[e.id]! })),
      inappropriate: p.inappropriate.map((i) => ({ id: i.id, text: translation.inappropriate[i.id]! })),
      safeguarding: translation.safeguarding,
      raisingConcerns: translation.raisingConcerns,
      investigation: translation.investigation,
      breachActions: translation.breachActions,
      decider: translation.decider,
    },
  };
}

/** Intl knows how most languages name months; one it does not gets the English name. */
function localeOf(code: string): string {
  if (code === 'en') return 'en-GB';
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([code]).length ? code : 'en-GB';
  } catch {
    return 'en-GB';
  }
}

/** One language's templates, complete (English fills what a file lacks), and its policy values. */
class Voice {
  readonly common: Record<string, string>;
  /** Templates with no values of their own come out the same every time. */
  readonly rendered = new Map<TemplateKey, string>();
  readonly clauseTemplates: ReadonlySet<TemplateKey>;

  constructor(
    readonly info: LanguageInfo,
    readonly templates: Templates,
    /** The school, its policy in this language (courtesy translation) or the official English. */
    readonly school: School,
    botName: string,
    /** Set when the policy is a translation: every rendering that shows clauses says so. */
    readonly courtesyNote: string | undefined,
  ) {
    const office = school.officePhone
      ? fill(templates.officeClauseWithPhone, { officePhone: school.officePhone })
      : templates.officeClause;
    const policy = school.policy;
    const locale = localeOf(info.code);
    this.common = {
      botName,
      schoolName: school.name,
      schoolShort: school.shortName,
      email: school.email,
      office,
      policyTitle: policy.title,
      policyVersion: policy.version,
      // The config holds ISO days; people read "January 2026", or "جنوری 2026".
      published: formatDay(policy.published, 'month', locale),
      reviewDate: formatDay(policy.reviewDate, 'month', locale),
      reviewDay: formatDay(policy.reviewDate, 'date', locale),
      decider: policy.decider,
      guidelinesShort: numbered(policy.guidelines.map((g) => g.short)),
      guidelinesFull: numbered(policy.guidelines.map((g) => g.text)),
      about: policy.about.join('\n'),
      expectations: bulleted(policy.expectations.map((e) => e.text)),
      inappropriate: bulleted(policy.inappropriate.map((i) => i.text)),
      safeguarding: policy.safeguarding,
      raisingConcerns: fill(policy.raisingConcerns, { email: school.email }),
      investigation: policy.investigation,
      breachActions: bulleted(policy.breachActions),
      // One guideline, quoted alone: {clauseG1} (a private nudge quotes the clause it is about).
      ...Object.fromEntries(policy.guidelines.map((g) => [`clause${g.id}`, g.text])),
    };
    this.clauseTemplates = new Set(
      (Object.keys(templates) as TemplateKey[]).filter(
        (key) =>
          QUOTING_TEMPLATES.has(key) ||
          CLAUSE_VALUES.some((name) => templates[key].includes(`{${name}}`)) ||
          policy.guidelines.some((g) => templates[key].includes(`{clause${g.id}}`)),
      ),
    );
  }

  /** The note on a translated policy, and the isolates a right-to-left language needs. */
  finish(key: TemplateKey, text: string): string {
    const noted = this.courtesyNote && this.clauseTemplates.has(key) ? `${text}\n\n_${this.courtesyNote}_` : text;
    return this.info.direction === 'rtl' ? isolateLeftToRight(noted) : noted;
  }
}

/**
 * The bot's words: templates from config/messages/, one file a language, filled with the school's
 * policy (in a language other than English, the file's courtesy translation of it). Features
 * choose a template; they never write the text themselves, nor choose the language: the context
 * does, from the group's setting or the language a person wrote in.
 */
export class Messages {
  private readonly voices = new Map<string, Voice>();
  private readonly english: Voice;
  /** The languages a group reads until its admins choose (config `bot.languages`). */
  readonly defaults: readonly string[];

  constructor(
    templates: Templates,
    readonly school: School,
    readonly botName: string,
    options: { languages?: readonly LanguageFile[]; defaults?: readonly string[] } = {},
  ) {
    const files = options.languages ?? [];
    const englishInfo = files.find((f) => f.code === 'en')?.info ?? ENGLISH;
    this.english = new Voice(englishInfo, templates, school, botName, undefined);
    this.voices.set('en', this.english);
    for (const file of files) {
      if (file.code === 'en') continue;
      const complete = { ...templates, ...file.templates } as Templates;
      const policySchool = file.policy ? translatedSchool(school, file.policy) : school;
      this.voices.set(file.code, new Voice(file.info, complete, policySchool, botName, file.policy?.courtesyNote));
    }
    const defaults = (options.defaults ?? ['en']).filter((code) => this.voices.has(code));
    this.defaults = defaults.length ? defaults : ['en'];
  }

  /** Every language there is a file for, English first. */
  get languages(): LanguageInfo[] {
    return [...this.voices.values()].map((v) => v.info);
  }

  has(code: string): boolean {
    return this.voices.has(code);
  }

  info(code: string): LanguageInfo | undefined {
    return this.voices.get(code)?.info;
  }

  /** In English: emails to the school, and anything said where no language applies. */
  render(key: TemplateKey, values?: Values): string {
    return this.renderIn('en', key, values);
  }

  /** In this language (English for a code without a file). */
  renderIn(language: string, key: TemplateKey, values?: Values): string {
    const voice = this.voices.get(language) ?? this.english;
    if (values) {
      const filled: Record<string, string | number> = { ...voice.common };
      for (const [name, value] of Object.entries(values)) filled[name] = typeof value === 'function' ? value(voice.info.code) : value;
      return voice.finish(key, fill(voice.templates[key], filled));
    }
    let text = voice.rendered.get(key);
    if (text === undefined) {
      text = voice.finish(key, fill(voice.templates[key], voice.common));
      voice.rendered.set(key, text);
    }
    return text;
  }

  /** A template and its values, to be written out in whichever language the chat reads. */
  words(key: TemplateKey, values?: Values): Words {
    return (language) => this.renderIn(language, key, values);
  }

  /** The parent-run identity that ends every message the bot posts, in English. */
  footer(): string {
    return this.renderIn('en', 'footer');
  }

  footerIn(language: string): string {
    return this.renderIn(language, 'footer');
  }

  /** The school with its policy in this language: the courtesy translation, or the official English. */
  schoolIn(language: string): School {
    return (this.voices.get(language) ?? this.english).school;
  }

  /** The courtesy note of this language's policy translation; undefined where the policy is the official English. */
  courtesyNote(language: string): string | undefined {
    return this.voices.get(language)?.courtesyNote;
  }

  /** The languages a group reads: what its admins chose (those still on file), else the defaults. */
  groupLanguages(group?: { languages?: readonly string[] }): string[] {
    // A record edited by hand may hold anything: only codes with a file count.
    const stored: unknown = group?.languages;
    const chosen = Array.isArray(stored) ? stored.filter((code): code is string => typeof code === 'string' && this.voices.has(code)) : [];
    return chosen.length ? chosen : [...this.defaults];
  }

  /**
   * The one language a person is written to in privately: the language of what they just wrote,
   * when it is recognisable; else their groups' (English, if they wrote in Latin letters and a
   * group of theirs reads English); else the defaults'.
   */
  personLanguage(groups: ReadonlyArray<{ languages?: readonly string[] }>, wrote?: string): string {
    if (this.voices.size === 1) return this.english.info.code;
    const detected = wrote ? detectLanguage(wrote) : undefined;
    if (detected && this.voices.has(detected)) return detected;
    const readable = groups.length ? groups.map((g) => this.groupLanguages(g)) : [[...this.defaults]];
    if (wrote && writtenInLatin(wrote) && readable.some((languages) => languages.includes('en'))) return 'en';
    // The first language of most of their groups; on a tie, of the first of them.
    const counts = new Map<string, number>();
    for (const [first] of readable) counts.set(first!, (counts.get(first!) ?? 0) + 1);
    let best = readable[0]![0]!;
    for (const [code, n] of counts) if (n > counts.get(best)!) best = code;
    return best;
  }
}
