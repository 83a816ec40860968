import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Store } from '../../src/services/store.js';
import { GROUP, ROOT, cleanEnv, confirmationPattern, person, spawnBot, templatePattern, type BotChild } from '../support/crash-support.js';
import { simulateInProcess } from '../cli/run-cli.js';

/**
 * The storage folder's guards: one bot per folder, a lock left by a dead process is taken over,
 * a damaged database falls back to its backup, and when both copies are damaged the bot refuses
 * to start with a plain message and touches neither. Where two processes meet, or what a person
 * sees when the bot refuses to start, the real CLI runs as a child process; runs that only make
 * or read a storage folder run the same simulator in this process.
 */

const START = '2026-01-05T08:00:00Z';
const ADMIN = person(1);
const AUTHOR = person(2);
const REPORTER = person(3);

let root: string;
let storage: string;
const running: BotChild[] = [];

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'steward-guard-'));
  storage = path.join(root, 'storage');
});
afterEach(async () => {
  for (const bot of running.splice(0)) {
    bot.kill();
    await bot.done.catch(() => undefined);
  }
  await rm(root, { recursive: true, force: true });
});

const groupLine = { type: 'group', chat: GROUP, name: 'Year 3 Parents', members: [ADMIN, AUTHOR, REPORTER], admins: [ADMIN] };

async function script(name: string, lines: object[]): Promise<string> {
  const file = path.join(root, name);
  await writeFile(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return file;
}

/** Runs `simulate --script` on the test's storage folder to its end. */
async function simulate(file: string, extraEnv: Record<string, string> = {}, options: { uid?: number } = {}) {
  const bot = spawnBot(['simulate', '--script', file, '--start', START], { BOT_STORAGE_DIR: storage, ...extraEnv }, undefined, options);
  running.push(bot);
  const result = await bot.done;
  return { ...result, stdout: bot.stdout(), stderr: bot.stderr(), lines: bot.lines };
}

/** `simulate --script` in this process on the test's storage folder (a storage problem is thrown). */
function simulateHere(lines: object[]) {
  return simulateInProcess(lines, { BOT_STORAGE_DIR: storage }, { start: START });
}

/** A storage folder holding one group and one report (mailed as a file), made by the simulator. */
async function storageWithOneReport(): Promise<string> {
  const run = await simulateHere([
    groupLine,
    { type: 'message', chat: GROUP, from: AUTHOR, id: 'm1', text: 'you are all useless' },
    { type: 'message', chat: GROUP, from: REPORTER, id: 'f1', text: '!flag rude', quotedId: 'm1' },
  ]);
  expect(run.error).toBeUndefined();
  const reference = run.lines
    .filter((l) => l.type === 'send' && l.chat === REPORTER)
    .map((l) => confirmationPattern().exec(String(l.text))?.[1])
    .find(Boolean);
  expect(reference).toMatch(/^R-\d{6}-[A-Z0-9]{4}$/);
  return reference!;
}

/** What a person should see when the bot refuses to start: one plain paragraph, no stack trace. */
function expectPlainRefusal(stderr: string) {
  const text = stderr.trim();
  expect(text.length).toBeGreaterThan(0);
  expect(text).not.toMatch(/^\s+at /m); // no stack frames
  expect(text).not.toMatch(/unexpected error/i);
  expect(text).not.toMatch(/\n\s*\n/); // one paragraph
}

const bytes = (file: string) => readFile(file);

describe('one bot per storage folder', () => {
  it('refuses a second CLI while an interactive one holds the folder, and names the folder', async () => {
    await mkdir(storage, { recursive: true });
    // Interactive mode keeps running while its stdin is open: a bot that is really up.
    const first = spawnBot(['simulate', '--start', START], { BOT_STORAGE_DIR: storage }, undefined, { keepStdinOpen: true });
    running.push(first);
    // The prompt comes once the bot has joined the group and written it down.
    await first.waitForStdout(/in Year 3 Parents\] > $/);
    const lock = JSON.parse(await readFile(path.join(storage, 'bot.lock'), 'utf8')) as { pid: number };
    expect(lock.pid).toBe(first.child.pid);
    const dbBefore = await bytes(path.join(storage, 'db.json'));

    const second = await simulate(await script('second.jsonl', [groupLine, { type: 'message', chat: GROUP, from: AUTHOR, id: 'x1', text: 'hello' }]));
    expect(second.code).not.toBe(0);
    expect(second.code).not.toBeNull();
    expect(second.stdout).toBe('');
    expectPlainRefusal(second.stderr);
    expect(second.stderr).toContain(storage);
    expect(second.stderr).toMatch(/already using/i);
    expect(second.stderr).toContain(String(first.child.pid));
    // The refused bot changed nothing and left the first one's lock alone.
    expect(await bytes(path.join(storage, 'db.json'))).toEqual(dbBefore);
    expect(JSON.parse(await readFile(path.join(storage, 'bot.lock'), 'utf8'))).toEqual(lock);

    // The first bot carries on and, when it ends, frees the folder.
    first.child.stdin.end('/quit\n');
    const ended = await first.done;
    expect(ended.code).toBe(0);
    expect(existsSync(path.join(storage, 'bot.lock'))).toBe(false);
    const third = await simulate(await script('third.jsonl', [groupLine]));
    expect({ code: third.code, stderr: third.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
  });

  it('refuses a CLI while a Store in another process (this test) has the folder open', async () => {
    const store = await Store.open(storage);
    try {
      const refused = await simulate(await script('s.jsonl', [groupLine]));
      expect(refused.code).not.toBe(0);
      expectPlainRefusal(refused.stderr);
      expect(refused.stderr).toContain(storage);
      expect(refused.stderr).toContain(String(process.pid));
    } finally {
      await store.close();
    }
    expect((await simulate(await script('t.jsonl', [groupLine]))).code).toBe(0);
  });
});

describe('bots starting at the same instant', () => {
  /**
   * Two bots started together (a double-clicked start script, a supervisor restarting one while
   * the old one is still starting) must not both get the folder. Each worker is a separate node
   * process running the lock code the CLI uses (src/services/lock.ts, through tsx); for each
   * trial they all wait for the same millisecond and lock a fresh folder. Holders never unlock,
   * so a second "got it" is two live processes on one folder.
   */
  it('only one of four processes locking one folder at the same moment gets it', async () => {
    const lockModule = pathToFileURL(path.join(ROOT, 'src', 'services', 'lock.ts')).href;
    const code = `
      import { lockStorage } from ${JSON.stringify(lockModule)};
      import { createInterface } from 'node:readline';
      for await (const line of createInterface({ input: process.stdin })) {
        const { dir, at } = JSON.parse(line);
        while (Date.now() < at) {}
        let got = false;
        try { await lockStorage(dir); got = true; } catch {}
        process.stdout.write(JSON.stringify({ got }) + '\\n');
      }`;
    const workers = Array.from({ length: 4 }, () => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
        cwd: ROOT,
        env: cleanEnv({}),
        stdio: ['pipe', 'pipe', 'inherit'],
      });
      const answers: Array<(got: boolean) => void> = [];
      createInterface({ input: child.stdout }).on('line', (line) => answers.shift()?.((JSON.parse(line) as { got: boolean }).got));
      return { child, ask: (dir: string, at: number) => new Promise<boolean>((resolve) => { answers.push(resolve); child.stdin.write(`${JSON.stringify({ dir, at })}\n`); }) };
    });
    try {
      const trials = 150;
      let doubleLock: { trial: number; holders: number } | undefined;
      for (let trial = 0; trial < trials && !doubleLock; trial++) {
        const dir = path.join(root, `race-${trial}`);
        await mkdir(dir, { recursive: true });
        const at = Date.now() + 20;
        const got = await Promise.all(workers.map((w) => w.ask(dir, at)));
        const holders = got.filter(Boolean).length;
        expect(holders).toBeGreaterThanOrEqual(1);
        if (holders > 1) doubleLock = { trial, holders };
      }
      expect(doubleLock).toBeUndefined();
    } finally {
      for (const w of workers) w.child.kill('SIGKILL');
    }
  }, 60_000);
});

