import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { schoolSchema, type School } from '../../src/config/schema.js';
import { policyClauses, type Clause } from '../../src/core/policy.js';
import { rankClauses, retrieveClauses } from '../../src/features/ask-retriever.js';
import { scoreRetriever, type LabelledQuestion } from '../support/scoring.js';

const school: School = schoolSchema.parse(
  JSON.parse(readFileSync(fileURLToPath(new URL('../../config/school.json', import.meta.url)), 'utf8')),
);
const clauses = policyClauses(school);
const IDS = ['G1', 'G2', 'G3', 'G4', 'G5', 'G6', 'E1', 'E2', 'E3', 'E4', 'E5',
  'I1', 'I2', 'I3', 'I4', 'I5', 'I6', 'I7', 'RC', 'SG', 'BA', 'PD'];

const dataPath = fileURLToPath(new URL('../data/ask-questions.jsonl', import.meta.url));
function loadSamples(): LabelledQuestion[] {
  return readFileSync(dataPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parsed = JSON.parse(line) as { question?: unknown; expected?: unknown };
      if (typeof parsed.question !== 'string' || !Array.isArray(parsed.expected) ||
        !parsed.expected.every((e): e is string => typeof e === 'string')) throw new Error(`bad sample: ${line}`);
      return { question: parsed.question, expected: parsed.expected };
    });
}

const ids = (question: string, limit?: number) => retrieveClauses(question, clauses, limit).map((r) => r.clause.id);

describe('ask retriever: clauses', () => {
  it('lists every clause once, with stable ids and kinds, in policy order', () => {
    expect(clauses.map((c) => c.id)).toEqual(IDS);
    const kinds = Object.fromEntries(clauses.map((c) => [c.id, c.kind]));
    expect(kinds).toMatchObject({ G1: 'guideline', E1: 'expectation', I1: 'inappropriate', RC: 'concerns',
      SG: 'safeguarding', BA: 'breach', PD: 'decider' });
  });

  it('quotes the school data verbatim', () => {
    const byId = new Map(clauses.map((c) => [c.id, c.text]));
    for (const g of school.policy.guidelines) expect(byId.get(g.id)).toBe(g.text);
    for (const e of school.policy.expectations) expect(byId.get(e.id)).toBe(e.text);
    for (const i of school.policy.inappropriate) expect(byId.get(i.id)).toBe(i.text);
    expect(byId.get('SG')).toBe(school.policy.safeguarding);
    expect(byId.get('RC')).toBe(
      'If you are concerned about inappropriate comments on a WhatsApp group, please contact the school by emailing ' +
      'school@imai.org.uk or calling the school office.');
    const ba = byId.get('BA') ?? '';
    expect(ba.startsWith(school.policy.investigation)).toBe(true);
    expect(ba).toContain('Breach of this policy will result in the school taking appropriate action which could include:');
    for (const action of school.policy.breachActions) expect(ba).toContain(`• ${action}`);
    expect(byId.get('PD')).toBe('The final decision for how to respond to breaches of the code of conduct rests with the Principal.');
  });

  it('fills the email without reading it as a replacement pattern', () => {
    const odd = { ...school, email: "o'$&$1@example.org" };
    const rc = policyClauses(odd).find((c) => c.id === 'RC');
    expect(rc?.text).toContain("emailing o'$&$1@example.org or");
    expect(rc?.text).not.toContain('{email}');
  });
});

describe('ask retriever: named examples', () => {
  it.each([
    ['can I invite my sister?', 'G6'],
    ['Is it ok to add my husband to the group?', 'G6'],
    ['is it ok to post about the election?', 'G2'],
    ['someone is being mean to my son in the group, what do I do?', 'G5'],
    ['is swearing allowed in the group?', 'I2'],
    ['Can I message a parent privately instead of in the group', 'G3'],
    ['how do I report an inappropriate comment in the group?', 'RC'],
    ['I think a child might be in danger, what should I do?', 'SG'],
    ['can a parent be banned from the school site for what they post?', 'BA'],
    ['who has the final say on breaches', 'PD'],
    ['Salaam sisters, can we use the group to complain about the new maths teacher?', 'G1'],
    ['can i invte my cousin 2 the grp', 'G6'],
    ['IS IT OK 2 POST ABT POLITICS???', 'G2'],
    ['Assalamu alaikum, is bulying reported to the school? 🙏', 'G5'],
  ])('answers %j with %s first', (question, id) => {
    const got = retrieveClauses(question, clauses);
    expect(got[0]?.clause.id).toBe(id);
    expect(got[0]?.score).toBeGreaterThan(0);
    expect(got[0]?.matched.length).toBeGreaterThan(0);
    // Best first.
    for (let i = 1; i < got.length; i++) expect(got[i]!.score).toBeLessThanOrEqual(got[i - 1]!.score);
  });

  it.each([
    'what time is pickup?',
    'Does anyone know when the uniform shop is open?',
    'wheres the lost property box',
    'Has anyone seen a blue water bottle? lost property',
    'When is the next INSET day?',
    'Salaam, what time does Jummah finish on Friday?',
    'Thank you so much everyone 😊',
  ])('answers nothing for %j', (question) => {
    expect(retrieveClauses(question, clauses)).toEqual([]);
  });

  it('respects the limit and returns the same answer for the same question', () => {
    const q = 'someone swore at me and threatened my son, who do I tell?';
    expect(ids(q, 1)).toHaveLength(1);
    expect(ids(q, 5).length).toBeLessThanOrEqual(5);
    expect(ids(q, 0)).toEqual([]);
    expect(ids(q, -3)).toEqual([]);
    expect(ids(q, Number.NaN)).toEqual(ids(q));
    expect(ids(q)).toEqual(ids(q));
    expect(ids(q, 2)).toEqual(ids(q).slice(0, 2));
  });

  it('works on any clause list, not only the full policy', () => {
    const subset: Clause[] = clauses.filter((c) => c.id === 'G2' || c.id === 'G6');
    expect(retrieveClauses('can I invite my sister?', subset).map((r) => r.clause.id)).toEqual(['G6']);
    expect(retrieveClauses('can I invite my sister?', [])).toEqual([]);
  });
});

