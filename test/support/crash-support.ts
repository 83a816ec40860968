import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

/**
 * Helpers for the crash and storage-guard tests: the real CLI as a child process that can be
 * killed at any moment, and an SMTP server in the test process that records every message it
 * receives (and can kill the child in the middle of an SMTP conversation).
 */

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/**
 * The CLI under test: the TypeScript source through tsx, so no build comes first. CRASH_MAIN
 * lets a developer point the crash tests at a built main.js instead (another build, a release).
 */
export const CLI: readonly string[] = process.env.CRASH_MAIN
  ? [process.env.CRASH_MAIN]
  : ['--import', 'tsx', path.join(ROOT, 'src', 'main.ts')];
export const BOT = '447700900999@c.us';
export const GROUP = '120363000000000001@g.us';
export const person = (n: number) => `4477009${String(n).padStart(5, '0')}@c.us`;

/**
 * Only what node needs, plus the variables the test names (no BOT_CONFIG, SMTP_URL... from the
 * developer, and not jest's NODE_OPTIONS, which would make node print warnings on stderr).
 */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG']) if (process.env[key]) env[key] = process.env[key];
  return { ...env, ...extra };
}

export interface BotChild {
  child: ChildProcessWithoutNullStreams;
  /** Real time the child was spawned (Date.now()). */
  startedAt: number;
  /** Complete stdout lines parsed as JSON, in order (a cut-off last line is left out). */
  lines: Array<Record<string, unknown>>;
  /** Complete stdout lines that were not JSON objects (the contract allows none). */
  badLines: string[];
  stderr(): string;
  /** Everything on stdout so far, as text. */
  stdout(): string;
  /** Resolves once stdout has matched `pattern` (rejects if the process ends first or after `ms`). */
  waitForStdout(pattern: RegExp, ms?: number): Promise<void>;
  /** Resolves when the process has exited and its pipes are closed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL now (no-op once it has exited). Returns true if the signal was sent to a live process. */
  kill(): boolean;
  exited(): boolean;
}

/**
 * Spawns the CLI (`main.ts ARGS`, see CLI) and reads stdout as it arrives; `onLine` sees each JSON line
 * the moment it is complete (it may kill the child right there).
 */
