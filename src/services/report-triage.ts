import { z } from 'zod';
import type { School } from '../config/schema.js';
import type { Report } from '../core/report.js';
import { redact, type LanguageModel } from '../core/model.js';
import { policyClauses } from '../core/policy.js';
import type { ModelTriage } from './reports.js';

// A summary is for the school to read, never something to act on: links, addresses and
// anything shaped like an instruction to contact someone are refused whole.
const unsafeSummary = /https?:|www\.|[\w.+-]+@[\w-]+\.|\b(e-?mail|forward|send|contact)\b.*\b(to|this)\b/i;

/**
 * The model's first read of a report: which clause it may concern and a neutral summary of at most
 * 300 characters. Its answer only labels the email; the verbatim message stays above it, and
 * nothing it says changes what is sent or to whom.
 */
export function modelTriage(model: LanguageModel, school: School): (report: Report) => Promise<ModelTriage | undefined> {
  const clauses = policyClauses(school);
  const labels = new Map<string, string>();
  school.policy.guidelines.forEach((g, i) => labels.set(g.id, `group guideline ${i + 1}: "${g.text}"`));
  for (const a of school.policy.inappropriate) labels.set(a.id, `inappropriate online activity: "${a.text}"`);
  const ids: [string, ...string[]] = ['none', ...labels.keys()];
  const answer = z.strictObject({ clauseId: z.enum(ids), summary: z.string().max(300) });

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
    const triage: ModelTriage = {};
    if (picked.clauseId !== 'none') triage.category = labels.get(picked.clauseId);
    // One plain line: it cannot lay itself out like another reported message, and carries no numbers.
    const summary = redact(picked.summary.replace(/\s+/g, ' ').replace(/-{3,}/g, '-').trim());
    if (summary && !unsafeSummary.test(summary) && !/\bverbatim\b/i.test(summary)) triage.summary = summary;
    return triage;
  };
}
