import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig, projectRoot } from '../../src/config/load.js';
import { matchConcern } from '../../src/features/concern-matcher.js';
import { concernLanguages, understandConcern } from '../../src/features/concern-words.js';
import { foldWords, LanguageWords, PhraseList } from '../../src/features/language-words.js';
import { CONCERN_BIAS, CONCERN_WEIGHTS } from '../../src/features/concern-weights.js';
import { concernSamplesOf, trainConcerns, TRAINING_PARTS } from '../support/train-concerns.js';

// The shipped messages files, as the bot loads them at start.
const loaded = loadConfig({});
const understanding = concernLanguages(loaded.languages);
const words = new LanguageWords(loaded.languages);
const understand = (text: string) => understandConcern(text, understanding, matchConcern(text));

const LANGUAGES = ['ur', 'ar', 'bn', 'so'] as const;

interface Labelled { text: string; concern: boolean; language: string; form: string }
function labelled(file: string): Labelled[] {
  const at = fileURLToPath(new URL(`../data/${file}`, import.meta.url));
  return readFileSync(at, 'utf8').split('\n').filter((line) => line.trim()).map((line) => {
    const row = JSON.parse(line) as Partial<Labelled>;
    if (typeof row.text !== 'string' || typeof row.concern !== 'boolean' || typeof row.language !== 'string') throw new Error(`bad row in ${file}: ${line}`);
    return row as Labelled;
  });
}

/** Precision and recall of the bot's verdict on a labelled set, with what it got wrong (for the log). */
function score(rows: Labelled[]): { precision: number; recall: number; wrong: string[] } {
  let tp = 0, fp = 0, fn = 0;
  const wrong: string[] = [];
  for (const row of rows) {
    const said = understand(row.text).isConcern;
    if (said && row.concern) tp++;
    else if (said) { fp++; wrong.push(`FP ${row.form}: ${row.text}`); }
    else if (row.concern) { fn++; wrong.push(`FN ${row.form}: ${row.text}`); }
  }
  // Nothing to divide by is 0, so an empty or one-sided set never passes by accident.
  return { precision: tp + fp ? tp / (tp + fp) : 0, recall: tp + fn ? tp / (tp + fn) : 0, wrong };
}

