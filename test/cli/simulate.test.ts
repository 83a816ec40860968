import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MemberKey } from '../../src/services/member-key.js';
import {
  BOT,
  GROUP,
  jsonLines,
  person,
  runCommand,
  scriptText,
  sendsOf,
  simulate,
  simulateInProcess,
  tempDir,
  writeScript,
  type CliResult,
  type ScenarioRun,
  type SendLine,
} from './run-cli.js';

/**
 * `simulate --script`. What only the process can show (exit codes, what reaches stdout and
 * stderr, stdin, the real clock as default start, interactive mode) runs the CLI as a child
 * process; everything else runs the same runner in this process (simulateInProcess).
 */
const ADMIN = person(1);
const PARENT = person(2);
const START = '2026-01-05T08:00:00Z';
const START_MS = Date.parse(START);
const SECOND = 1000;

const groupLine = { type: 'group', chat: GROUP, name: 'Year 3 Parents', members: [ADMIN, PARENT, BOT], admins: [ADMIN] };
const say = (from: string, id: string, text: string, extra: object = {}) => ({ type: 'message', chat: GROUP, from, id, text, ...extra });

let dir: string;
let cleanup: () => Promise<void>;
let storage: string;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir());
  storage = path.join(dir, 'storage');
});
afterEach(async () => cleanup());

// The admin who adds the bot in these scripts runs it, so the group is approved at once.
const env = () => ({ BOT_STORAGE_DIR: storage, BOT_OPERATOR: ADMIN });

/** The script run in this process on the test's storage folder, as `simulate --script FILE ARGS` runs it. */
function run(lines: string | Array<object | string>, options: { start?: string; seed?: number } = {}): Promise<ScenarioRun> {
  return simulateInProcess(lines, env(), { start: START, ...options });
}

/** The same, through the CLI in a child process. */
async function runCli(lines: Array<object | string>, args: string[] = ['--start', START]): Promise<CliResult> {
  const file = await writeScript(dir, 'scenario.jsonl', lines);
  return simulate(['--script', file, ...args], env());
}

async function dbOnDisk(): Promise<{ groups: Record<string, { name: string; members: string[] }> }> {
  return JSON.parse(await readFile(path.join(storage, 'db.json'), 'utf8'));
}

const at = (s: SendLine) => Date.parse(s.at);

describe('simulate --script: the process', () => {
  it('writes only JSON lines on stdout, each send with type, at, chat and text, and exits 0', async () => {
    const result = await runCli([
      { type: 'join', chat: GROUP, members: [BOT], by: ADMIN },
      groupLine,
      say(PARENT, 'm1', '!rules'),
      say(PARENT, 'm2', 'how do I raise a concern?'),
      { type: 'join', chat: GROUP, members: [person(3)], by: ADMIN },
    ]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/^line \d+/m) });
    expect(result.stdout.endsWith('\n')).toBe(true);
    const lines = jsonLines(result.stdout);
    const sends = sendsOf(lines);
    expect(sends.length).toBe(4);
    for (const line of lines) expect(typeof line.type).toBe('string');
    for (const s of sends) {
      expect(typeof s.chat).toBe('string');
      expect(typeof s.text).toBe('string');
      expect(s.text.length).toBeGreaterThan(0);
      expect(new Date(s.at).toISOString()).toBe(s.at);
      expect(Object.keys(s).every((k) => ['type', 'at', 'chat', 'text', 'mentions', 'quotedId'].includes(k))).toBe(true);
    }
  });

  it('reads the script from stdin with --script -', async () => {
    const result = await simulate(['--script', '-', '--start', START], { BOT_STORAGE_DIR: storage }, scriptText([groupLine, say(PARENT, 'm1', '!rules')]));
    expect(result.code).toBe(0);
    const sends = sendsOf(jsonLines(result.stdout));
    expect(sends).toHaveLength(1);
    expect(sends[0]!.text).toContain('Group guidelines');
    expect(sends[0]!.at).toBe(START.replace('Z', '.000Z'));
  });

  it('stops at a bad line with exit 2 and one line on stderr naming it', async () => {
    const result = await runCli([groupLine, say(PARENT, 'm1', '!rules'), '{"type":"message", this is not json', say(PARENT, 'm2', '!help')]);
    expect(result.code).toBe(2);
    expect(result.stderr.replace(/\n$/, '').split('\n')).toEqual([expect.stringMatching(/\bline 3\b/)]);
    // What came before the bad line is still printed, as JSON lines.
    expect(sendsOf(jsonLines(result.stdout))).toHaveLength(1);
  });

  it('starts the clock at the real time when --start is not given', async () => {
    const before = Date.now();
    const result = await runCli([groupLine, say(PARENT, 'm1', '!rules')], []);
    const after = Date.now();
    expect(result.code).toBe(0);
    const [send] = sendsOf(jsonLines(result.stdout));
    // Simulated time began at the real time of the run; the reply comes seconds after on that clock.
    expect(at(send!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(at(send!)).toBeLessThanOrEqual(after + 10 * SECOND);
  });

  it('refuses a --start or --seed it cannot read, with exit 2', async () => {
    const badStart = await runCli([groupLine], ['--start', 'next tuesday']);
    expect(badStart.code).toBe(2);
    expect(badStart.stderr).toMatch(/--start/);
    expect(badStart.stdout).toBe('');
    const badSeed = await runCli([groupLine], ['--seed', 'abc']);
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toMatch(/--seed/);
  });

  it('exits 2 naming the file when the script does not exist', async () => {
    const missing = path.join(dir, 'nope.jsonl');
    const result = await simulate(['--script', missing, '--start', START], { BOT_STORAGE_DIR: storage });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(missing);
    expect(result.stdout).toBe('');
  });
});