export function spawnBot(
  args: string[],
  env: Record<string, string>,
  onLine?: (line: Record<string, unknown>, bot: BotChild) => void,
  options: { keepStdinOpen?: boolean; uid?: number; gid?: number } = {},
): BotChild {
  const child = spawn(process.execPath, [...CLI, ...args], {
    cwd: ROOT,
    env: cleanEnv(env),
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.gid ?? options.uid }),
  });
  let pending = '';
  let stdout = '';
  let stderr = '';
  const watchers: Array<() => void> = [];
  let hasExited = false;
  const bot: BotChild = {
    child,
    startedAt: Date.now(),
    lines: [],
    badLines: [],
    stderr: () => stderr,
    stdout: () => stdout,
    waitForStdout(pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} on stdout after ${ms} ms; stderr: ${stderr}`)), ms);
        const check = () => {
          if (pattern.test(stdout)) {
            clearTimeout(timer);
            resolve();
            return true;
          }
          if (hasExited) {
            clearTimeout(timer);
            reject(new Error(`process ended before ${pattern} appeared; stderr: ${stderr}`));
            return true;
          }
          return false;
        };
        const watch = () => {
          if (!check()) watchers.push(watch);
        };
        watch();
      });
    },
    done: new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => resolve({ code, signal }));
    }),
    kill() {
      if (hasExited || child.exitCode !== null || child.signalCode !== null) return false;
      return child.kill('SIGKILL');
    },
    exited: () => hasExited,
  };
  const wake = () => {
    for (const watcher of watchers.splice(0)) watcher();
  };
  child.on('close', () => {
    hasExited = true;
    wake();
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const raw = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (!raw.trim()) continue;
      let line: unknown;
      try {
        line = JSON.parse(raw);
      } catch {
        line = undefined;
      }
      if (typeof line !== 'object' || line === null || Array.isArray(line)) {
        bot.badLines.push(raw.slice(0, 300));
        continue;
      }
      bot.lines.push(line as Record<string, unknown>);
      onLine?.(line as Record<string, unknown>, bot);
    }
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  child.stdin.on('error', () => undefined);
  if (!options.keepStdinOpen) child.stdin.end();
  return bot;
}

// ---------------------------------------------------------------------------------------------

export interface ReceivedMail {
  messageId: string | undefined;
  report: string | undefined;
  /** Whether the server answered 250 (false: the client was killed before it got the answer). */
  answered: boolean;
  /** Free-form label the test attaches (e.g. the round number). */
  tag: unknown;
}

export interface RecordingSmtp {
  url: string;
  received: ReceivedMail[];
  /** Called once a whole message has been received, before the 250 goes back; may kill the sender. */
  beforeReply?: (mail: ReceivedMail) => 'answer' | 'drop';
  /** Called right after the 250 was handed to the socket. */
  afterReply?: (mail: ReceivedMail) => void;
  tag: unknown;
  close(): Promise<void>;
}

/** Header names in lower case, values unfolded. The first occurrence of a header wins. */
export function parseHeaders(raw: string): Record<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const head = end < 0 ? raw : raw.slice(0, end);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** Plain SMTP on 127.0.0.1 (no STARTTLS, no AUTH) that keeps every message it received. */
export async function startRecordingSmtp(): Promise<RecordingSmtp> {
  const sockets = new Set<net.Socket>();
  const recorder: RecordingSmtp = {
    url: '',
    received: [],
    tag: undefined,
    close: async () => undefined,
  };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    closeTimeout: 200,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', () => undefined);
      stream.on('end', () => {
        const headers = parseHeaders(Buffer.concat(chunks).toString('utf8'));
        const mail: ReceivedMail = {
          messageId: headers['message-id'],
          report: headers['x-steward-report'],
          answered: false,
          tag: recorder.tag,
        };
        // The message is on the server now: whatever happens to the client, the school may have it.
        recorder.received.push(mail);
        if (recorder.beforeReply?.(mail) === 'drop') {
          // The client is gone; say nothing more on this connection.
          callback(Object.assign(new Error('client gone'), { responseCode: 421 }));
          return;
        }
        mail.answered = true;
        callback();
        recorder.afterReply?.(mail);
      });
    },
  });
  server.on('error', () => undefined);
  server.server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as net.AddressInfo).port));
  });
  recorder.url = `smtp://127.0.0.1:${port}`;
  recorder.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return recorder;
}

// ---------------------------------------------------------------------------------------------

/**
 * A message template of config/messages/en.json as a pattern whose first group is the report
 * reference. Built from the template, so a reworded text still matches.
 */
export function templatePattern(key: string): RegExp {
  const templates = JSON.parse(readFileSync(path.join(ROOT, 'config', 'messages', 'en.json'), 'utf8')) as Record<string, string>;
  const template = templates[key];
  if (!template) throw new Error(`config/messages/en.json has no ${key}`);
  let seenReference = false;
  const source = template
    .split(/(\{[A-Za-z]+\})/)
    .map((piece) => {
      if (piece === '{reference}') {
        if (seenReference) return '\\1';
        seenReference = true;
        return '(R-\\d{6}-[A-Z0-9]{4})';
      }
      if (/^\{[A-Za-z]+\}$/.test(piece)) return '[\\s\\S]*?';
      return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  if (!seenReference) throw new Error(`${key} does not carry {reference}`);
  return new RegExp(`^${source}`);
}

/** The reporter's confirmation of a new report (`flagReceived`): group 1 is the reference. */
export const confirmationPattern = () => templatePattern('flagReceived');

/** The bot's own seeded generator, so a failing run can be repeated with the same choices (not timings). */
export { seededRandom } from '../../src/core/random.js';

/**
 * Runs a test body that draws on a random seed; if it fails, its error message starts with
 * `replay`, the command that runs it again with the same seed (e.g. "CRASH_SEED=123 npx jest …").
 */
export async function withSeed(replay: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const line = `failed with a random seed; replay with ${replay}`;
    if (error instanceof Error) {
      error.message = `${line}\n${error.message}`;
      throw error;
    }
    throw new Error(`${line}\n${String(error)}`);
  }
}
