import { describe, expect, it } from '@jest/globals';
import { ADMIN, GROUP, OTHER_GROUP, PARENT, groupLine, message, person, botPerTest, startBot, type TestBot } from '../support/bot.js';

const NEWCOMER = person(50);
const SECOND_NEWCOMER = person(51);

let bot: TestBot;
const bots = botPerTest('admin');
const start = async (options: Parameters<typeof startBot>[0] = {}) => (bot = await bots.start(options));
const closeBot = bots.close;

const isShortRules = (text: string) => /Group guidelines/.test(text);
const isWelcome = (text: string) => /^Welcome /.test(text);
const statusOf = async (b: TestBot, chat = GROUP) => {
  await b.run(message(ADMIN, '!status', { chat }));
  await b.settle();
  const sent = b.take();
  expect(sent).toHaveLength(1);
  expect(sent[0]!.chat).toBe(chat);
  return sent[0]!.text;
};

describe('!pause and !resume', () => {
  it('an admin\'s !pause silences the bot in that group: no rules, no concern answers, no welcomes', async () => {
    await start();
    await bot.run(groupLine(), message(ADMIN, '!pause'));
    await bot.settle();
    const confirmation = bot.take();
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]!.chat).toBe(GROUP);
    expect(confirmation[0]!.text).toMatch(/Paused in this group/);

    await bot.run(
      message(PARENT, '!rules'),
      message(PARENT, '!rules full'),
      message(PARENT, '!help'),
      message(PARENT, 'how do I raise a concern?', { id: 'q1' }),
      { type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN },
      { type: 'wait', seconds: 60 },
    );
    await bot.settle();
    // The group hears nothing; the parent asking about a concern is still answered, privately.
    const sent = bot.take();
    expect(sent.filter((s) => s.chat === GROUP)).toEqual([]);
    expect(sent.map((s) => s.chat)).toEqual([PARENT]);
    expect(sent[0]!.text).toContain('school@imai.org.uk');
  });

  it('!resume turns it back on: rules are answered, and later joins are welcomed', async () => {
    await start();
    await bot.run(
      groupLine(),
      message(ADMIN, '!pause'),
      { type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN },
      { type: 'wait', seconds: 60 },
      message(ADMIN, '!resume'),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(2);
    expect(sent[1]!.text).toMatch(/Back on in this group/);
    // The join that came while paused stays unwelcomed after the resume.
    expect(sent.some((s) => isWelcome(s.text))).toBe(false);

    await bot.run(message(PARENT, '!rules'), { type: 'join', chat: GROUP, members: [SECOND_NEWCOMER], by: ADMIN });
    await bot.settle();
    const after = bot.take();
    expect(after).toHaveLength(2);
    expect(isShortRules(after[0]!.text)).toBe(true);
    expect(isWelcome(after[1]!.text)).toBe(true);
    expect(after[1]!.mentions).toEqual([SECOND_NEWCOMER]);
  });

  it('pausing one group leaves another group alone', async () => {
    await start();
    await bot.run(
      groupLine(),
      groupLine(undefined, undefined, OTHER_GROUP, 'Year 4 Parents'),
      message(ADMIN, '!pause'),
      message(PARENT, '!rules'),
      message(PARENT, '!rules', { chat: OTHER_GROUP }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent.map((s) => s.chat)).toEqual([GROUP, OTHER_GROUP]);
    expect(isShortRules(sent[1]!.text)).toBe(true);
  });

  it('says so when already paused, or already on', async () => {
    await start();
    await bot.run(groupLine(), message(ADMIN, '!resume'), message(ADMIN, '!pause'), message(ADMIN, '!pause'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(3);
    expect(sent[0]!.text).toMatch(/already on/);
    expect(sent[1]!.text).toMatch(/Paused in this group/);
    expect(sent[2]!.text).toMatch(/already paused/);
  });

  it('takes admin status from the latest group line: a parent promoted later may pause', async () => {
    await start();
    await bot.run(groupLine(), message(PARENT, '!pause'));
    await bot.settle();
    expect(bot.take().map((s) => s.chat)).toEqual([PARENT]); // refused privately

    await bot.run(groupLine([ADMIN, PARENT], [ADMIN, PARENT]), message(PARENT, '!pause'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(GROUP);
    expect(sent[0]!.text).toMatch(/Paused in this group/);
  });
});

describe('!status', () => {
  it('reports active or paused, and welcome on or off', async () => {
    await start();
    await bot.run(groupLine());
    const first = await statusOf(bot);
    expect(first).toMatch(/Status for Year 3 Parents: active/);
    expect(first).toMatch(/Welcome messages: on/);

    await bot.run(message(ADMIN, '!pause'), message(ADMIN, '!welcome off'));
    await bot.settle();
    bot.take();
    const second = await statusOf(bot);
    expect(second).toMatch(/: paused/);
    expect(second).toMatch(/Welcome messages: off/);
  });
});

describe('!welcome', () => {
  it('!welcome off stops welcomes in that group only; !welcome on brings them back', async () => {
    await start();
    await bot.run(
      groupLine(),
      groupLine(undefined, undefined, OTHER_GROUP, 'Year 4 Parents'),
      message(ADMIN, '!welcome off'),
    );
    await bot.settle();
    const set = bot.take();
    expect(set).toHaveLength(1);
    expect(set[0]!.text).toMatch(/Welcome messages are now off in this group/);

    await bot.run(
      { type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN },
      { type: 'join', chat: OTHER_GROUP, members: [NEWCOMER], by: ADMIN },
    );
    await bot.settle();
    const joins = bot.take();
    expect(joins).toHaveLength(1);
    expect(joins[0]!.chat).toBe(OTHER_GROUP);
    expect(isWelcome(joins[0]!.text)).toBe(true);

    await bot.run(message(ADMIN, '!welcome on'), { type: 'join', chat: GROUP, members: [SECOND_NEWCOMER], by: ADMIN });
    await bot.settle();
    const back = bot.take();
    expect(back).toHaveLength(2);
    expect(back[0]!.text).toMatch(/Welcome messages are now on in this group/);
    expect(isWelcome(back[1]!.text)).toBe(true);
    expect(back[1]!.chat).toBe(GROUP);
    expect(back[1]!.mentions).toEqual([SECOND_NEWCOMER]);
  });

  it.each(['!welcome maybe', '!welcome'])('answers %j with the usage line and changes nothing', async (typed) => {
    await start();
    await bot.run(groupLine(), message(ADMIN, typed));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(GROUP);
    expect(sent[0]!.text).toMatch(/Use !welcome on or !welcome off/);
    expect(await statusOf(bot)).toMatch(/Welcome messages: on/);
  });
});

describe('a parent who is not an admin', () => {
  it.each(['!pause', '!resume', '!status', '!welcome off', '!welcome on'])(
    'is refused %j in a private chat, and the group sees nothing',
    async (typed) => {
      await start();
      await bot.run(groupLine(), message(PARENT, typed));
      await bot.settle();
      const sent = bot.take();
      expect(sent).toHaveLength(1);
      expect(sent[0]!.chat).toBe(PARENT);
      const command = typed.split(' ')[0]!;
      expect(sent[0]!.text).toContain(`Sorry, ${command} is for the admins of Year 3 Parents only.`);
    },
  );

  it('changes nothing by trying: the bot is not paused and still welcomes', async () => {
    await start();
    await bot.run(groupLine(), message(PARENT, '!pause'), message(PARENT, '!welcome off'));
    await bot.settle();
    expect(bot.take().every((s) => s.chat === PARENT)).toBe(true);

    await bot.run(message(PARENT, '!rules'), { type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN });
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(2);
    expect(isShortRules(sent[0]!.text)).toBe(true);
    expect(isWelcome(sent[1]!.text)).toBe(true);
    const status = await statusOf(bot);
    expect(status).toMatch(/: active/);
    expect(status).toMatch(/Welcome messages: on/);
  });

  it('cannot resume a group an admin paused', async () => {
    await start();
    await bot.run(groupLine(), message(ADMIN, '!pause'), message(PARENT, '!resume'), message(PARENT, '!rules'));
    await bot.settle();
    const sent = bot.take();
    expect(sent.map((s) => s.chat)).toEqual([GROUP, PARENT]);
    expect(sent[1]!.text).toMatch(/for the admins/);
    expect(await statusOf(bot)).toMatch(/: paused/);
  });

  it('is refused even with the display name "Admin" or a message claiming to be one', async () => {
    await start();
    await bot.run(
      groupLine(),
      message(PARENT, '!pause', { name: 'Admin' }),
      message(PARENT, "I'm the admin of this group, the bot should listen to me", { name: 'Admin' }),
      message(PARENT, '!pause I am an admin', { name: 'Group Admin' }),
      message(PARENT, '!welcome off (admin here)', { name: 'ADMIN' }),
    );
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(3);
    for (const s of sent) {
      expect(s.chat).toBe(PARENT);
      expect(s.text).toMatch(/for the admins of Year 3 Parents only/);
    }
    const status = await statusOf(bot);
    expect(status).toMatch(/: active/);
    expect(status).toMatch(/Welcome messages: on/);
  });
});

describe('admin commands in a private chat', () => {
  it.each(['!pause', '!resume', '!status', '!welcome off'])('%j says it works inside a group', async (typed) => {
    await start();
    await bot.run(groupLine(), message(ADMIN, typed, { chat: ADMIN }));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(ADMIN);
    expect(sent[0]!.text).toContain(`${typed.split(' ')[0]} works inside a group, not in a private chat.`);
    // Nothing changed in the group the admin runs.
    const status = await statusOf(bot);
    expect(status).toMatch(/: active/);
    expect(status).toMatch(/Welcome messages: on/);
  });
});

describe('pause across a restart', () => {
  it('a paused group stays paused when the bot starts again on the same storage', async () => {
    const ownDir = await bots.ownStorage();
    await start({ storageDir: ownDir });
    await bot.run(groupLine(), message(ADMIN, '!pause'));
    await bot.settle();
    expect(bot.take()).toHaveLength(1);
    await closeBot();

    await start({ storageDir: ownDir });
    await bot.run(
      message(PARENT, '!rules'),
      message(PARENT, 'how do I raise a concern?', { id: 'q1' }),
      { type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN },
      { type: 'wait', seconds: 60 },
    );
    await bot.settle();
    expect(bot.take().filter((s) => s.chat === GROUP)).toEqual([]);
    expect(await statusOf(bot)).toMatch(/Status for Year 3 Parents: paused/);

    // The admin list survived too: the same admin can resume.
    await bot.run(message(ADMIN, '!resume'), message(PARENT, '!rules'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.text).toMatch(/Back on/);
    expect(isShortRules(sent[1]!.text)).toBe(true);
  });

  it('a welcome switched off stays off after a restart', async () => {
    const ownDir = await bots.ownStorage();
    await start({ storageDir: ownDir });
    await bot.run(groupLine(), message(ADMIN, '!welcome off'));
    await bot.settle();
    await closeBot();

    await start({ storageDir: ownDir });
    await bot.run({ type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN });
    await bot.settle();
    expect(bot.take()).toEqual([]);
  });
});
