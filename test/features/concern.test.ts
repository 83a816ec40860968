import { afterEach, describe, expect, it } from '@jest/globals';
import { ADMIN, GROUP, OTHER_GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

const OTHER_PARENT = person(3);
const THIRD_PARENT = person(4);

let bot: TestBot;
afterEach(async () => bot?.close());

/** The school's contacts and the reminder that nobody from the school reads the group. */
function expectConcernAnswer(text: string): void {
  expect(text).toContain('school@imai.org.uk');
  expect(text).toMatch(/school office/);
  expect(text).toMatch(/school does not monitor parent WhatsApp groups/);
}

const isFullAnswer = (text: string) => /does not monitor parent WhatsApp groups/.test(text);

describe('concern questions in a group', () => {
  it.each([
    'how do I raise a concern?',
    'who do I complain to?',
    'How can I report bullying?',
    'Salaam all, does anyone know who to speak to about a problem with a teacher?',
    'where do i report something inappropriate said in this group',
    "what's the process for making a complaint",
    'how do I raise a concern？',
  ])('answers %j by quoting the parent with the school\'s contacts', async (question) => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, question, { id: 'q1' }));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(GROUP);
    expect(sent[0]!.quotedId).toBe('q1');
    expectConcernAnswer(sent[0]!.text);
  });

  it('answers a parent who @-mentions the bot with the question', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      message(PARENT, '@447700900999 how do I raise a concern?', { id: 'q1', mentions: ['447700900999@c.us'] }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.quotedId).toBe('q1');
    expectConcernAnswer(sent[0]!.text);
  });

  it('says nothing at all to ordinary chatter', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      message(PARENT, 'concerned about the rain on sports day lol', { id: 'c1' }),
      message(PARENT, 'who is bringing the cake?', { id: 'c2' }),
      message(PARENT, 'we raised £200 at the bake sale', { id: 'c3' }),
      message(PARENT, 'Did anyone see the school report came out today?', { id: 'c4' }),
    );
    await bot.settle();
    expect(bot.take()).toEqual([]);
    // The group is not silenced: a real question right after still gets its answer.
    await bot.run(message(PARENT, 'how do I raise a concern?', { id: 'q1' }));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.quotedId).toBe('q1');
  });
});

describe('concern questions in a private chat', () => {
  it('gets the same answer in the private chat, quoting the question', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      message(PARENT, 'how do I raise a concern?', { chat: PARENT, id: 'p1' }),
      message(OTHER_PARENT, 'how do I raise a concern?', { id: 'g1' }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(2);
    const [privately, inGroup] = sent;
    expect(privately!.chat).toBe(PARENT);
    expect(privately!.quotedId).toBe('p1');
    expectConcernAnswer(privately!.text);
    expect(inGroup!.chat).toBe(GROUP);
    expect(privately!.text).toBe(inGroup!.text);
  });

  it('is answered every time in private, with no cooldown', async () => {
    bot = await startBot();
    await bot.run(
      message(PARENT, 'how do I raise a concern?', { chat: PARENT, id: 'p1' }),
      message(PARENT, 'who do I complain to?', { chat: PARENT, id: 'p2' }),
      message(PARENT, 'how can I report bullying?', { chat: PARENT, id: 'p3' }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent.map((s) => s.quotedId)).toEqual(['p1', 'p2', 'p3']);
    for (const s of sent) {
      expect(s.chat).toBe(PARENT);
      expectConcernAnswer(s.text);
    }
  });
});

describe('concern cooldown in a group', () => {
  it('answers the first, points the second to it, answers the third privately, and answers again after the window', async () => {
    bot = await startBot();
    await bot.run(
      groupLine([ADMIN, PARENT, OTHER_PARENT, THIRD_PARENT]),
      message(PARENT, 'how do I raise a concern?', { id: 'q1' }),
      { type: 'wait', seconds: 10 },
      message(OTHER_PARENT, 'who do I complain to?', { id: 'q2' }),
      { type: 'wait', seconds: 10 },
      message(THIRD_PARENT, 'how can I report bullying?', { id: 'q3' }),
      { type: 'wait', seconds: 41 },
      message(THIRD_PARENT, 'how can I report bullying?', { id: 'q4' }),
    );
    await bot.settle();
    const all = bot.take();
    const sent = all.filter((s) => s.chat === GROUP);
    expect(sent.map((s) => s.quotedId)).toEqual(['q1', 'q2', 'q4']);
    expect(isFullAnswer(sent[0]!.text)).toBe(true);
    // The pointer is short but still carries the address, so the parent need not scroll.
    expect(isFullAnswer(sent[1]!.text)).toBe(false);
    expect(sent[1]!.text).toMatch(/just above/);
    expect(sent[1]!.text).toContain('school@imai.org.uk');
    expect(isFullAnswer(sent[2]!.text)).toBe(true);
    // The group stays quiet for the third asker, who still gets the whole answer privately.
    const privately = all.filter((s) => s.chat !== GROUP);
    expect(privately.map((s) => s.chat)).toEqual([THIRD_PARENT]);
    expect(isFullAnswer(privately[0]!.text)).toBe(true);
    expect(privately[0]!.text).toContain('Year 3 Parents');
  });

  it('is per group', async () => {
    bot = await startBot();
    await bot.run(
      groupLine(),
      groupLine(undefined, undefined, OTHER_GROUP, 'Year 4 Parents'),
      message(PARENT, 'how do I raise a concern?', { id: 'q1' }),
      message(PARENT, 'how do I raise a concern?', { id: 'q2', chat: OTHER_GROUP }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent.map((s) => [s.chat, s.quotedId])).toEqual([
      [GROUP, 'q1'],
      [OTHER_GROUP, 'q2'],
    ]);
    expect(sent.every((s) => isFullAnswer(s.text))).toBe(true);
  });
});

describe('concern questions in a paused group', () => {
  it('are answered privately, never in the group', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(ADMIN, '!pause'));
    await bot.settle();
    expect(bot.take()).toHaveLength(1); // the pause confirmation
    await bot.run(
      message(PARENT, 'how do I raise a concern?', { id: 'q1' }),
      message(PARENT, 'how do I raise a concern?', { id: 'p1', chat: PARENT }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent.filter((s) => s.chat === GROUP)).toEqual([]);
    expect(sent.map((s) => s.chat)).toEqual([PARENT, PARENT]);
    expect(sent.every((s) => isFullAnswer(s.text))).toBe(true);
    expect(sent.map((s) => s.quotedId)).toEqual([undefined, 'p1']);
  });
});
