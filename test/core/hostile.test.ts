import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scenarioLine } from '../../src/transports/simulator.js';
import { ADMIN, GROUP, OTHER_GROUP, PARENT, groupLine, message, startBot, type TestBot } from '../support/bot.js';

/** A repeatable stream of pseudo-random numbers, so a failure can be replayed. */
function numbers(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** `length` characters drawn from `alphabet` (an array of code points as strings). */
function garbage(length: number, alphabet: string[], seed = 7): string {
  const next = numbers(seed);
  let out = '';
  while (out.length < length) out += alphabet[Math.floor(next() * alphabet.length)]!;
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
// Letters, digits and punctuation, without the words that would make a concern question.
const asciiNoise = [...range(0x21, 0x7e), ' ', ' ', ' '];
const KB200 = 200 * 1024;

const hostile: Record<string, string> = {
  '200 KB of text': garbage(KB200, asciiNoise, 1),
  'control characters': `${range(0x00, 0x1f).join('')}${range(0x7f, 0x9f).join('')}hello\u0000there\u0007\u001b[2J\u001b[31mred`.repeat(50),
  'lone surrogates': `\ud800abc\udfff${'\udc00'.repeat(500)}${'\ud83d'.repeat(500)}x\ud83d`,
  'right-to-left Arabic with bidi overrides':
    '\u202eالسلام عليكم ورحمة الله\u202c \u2067مرحبا بالجميع في مجموعة أولياء الأمور\u2069 \u202b!قواعد\u202c \u200fشكرا\u200e'.repeat(20),
  '10,000 emoji': Array.from({ length: 10_000 }, (_, i) => ['😀', '👨‍👩‍👧‍👦', '🇬🇧', '👍🏽', '❤️'][i % 5]).join(''),
  'only whitespace': ' \t\n\r\u00a0\u2003\u3000 '.repeat(500),
  'combining marks pile-up': `a${'\u0301\u0302\u0303\u0304'.repeat(5000)}`,
};

let bot: TestBot | undefined;
let storageDir: string | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  if (storageDir) await rm(storageDir, { recursive: true, force: true });
  storageDir = undefined;
});

/** A bot whose storage (and so its log file) stays until the test has read it. */
async function start(): Promise<TestBot> {
  storageDir = await mkdtemp(path.join(tmpdir(), 'steward-hostile-'));
  bot = await startBot({ storageDir });
  await bot.run(groupLine());
  bot.take();
  return bot;
}

/** Error lines the bot logged: a feature that threw is caught by the router and logged here. */
async function loggedErrors(): Promise<string[]> {
  const dir = path.join(storageDir!, 'logs');
  const files = (await readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith('.log'));
  const lines: string[] = [];
  for (const file of files) lines.push(...(await readFile(path.join(dir, file), 'utf8')).split('\n').filter(Boolean));
  return lines.filter((line) => (JSON.parse(line) as { level?: string }).level === 'error');
}

/** The longest run of `input` (64 characters or more) that a sent text repeats, if any. */
function echoed(input: string, sent: string, window = 64): string | undefined {
  for (let i = 0; i + window <= sent.length; i++) {
    const piece = sent.slice(i, i + window);
    if (input.includes(piece)) return piece;
  }
  return undefined;
}

/** After any hostile input, an ordinary !rules (once the cooldown has passed) still gets the rules. */
async function stillAnswersRules(b: TestBot): Promise<void> {
  await b.run({ type: 'wait', seconds: 120 }, message(ADMIN, '!rules', { id: 'normal-rules' }));
  await b.settle();
  const sent = b.take();
  expect(sent).toHaveLength(1);
  expect(sent[0]!.chat).toBe(GROUP);
  expect(sent[0]!.text).toContain('Group guidelines');
}