describe('concern questions in the parents\' languages: the parts the words were tuned on and the score trained on', () => {
  // "second" to "sixth" were each a blind held-out part, measured once, spent, then tuned and trained
  // on (second recall ur 0.825, ar 0.625, bn 0.625, so 0.800 and third ur 0.675, ar 0.750, bn 0.725,
  // so 0.675, with the lists alone, precision 1; fourth, lists and score: precision ur 0.927, ar
  // 1.000, bn 0.974, so 0.907, recall ur 0.950, ar 0.875, bn 0.925, so 0.975; fifth, after the first
  // negatives: precision 0.975 / 1.000 / 0.976 / 0.974, recall 0.975 / 0.950 / 1.000 / 0.925; sixth:
  // precision 1.000 / 1.000 / 0.974 / 1.000, recall 0.875 / 0.925 / 0.950 / 0.925; "ninth", 80
  // questions and 120 chatter lines: precision 0.986 / 1.000 / 0.958 / 1.000, recall 0.875 / 0.863 /
  // 0.850 / 0.925; "eleventh", the same size: precision 1.000 / 0.986 / 0.963 / 1.000, recall 0.963 /
  // 0.887 / 0.963 / 0.938). "seventh", "eighth", "tenth" and "twelfth" were written for training, to
  // widen the wording (eighth: 60 questions and 60 chatter lines, many sentence shapes; tenth: 100
  // and 100, many voices; twelfth: "whom do I speak to" about ordinary matters, 120 lines, beside 40
  // about concerns);
  // the "negatives" parts are chatter only, written to look like a concern question. Lines that a
  // later blind part happened to share word for word (short chatter, greetings; one short question)
  // were taken out of the training parts, but for one Somali chatter line left in `tune`.
  // Leave-one-out figures are in test/support/train-concerns.ts.
  const BLIND_ONCE = ['tune', 'second', 'third', 'fourth', 'fifth', 'sixth'];
  const QUESTION_PARTS = TRAINING_PARTS.filter((part) => !part.startsWith('negatives'));
  const NEGATIVE_PARTS = TRAINING_PARTS.filter((part) => part.startsWith('negatives'));
  const parts = LANGUAGES.flatMap((code) => QUESTION_PARTS.map((part) => [code, part] as const));
  const blindParts = LANGUAGES.flatMap((code) => BLIND_ONCE.map((part) => [code, part] as const));
  const negativeParts = LANGUAGES.flatMap((code) => NEGATIVE_PARTS.map((part) => [code, part] as const));

  it.each(blindParts)('%s %s: 40 concern phrasings and 60 chatter lines, each in its language', (code, part) => {
    const rows = labelled(`concern-${code}-${part}.jsonl`);
    expect(rows.filter((r) => r.concern)).toHaveLength(40);
    // Less a chatter line that a later blind part shares word for word (one, in Bengali's third).
    expect(rows.filter((r) => !r.concern).length).toBeGreaterThanOrEqual(59);
    expect(rows.filter((r) => !r.concern).length).toBeLessThanOrEqual(60);
    expect(rows.every((r) => r.language === code)).toBe(true);
  });

  it.each(parts)('%s %s: both kinds of line, each in its language', (code, part) => {
    const rows = labelled(`concern-${code}-${part}.jsonl`);
    expect(rows.filter((r) => r.concern).length).toBeGreaterThanOrEqual(39);
    expect(rows.filter((r) => !r.concern).length).toBeGreaterThanOrEqual(58);
    expect(rows.every((r) => r.language === code)).toBe(true);
  });

  // A score regularised to generalise does not learn every line it was trained on: it answers a
  // chatter line or so in some parts (in Somali's twelfth, 40 questions, one is 0.976) and misses a
  // few Bengali questions in the tenth. The floor is what every part reaches, not the best part.
  it.each(parts)('%s %s: precision >= 0.97 and recall >= 0.93', (code, part) => {
    const result = score(labelled(`concern-${code}-${part}.jsonl`));
    if (result.wrong.length) console.log(`${code} ${part}:\n  ${result.wrong.join('\n  ')}`);
    expect(result.precision).toBeGreaterThanOrEqual(0.97);
    expect(result.recall).toBeGreaterThanOrEqual(0.93);
  });

  it.each(negativeParts)('%s %s: 80 or more chatter lines that name the school, the office or a problem, none answered', (code, part) => {
    const rows = labelled(`concern-${code}-${part}.jsonl`);
    expect(rows.length).toBeGreaterThanOrEqual(80);
    expect(rows.every((r) => !r.concern && r.language === code)).toBe(true);
    expect(rows.filter((r) => understand(r.text).isConcern).map((r) => r.text)).toEqual([]);
  });

  it('scores with exactly the weights that training on those parts gives (none edited by hand)', () => {
    const model = trainConcerns(concernSamplesOf(TRAINING_PARTS));
    expect(model.bias).toBe(CONCERN_BIAS);
    expect(model.weights).toEqual(CONCERN_WEIGHTS);
  });
});

describe('concern questions in the parents\' languages: the held-out part, never tuned or trained on', () => {
  // Written blind (80 questions and 120 chatter lines per language, half of the chatter hard cases),
  // after every training part was written; neither the words nor the score ever saw it. The goal
  // is recall >= 0.9 and precision >= 0.98 in each language. Measured once, on 2026-12-01, with the
  // score trained on the fourteen parts above and Bengali and Arabic in Roman letters recognised:
  // precision ur 0.988 (one chatter line answered), ar 1.000, bn 1.000, so 1.000; recall ur 1.000,
  // ar 0.950, bn 0.900 (72 of 80: at the goal, no further), so 0.938. The two blind parts before it,
  // each measured once and then trained on (`ninth`, `eleventh`): precision 0.986 / 1.000 / 0.958 /
  // 1.000 and 1.000 / 0.986 / 0.963 / 1.000; recall 0.875 / 0.863 / 0.850 / 0.925 and 0.963 / 0.887
  // / 0.963 / 0.938. The floors are the figures less rounding, so a change that loses ground fails.
  const FLOORS: Record<(typeof LANGUAGES)[number], { precision: number; recall: number }> = {
    ur: { precision: 0.98, recall: 0.99 },
    ar: { precision: 0.99, recall: 0.95 },
    bn: { precision: 0.99, recall: 0.9 },
    so: { precision: 0.99, recall: 0.93 },
  };
  const heldOut = (code: string) => fileURLToPath(new URL(`../data/concern-${code}-held-out.jsonl`, import.meta.url));
  const written = LANGUAGES.filter((code) => existsSync(heldOut(code)));
  const unwritten = LANGUAGES.filter((code) => !written.includes(code));

  if (unwritten.length) it.skip.each(unwritten)('%s: no held-out part written yet', () => {});
  if (written.length) {
    it.each(written)('%s: 80 concern phrasings and 120 chatter lines', (code) => {
      const rows = labelled(`concern-${code}-held-out.jsonl`);
      expect([rows.filter((r) => r.concern).length, rows.filter((r) => !r.concern).length]).toEqual([80, 120]);
    });

    it.each(written)('%s: precision and recall no lower than measured', (code) => {
      // The rows are not printed: looking at them would be tuning on them.
      const { precision, recall } = score(labelled(`concern-${code}-held-out.jsonl`));
      console.log(`${code} held-out part: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`);
      expect(precision).toBeGreaterThanOrEqual(FLOORS[code].precision);
      expect(recall).toBeGreaterThanOrEqual(FLOORS[code].recall);
    });
  }
});

