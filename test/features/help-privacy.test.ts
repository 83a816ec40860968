import { afterEach, describe, expect, it } from '@jest/globals';
import { ADMIN, GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

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
  it('gives a data map: each kind of data, how long it stays and who sees it, with no language model', async () => {
    const sent = await askOnce('!privacy');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.chat).toBe(GROUP);
    const text = sent[0]!.text;
    expect(text).toMatch(/Who runs me: a volunteer parent who admins the group/);
    expect(text).toMatch(/not the school/);
    expect(text).toMatch(/on the volunteer's machine, readable by the bot only/);
    expect(text).toMatch(/Groups: each group's name, settings and its admins' numbers, and for members only a keyed fingerprint \(not your number\)/);
    expect(text).toMatch(/Messages: I read the text of each as it arrives .*in memory only: never kept or logged/);
    expect(text).toMatch(/A fingerprint of each \(not its text\) for 72 hours.*and of each message's id for 14 days/);
    expect(text).toMatch(/Reports .*: kept until delivered, then 30 days; one that could not be delivered, 90 days\. Seen by: the volunteer; the school, at school@imai\.org\.uk, which keeps its own copy; the group's admins hear that a report was made, not who made it unless you agree; nobody else\./);
    expect(text).toMatch(/Report history \(reference, times, delivery codes, no content\): 400 days/);
    expect(text).toMatch(/Logs: .*never message text.*, 14 days/);
    expect(text).toMatch(/Language model: none\./);
    expect(text).toMatch(/send me !forget privately/);
    // No more promised than is done: a !flag is visible unless the bot, as an admin, deletes it.
    expect(text).toMatch(/A !flag reply is seen by the whole group unless I am a group admin/);
    expect(text).toMatch(/a message forwarded to me privately is never seen by the group/);
  });

  it('says the periods the config sets, and that a model provider sees reports when one is set', async () => {
    const sent = await askOnce('!privacy', {}, {
      config: { reports: { retentionDays: 10, failedRetentionDays: 20, failedWarningDays: 3 }, log: { level: 'warn', keepDays: 5 } },
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_API_KEY: 'test' },
    });
    const text = sent[0]!.text;
    expect(text).toMatch(/kept until delivered, then 10 days; one that could not be delivered, 20 days/);
    expect(text).toMatch(/full phone numbers, 5 days/);
    expect(text).toMatch(/the language model's provider gets the words of a report, with names and numbers replaced/);
    expect(text).not.toMatch(/nobody else/);
  });

  it('names the volunteer when an operator is configured', async () => {
    const sent = await askOnce('!privacy', {}, { config: { bot: { operator: ADMIN } } });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/a volunteer parent who admins the group \(\+447700900001\), not the school/);
  });

  it("names the volunteer to a member asking privately, and not to a stranger", async () => {
    bot = await startBot({ config: { bot: { operator: ADMIN } } });
    await bot.run(groupLine(), message(PARENT, '!privacy', { chat: PARENT }), message(person(77), '!privacy', { chat: person(77) }));
    await bot.settle();
    const sent = bot.take();
    expect(sent.find((s) => s.chat === PARENT)?.text).toContain('+447700900001');
    const stranger = sent.find((s) => s.chat === person(77))?.text;
    expect(stranger).toMatch(/ask the group's admins who set me up/);
    expect(stranger).not.toContain('447700900001');
  });

  it('sends reports to the address SCHOOL_EMAIL sets, the one parents are told about', async () => {
    const sent = await askOnce('!privacy', {}, { env: { SCHOOL_EMAIL: 'office@example.org' } });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/the school, at office@example\.org,/);
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