describe('hostile messages in a group', () => {
  it.each(Object.keys(hostile))('%s: no answer, no echo, no crash, and the next !rules is answered', async (label) => {
    const b = await start();
    const text = hostile[label]!;
    await b.run(message(PARENT, text, { id: 'hostile' }));
    await b.settle();
    const sent = b.take();
    for (const s of sent) expect(echoed(text, s.text)).toBeUndefined();
    expect(sent).toEqual([]);
    await stillAnswersRules(b);
    await b.close();
    bot = undefined;
    expect(await loggedErrors()).toEqual([]);
  });

  it('a !rules hidden behind zero-width characters is answered as !rules', async () => {
    const b = await start();
    await b.run(message(PARENT, '\u200b\u200c\u200d\u2060\ufeff!\u200brules\u200d', { id: 'hidden' }));
    await b.settle();
    const sent = b.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain('Group guidelines');
    await stillAnswersRules(b);
  });

  it('a 200 KB "!rules" followed by garbage gets the ordinary rules, never the garbage', async () => {
    const b = await start();
    const text = `!rules ${garbage(KB200, asciiNoise, 2)}`;
    await b.run(message(PARENT, text, { id: 'big-rules' }));
    await b.settle();
    const sent = b.take();
    expect(sent.length).toBeLessThanOrEqual(1);
    for (const s of sent) {
      expect(echoed(text, s.text)).toBeUndefined();
      expect(s.text).toContain('Group guidelines');
      expect(s.text.length).toBeLessThan(3000);
    }
    await stillAnswersRules(b);
  });

  it('an unknown 200 KB command is answered privately, repeating at most its short name', async () => {
    const b = await start();
    const text = `!zzz ${garbage(KB200, asciiNoise, 3)}`;
    await b.run(message(PARENT, text, { id: 'big-unknown' }));
    await b.settle();
    const sent = b.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(PARENT);
    expect(sent[0]!.text).toContain('!zzz');
    expect(echoed(text, sent[0]!.text, 32)).toBeUndefined();
    await stillAnswersRules(b);
  });

  it('a flood of one hundred 20 KB messages is not answered and does not stop the bot', async () => {
    const b = await start();
    const lines = Array.from({ length: 100 }, (_, i) => message(PARENT, garbage(20 * 1024, asciiNoise, 100 + i), { id: `flood-${i}` }));
    await b.run(...lines);
    await b.settle();
    expect(b.take()).toEqual([]);
    await stillAnswersRules(b);
  });

  it('a 200 KB private message is not echoed either', async () => {
    const b = await start();
    const text = garbage(KB200, asciiNoise, 4);
    await b.run({ type: 'message', chat: PARENT, from: PARENT, id: 'private-big', text });
    await b.settle();
    for (const s of b.take()) expect(echoed(text, s.text)).toBeUndefined();
    await stillAnswersRules(b);
  });
});

describe('odd senders', () => {
  it('the simulator refuses a message with an empty or blank sender', () => {
    for (const from of ['', '   ', '\t']) {
      expect(scenarioLine.safeParse({ type: 'message', chat: GROUP, from, text: '!rules' }).success).toBe(false);
    }
    expect(scenarioLine.safeParse({ type: 'message', chat: GROUP, text: '!rules' }).success).toBe(false);
  });

  // The simulator's schema takes any non-blank string as a sender; WhatsApp only ever reports people.
  it('a message "from" a group id or a string that is no WhatsApp id never gets a private answer, and the bot goes on', async () => {
    const b = await start();
    const odd = [GROUP, OTHER_GROUP, 'x', '+44 7700 900002', 'status@broadcast'];
    for (const from of odd) {
      if (!scenarioLine.safeParse(message(from, '!pause')).success) continue;
      await b.run(message(from, '!pause'), message(from, '!nonsense'), message(from, 'how do I raise a concern?'));
    }
    await b.settle();
    for (const s of b.take()) {
      // Whatever it says goes to the group the message was posted in, never to an odd "person".
      expect(s.chat).toBe(GROUP);
    }
    // The group was not paused by a sender that is no admin.
    expect(b.sim.app.services.store.group(GROUP)?.paused).toBe(false);
    await stillAnswersRules(b);
  });

  it('a group id that posts is not remembered as a member of the group', async () => {
    const b = await start();
    await b.run(message(OTHER_GROUP, 'hello'), message(GROUP, 'hello'));
    const store = b.sim.app.services.store;
    expect(store.isMember(store.group(GROUP), OTHER_GROUP)).toBe(false);
    expect(store.isMember(store.group(GROUP), GROUP)).toBe(false);
    expect(store.isMember(store.group(GROUP), PARENT)).toBe(true);
  });
});
