import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig, projectRoot } from '../../src/config/load.js';
import { placeholdersOf, templateKeys } from '../../src/config/templates.js';

const MESSAGES = path.join(projectRoot, 'config', 'messages');
const shipped = readdirSync(MESSAGES).filter((f) => f.endsWith('.json') && f !== 'en.json').sort();
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
const english = readJson(path.join(MESSAGES, 'en.json')) as Record<string, string>;
const school = readJson(path.join(projectRoot, 'config', 'school.json')) as {
  email: string;
  policy: { guidelines: Array<{ id: string }>; expectations: Array<{ id: string }>; inappropriate: Array<{ id: string }>; breachActions: string[] };
};

describe('the shipped languages', () => {
  it('include Urdu besides English', () => {
    expect(shipped).toContain('ur.json');
  });

  it.each(shipped)('%s has every message of English, with exactly its placeholders', (file) => {
    const translated = readJson(path.join(MESSAGES, file));
    const templates = Object.keys(translated).filter((key) => !key.startsWith('_'));
    expect(templates.sort()).toEqual([...templateKeys].sort());
    for (const key of templateKeys) {
      expect([key, placeholdersOf(translated[key] as string)]).toEqual([key, placeholdersOf(english[key]!)]);
    }
  });

  it.each(shipped)('%s says what language it is, and translates the whole policy, ids as in school.json', (file) => {
    const { _language: language, _policy: policy } = readJson(path.join(MESSAGES, file)) as {
      _language: { name: string; english: string; direction: string };
      _policy: Record<string, unknown> & { guidelines: object; expectations: object; inappropriate: object; breachActions: unknown[]; raisingConcerns: string };
    };
    expect(language.name.trim()).not.toBe('');
    expect(['ltr', 'rtl']).toContain(language.direction);
    expect(typeof policy.courtesyNote).toBe('string');
    expect(Object.keys(policy.guidelines).sort()).toEqual(school.policy.guidelines.map((g) => g.id).sort());
    expect(Object.keys(policy.expectations).sort()).toEqual(school.policy.expectations.map((e) => e.id).sort());
    expect(Object.keys(policy.inappropriate).sort()).toEqual(school.policy.inappropriate.map((i) => i.id).sort());
    expect(policy.breachActions).toHaveLength(school.policy.breachActions.length);
    expect(placeholdersOf(policy.raisingConcerns)).toEqual(['email']);
  });

  it('load at start, English first, each complete and with its courtesy translation of the policy', () => {
    const { languages, config } = loadConfig({});
    expect(languages[0]!.code).toBe('en');
    expect(languages.map((l) => `${l.code}.json`).slice(1).sort()).toEqual(shipped);
    for (const language of languages) expect([language.code, language.missing]).toEqual([language.code, []]);
    expect(languages.find((l) => l.code === 'ur')).toMatchObject({ info: { name: 'اردو', english: 'Urdu', direction: 'rtl' } });
    expect(languages.find((l) => l.code === 'ur')!.policy!.decider).toBe('پرنسپل');
    expect(config.bot.languages).toEqual(['en']);
  });
});

