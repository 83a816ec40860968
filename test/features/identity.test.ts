import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { groupCode } from '../../src/core/ids.js';
import { ADMIN, BOT, GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

const OTHER_PARENT = person(3);
const OPERATOR = person(90);
const NEWCOMER = person(50);
const FOOTER = '— Parent Group Steward: a parent-run helper, not an official IMAI account';

let bot: TestBot | undefined;
let ownDir: string | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
  if (ownDir) await rm(ownDir, { recursive: true, force: true });
  ownDir = undefined;
});

/** A scenario that makes the bot say each kind of thing it can say, each kind named by a fragment only it has. */
const kinds: Record<string, RegExp> = {
  awaitingApproval: /^Hello everyone 👋 I'm Parent Group Steward, a helper run by parents/,
  operatorApproval: /^I was added to the group "Year 3 Parents"/,
  approved: /^Approved: "Year 3 Parents"/,
  intro: /^Hello everyone 👋 I'm Parent Group Steward, a helper added by a parent admin/,
  welcome: /^Welcome @447700900050/,
  rules: /^📋 Group guidelines/,
  rulesFull: /^📋 The Imam Muhammad Adam Institute: Policy/,
  rulesPointer: /^The rules were posted a moment ago/,
  concern: /^To raise a concern, contact the school directly/,
  concernPointer: /^The school's contact details are in my message just above/,
  help: /^What I can do:/,
  helpPointer: /^My commands are listed just above/,
  privacy: /^🔒 Privacy/,
  status: /^Status for Year 3 Parents/,
  paused: /^⏸️ Paused in this group/,
  pausedAlready: /^I'm already paused here/,
  resumed: /^▶️ Back on in this group/,
  resumedAlready: /^I'm already on in this group/,
  refusal: /^Sorry, !pause is for the admins/,
  unknownCommand: /^I don't know !rulez/,
  groupOnly: /^!pause works inside a group/,
  welcomeSet: /^Welcome messages are now on/,
  welcomeUsage: /^Use !welcome on or !welcome off/,
};

async function everyKindOfMessage(b: TestBot): Promise<void> {
  await b.run(
    // The bot is added to a group it has not heard of; WhatsApp reports the group just after.
    // The admin who added it is not the operator, who approves the group privately.
    { type: 'join', chat: GROUP, members: [BOT], by: ADMIN },
    groupLine([ADMIN, PARENT, OTHER_PARENT]),
    message(OPERATOR, `!approve ${groupCode(GROUP)}`, { chat: OPERATOR }),
    { type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN },
    { type: 'wait', seconds: 30 },
    message(PARENT, '!rules'),
    message(PARENT, '!rules'),
    message(PARENT, '!rules full'),
    message(PARENT, 'how do I raise a concern?', { id: 'q1' }),
    message(OTHER_PARENT, 'who do I complain to?', { id: 'q2' }),
    message(PARENT, '!help'),
    message(OTHER_PARENT, '!help'),
    message(PARENT, '!privacy'),
    message(ADMIN, '!status'),
    message(PARENT, '!pause'),
    message(PARENT, '!rulez'),
    message(ADMIN, '!pause', { chat: ADMIN }),
    message(ADMIN, '!welcome maybe'),
    message(ADMIN, '!welcome on'),
    message(ADMIN, '!pause'),
    message(ADMIN, '!pause'),
    message(ADMIN, '!resume'),
    message(ADMIN, '!resume'),
    message(PARENT, '!rules full', { chat: PARENT }),
    message(PARENT, 'how do I raise a concern?', { chat: PARENT, id: 'p1' }),
  );
  await b.settle();
}

describe('the bot never passes for the school', () => {
  it('ends every message of every kind with the parent-run footer', async () => {
    const b = (bot = await startBot({ env: { BOT_OPERATOR: OPERATOR } }));
    await everyKindOfMessage(b);
    const sent = b.sends();
    // The scenario really made the bot say each kind of thing, so the check below covers them all.
    for (const [kind, pattern] of Object.entries(kinds)) {
      expect({ kind, found: sent.some((s) => pattern.test(s.text)) }).toEqual({ kind, found: true });
    }
    expect(sent.length).toBeGreaterThanOrEqual(Object.keys(kinds).length);
    for (const s of sent) {
      expect(s.text.endsWith(`\n\n${FOOTER}`)).toBe(true);
      // The footer is there once, as the last line: nothing after it, nothing that could pass for a second signature.
      expect(s.text.split(FOOTER)).toHaveLength(2);
    }
    // Private messages carry it too.
    expect(sent.filter((s) => s.chat !== GROUP).length).toBeGreaterThanOrEqual(4);
  });

  it('never claims to speak for the school', async () => {
    const b = (bot = await startBot({ env: { BOT_OPERATOR: OPERATOR } }));
    await everyKindOfMessage(b);
    const sent = b.sends();
    expect(sent.length).toBeGreaterThanOrEqual(Object.keys(kinds).length);
    for (const { text } of sent) {
      expect(text).not.toMatch(/on behalf of (the school|IMAI|The Imam Muhammad Adam Institute)/i);
      expect(text).not.toMatch(/\b(message|announcement|notice|update) from (the school|IMAI|the principal|the office)\b/i);
      expect(text).not.toMatch(/\bwe(,)? (at |are )?(the school|IMAI)\b/i);
      expect(text).not.toMatch(/^\s*(kind |best )?(regards|thanks|wishes|sincerely)\b/im);
      expect(text).not.toMatch(/^\s*[—–-]\s*(the school|IMAI|The Imam Muhammad Adam Institute|school office|the principal)/im);
      // "official" only ever appears as "not an official".
      expect(text.replace(/not an official/g, '')).not.toMatch(/official/i);
    }
  });
});

describe('the footer from configuration', () => {
  it('carries the configured bot name', async () => {
    const b = (bot = await startBot({ config: { bot: { name: 'Year 3 Helper' } } }));
    await b.run(groupLine(), message(PARENT, '!rules'), message(PARENT, '!rulez'));
    await b.settle();
    const sent = b.take();
    expect(sent).toHaveLength(2);
    for (const s of sent) expect(s.text.endsWith('\n\n— Year 3 Helper: a parent-run helper, not an official IMAI account')).toBe(true);
  });

  it('carries the configured school short name', async () => {
    const b = (bot = await startBot({ config: { school: { shortName: 'Imam Adam Institute' } } }));
    await b.run(groupLine(), message(PARENT, '!help'));
    await b.settle();
    const sent = b.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text.endsWith('— Parent Group Steward: a parent-run helper, not an official Imam Adam Institute account')).toBe(true);
  });

  // The wording itself lives in config/messages/en.json and BOT_CONFIG cannot reach it: a
  // volunteer's config file cannot drop the "not an official" disclaimer. A try is refused at start.
  it.each([{ messages: { footer: 'IMAI Parents Office' } }, { footer: 'IMAI Parents Office' }])(
    'refuses to start with a config file that tries to change the footer wording: %j',
    async (config) => {
      ownDir = await mkdtemp(path.join(tmpdir(), 'steward-identity-'));
      await expect(startBot({ storageDir: ownDir, config })).rejects.toThrow(/unknown key .*footer|unknown key .*messages/);
    },
  );
});
