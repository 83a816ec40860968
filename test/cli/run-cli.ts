import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load.js';
import type { Logger } from '../../src/core/log.js';
import { runScenario } from '../../src/cli/script.js';

/** The project root: the CLI runs from here, as a volunteer would run it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The CLI as a child process runs the TypeScript source through tsx, so no build has to come
 * before the tests (and a stale dist/ can never be what is tested).
 */
export const CLI = [process.execPath, '--import', 'tsx', path.join(ROOT, 'src', 'main.ts')] as const;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type SendLine = { type: 'send'; at: string; chat: string; text: string; mentions?: string[]; quotedId?: string };
export type OutLine = { type: string; [key: string]: unknown };

/**
 * A clean environment: only what a shell needs to find node and npm, plus the variables the
 * test names. Nothing of the developer's own bot settings (BOT_CONFIG, SMTP_URL...) leaks in,
 * and jest's NODE_OPTIONS (which makes node print warnings on stderr) is left out.
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT']) if (process.env[key]) env[key] = process.env[key];
  return { ...env, ...extra };
}

export function runCommand(command: string, args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** The CLI (`main.ts ARGS`) as a child process with the given environment and stdin. */
export function cli(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  const [node, ...prefix] = CLI;
  return runCommand(node, [...prefix, ...args], env, stdin);
}

/** `main.ts simulate ARGS` as a child process: for what only the process shows (exit codes, stdout, stderr). */
export function simulate(args: string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return cli(['simulate', ...args], env, stdin);
}

/** The start and seed scenario runs use unless a test says otherwise (the CLI's default seed is 1 too). */
export const DEFAULT_START = '2026-01-05T08:00:00Z';

export interface ScenarioRun {
  /** What `simulate --script` prints on stdout, line by line. */
  lines: OutLine[];
  /** The stdout text itself: one JSON object per line. */
  stdout: string;
  /** The one line the CLI would print on stderr before exiting 2; undefined where it would exit 0. */
  error?: string;
  /** Warnings and errors the bot logged (the CLI shows these on stderr). */
  logged: string[];
}

/** A Logger that keeps warnings and errors, as the CLI's console logger would show them. */
function recordingLog(logged: string[], context: Record<string, unknown> = {}): Logger {
  const keep = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    const all = { ...context, ...meta };
    logged.push(`${level}: ${message}${Object.keys(all).length ? ` ${JSON.stringify(all)}` : ''}`);
  };
  return {
    error: keep('error'),
    warn: keep('warn'),
    info: () => undefined,
    debug: () => undefined,
    child: (meta) => recordingLog(logged, { ...context, ...meta }),
  };
}

/**
 * `simulate --script` run in this process (src/cli/script.ts's runScenario): the same
 * configuration loading from `env` alone, the same simulation, the same output, without the
 * second or so a child process costs. `env` should name its own BOT_STORAGE_DIR.
 */
export async function simulateInProcess(
  script: string | Array<object | string>,
  env: Record<string, string>,
  options: { start?: string; seed?: number } = {},
): Promise<ScenarioRun> {
  const text = typeof script === 'string' ? script : scriptText(script);
  const logged: string[] = [];
  const result = await runScenario(text, {
    loaded: loadConfig(env),
    log: recordingLog(logged),
    start: new Date(options.start ?? DEFAULT_START),
    seed: options.seed ?? 1,
  });
  // Through JSON and back, so a line looks exactly as a reader of stdout sees it (no undefined keys).
  const stdout = result.lines.map((line) => `${JSON.stringify(line)}\n`).join('');
  return { lines: jsonLines(stdout), stdout, error: result.error, logged };
}

/** Every stdout line parsed as JSON; throws (failing the test) on a line that is not a JSON object. */
export function jsonLines(stdout: string): OutLine[] {
  const lines = stdout.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines.map((line, i) => {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`stdout line ${i + 1} is not JSON: ${line.slice(0, 200)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new Error(`stdout line ${i + 1} is not a JSON object: ${line.slice(0, 200)}`);
    }
    return value as OutLine;
  });
}

export function sendsOf(lines: OutLine[]): SendLine[] {
  return lines.filter((l): l is SendLine => l.type === 'send');
}

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'steward-cli-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Scenario lines as file text: objects become JSON, strings are written as they are. */
export function scriptText(lines: Array<object | string>): string {
  return lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
}

/** Writes scenario lines to a file (see scriptText). */
export async function writeScript(dir: string, name: string, lines: Array<object | string>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, scriptText(lines));
  return file;
}

export const GROUP = '120363000000000001@g.us';
export const BOT = '447700900999@c.us';
export const person = (n: number) => `4477009000${String(n).padStart(2, '0')}@c.us`;
