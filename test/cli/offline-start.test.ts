import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { cleanEnv, ROOT } from './run-cli.js';

/*
 * A fresh clone on a machine with no internet, as a volunteer runs it: `npm start` in the project
 * root with only BOT_STORAGE_DIR set (no PUPPETEER_* variables). The build runs, Debian's Chromium
 * launches, WhatsApp Web cannot be reached, and the terminal says so in one clear line while the
 * bot keeps retrying. SIGTERM then ends it cleanly: npm start exits 0, within the bot's shutdown
 * deadline, with the browser closed and the storage folder released.
 */

const CHROMIUM = '/usr/bin/chromium';
// CI installs Debian's chromium (.ci/run), so there it must run; elsewhere only where chromium is.
const runs = process.env.CI === 'true' || existsSync(CHROMIUM);
/** src/cli/start.ts: a shutdown that takes longer ends the process with code 1. */
const SHUTDOWN_LIMIT_MS = 25_000;
/** A cold clone builds dist/ first (tsc -b), then Chromium has to start and fail to load the page. */
const FIRST_LINE_WITHIN_MS = 90_000;
const OFFLINE_LINE = /Cannot reach WhatsApp Web \(ERR_[A-Z_]+\): is this machine online\? Retrying in \d+ s\./;

const title = 'npm start, offline: says it cannot reach WhatsApp Web and keeps retrying; SIGTERM ends it with 0';

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Processes (Chromium's, above all) whose command line names the folder: what the bot left running there. */
async function processesUsing(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(dir)) found.push(`${pid}: ${cmdline.replaceAll('\0', ' ').slice(0, 120)}`);
  }
  return found;
}

describe('a fresh clone with no internet', () => {
  if (!runs) {
    it.skip(`${title} (skipped: ${CHROMIUM} is missing; CI installs it)`, () => undefined);
    return;
  }

  it(
    title,
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'steward-offline-start-'));
      // Its own process group, so that whatever the test leaves behind can be ended as one.
      const npm = spawn('npm', ['start'], { cwd: ROOT, env: cleanEnv({ BOT_STORAGE_DIR: dir }), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      let terminal = '';
      npm.stdout.setEncoding('utf8').on('data', (chunk: string) => (terminal += chunk));
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (terminal += chunk));
      const exited = new Promise<Exit>((resolve) => npm.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
      let exit: Exit | undefined;
      void exited.then((e) => (exit = e));
      let botPid: number | undefined;
      try {
        const started = Date.now();
        while (!OFFLINE_LINE.test(terminal) && !exit && Date.now() - started < FIRST_LINE_WITHIN_MS) await sleep(100);
        const context = `terminal so far:\n${terminal}`;
        expect({ line: terminal.match(OFFLINE_LINE)?.[0], exited: exit, context }).toEqual({
          line: expect.any(String),
          exited: undefined,
          context,
        });
        // The clear line is the whole line: no stack trace and no error object after it.
        const offlineLines = terminal.split('\n').filter((l) => OFFLINE_LINE.test(l));
        expect(offlineLines[0]).toMatch(new RegExp(`^\\S+ warn: ${OFFLINE_LINE.source}$`));
        expect(terminal).not.toMatch(/\n\s+at .+\(|unexpected error|Error:/);
        // The browser really ran: it made its profile under the storage folder.
        expect((await readdir(path.join(dir, 'whatsapp', 'session'))).length).toBeGreaterThan(0);

        // SIGTERM to the bot itself (the process that holds the storage lock), as kill or a
        // supervisor sends it; npm start, the volunteer's command, must then end with 0.
        const lock = JSON.parse(await readFile(path.join(dir, 'bot.lock'), 'utf8')) as { pid: number };
        botPid = lock.pid;
        expect(botPid).not.toBe(npm.pid);
        const signalled = Date.now();
        process.kill(botPid, 'SIGTERM');
        let giveUp: NodeJS.Timeout | undefined;
        const ended = await Promise.race([exited, new Promise<undefined>((resolve) => (giveUp = setTimeout(() => resolve(undefined), SHUTDOWN_LIMIT_MS + 5_000)))]);
        clearTimeout(giveUp);
        expect({ exit: ended && { code: ended.code, signal: ended.signal }, terminal }).toEqual({ exit: { code: 0, signal: null }, terminal });
        expect(ended!.at - signalled).toBeLessThan(SHUTDOWN_LIMIT_MS);
        expect(terminal).toContain('SIGTERM: finishing pending work and closing the browser');
        expect(alive(botPid)).toBe(false);
        // The storage is released and the browser closed: the next npm start may use the folder.
        expect(existsSync(path.join(dir, 'bot.lock'))).toBe(false);
        expect(await processesUsing(dir)).toEqual([]);
      } finally {
        if (!exit && npm.pid) {
          try {
            process.kill(-npm.pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        if (botPid && alive(botPid)) process.kill(botPid, 'SIGKILL');
        // A Chromium the bot launched (in a process group of its own) and did not close.
        for (const line of await processesUsing(dir)) {
          try {
            process.kill(Number(line.split(':')[0]), 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
        await rm(dir, { recursive: true, force: true });
      }
    },
    FIRST_LINE_WITHIN_MS + SHUTDOWN_LIMIT_MS + 15_000,
  );
});
