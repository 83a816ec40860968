import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { maskUrl, maskUrlsIn } from './mask.js';
import { configSchema, type Config } from './schema.js';
import { loadLanguages, MessagesFileError, type LanguageFile, type Templates } from './templates.js';

/** The project root: config/, prompts/ and the default storage/ sit there, in a clone and in Docker. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  /** English, complete: every other language falls back to it. */
  templates: Templates;
  /** Every config/messages/*.json, English first. */
  languages: LanguageFile[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function readJson(file: string, label: string): Json {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`${label}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(raw) as Json;
  } catch (error) {
    throw new ConfigError(`${label}: ${file} is not valid JSON (${withoutQuotedText((error as Error).message)})`);
  }
}

/**
 * Node quotes a stretch of the file in its JSON errors ("… is not valid JSON"), and the stretch
 * may hold a password or a key: the error keeps only what went wrong, and the file's name says where.
 */
function withoutQuotedText(message: string): string {
  return message.replace(/,? ?"[\s\S]*"(?:\.\.\.)? is not valid JSON$/, '').trim() || 'it cannot be read as JSON';
}

function isPlainObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else in the override replaces the default whole. */
function merge(base: Json, override: Json): Json {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = key in base ? merge(base[key] as Json, value) : value;
  }
  return out;
}

function setPath(target: Record<string, Json>, keys: string[], value: Json): void {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    if (!isPlainObject(child)) node[key] = {};
    node = node[key] as Record<string, Json>;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Environment variables and the config keys they set. */
const envKeys: Array<[string, string[]]> = [
  ['BOT_STORAGE_DIR', ['storage', 'dir']],
  ['SMTP_URL', ['mail', 'smtpUrl']],
  ['MAIL_FROM', ['mail', 'from']],
  // Reports go to the address parents are told about: one address, never two that can disagree.
  ['SCHOOL_EMAIL', ['school', 'email']],
  ['OPENAI_API_KEY', ['model', 'apiKey']],
  ['OPENAI_BASE_URL', ['model', 'baseUrl']],
  ['OPENAI_MODEL', ['model', 'model']],
  ['BOT_OPERATOR', ['bot', 'operator']],
  ['LOG_LEVEL', ['log', 'level']],
  ['PUPPETEER_EXECUTABLE_PATH', ['whatsapp', 'chromiumPath']],
  ['CONSOLE_HOST', ['console', 'host']],
  ['CONSOLE_PORT', ['console', 'port']],
];

/** Settings that hold a URL: an error about one shows what was typed, its password masked. */
const urlKeys = new Set(['mail.smtpUrl', 'model.baseUrl', 'whatsapp.webVersionRemotePath']);

/** The environment variable that set this key, if one did. */
function variableFor(key: string, env: Record<string, string | undefined>): string | undefined {
  return envKeys.find(([name, keys]) => (key === keys.join('.') || key.startsWith(`${keys.join('.')}.`)) && env[name]?.trim())?.[0];
}

/** The setting as the volunteer typed it: the environment variable if one set it, else the key. */
function settingName(key: string, source: string, env: Record<string, string | undefined>): string {
  const variable = variableFor(key, env);
  return variable ? `${variable} (sets "${key}"):` : `${source}: "${key}"`;
}

function valueAt(data: Json, keys: PropertyKey[]): Json | undefined {
  let node: Json | undefined = data;
  for (const key of keys) node = isPlainObject(node) ? node[String(key)] : undefined;
  return node;
}

function describeIssue(issue: z.core.$ZodIssue, source: string, env: Record<string, string | undefined>, data: Json): string {
  const key = issue.path.join('.') || '(top level)';
  if (issue.code === 'unrecognized_keys' && !variableFor(key, env)) {
    const where = issue.path.length ? `${key}.` : '';
    return `${source}: unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')} (a typo?)`;
  }
  const value = valueAt(data, issue.path);
  const typed = urlKeys.has(key) && typeof value === 'string' ? ` (it is "${maskUrl(value.trim())}")` : '';
  return `${settingName(key, source, env)} ${issue.message}${typed}`;
}

/**
 * Reads the defaults in config/, then the file named by BOT_CONFIG, then the environment,
 * and validates the result once. Everything else gets the typed result, never process.env.
 */
export function loadConfig(env: Record<string, string | undefined>, root = projectRoot): LoadedConfig {
  let merged = readJson(path.join(root, 'config', 'bot.json'), 'defaults') as Record<string, Json>;
  merged.school = readJson(path.join(root, 'config', 'school.json'), 'defaults');

  const overrideFile = env.BOT_CONFIG?.trim();
  if (overrideFile) {
    const override = readJson(path.resolve(overrideFile), 'BOT_CONFIG');
    if (!isPlainObject(override)) throw new ConfigError(`BOT_CONFIG: ${overrideFile} must hold a JSON object`);
    merged = merge(merged, override) as Record<string, Json>;
  }
  for (const [name, keys] of envKeys) {
    const value = env[name]?.trim();
    if (value) setPath(merged, keys, value);
  }

  const parsed = configSchema.safeParse(merged);
  const source = overrideFile ? `config (defaults + ${overrideFile} + environment)` : 'config';
  if (!parsed.success) {
    // Masked once more as a whole: no message about any setting may carry a password.
    throw new ConfigError(maskUrlsIn(parsed.error.issues.map((issue) => describeIssue(issue, source, env, merged)).join('\n')));
  }
  const config = parsed.data;
  // The pattern lets through what no URL parser reads (a password with a bare # or /): said here, not at the first report.
  if (config.mail.smtpUrl && !URL.canParse(config.mail.smtpUrl)) {
    throw new ConfigError(
      `${settingName('mail.smtpUrl', source, env)} "${maskUrl(config.mail.smtpUrl)}" is not a URL the mail client can read ` +
        '(in the user name or password, write @ as %40, : as %3A, / as %2F and # as %23)',
    );
  }
  config.storage.dir = path.resolve(config.storage.dir);
  let languages: LanguageFile[];
  try {
    languages = loadLanguages(root, config.school);
  } catch (error) {
    if (error instanceof MessagesFileError) throw new ConfigError(error.message);
    throw error;
  }
  const codes = languages.map((l) => l.code);
  const unknown = config.bot.languages.filter((code) => !codes.includes(code));
  if (unknown.length) {
    throw new ConfigError(
      `${settingName('bot.languages', source, env)} names ${unknown.map((c) => `"${c}"`).join(', ')}, which has no file config/messages/<code>.json ` +
        `(the languages there: ${codes.join(', ')})`,
    );
  }
  return { config, templates: languages[0]!.templates as Templates, languages };
}
