import { afterEach, describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { BOT, GROUP, ROOT, jsonLines, person, sendsOf, simulate, tempDir, type SendLine } from './run-cli.js';

/**
 * Every scenario file in test/scenarios/ runs through the simulator as a volunteer would run it.
 * Each must exit 0 with JSON lines only on stdout; the files named below also get checks of
 * what the bot said. A new scenario file is picked up without touching this test.
 */
const SCENARIOS = path.join(ROOT, 'test', 'scenarios');
const START = '2026-01-05T08:00:00Z';
const START_MS = Date.parse(START);
const FOOTER = 'a parent-run helper, not an official IMAI account';
const SCHOOL_EMAIL = 'school@imai.org.uk';

const files = readdirSync(SCENARIOS)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

const inGroup = (s: SendLine) => s.chat === GROUP;
const at = (s: SendLine) => Date.parse(s.at);
const mention = (id: string) => `@${id.split('@')[0]}`;
const isRules = (s: SendLine) => s.text.startsWith('📋 Group guidelines');
const isFullRules = (s: SendLine) => s.text.startsWith('📋 The Imam Muhammad Adam Institute');
const isRulesPointer = (s: SendLine) => s.text.startsWith('The rules were posted a moment ago');

/** What each known scenario must produce, keyed by file name. */
const expectations: Record<string, (sends: SendLine[]) => void> = {
  'welcome.jsonl'(sends) {
    const [intro, welcome, ...rest] = sends;
    expect(rest).toEqual([]);
    // The bot introduces itself once when added, with the code of conduct and how to reach the school.
    expect(intro!.chat).toBe(GROUP);
    expect(intro!.text).toMatch(/^Hello everyone/);
    expect(intro!.text).toContain(SCHOOL_EMAIL);
    expect(intro!).not.toHaveProperty('mentions');
    // The burst of joins becomes one welcome for the four who are still there (number 15 left).
    const joiners = [person(11), person(12), person(13), person(14)];
    expect(welcome!.chat).toBe(GROUP);
    expect(welcome!.mentions).toEqual(joiners);
    for (const joiner of joiners) expect(welcome!.text).toContain(mention(joiner));
    expect(welcome!.text).not.toContain(mention(person(15)));
    for (const old of [person(1), person(2), person(3), BOT]) expect(welcome!.text).not.toContain(mention(old));
    expect(welcome!.text).toContain(SCHOOL_EMAIL);
    // Sent once the joins have stopped for the batching window (the last join is at 08:05:13).
    expect(at(welcome!)).toBeGreaterThanOrEqual(START_MS + (5 * 60 + 13 + 20) * 1000);
  },

  'rules.jsonl'(sends) {
    expect(sends).toHaveLength(5);
    const [first, pointer, again, full, privately] = sends;
    // r1: the rules; r2 inside the cooldown: a pointer; r3: nothing more.
    expect(inGroup(first!) && isRules(first!)).toBe(true);
    expect(first!.text).toContain(SCHOOL_EMAIL);
    expect(first!.text.match(/^\d\. /gm)).toHaveLength(6);
    expect(inGroup(pointer!) && isRulesPointer(pointer!)).toBe(true);
    // r4, once the minute has passed: the rules again.
    expect(inGroup(again!) && isRules(again!)).toBe(true);
    expect(at(again!) - at(first!)).toBeGreaterThanOrEqual(60_000);
    // r5: the whole policy.
    expect(inGroup(full!) && isFullRules(full!)).toBe(true);
    expect(full!.text).toContain('the Principal');
    expect(full!.text).toContain('January 2027');
    // r6, in a private chat: always answered, whatever the group's cooldown.
    expect(privately!.chat).toBe(person(4));
    expect(isRules(privately!)).toBe(true);
    for (const s of sends) {
      expect(s).not.toHaveProperty('quotedId');
      expect(s).not.toHaveProperty('mentions');
    }
  },

  'concern.jsonl'(sends) {
    // Only the four concern questions are answered, each quoted, none of the chatter (n1..n6).
    expect(sends.map((s) => s.quotedId)).toEqual(['c1', 'c2', 'c3', 'c4']);
    expect(sends.map((s) => s.chat)).toEqual([GROUP, GROUP, GROUP, person(5)]);
    for (const s of sends) {
      expect(s.text).toContain(SCHOOL_EMAIL);
      expect(s.text).toMatch(/does not monitor/);
    }
  },

  'admin.jsonl'(sends) {
    // In the group, in this order; while paused (a3..a7) only !status is answered there: no rules,
    // no concern answer and no welcome for 447700900011. No welcome for 447700900012 either, who
    // joined while welcomes were off.
    const group = sends.filter(inGroup).map((s) => s.text.split('\n')[0]);
    expect(group).toEqual([
      expect.stringMatching(/^Status for Year 3 Parents: active\. Welcome messages: on\./),
      expect.stringMatching(/^⏸️ Paused in this group/),
      expect.stringMatching(/^Status for Year 3 Parents: paused\./),
      expect.stringMatching(/^▶️ Back on/),
      expect.stringMatching(/^Welcome messages are now off/),
      expect.stringMatching(/^Welcome messages are now on/),
      expect.stringMatching(/^Welcome @447700900013\b/),
    ]);
    const welcome = sends.find((s) => s.mentions);
    expect(welcome!.mentions).toEqual([person(13)]);
    expect(sends.some((s) => s.text.includes(mention(person(11))) || s.text.includes(mention(person(12))))).toBe(false);
    expect(sends.some(isRules)).toBe(false);

    // Privately: the parent who tried admin commands is told, once for each, that they are for admins.
    const toParent = sends.filter((s) => s.chat === person(2)).map((s) => s.text);
    expect(toParent).toEqual([
      expect.stringMatching(/^Sorry, !pause is for the admins of Year 3 Parents/),
      expect.stringMatching(/^Sorry, !welcome is for the admins of Year 3 Parents/),
    ]);
    // Anything else private goes only to the parent who asked about a concern while paused, with the school's contacts.
    const others = sends.filter((s) => !inGroup(s) && s.chat !== person(2));
    for (const s of others) {
      expect(s.chat).toBe(person(3));
      expect(s.text).toContain(SCHOOL_EMAIL);
    }
  },

  'help-privacy.jsonl'(sends) {
    expect(sends).toHaveLength(6);
    const [help, privacy, unknown, privateHelp, privatePrivacy, groupOnly] = sends;
    expect(inGroup(help!)).toBe(true);
    for (const command of ['!rules', '!rules full', '!help', '!privacy']) expect(help!.text).toContain(command);
    expect(help!.text).toContain(SCHOOL_EMAIL);
    expect(inGroup(privacy!)).toBe(true);
    expect(privacy!.text).toMatch(/Privacy/);
    expect(privacy!.text).toMatch(/not the school/);
    expect(privacy!.text).toMatch(/never message text or full phone numbers/);
    // A typo in the group is answered privately, so the group never sees it.
    expect(unknown!.chat).toBe(person(3));
    expect(unknown!.text).toContain('!rulez');
    expect(unknown!.text).toContain('!help');
    expect(privateHelp!.chat).toBe(person(2));
    expect(privateHelp!.text).toBe(help!.text);
    expect(privatePrivacy!.chat).toBe(person(2));
    expect(privatePrivacy!.text).toBe(privacy!.text);
    expect(groupOnly!.chat).toBe(person(2));
    expect(groupOnly!.text).toMatch(/^!pause works inside a group/);
  },
};

describe('scenario files', () => {
  let cleanup: (() => Promise<void>) | undefined;
  afterEach(async () => cleanup?.());

  it('include one for every feature named in the contract', () => {
    expect(files).toEqual(expect.arrayContaining(Object.keys(expectations)));
  });

  it.each(files)('%s is a readable scenario: one JSON event per line', (file) => {
    const lines = readFileSync(path.join(SCENARIOS, file), 'utf8').split('\n').filter((l) => l.trim());
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(typeof (JSON.parse(line) as { type?: unknown }).type).toBe('string');
  });

  it.each(files)('%s runs: exit 0, JSON lines only, every message with the parent-run footer', async (file) => {
    const temp = await tempDir('steward-scenario-');
    cleanup = temp.cleanup;
    const result = await simulate(['--script', path.join(SCENARIOS, file), '--start', START], {
      BOT_STORAGE_DIR: path.join(temp.dir, 'storage'),
    });
    expect(result.stderr).not.toMatch(/^line \d+:/m);
    expect(result.code).toBe(0);
    const lines = jsonLines(result.stdout);
    for (const line of lines) expect(typeof line.type).toBe('string');
    const sends = sendsOf(lines);
    let previous = START_MS;
    for (const s of sends) {
      expect(typeof s.chat).toBe('string');
      expect(new Date(s.at).toISOString()).toBe(s.at);
      // Output comes in the order it was sent, on a clock that only moves forward.
      expect(at(s)).toBeGreaterThanOrEqual(previous);
      previous = at(s);
      expect(s.text.trimEnd().endsWith(FOOTER)).toBe(true);
      if ('mentions' in s) expect(s.mentions!.length).toBeGreaterThan(0);
    }
    expectations[file]?.(sends);
  });
});