describe('ask retriever: hostile input', () => {
  const cases: Array<[string, unknown]> = [
    ['empty', ''],
    ['whitespace', ' \n\t '],
    ['200 KB of letters', 'a'.repeat(200_000)],
    ['200 KB of distinct words', Array.from({ length: 40_000 }, (_, i) => `w${i.toString(36)}x`).join(' ')],
    ['lone surrogates', '\uD800\uDC00\uD800 \uDFFF abc \uDBFF'],
    ['RTL and bidi controls', '\u202E\u200F مَعَهْدُ الْإِمَامِ مُحَمَّدٍ \u2066\u2069 שלום'],
    ['emoji flood', '😂🤣'.repeat(50_000)],
    ['zalgo', 'c\u0301\u0302\u0303\u0304'.repeat(20_000)],
    ['NFKC expanders', '\uFDFA'.repeat(10_000)],
    ['control characters', '\u0000\u0001\u0007\u001B[31m'],
    ['prototype keys', '__proto__ constructor prototype hasOwnProperty toString'],
    ['null', null],
    ['undefined', undefined],
    ['number', 42],
    ['object', { toString: () => { throw new Error('boom'); } }],
  ];

  // The ranking itself, not the safety net around it: a bug here would fail, not come back empty.
  it.each(cases)('returns nothing, without relying on the safety net: %s', (_name, input) => {
    expect(rankClauses(input as string, clauses, 3)).toEqual([]);
    expect(retrieveClauses(input as string, clauses)).toEqual([]);
  });

  it('only reads the start of a long message', () => {
    // The question is past the first 500 characters, so it is not seen.
    expect(retrieveClauses(`${'hello '.repeat(200)} is swearing allowed?`, clauses)).toEqual([]);
    expect(ids(`is swearing allowed? ${'hello '.repeat(30_000)}`)[0]).toBe('I2');
  });

  it('answers nothing from broken clause lists, without relying on the safety net', () => {
    expect(rankClauses('swearing', null as unknown as Clause[], 3)).toEqual([]);
    const broken = [{ id: 'X', kind: 'guideline', text: null }] as unknown as Clause[];
    expect(rankClauses('swearing', broken, 3)).toEqual([]);
  });
});

describe('ask retriever: labelled set', () => {
  const samples = loadSamples();

  it('is a varied set that covers every clause at least twice', () => {
    expect(samples.length).toBeGreaterThanOrEqual(70);
    expect(new Set(samples.map((s) => s.question)).size).toBe(samples.length);
    expect(samples.filter((s) => s.expected.length === 0).length).toBeGreaterThanOrEqual(8);
    for (const id of IDS) expect(samples.filter((s) => s.expected.includes(id)).length).toBeGreaterThanOrEqual(2);
    for (const s of samples) for (const id of s.expected) expect(IDS).toContain(id);
  });

  it('reaches top1 >= 0.7, top3 >= 0.9 and noneCorrect >= 0.75', () => {
    const result = scoreRetriever(samples, clauses);
    const misses = samples.flatMap((s) => {
      const got = ids(s.question);
      if (s.expected.length === 0) return got.length === 0 ? [] : [`NONE got [${got.join(',')}]: ${s.question}`];
      if (got[0] !== undefined && s.expected.includes(got[0])) return [];
      const tag = got.some((id) => s.expected.includes(id)) ? 'TOP3' : 'MISS';
      return [`${tag} want [${s.expected.join(',')}] got [${got.join(',')}]: ${s.question}`];
    });
    console.log(`ask retriever: top1=${result.top1.toFixed(3)} top3=${result.top3.toFixed(3)} ` +
      `noneCorrect=${result.noneCorrect.toFixed(3)} count=${result.count}` +
      (misses.length > 0 ? `\n  ${misses.join('\n  ')}` : ''));
    expect(result.count).toBe(samples.length);
    expect(result.top1).toBeGreaterThanOrEqual(0.7);
    expect(result.top3).toBeGreaterThanOrEqual(0.9);
    expect(result.noneCorrect).toBeGreaterThanOrEqual(0.75);
  });

  it('scores an empty or one-sided sample as 0, never as a pass', () => {
    expect(scoreRetriever([], clauses)).toEqual({ top1: 0, top3: 0, noneCorrect: 0, count: 0 });
    expect(scoreRetriever([{ question: 'what time is pickup?', expected: [] }], clauses).top1).toBe(0);
  });
});