describe('a messages file that cannot be used stops the start, naming the file and the key', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'steward-languages-'));
    cpSync(path.join(projectRoot, 'config'), path.join(root, 'config'), { recursive: true });
  });
  afterEach(async () => rm(root, { recursive: true, force: true }));

  const urdu = () => path.join(root, 'config', 'messages', 'ur.json');
  async function changeUrdu(change: (data: Record<string, unknown>) => void): Promise<void> {
    const data = JSON.parse(await readFile(urdu(), 'utf8')) as Record<string, unknown>;
    change(data);
    await writeFile(urdu(), JSON.stringify(data));
  }
  function problem(env: Record<string, string> = {}): string {
    try {
      loadConfig(env, root);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    throw new Error('loadConfig accepted messages it should refuse');
  }

  it('a translated placeholder', async () => {
    await changeUrdu((d) => (d.concern = 'شکایت کے لیے {emailAddress} پر ای میل کریں{office}۔'));
    expect(problem()).toBe(
      'config/messages/ur.json: "concern" has the placeholders {emailAddress}, {office}, but English has {email}, {office}: keep them exactly, untranslated',
    );
  });

  it('a dropped placeholder, and one added', async () => {
    await changeUrdu((d) => {
      d.rules = 'اصول';
      d.paused = 'رکا ہوا {groupName}';
    });
    const message = problem();
    expect(message).toContain('config/messages/ur.json: "rules" has the placeholders none, but English has');
    expect(message).toContain('config/messages/ur.json: "paused" has the placeholders {groupName}, but English has none');
  });

  it('an unknown key (a typo)', async () => {
    await changeUrdu((d) => (d.welcom = 'خوش آمدید'));
    expect(problem()).toContain('config/messages/ur.json: unknown key "welcom" (a typo?');
  });

  it('a missing or wrong _language', async () => {
    await changeUrdu((d) => delete d._language);
    expect(problem()).toContain('config/messages/ur.json: "_language" is missing');
    await changeUrdu((d) => (d._language = { name: 'اردو', english: 'Urdu', direction: 'right' }));
    expect(problem()).toMatch(/config\/messages\/ur\.json: "_language\.direction" /);
  });

  it('a policy translation that is not a policy (a clause as a list, a missing title)', async () => {
    await changeUrdu((d) => {
      const policy = d._policy as Record<string, unknown>;
      policy.expectations = ['ایک', 'دو'];
      delete policy.title;
    });
    const message = problem();
    expect(message).toContain('config/messages/ur.json: "_policy.title" is missing');
    expect(message).toMatch(/config\/messages\/ur\.json: "_policy\.expectations" /);
  });

  it('a policy translation whose raisingConcerns lost the {email}', async () => {
    await changeUrdu((d) => ((d._policy as Record<string, unknown>).raisingConcerns = 'اسکول کو ای میل کریں۔'));
    expect(problem()).toContain('"_policy.raisingConcerns" has the placeholders none, but the English policy has {email}');
  });

  it('a file that is not JSON, or not named after a language code', async () => {
    await writeFile(urdu(), '{ "footer": ');
    expect(problem()).toContain('config/messages/ur.json: is not valid JSON');
    await rm(urdu());
    await writeFile(path.join(root, 'config', 'messages', 'notes.json'), '{}');
    expect(problem()).toContain('config/messages/notes.json: a messages file is named after its language code');
  });

  it('English missing a message', async () => {
    const file = path.join(root, 'config', 'messages', 'en.json');
    const data = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    delete data.rulesPointer;
    await writeFile(file, JSON.stringify(data));
    expect(problem()).toContain('config/messages/en.json: is missing "rulesPointer": English must have every message');
  });

  it('bot.languages naming a language with no file', async () => {
    const override = path.join(root, 'override.json');
    await writeFile(override, JSON.stringify({ bot: { languages: ['en', 'xx'] } }));
    const message = problem({ BOT_CONFIG: override });
    expect(message).toContain('"bot.languages" names "xx", which has no file config/messages/<code>.json');
    expect(message).toContain('(the languages there: en,');
    await writeFile(override, JSON.stringify({ bot: { languages: ['en', 'ur', 'ar'] } }));
    expect(problem({ BOT_CONFIG: override })).toContain('"bot.languages" may name two languages at most');
  });

  it('a partial translation still starts: what it lacks is English, counted for the warning', async () => {
    await changeUrdu((d) => {
      delete d.rules;
      delete d.helpHelp;
      delete d._policy;
    });
    const override = path.join(root, 'override.json');
    await writeFile(override, JSON.stringify({ bot: { languages: ['ur'] } }));
    const { languages, config } = loadConfig({ BOT_CONFIG: override }, root);
    const ur = languages.find((l) => l.code === 'ur')!;
    const before = loadConfig({}).languages.find((l) => l.code === 'ur')!.missing;
    expect(ur.missing.sort()).toEqual([...before, 'helpHelp', 'rules'].sort());
    expect(ur.policy).toBeUndefined();
    expect(config.bot.languages).toEqual(['ur']);
  });

  it('a policy translation of another policy than school.json\'s still starts: the policy shows in English there, with a warning', async () => {
    await changeUrdu((d) => {
      const policy = d._policy as { guidelines: Record<string, unknown>; inappropriate: Record<string, unknown> };
      delete policy.guidelines.G3;
      policy.inappropriate.I9 = 'ایک اور';
    });
    const ur = loadConfig({}, root).languages.find((l) => l.code === 'ur')!;
    expect(ur.policy).toBeUndefined();
    expect(ur.notes).toEqual([
      'config/messages/ur.json: "_policy" translates another policy than config/school.json\'s (guidelines.G3 is missing; inappropriate.I9 is not in the policy), so the policy is shown in English in this language',
    ]);
    // And the same for every shipped language when the school's policy is overridden with fewer breach actions.
    const override = path.join(root, 'override.json');
    await writeFile(override, JSON.stringify({ school: { policy: { breachActions: ['A warning letter to the parent'] } } }));
    const languages = loadConfig({ BOT_CONFIG: override }, root).languages;
    for (const language of languages.slice(1)) expect(language.notes.join()).toContain('breachActions has 6 items, the policy 1');
  });
});