describe('a lock left behind is taken over', () => {
  async function deadPid(): Promise<number> {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8', env: cleanEnv({}) });
    return Number(gone.stdout);
  }

  /** The next bot (here: the simulator in this process, another pid than the lock names) starts and frees the folder at its end. */
  async function expectTakenOver(): Promise<void> {
    const run = await simulateHere([groupLine]);
    expect(run.error).toBeUndefined();
    const db = JSON.parse(await readFile(path.join(storage, 'db.json'), 'utf8')) as { groups: Record<string, unknown> };
    expect(db.groups[GROUP]).toBeDefined();
    expect(existsSync(path.join(storage, 'bot.lock'))).toBe(false);
  }

  it('a lock naming a process that no longer exists', async () => {
    await mkdir(storage, { recursive: true });
    const pid = await deadPid();
    await writeFile(path.join(storage, 'bot.lock'), JSON.stringify({ pid, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    await expectTakenOver();
  });

  it('a lock left empty and old (a crash of an older version while writing it)', async () => {
    await mkdir(storage, { recursive: true });
    const lock = path.join(storage, 'bot.lock');
    await writeFile(lock, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    await utimes(lock, minuteAgo, minuteAgo);
    await expectTakenOver();
  });

  it('the lock of a bot killed with SIGKILL while running', async () => {
    await mkdir(storage, { recursive: true });
    const first = spawnBot(['simulate', '--start', START], { BOT_STORAGE_DIR: storage }, undefined, { keepStdinOpen: true });
    running.push(first);
    await first.waitForStdout(/Type as a parent/);
    expect(first.kill()).toBe(true);
    expect((await first.done).signal).toBe('SIGKILL');
    expect(existsSync(path.join(storage, 'bot.lock'))).toBe(true);
    await expectTakenOver();
  });
});

describe('a damaged database', () => {
  const db = () => path.join(storage, 'db.json');
  const bak = () => path.join(storage, 'db.json.bak');

  const shareLine = (reference: string) => ({ type: 'message', chat: REPORTER, from: REPORTER, id: 'p1', text: `!share ${reference}` });
  /** The reporter's !share, in this process: a storage problem is thrown. */
  const shareHere = (reference: string) => simulateHere([shareLine(reference)]);
  /** The same through the CLI, for what a person sees when the bot does not start. */
  const shareCli = async (reference: string) => simulate(await script('share.jsonl', [shareLine(reference)]));

  it.each([
    ['cut off half way (a torn write)', (good: string) => good.slice(0, Math.floor(good.length / 2))],
    ['overwritten with garbage', () => '\u0000\u0000garbage{{{'],
    ['empty', () => ''],
  ])('db.json %s with a good db.json.bak: the bot starts from the backup', async (_what, damage) => {
    const reference = await storageWithOneReport();
    const good = await readFile(db(), 'utf8');
    await writeFile(bak(), good);
    await writeFile(db(), damage(good));

    const run = await shareHere(reference);
    expect(run.error).toBeUndefined();
    // The report is known again: the reporter's !share finds it.
    const replies = run.lines.filter((l) => l.type === 'send' && l.chat === REPORTER).map((l) => String(l.text));
    expect(replies.some((text) => templatePattern('shareDone').exec(text)?.[1] === reference)).toBe(true);
    const after = JSON.parse(await readFile(db(), 'utf8')) as { reports: Array<{ id: string }>; groups: Record<string, unknown> };
    expect(after.reports.map((r) => r.id)).toContain(reference);
    expect(after.groups[GROUP]).toBeDefined();
  });

  it('db.json missing with a good db.json.bak: the bot starts from the backup', async () => {
    const reference = await storageWithOneReport();
    await writeFile(bak(), await readFile(db()));
    await rm(db());
    const run = await shareHere(reference);
    expect(run.error).toBeUndefined();
    const replies = run.lines.filter((l) => l.type === 'send' && l.chat === REPORTER).map((l) => String(l.text));
    expect(replies.some((text) => templatePattern('shareDone').exec(text)?.[1] === reference)).toBe(true);
  });

  it('both copies damaged: refuses to start, says so plainly, and leaves both files as they were', async () => {
    await storageWithOneReport();
    const good = await readFile(db(), 'utf8');
    await writeFile(db(), good.slice(0, 40));
    await writeFile(bak(), 'not json at all');
    const [dbBefore, bakBefore] = [await bytes(db()), await bytes(bak())];

    const run = await shareCli('R-260105-AAAA');
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stdout).toBe('');
    expectPlainRefusal(run.stderr);
    expect(run.stderr).toMatch(/both/i);
    expect(run.stderr).toMatch(/damaged/i);
    expect(run.stderr).toContain(storage);
    expect(await bytes(db())).toEqual(dbBefore);
    expect(await bytes(bak())).toEqual(bakBefore);
    // No lock is left behind, so once a copy is restored the bot starts.
    expect(existsSync(path.join(storage, 'bot.lock'))).toBe(false);
    await writeFile(bak(), good);
    expect((await shareHere('R-260105-AAAA')).error).toBeUndefined();
  });

  it('both copies unreadable (permission denied): refuses to start with a plain message, no stack trace', async () => {
    // As root every file is readable, so the bot runs as "nobody" against files only root may read.
    const asRoot = process.getuid?.() === 0;
    await storageWithOneReport();
    await writeFile(bak(), await readFile(db()));
    if (asRoot) {
      await chmod(root, 0o755);
      await chmod(storage, 0o777);
      await rm(path.join(storage, 'logs'), { recursive: true, force: true });
    }
    await chmod(db(), 0o000);
    await chmod(bak(), 0o000);
    try {
      const run = await simulate(await script('u.jsonl', [groupLine]), {}, asRoot ? { uid: 65534 } : {});
      expect(run.code).not.toBe(0);
      expect(run.stdout).toBe('');
      expectPlainRefusal(run.stderr);
      expect(run.stderr).toContain(storage);
    } finally {
      await chmod(db(), 0o644);
      await chmod(bak(), 0o644);
    }
  });
});
