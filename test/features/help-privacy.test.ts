import { afterEach, describe, expect, it } from '@jest/globals';
import { ADMIN, GROUP, PARENT, groupLine, message, startBot, type TestBot } from '../support/bot.js';

let bot: TestBot;
afterEach(async () => bot?.close());

async function askOnce(text: string, extra: Record<string, unknown> = {}, options: Parameters<typeof startBot>[0] = {}) {
  bot = await startBot(options);
  await bot.run(groupLine(), message(PARENT, text, extra));
  await bot.settle();
  return bot.take();
}

describe('!help', () => {
  it('lists every command and how to raise a concern', async () => {
    const sent = await askOnce('!help');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(GROUP);
    const text = sent[0]!.text;
    for (const command of ['!rules', '!rules full', '!help', '!privacy', '!pause', '!resume', '!status', '!welcome on', '!welcome'])
      expect(text).toContain(command);
    expect(text).toMatch(/how do I raise a concern\?/);
    expect(text).toContain('school@imai.org.uk');
    // Reporting both ways: !flag in the group, or a private forward the group never sees.
    expect(text).toMatch(/!flag REASON/);
    expect(text).toMatch(/forward it to me in a private chat/);
    expect(text).toMatch(/!ask QUESTION/);
    // Admin-only commands are marked as such, so a parent knows not to try them.
    expect(text).toMatch(/!pause \/ !resume \(admins\)/);
    expect(text).toMatch(/!status \(admins\)/);
    expect(text).toMatch(/!welcome on\|off \(admins\)/);
  });

  it('is answered in a private chat too', async () => {
    const sent = await askOnce('!help', { chat: PARENT });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(PARENT);
    expect(sent[0]!.text).toMatch(/What I can do/);
  });

  it('points to the list it just gave when asked again at once in a group', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, '!help'), message(ADMIN, '!help'), message(PARENT, '!help'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.text).toMatch(/What I can do/);
    expect(sent[1]!.text).toMatch(/My commands are listed just above/);
  });
});

describe('!privacy', () => {
  it('says who runs the bot, what it stores, what logs hold, where reports go, and that no language model is used', async () => {
    const sent = await askOnce('!privacy');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(GROUP);
    const text = sent[0]!.text;
    expect(text).toMatch(/Who runs me: a volunteer parent who admins the group/);
    expect(text).toMatch(/not the school/);
    expect(text).toMatch(/What I store: each group's name, the ids of its members and admins/);
    expect(text).toMatch(/I do not keep ordinary messages/);
    expect(text).toMatch(/Logs: .*never message text/);
    expect(text).toMatch(/go only to school@imai\.org\.uk/);
    expect(text).toMatch(/Language model: none\./);
    // No more promised than is done: a !flag is visible unless the bot, as an admin, deletes it.
    expect(text).toMatch(/A !flag reply is seen by the whole group unless I am a group admin/);
    expect(text).toMatch(/a message forwarded to me privately is never seen by the group/);
    expect(text).toMatch(/a fingerprint of each message's id \(not its text\) for 14 days/);
  });

  it('names the volunteer when an operator is configured', async () => {
    const sent = await askOnce('!privacy', {}, { config: { bot: { operator: ADMIN } } });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/a volunteer parent who admins the group \(\+447700900001\), not the school/);
  });

  it('sends reports to the address SCHOOL_EMAIL sets, the one parents are told about', async () => {
    const sent = await askOnce('!privacy', {}, { env: { SCHOOL_EMAIL: 'office@example.org' } });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/go only to office@example\.org/);
    expect(sent[0]!.text).not.toContain('school@imai.org.uk');
  });

  it('is answered in a private chat', async () => {
    const sent = await askOnce('!privacy', { chat: PARENT });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(PARENT);
    expect(sent[0]!.text).toMatch(/Privacy/);
  });
});

describe('an unknown command', () => {
  it('in a group gets a private hint, and the group sees nothing', async () => {
    const sent = await askOnce('!rulez');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(PARENT);
    expect(sent[0]!.text).toContain("I don't know !rulez. Type !help to see what I can do.");
  });

  it('in a group is hinted once, not again for the next typo straight after', async () => {
    bot = await startBot();
    await bot.run(groupLine(), message(PARENT, '!rulez'), message(PARENT, '!rulse'));
    await bot.settle();
    const sent = bot.take();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(PARENT);
  });

  it('in a private chat gets a reply there, every time', async () => {
    bot = await startBot();
    await bot.run(message(PARENT, '!rulez', { chat: PARENT }), message(PARENT, '!rulse', { chat: PARENT }));
    await bot.settle();
    const sent = bot.take();
    expect(sent.map((s) => s.chat)).toEqual([PARENT, PARENT]);
    expect(sent[0]!.text).toContain("I don't know !rulez.");
    expect(sent[1]!.text).toContain("I don't know !rulse.");
  });
});
