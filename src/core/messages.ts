import type { School } from '../config/schema.js';
import { fill, type TemplateKey, type Templates } from '../config/templates.js';

const numbered = (lines: string[]): string => lines.map((line, i) => `${i + 1}. ${line}`).join('\n');
const bulleted = (lines: string[]): string => lines.map((line) => `• ${line}`).join('\n');

/**
 * The bot's words: templates from config/ filled with the school's policy. Features choose a
 * template; they never write the text themselves.
 */
export class Messages {
  private readonly common: Record<string, string>;
  /** Templates with no values of their own come out the same every time. */
  private readonly rendered = new Map<TemplateKey, string>();

  constructor(
    private readonly templates: Templates,
    readonly school: School,
    readonly botName: string,
  ) {
    const office = school.officePhone
      ? fill(templates.officeClauseWithPhone, { officePhone: school.officePhone })
      : templates.officeClause;
    const policy = school.policy;
    this.common = {
      botName,
      schoolName: school.name,
      schoolShort: school.shortName,
      email: school.email,
      office,
      policyTitle: policy.title,
      published: policy.published,
      reviewDate: policy.reviewDate,
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
    };
  }

  render(key: TemplateKey, values?: Record<string, string | number>): string {
    if (values) return fill(this.templates[key], { ...this.common, ...values });
    let text = this.rendered.get(key);
    if (text === undefined) {
      text = fill(this.templates[key], this.common);
      this.rendered.set(key, text);
    }
    return text;
  }

  /** The parent-run identity that ends every message the bot posts in a group. */
  footer(): string {
    return this.render('footer');
  }
}
