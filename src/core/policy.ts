import type { School } from '../config/schema.js';

export interface Clause {
  id: string;
  kind: 'guideline' | 'expectation' | 'inappropriate' | 'concerns' | 'safeguarding' | 'breach' | 'decider';
  text: string;
}

// The school data holds the breach actions as bare list items and the decider as a bare name; the
// two sentences that frame them are the policy document's own wording, so the quote stays faithful.
const BREACH_LEAD = 'Breach of this policy will result in the school taking appropriate action which could include:';
const DECIDER_FRAME = 'The final decision for how to respond to breaches of the code of conduct rests with {decider}.';

/** Every clause a question can be answered with, in policy order, with stable ids. */
export function policyClauses(school: School): Clause[] {
  const p = school.policy;
  // A function replacement, so a `$` in an address is never read as a replacement pattern.
  const fillEmail = (s: string) => s.replace(/\{email\}/g, () => school.email);
  return [
    ...p.guidelines.map((g): Clause => ({ id: g.id, kind: 'guideline', text: g.text })),
    ...p.expectations.map((e): Clause => ({ id: e.id, kind: 'expectation', text: e.text })),
    ...p.inappropriate.map((i): Clause => ({ id: i.id, kind: 'inappropriate', text: i.text })),
    { id: 'RC', kind: 'concerns', text: fillEmail(p.raisingConcerns) },
    { id: 'SG', kind: 'safeguarding', text: p.safeguarding },
    // The investigation sentence is what the school does once a breach is suspected, so it opens
    // the breach clause: "what happens if someone breaks the rules" is answered by both together.
    {
      id: 'BA',
      kind: 'breach',
      text: `${p.investigation}\n${BREACH_LEAD}\n${p.breachActions.map((a) => `• ${a}`).join('\n')}`,
    },
    { id: 'PD', kind: 'decider', text: DECIDER_FRAME.replace('{decider}', () => p.decider) },
  ];
}
