import { z } from 'zod';
import type { School } from '../config/schema.js';
import type { Report } from '../core/report.js';
import type { LanguageModel } from '../core/model.js';
import { redact } from '../core/redact.js';
import { policyClauses } from '../core/policy.js';
import type { ModelTriage } from './reports.js';

/**
 * The model's first read of a report: which clause it may concern, as one id from a closed list.
 * The label the email carries is the bot's own words for that clause: nothing the model writes
 * reaches the school, and an answer with anything more than the id is not used at all.
 */
export function modelTriage(model: LanguageModel, school: School): (report: Report) => Promise<ModelTriage | undefined> {
  const clauses = policyClauses(school);
  const labels = new Map<string, string>();
  school.policy.guidelines.forEach((g, i) => labels.set(g.id, `group guideline ${i + 1}: "${g.text}"`));
  for (const a of school.policy.inappropriate) labels.set(a.id, `inappropriate online activity: "${a.text}"`);
  const ids: [string, ...string[]] = ['none', ...labels.keys()];
  const answer = z.strictObject({ clauseId: z.enum(ids) });

  return async (report) => {
    const names = [report.reporter.name, ...report.messages.map((m) => m.authorName)];
    const picked = await model.ask(
      'triage',
      {
        messages: report.messages.map((m) => redact(m.text, names)),
        reason: redact(report.reason ?? '', names),
        notes: report.notes.map((n) => redact(n, names)),
        clauses: clauses.filter((c) => labels.has(c.id)).map(({ id, text }) => ({ id, text })),
      },
      answer,
    );
    if (!picked) return undefined;
    return picked.clauseId === 'none' ? {} : { category: labels.get(picked.clauseId) };
  };
}