describe('simulate (interactive)', () => {
  it('takes typed lines as a parent in the group, answers them, and ends on /quit', async () => {
    const typed = ['!rules', '/private', '!privacy', '/quit', 'never read'].join('\n') + '\n';
    const result = await simulate(['--start', START], { BOT_STORAGE_DIR: storage }, typed);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^Type as a parent in "Year 3 Parents"/);
    expect(result.stdout).toContain('[You in Year 3 Parents] > ');
    expect(result.stdout).toMatch(/🤖 08:0\d:\d\d \[Year 3 Parents\]\n📋 Group guidelines/);
    expect(result.stdout).toContain('[You, private chat with the bot] > ');
    expect(result.stdout).toMatch(/🤖 08:0\d:\d\d \[private to You\]\n[^\n]*Privacy/);
    // Nothing typed after /quit is taken as a message (the two before it were #m1 and #m2).
    expect(result.stdout).toContain('(#m2)');
    expect(result.stdout).not.toContain('(#m3)');
    // The bot was added by "You" and wrote the group down, in the storage folder it was given.
    expect((await dbOnDisk()).groups[GROUP]?.name).toBe('Year 3 Parents');
  });
});

describe('simulate --script: output', () => {
  it('adds mentions and quotedId only when the message uses them', async () => {
    const result = await run([
      groupLine,
      say(PARENT, 'm1', '!rules'),
      say(PARENT, 'q1', 'how do I raise a concern?'),
      { type: 'join', chat: GROUP, members: [person(3)], by: ADMIN },
    ]);
    const [rules, concern, welcome] = sendsOf(result.lines);
    expect(Object.keys(rules!).sort()).toEqual(['at', 'chat', 'text', 'type']);
    expect(rules!.text).toContain('Group guidelines');
    expect(concern!.quotedId).toBe('q1');
    expect(concern!).not.toHaveProperty('mentions');
    expect(concern!.text).toContain('school@imai.org.uk');
    expect(welcome!.mentions).toEqual([person(3)]);
    expect(welcome!).not.toHaveProperty('quotedId');
  });

  it('ignores blank lines and Windows line endings', async () => {
    const result = await run(['', JSON.stringify(groupLine), '   ', JSON.stringify(say(PARENT, 'm1', '!rules')), ''].join('\r\n'));
    expect(result.error).toBeUndefined();
    expect(sendsOf(result.lines)).toHaveLength(1);
  });

  // Windows Notepad can save "UTF-8 with BOM"; a volunteer's file then starts with U+FEFF.
  it('reads a scenario that starts with a byte-order mark', async () => {
    const result = await run(`\ufeff${JSON.stringify(groupLine)}\n${JSON.stringify(say(PARENT, 'm1', '!rules'))}\n`);
    expect(result.error).toBeUndefined();
    expect(sendsOf(result.lines)).toHaveLength(1);
  });
});