describe('concern questions in the parents\' languages: named examples', () => {
  it.each([
    ['shikayat kaise karein school mein?', 'ur'],
    ['Mere bete ko teacher unfairly treat kar rahi hai, who should I speak to?', 'ur'],
    ['concern raise karna hai, kis ko email karun?', 'ur'],
    ['میرے بچے کو دوسرے بچے مارتے ہیں، سکول میں کس کو رپورٹ کروں؟', 'ur'],
    ['كيف أقدم شكوى رسمية للمدرسة؟', 'ar'],
    ['ابي اشتكي على المدرسة، لمين اكلم؟', 'ar'],
    ['স্কুলে অভিযোগ কীভাবে করব?', 'bn'],
    ['Bullying report korbo kivabe school ke? right person ke?', 'bn'],
    ['Sidee baan dugsiga cabasho ugu gudbin karaa?', 'so'],
    ['Concern ayaan qabaa, yaan la hadlaa?', 'so'],
    // Bengali and Arabic in Roman letters are recognised as such, so the score reads them.
    ['Safeguarding concern ache ekta. DSL ke contact korar email ta ki keu share korben please', 'bn'],
    ['wesh el email mal el shakawa?', 'ar'],
  ])('recognises %j as asked in %s', (text, language) => {
    expect(understand(text)).toMatchObject({ isConcern: true, language });
  });

  it.each([
    // Trouble without anyone at the school to take it to, and a tutor is not the school.
    'bachon ko maths mein masla aa raha hai, koi tuition bata sakta hai?',
    'ابني عنده مشكلة بالرياضيات، حد بيعرف مدرس خصوصي؟',
    'Wiilkaygu xisaabta dhib ayuu ka qabaa, qof ma yaqaan macallin gaar ah?',
    // Someone else's complaint, a joke, none at all. The first is the English matcher's "complain
    // ... can anyone" in a Bengali message: there the score may overrule it, as it does the lists.
    'Teacher complain করলেন আমার ছেলে class এ খুব distracted থাকে, কেউ কোনো tips দিতে পারবেন?',
    'استاد صاحب نے شکایت کی ہے کہ بیٹا کلاس میں بہت باتیں کرتا ہے',
    'زوجي دايماً يشتكي إني أطبخ أكل كثير 😅',
    'আমার মেয়ের টিচার খুব ভালো মাশাআল্লাহ, কোনো অভিযোগ নেই',
    'Macallimadda gabadhayda aad bay u fiican tahay, cabasho ma qabo',
    // Asking whom or where, about the trip, the form, an absence.
    'kis ko jaana hai kal trip pe?',
    'لمين أقول إنو بنتي مريضة اليوم؟',
    'কাল ট্রিপে কোথায় যাব?',
    'Foomka xagee loo diraa?',
    'Yaa la hadlay macallinka?',
  ])('stays silent on %j', (text) => {
    expect(understand(text).isConcern).toBe(false);
  });

  it('gives every English phrasing of the English set the English matcher\'s verdict, in no other language', () => {
    const english = readFileSync(fileURLToPath(new URL('../data/concern-phrasings.jsonl', import.meta.url)), 'utf8')
      .split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { text: string }).text);
    const changed = english.filter((text) => understand(text).isConcern !== matchConcern(text).isConcern);
    expect(changed).toEqual([]);
    const elsewhere = english.filter((text) => understand(text).isConcern && understand(text).language !== undefined);
    expect(elsewhere).toEqual([]);
    // The learnt score never weighs English: it was trained on the four languages only.
    expect(english.filter((text) => understand(text).score !== undefined)).toEqual([]);
  });

  it('gives the score its say only on a message written in one of the four languages', () => {
    expect(understand('Where do I pick up the uniform order form?').score).toBeUndefined();
    const urdu = understand('سکول میں شکایت کیسے درج کروائیں؟');
    expect(urdu.score).toBeGreaterThan(0.9);
    expect(urdu).toMatchObject({ isConcern: true, language: 'ur' });
    expect(understand('کل سکول میں چھٹی ہے؟').score).toBeLessThan(0.5);
  });

  it('explains itself with signal names, never the message\'s words', () => {
    const { reasons } = understand('Ayesha ki shikayat kaise karein?');
    expect(reasons).toEqual(expect.arrayContaining(['ur:asking', 'ur:topic']));
    expect(reasons.join(' ')).not.toMatch(/ayesha|shikayat/i);
  });

  it('never throws, and says nothing, on what is not a question at all', () => {
    for (const text of ['', '   ', '؟؟؟', 'ا'.repeat(5000), 'kis '.repeat(2000), '__proto__ constructor kis se baat', '\uD800 shikayat kaise']) {
      expect(() => understand(text)).not.toThrow();
    }
    expect(understand('ا'.repeat(5000)).isConcern).toBe(false);
    expect(understand('__proto__ constructor').isConcern).toBe(false);
  });
});

