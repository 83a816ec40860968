import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { simulate, writeScript } from '../cli/run-cli.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-config-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function configFile(content: unknown, name = 'my-config.json'): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

/** The ConfigError loadConfig throws for this environment (fails the test if it throws nothing else). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('loadConfig accepted a configuration it should refuse');
}

describe('loadConfig: the school defaults', () => {
  it('carries the IMAI policy as data', () => {
    const { config, templates } = loadConfig({});
    const { school } = config;
    expect(school.email).toBe('school@imai.org.uk');
    expect(school.shortName).toBe('IMAI');
    expect(school.policy.guidelines).toHaveLength(6);
    expect(school.policy.expectations).toHaveLength(5);
    expect(school.policy.inappropriate).toHaveLength(7);
    expect(school.policy.breachActions).toHaveLength(6);
    expect(school.policy.decider).toBe('the Principal');
    expect(school.policy.reviewDate).toBe('2027-01-01');
    expect(templates.footer).toContain('{botName}');
  });

  it('starts offline: no mail server, no language model, storage in ./storage', () => {
    const { config } = loadConfig({});
    expect(config.mail.smtpUrl).toBeNull();
    expect(config.model.apiKey).toBeNull();
    expect(config.model.baseUrl).toBeNull();
    expect(config.bot.id).toBe('447700900999@c.us');
    expect(config.storage.dir).toBe(path.resolve('storage'));
    expect(path.isAbsolute(config.storage.dir)).toBe(true);
  });

  it('ignores environment variables that are empty or blank', () => {
    const { config } = loadConfig({ SCHOOL_EMAIL: '', SMTP_URL: '   ', BOT_CONFIG: ' ' });
    expect(config.school.email).toBe('school@imai.org.uk');
    expect(config.mail.smtpUrl).toBeNull();
  });
});

describe('loadConfig: BOT_CONFIG file', () => {
  it('overrides only the keys it names and keeps the rest', async () => {
    const defaults = loadConfig({}).config;
    const file = await configFile({
      school: { officePhone: '0116 000 0000' },
      bot: { operator: '447700900001@c.us' },
      welcome: { batchWindowSeconds: 30 },
      rules: { cooldownSeconds: 120 },
    });
    const { config } = loadConfig({ BOT_CONFIG: file });
    expect(config.school.officePhone).toBe('0116 000 0000');
    expect(config.bot.operator).toEqual(['447700900001@c.us']);
    expect(config.welcome).toEqual({ ...defaults.welcome, batchWindowSeconds: 30 });
    expect(config.rules.cooldownSeconds).toBe(120);
    // Untouched siblings and sections keep the defaults.
    expect(config.school.email).toBe('school@imai.org.uk');
    expect(config.school.policy).toEqual(defaults.school.policy);
    expect(config.bot.id).toBe(defaults.bot.id);
    expect(config.bot.name).toBe(defaults.bot.name);
    expect(config.concern).toEqual(defaults.concern);
    expect(config.pacing).toEqual(defaults.pacing);
  });

  it('replaces a list whole rather than merging it item by item', async () => {
    const file = await configFile({ school: { policy: { breachActions: ['Removal from the group'] } } });
    const { config } = loadConfig({ BOT_CONFIG: file });
    expect(config.school.policy.breachActions).toEqual(['Removal from the group']);
    expect(config.school.policy.guidelines).toHaveLength(6);
  });

  it('is found relative to the working folder, as a volunteer types it', async () => {
    const file = await configFile({ rules: { cooldownSeconds: 5 } });
    const relative = path.relative(process.cwd(), file);
    expect(path.isAbsolute(relative)).toBe(false);
    expect(loadConfig({ BOT_CONFIG: relative }).config.rules.cooldownSeconds).toBe(5);
  });
});

describe('loadConfig: environment variables', () => {
  it('override both the defaults and the BOT_CONFIG file', async () => {
    const file = await configFile({
      school: { email: 'from-file@example.org' },
      mail: { from: 'File <file@example.org>', smtpUrl: 'smtp://file.example.org:25' },
      storage: { dir: path.join(dir, 'from-file') },
      model: { model: 'file-model' },
    });
    const { config } = loadConfig({
      BOT_CONFIG: file,
      SCHOOL_EMAIL: 'office@example.org',
      SMTP_URL: 'smtp://user:pass@mail.example.org:587',
      BOT_STORAGE_DIR: path.join(dir, 'from-env'),
      MAIL_FROM: 'Steward <steward@example.org>',
      OPENAI_API_KEY: 'sk-test-key',
      OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1',
      OPENAI_MODEL: 'llama3',
    });
    expect(config.school.email).toBe('office@example.org');
    expect(config.mail.smtpUrl).toBe('smtp://user:pass@mail.example.org:587');
    expect(config.mail.from).toBe('Steward <steward@example.org>');
    expect(config.storage.dir).toBe(path.join(dir, 'from-env'));
    expect(config.model).toMatchObject({ apiKey: 'sk-test-key', baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3' });
  });

  it('win over the defaults without any file', () => {
    const { config } = loadConfig({ SCHOOL_EMAIL: 'office@example.org', MAIL_FROM: 'Steward <s@example.org>' });
    expect(config.school.email).toBe('office@example.org');
    expect(config.mail.from).toBe('Steward <s@example.org>');
    // The rest of the school's data stays as it was.
    expect(config.school.policy.guidelines).toHaveLength(6);
  });

  it('makes a relative BOT_STORAGE_DIR absolute', () => {
    const { config } = loadConfig({ BOT_STORAGE_DIR: 'some/where' });
    expect(config.storage.dir).toBe(path.resolve('some/where'));
  });
});

describe('loadConfig: mistakes stop the start and name the key', () => {
  it('refuses a typo in a key, naming it', async () => {
    const file = await configFile({ welcome: { batchWindow: 5 } });
    const error = configError({ BOT_CONFIG: file });
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain('welcome.batchWindow');
  });

  it('refuses an unknown section at the top level, naming it', async () => {
    const file = await configFile({ welcom: { enabled: false } });
    expect(configError({ BOT_CONFIG: file }).message).toContain('welcom');
  });

  it('refuses a negative cooldown, naming rules.cooldownSeconds', async () => {
    const file = await configFile({ rules: { cooldownSeconds: -1 } });
    expect(configError({ BOT_CONFIG: file }).message).toContain('rules.cooldownSeconds');
  });

  it('refuses a value of the wrong type, naming the key', async () => {
    const file = await configFile({ welcome: { enabled: 'yes' } });
    expect(configError({ BOT_CONFIG: file }).message).toContain('welcome.enabled');
  });

  it('refuses SCHOOL_EMAIL that is not an email address, naming the key it sets', () => {
    const message = configError({ SCHOOL_EMAIL: 'not-an-email' }).message;
    expect(message).toContain('school.email');
    expect(message).toMatch(/email address/);
  });

  it('refuses SMTP_URL that is not smtp:// or smtps://, naming the key it sets', () => {
    const message = configError({ SMTP_URL: 'http://x' }).message;
    expect(message).toContain('mail.smtpUrl');
    expect(message).toMatch(/smtp:\/\//);
  });

  it('refuses an operator that is not a WhatsApp id', async () => {
    const file = await configFile({ bot: { operator: '07700 900001' } });
    expect(configError({ BOT_CONFIG: file }).message).toContain('bot.operator');
  });

  it('names every problem, not only the first', async () => {
    const file = await configFile({ rules: { cooldownSeconds: -1 }, welcome: { batchWindow: 5 } });
    const message = configError({ BOT_CONFIG: file, SMTP_URL: 'http://x' }).message;
    expect(message).toContain('rules.cooldownSeconds');
    expect(message).toContain('welcome.batchWindow');
    expect(message).toContain('mail.smtpUrl');
  });

  it('says clearly when BOT_CONFIG is not JSON, naming the file', async () => {
    const file = await configFile('{ "rules": { cooldownSeconds: 5 } }', 'broken.json');
    const message = configError({ BOT_CONFIG: file }).message;
    expect(message).toContain(file);
    expect(message).toMatch(/not valid JSON/);
  });

  it('says clearly when BOT_CONFIG does not exist, naming the file', () => {
    const missing = path.join(dir, 'no-such-config.json');
    const message = configError({ BOT_CONFIG: missing }).message;
    expect(message).toContain(missing);
    expect(message).toMatch(/ENOENT|cannot read|not found|does not exist/i);
  });

  it('refuses a BOT_CONFIG that holds a list instead of an object', async () => {
    const file = await configFile([{ rules: { cooldownSeconds: 5 } }], 'list.json');
    const message = configError({ BOT_CONFIG: file }).message;
    expect(message).toContain('list.json');
    expect(message).toMatch(/object/);
  });
});

describe('the simulator with a bad configuration', () => {
  it('exits non-zero with one short paragraph on stderr naming the key, and no stack trace', async () => {
    const file = await configFile({ welcome: { batchWindow: 5 } });
    const script = await writeScript(dir, 'ok.jsonl', [{ type: 'wait', seconds: 1 }]);
    const storage = path.join(dir, 'storage');
    const result = await simulate(['--script', script], { BOT_CONFIG: file, BOT_STORAGE_DIR: storage });

    expect(result.code).not.toBe(0);
    expect(result.code).not.toBeNull();
    expect(result.stdout).toBe('');
    const stderr = result.stderr.trim();
    expect(stderr).toContain('welcome.batchWindow');
    // One paragraph: no blank line inside, and short enough to read at a glance.
    expect(stderr).not.toMatch(/\n\s*\n/);
    expect(stderr.split('\n').length).toBeLessThanOrEqual(4);
    // No stack trace, no source paths.
    expect(stderr).not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/\.(js|ts):\d+/);
  });

  it('exits non-zero naming the file when BOT_CONFIG is missing', async () => {
    const missing = path.join(dir, 'missing.json');
    const script = await writeScript(dir, 'ok.jsonl', [{ type: 'wait', seconds: 1 }]);
    const result = await simulate(['--script', script], { BOT_CONFIG: missing, BOT_STORAGE_DIR: path.join(dir, 'storage') });
    expect(result.code).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(missing);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('loadConfig: report categories', () => {
  it('refuses a category naming a clause the policy does not have, naming the key', async () => {
    const { config } = loadConfig({});
    const categories = [...config.reports.categories, { clause: 'G9', words: '\\bbully\\b' }];
    const error = configError({ BOT_CONFIG: await configFile({ reports: { categories } }) });
    expect(error.message).toContain(`reports.categories.${categories.length - 1}.clause`);
    expect(error.message).toContain('G1');
  });

  it('refuses words that are not a regular expression', async () => {
    const error = configError({ BOT_CONFIG: await configFile({ reports: { categories: [{ clause: 'G5', words: '(bully' }] } }) });
    expect(error.message).toContain('reports.categories.0.words');
    expect(error.message).toContain('regular expression');
  });

  it('a renamed clause is followed by its category: the offline label uses the clause the config names', async () => {
    const { categorise } = await import('../../src/core/triage.js');
    const { config } = loadConfig({});
    const school = structuredClone(config.school);
    school.policy.guidelines[4]!.id = 'BULLYING';
    const categories = config.reports.categories.map((c) => (c.clause === 'G5' ? { ...c, clause: 'BULLYING' } : c));
    const label = categorise(['they keep bullying my son'], school, categories);
    expect(label).toBe(`group guideline 5: "${school.policy.guidelines[4]!.text}"`);
    // The shipped ids label the same text the same way.
    expect(categorise(['they keep bullying my son'], config.school, config.reports.categories)).toBe(label);
  });
});

describe('loadConfig: a pinned WhatsApp Web version', () => {
  it('a remote cache needs the address to fetch from, and a version', async () => {
    const noPath = configError({ BOT_CONFIG: await configFile({ whatsapp: { webVersion: '2.3000.1023456789', webVersionCache: 'remote' } }) });
    expect(noPath.message).toContain('whatsapp.webVersionRemotePath');
    const noVersion = configError({
      BOT_CONFIG: await configFile({ whatsapp: { webVersionCache: 'remote', webVersionRemotePath: 'https://example.org/wa/{version}.html' } }),
    });
    expect(noVersion.message).toContain('whatsapp.webVersion');
  });
});

describe('loadConfig: a password in a URL is never shown', () => {
  const SECRET = 'hunter2-secret';

  it('an SMTP_URL with a bad scheme is shown as typed, with its password masked', () => {
    const message = configError({ SMTP_URL: `smtpx://steward:${SECRET}@mail.example.org:587` }).message;
    expect(message).toContain('SMTP_URL');
    expect(message).toContain('smtpx://steward:****@mail.example.org:587');
    expect(message).not.toContain(SECRET);
  });

  it('an SMTP_URL no URL parser reads is refused at start, naming SMTP_URL, its password masked', () => {
    const message = configError({ SMTP_URL: `smtp://steward:${SECRET}@[mail.example.org` }).message;
    expect(message).toMatch(/^SMTP_URL \(sets "mail.smtpUrl"\):/);
    expect(message).toContain('steward:****@');
    expect(message).not.toContain(SECRET);
  });

  it('a password with a bare # (which cuts the URL short) is refused, and its tail not shown either', () => {
    const message = configError({ SMTP_URL: `smtp://steward:ab#${SECRET}@mail.example.org` }).message;
    expect(message).toContain('%23');
    expect(message).not.toContain(SECRET);
  });

  it('a good SMTP_URL beside another bad setting is not shown at all', () => {
    const message = configError({ SMTP_URL: `smtp://steward:${SECRET}@mail.example.org`, LOG_LEVEL: 'loud' }).message;
    expect(message).toContain('LOG_LEVEL');
    expect(message).not.toContain(SECRET);
  });

  it('an OPENAI_BASE_URL typed without its scheme is masked too', () => {
    const message = configError({ OPENAI_BASE_URL: `http//user:${SECRET}@127.0.0.1:11434/v1` }).message;
    expect(message).toContain('OPENAI_BASE_URL');
    expect(message).toContain('user:****@127.0.0.1');
    expect(message).not.toContain(SECRET);
  });

  it('a BOT_CONFIG that is not JSON is named without quoting the text around the mistake', async () => {
    const file = await configFile(`{ "mail": { "smtpUrl": smtp://steward:${SECRET}@mail.example.org } }`, 'broken.json');
    const message = configError({ BOT_CONFIG: file }).message;
    expect(message).toContain(file);
    expect(message).toMatch(/not valid JSON/);
    // Node's own message quotes the text near the mistake, here the start of the URL.
    expect(message).not.toMatch(/smtpUrl|smtp:/);
  });

  it('the simulator prints the configuration problem without the password', async () => {
    const script = await writeScript(dir, 'ok.jsonl', [{ type: 'wait', seconds: 1 }]);
    const result = await simulate(['--script', script], {
      SMTP_URL: `smtp://steward:${SECRET}@[mail.example.org`,
      BOT_STORAGE_DIR: path.join(dir, 'storage'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SMTP_URL');
    expect(result.stderr).not.toContain(SECRET);
  });
});