describe('simulate --script: simulated time', () => {
  it('follows the waits of a script on simulated time: hours and days pass between answers', async () => {
    const result = await run([
      groupLine,
      say(PARENT, 'm1', '!rules'),
      { type: 'wait', seconds: 6 * 3600 },
      say(PARENT, 'm2', '!rules'),
      { type: 'wait', seconds: 3 * 86_400 },
      say(PARENT, 'm3', '!help'),
    ]);
    expect(result.error).toBeUndefined();
    const [first, second, third] = sendsOf(result.lines);
    expect(at(first!)).toBeGreaterThanOrEqual(START_MS);
    expect(at(first!)).toBeLessThan(START_MS + 10 * SECOND);
    // Six hours later the cooldown is long over: the full rules again, not the pointer.
    expect(second!.text).toContain('Group guidelines');
    expect(at(second!)).toBeGreaterThanOrEqual(START_MS + 6 * 3600 * SECOND);
    expect(at(second!)).toBeLessThan(START_MS + 6 * 3600 * SECOND + 10 * SECOND);
    expect(at(third!)).toBeGreaterThanOrEqual(START_MS + (6 * 3600 + 3 * 86_400) * SECOND);
    expect(third!.text).toContain('!rules');
  });

  it('keeps answers in a chat a few seconds apart, as a person would type', async () => {
    const result = await run([groupLine, say(PARENT, 'm1', '!rules'), say(PARENT, 'm2', '!help'), say(PARENT, 'm3', '!privacy'), say(PARENT, 'm4', '!rules full')]);
    const sends = sendsOf(result.lines);
    expect(sends).toHaveLength(4);
    for (let i = 1; i < sends.length; i++) expect(at(sends[i]!) - at(sends[i - 1]!)).toBeGreaterThanOrEqual(3 * SECOND);
  });

  it('lets time run on after the last line, so a pending welcome still goes out', async () => {
    const joiners = [person(3), person(4), person(5)];
    const result = await run([
      groupLine,
      ...joiners.map((p) => ({ type: 'join', chat: GROUP, members: [p], by: ADMIN })),
    ]);
    expect(result.error).toBeUndefined();
    const sends = sendsOf(result.lines);
    expect(sends).toHaveLength(1);
    expect(sends[0]!.mentions).toEqual(joiners);
    // The welcome waits for the joins to stop: at least the batching window after the start.
    expect(at(sends[0]!)).toBeGreaterThanOrEqual(START_MS + 20 * SECOND);
    expect(at(sends[0]!)).toBeLessThanOrEqual(START_MS + 10 * 60 * SECOND);
  });
});

describe('simulate --script: repeatable runs', () => {
  const script = [
    { type: 'join', chat: GROUP, members: [BOT], by: ADMIN },
    groupLine,
    say(PARENT, 'm1', '!rules'),
    say(person(3), 'm2', '!rules'),
    say(PARENT, 'm3', 'how do I raise a concern?'),
    { type: 'wait', seconds: 5 },
    { type: 'join', chat: GROUP, members: [person(4)] },
    { type: 'message', chat: PARENT, from: PARENT, id: 'p1', text: '!privacy' },
  ];

  /** A fresh storage folder, as a second run of the same scenario elsewhere would have. */
  async function freshStorage() {
    await cleanup();
    ({ dir, cleanup } = await tempDir());
    storage = path.join(dir, 'storage');
  }

  it('gives the same output for the same --start and --seed', async () => {
    const first = await run(script, { seed: 42 });
    await freshStorage();
    const second = await run(script, { seed: 42 });
    expect(first.error).toBeUndefined();
    expect(sendsOf(first.lines).length).toBeGreaterThanOrEqual(5);
    expect(second.stdout).toBe(first.stdout);
  });

  it('lets --seed change only the small jitter in send times, never what is sent', async () => {
    const one = sendsOf((await run(script, { seed: 1 })).lines);
    await freshStorage();
    const two = sendsOf((await run(script, { seed: 2 })).lines);
    expect(two.map(({ at: _at, ...rest }) => rest)).toEqual(one.map(({ at: _at, ...rest }) => rest));
    expect(two.map((s) => s.at)).not.toEqual(one.map((s) => s.at));
  });
});

