import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the CLI runs from here, as a volunteer would run it. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const MAIN = path.join(ROOT, 'dist', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time the process took, in ms. */
  tookMs: number;
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
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, tookMs: Date.now() - started }));
    child.stdin.end(stdin ?? '');
  });
}

/** `node dist/main.js simulate ARGS` with the given environment. */
export function simulate(args: string[], env: Record<string, string>): Promise<CliResult> {
  return runCommand(process.execPath, [MAIN, 'simulate', ...args], env);
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

/** Writes scenario lines (objects become JSON, strings are written as they are) to a file. */
export async function writeScript(dir: string, name: string, lines: Array<object | string>): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

export const GROUP = '120363000000000001@g.us';
export const BOT = '447700900999@c.us';
export const person = (n: number) => `4477009000${String(n).padStart(2, '0')}@c.us`;
