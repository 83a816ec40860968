import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { loadTemplates, type Templates } from './templates.js';

/** The project root: config/, prompts/ and the default storage/ sit there, in a clone and in Docker. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export interface LoadedConfig {
  config: Config;
  templates: Templates;
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
    throw new ConfigError(`${label}: ${file} is not valid JSON (${(error as Error).message})`);
  }
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
];

function describeIssue(issue: z.core.$ZodIssue, source: string, env: Record<string, string | undefined>): string {
  const key = issue.path.join('.') || '(top level)';
  // The volunteer typed an environment variable, not a key: name the variable.
  const variable = envKeys.find(([name, keys]) => (key === keys.join('.') || key.startsWith(`${keys.join('.')}.`)) && env[name]?.trim())?.[0];
  if (variable) return `${variable} (sets "${key}"): ${issue.message}`;
  if (issue.code === 'unrecognized_keys') {
    const where = issue.path.length ? `${key}.` : '';
    return `${source}: unknown key ${issue.keys.map((k) => `"${where}${k}"`).join(', ')} (a typo?)`;
  }
  return `${source}: "${key}" ${issue.message}`;
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
  if (!parsed.success) {
    const source = overrideFile ? `config (defaults + ${overrideFile} + environment)` : 'config';
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, source, env)).join('\n'));
  }
  const config = parsed.data;
  config.storage.dir = path.resolve(config.storage.dir);
  return { config, templates: loadTemplates(root, config.bot.language) };
}