describe('simulate --script: a bad line', () => {
  /** The run stopped with one line of error (what the CLI prints on stderr before exit 2), naming `lineNumber`. */
  function expectOneLineNaming(result: ScenarioRun, lineNumber: number): void {
    expect(result.error).toEqual(expect.any(String));
    expect(result.error!.split('\n')).toHaveLength(1);
    expect(result.error).toMatch(new RegExp(`\\bline ${lineNumber}\\b`));
  }

  const before = [
    groupLine, // line 1
    say(PARENT, 'm1', '!rules'), // line 2
    { type: 'join', chat: GROUP, members: [person(7)], by: ADMIN }, // line 3
  ];
  const after = [say(PARENT, 'm9', '!help'), { type: 'join', chat: GROUP, members: [person(8)] }];

  it('that is not JSON stops the run with one line naming it', async () => {
    const result = await run([...before, '{"type":"message", this is not json', ...after]);
    expectOneLineNaming(result, 4);
  });

  it('counts blank lines, so the number is the one an editor shows', async () => {
    const result = await run([...before, '', '', 'hello']);
    expectOneLineNaming(result, 6);
  });

  it('with an unknown type stops the run naming its line', async () => {
    const result = await run([...before, { type: 'poll', chat: GROUP, question: 'Trip on Friday?' }, ...after]);
    expectOneLineNaming(result, 4);
  });

  it('with no type, or a known type missing a field, is named too', async () => {
    expectOneLineNaming(await run([...before, { chat: GROUP, text: 'hi' }]), 4);
    expectOneLineNaming(await run([groupLine, { type: 'message', chat: GROUP, text: 'no sender' }]), 2);
    expectOneLineNaming(await run([{ type: 'wait', seconds: 'ten' }]), 1);
  });

  it('loses nothing that came before it: its sends are out and the group is in db.json', async () => {
    const result = await run([...before, 'not json at all', ...after]);
    expectOneLineNaming(result, 4);
    const sends = sendsOf(result.lines);
    // The !rules of line 2, and the welcome for line 3's join (its timer runs on, as at a normal end).
    expect(sends).toHaveLength(2);
    expect(sends[0]!.text).toContain('Group guidelines');
    expect(sends[1]!.mentions).toEqual([person(7)]);
    // Nothing after the bad line ran.
    expect(sends.some((s) => s.text.includes('What I can do'))).toBe(false);

    const db = await dbOnDisk();
    expect(db.groups[GROUP]?.name).toBe('Year 3 Parents');
    const key = await MemberKey.open(storage, false);
    expect(db.groups[GROUP]?.members).toEqual(expect.arrayContaining([ADMIN, PARENT, person(7)].map((id) => key.fingerprint(id))));
    expect(db.groups[GROUP]?.members).not.toContain(key.fingerprint(person(8)));
  });

  it('on the first line still leaves stdout empty and storage usable', async () => {
    const result = await run(['oops', groupLine]);
    expectOneLineNaming(result, 1);
    expect(result.stdout).toBe('');
    // The same folder runs the next script normally.
    const next = await run([groupLine, say(PARENT, 'm1', '!rules')]);
    expect(next.error).toBeUndefined();
    expect(sendsOf(next.lines)).toHaveLength(1);
  });
});

describe('npm run --silent simulate -- --script FILE (the contract\'s command)', () => {
  // The npm script builds dist/ first, so this is the one test that needs the TypeScript build to pass.
  it('runs a scenario and prints only JSON lines', async () => {
    const file = await writeScript(dir, 'npm.jsonl', [groupLine, say(PARENT, 'm1', '!rules'), { type: 'join', chat: GROUP, members: [person(3)] }]);
    const result = await runCommand('npm', ['run', '--silent', 'simulate', '--', '--script', file, '--start', START], {
      BOT_STORAGE_DIR: storage,
    });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const sends = sendsOf(jsonLines(result.stdout));
    expect(sends).toHaveLength(2);
    expect(sends[0]!.text).toContain('Group guidelines');
    expect(sends[1]!.mentions).toEqual([person(3)]);
  }, 60_000);
});