describe('words as the lists see them', () => {
  it('folds the ways one word is typed into one: Urdu and Arabic letters, short vowels, hamza, accents, case', () => {
    expect(foldWords('شکایت کیسے')).toEqual(foldWords('شكايت كيسے'));
    expect(foldWords('أَبْلِغُ إدارة')).toEqual(foldWords('ابلغ اداره'));
    expect(foldWords('Shikaaaayat KAISE')).toEqual(['shikaayat', 'kaise']);
    expect(foldWords("daant'ti, go'aanka")).toEqual(['daantti', 'goaanka']);
    // Bengali keeps its vowel signs: they are letters of the word, not accents.
    expect(foldWords('অভিযোগ কীভাবে')).toEqual(['অভিযোগ', 'কীভাবে']);
  });

  it('matches whole words, beginnings (x*), endings (*x), insides (*x*) and gaps of up to two words (...)', () => {
    const list = new PhraseList(['kis se baat', 'shikayat*', '*شكوى', '*تنمر*', 'لمين ... احكي']);
    expect(list.find(foldWords('kis se baat karun'))).toBe('kis se baat');
    expect(list.find(foldWords('kis baat'))).toBeUndefined();
    expect(list.find(foldWords('shikayatein'))).toBe('shikayat*');
    expect(list.find(foldWords('للشكوى'))).toBe('*شكوى');
    expect(list.find(foldWords('يتنمرون'))).toBe('*تنمر*');
    expect(list.find(foldWords('لمين احكي'))).toBe('لمين ... احكي');
    expect(list.find(foldWords('لمين لازم احكي'))).toBe('لمين ... احكي');
    expect(list.find(foldWords('لمين بدي لازم احكي'))).toBe('لمين ... احكي');
    expect(list.find(foldWords('لمين بدي لازم هلق احكي'))).toBeUndefined();
  });

  it('tells the language of Roman Urdu, Banglish and Somali by its own words, and English as none', () => {
    expect(words.languageOf('kya main apne shohar ko group mein add kar sakti hoon?')).toBe('ur');
    expect(words.languageOf('ami ki amar shami ke group e add korte pari?')).toBe('bn');
    expect(words.languageOf('Ninkayga ma ku dari karaa group-ka?')).toBe('so');
    expect(words.languageOf('Can I add my husband to the group? Who do I talk to?')).toBeUndefined();
  });
});

describe('a messages file\'s _understand is checked at start', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'steward-understand-'));
    cpSync(path.join(projectRoot, 'config'), path.join(root, 'config'), { recursive: true });
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  async function changeSomali(change: (understand: { concern: Record<string, unknown> }) => void): Promise<string> {
    const file = path.join(root, 'config', 'messages', 'so.json');
    const data = JSON.parse(await readFile(file, 'utf8')) as { _understand: { concern: Record<string, unknown> } };
    change(data._understand);
    await writeFile(file, JSON.stringify(data));
    try {
      loadConfig({}, root);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('loadConfig accepted words it should refuse');
  }

  it('refuses a regular expression, naming the file, the list and the entry', async () => {
    const message = await changeSomali((u) => ((u.concern.asking as string[])[0] = 'sid(ee|een)+'));
    expect(message).toContain('config/messages/so.json: "_understand.concern.asking.0" "sid(ee|een)+" is not a word or phrase');
  });

  it('refuses a * on a word too short to carry it, a gap at an end, and an unknown list', async () => {
    expect(await changeSomali((u) => ((u.concern.topic as string[])[0] = 'c*'))).toContain('"c*" is too short to carry a *');
    expect(await changeSomali((u) => ((u.concern.direct as string[])[0] = '... yaan'))).toContain('has ... at its start or end');
    expect(await changeSomali((u) => (u.concern.askng = ['sidee']))).toMatch(/unknown key "_understand\.concern\.askng"/);
  });

  it('refuses a list long enough to be a paste gone wrong', async () => {
    const message = await changeSomali((u) => (u.concern.topic = Array.from({ length: 401 }, (_, i) => `erey${String.fromCharCode(97 + (i % 26))}${i}`)));
    expect(message).toContain('"_understand.concern.topic" may hold 400 entries at most');
  });
});
