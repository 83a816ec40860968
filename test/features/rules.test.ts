import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from '@jest/globals';
import { GROUP, OTHER_GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

interface SchoolJson {
  email: string;
  policy: {
    reviewDate: string;
    guidelines: Array<{ short: string; text: string }>;
    inappropriate: Array<{ text: string }>;
    breachActions: string[];
  };
}
const school = JSON.parse(
  readFileSync(fileURLToPath(new URL('../../config/school.json', import.meta.url)), 'utf8'),
) as SchoolJson;

const OTHER_PARENT = person(3);

let bot: TestBot;
afterEach(async () => bot?.close());

/** The short rules: all six guidelines in their short wording, numbered, and how to raise a concern. */
function expectShortRules(text: string): void {
  expect(school.policy.guidelines).toHaveLength(6);
  school.policy.guidelines.forEach((g, i) => expect(text).toContain(`${i + 1}. ${g.short}`));
  expect(text).toContain('school@imai.org.uk');
  expect(text).toMatch(/school office/);
  expect(text).toMatch(/!rules full/);
}

const isShortRules = (text: string) => text.includes(school.policy.guidelines[0]!.short);
const isFullRules = (text: string) => text.includes(school.policy.breachActions[0]!);
const isPointer = (text: string) => /posted a moment ago/.test(text);

describe('!rules', () => {
  it('gives the six guidelines in their short wording and how to raise a concern', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, '!rules', { id: 'm1' }));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(GROUP);
    expectShortRules(sent[0]!.text);
    // The short rules are the short wording, not the whole policy.
    expect(isFullRules(sent[0]!.text)).toBe(false);
  });

  it.each(['!RULES', '! rules', '  !rules  ', '！rules', '!Rules'])('understands %j as !rules', async (typed) => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, typed));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expectShortRules(sent[0]!.text);
  });

  it.each(['did everyone read the rules?', 'rules!', 'wow! rules are rules', '!!!'])(
    'stays quiet when a parent merely writes %j',
    async (typed) => {
      bot = await startBot();
      await bot.run(groupLine(), message(PARENT, typed));
      await bot.settle();
      expect(bot.take()).toEqual([]);
    },
  );

  it('!rules full gives the whole policy: inappropriate activities, breach actions, the Principal, the review date', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, '!rules full'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    const text = sent[0]!.text;
    for (const g of school.policy.guidelines) expect(text).toContain(g.text);
    for (const i of school.policy.inappropriate) expect(text).toContain(i.text);
    for (const action of school.policy.breachActions) expect(text).toContain(action);
    expect(text).toMatch(/rests with the Principal/);
    expect(text).toContain('January 2027');
    expect(text).toContain(school.email);
  });

  it('!RULES  FULL is the whole policy too', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, '!RULES  FULL'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(isFullRules(sent[0]!.text)).toBe(true);
  });
});

describe('!rules cooldown in a group', () => {
  it('answers once, points once, then stays quiet until 60 s have passed', async () => {
    bot = await startBot();
    await bot.run(
      groupLine([PARENT, OTHER_PARENT]),
      message(PARENT, '!rules'),
      { type: 'wait', seconds: 10 },
      message(OTHER_PARENT, '!rules'),
      { type: 'wait', seconds: 20 },
      message(PARENT, '!rules'),
      { type: 'wait', seconds: 29 }, // 59 s after the first: still inside the window
      message(OTHER_PARENT, '!rules'),
    );
    await bot.settle();
    const inWindow = bot.take();
    expect(inWindow).toHaveLength(2);
    expect(isShortRules(inWindow[0]!.text)).toBe(true);
    expect(isPointer(inWindow[1]!.text)).toBe(true);
    expect(isShortRules(inWindow[1]!.text)).toBe(false);
    expect(inWindow[1]!.chat).toBe(GROUP);

    await bot.run({ type: 'wait', seconds: 61 }, message(PARENT, '!rules'));
    await bot.settle();
    const after = bot.take();
    expect(after).toHaveLength(1);
    expectShortRules(after[0]!.text);
  });

  it('gives the full rules again once the window is over (wait 61 s)', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, '!rules'), { type: 'wait', seconds: 61 }, message(PARENT, '!rules'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(2);
    expect(sent.every((s) => isShortRules(s.text))).toBe(true);
  });

  it('is per group: another group asking at the same moment gets the rules', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      groupLine(undefined, undefined, OTHER_GROUP, 'Year 4 Parents'),
      message(PARENT, '!rules'),
      message(PARENT, '!rules', { chat: OTHER_GROUP }),
      message(PARENT, '!rules'),
    );
    await bot.settle();
    const sent = bot.take();
    const inGroup = sent.filter((s) => s.chat === GROUP);
    const inOther = sent.filter((s) => s.chat === OTHER_GROUP);
    expect(inOther).toHaveLength(1);
    expectShortRules(inOther[0]!.text);
    expect(inGroup).toHaveLength(2);
    expect(isShortRules(inGroup[0]!.text)).toBe(true);
    expect(isPointer(inGroup[1]!.text)).toBe(true);
  });

  it('keeps !rules full on its own cooldown', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      message(PARENT, '!rules'),
      message(PARENT, '!rules full'),
      message(PARENT, '!rules full'),
      message(PARENT, '!rules full'),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(3);
    expect(isShortRules(sent[0]!.text) && !isFullRules(sent[0]!.text)).toBe(true);
    expect(isFullRules(sent[1]!.text)).toBe(true);
    expect(isPointer(sent[2]!.text)).toBe(true);
  });

  it('follows a configured window: {"rules":{"cooldownSeconds":5}}', async () => {
    bot = await startBot({ config: { rules: { cooldownSeconds: 5 } } });
    await bot.run(
      groupLine(),
      message(PARENT, '!rules'),
      { type: 'wait', seconds: 4 },
      message(PARENT, '!rules'),
      { type: 'wait', seconds: 2 },
      message(PARENT, '!rules'),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(3);
    expect(isShortRules(sent[0]!.text)).toBe(true);
    expect(isPointer(sent[1]!.text)).toBe(true);
    expect(isShortRules(sent[2]!.text)).toBe(true);
  });
});

describe('!rules in a private chat', () => {
  it('is always answered, however often it is asked', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      message(PARENT, '!rules', { chat: PARENT }),
      message(PARENT, '!rules', { chat: PARENT }),
      message(PARENT, '!rules', { chat: PARENT }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(3);
    for (const s of sent) {
      expect(s.chat).toBe(PARENT);
      expectShortRules(s.text);
    }
  });

  it('does not use up the group\'s cooldown', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, '!rules', { chat: PARENT }), message(PARENT, '!rules'));
    await bot.settle();
    const sent = bot.take();
    expect(sent.map((s) => s.chat)).toEqual([PARENT, GROUP]);
    expectShortRules(sent[1]!.text);
  });
});
