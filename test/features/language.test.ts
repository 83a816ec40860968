import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '../../src/config/load.js';
import { LRI, PDI, withoutIsolates } from '../../src/core/bidi.js';
import { Messages } from '../../src/core/messages.js';
import { LANGUAGE_SEPARATOR } from '../../src/core/speaker.js';
import { ADMIN, GROUP, PARENT, groupLine, message, person, botPerTest, startBot, type TestBot } from '../support/bot.js';

const loaded = loadConfig({});
const messages = new Messages(loaded.templates, loaded.config.school, loaded.config.bot.name, { languages: loaded.languages });
const EMAIL = loaded.config.school.email;
const ENGLISH_FOOTER = messages.footerIn('en');
const URDU_FOOTER = messages.footerIn('ur');
const COURTESY = messages.courtesyNote('ur')!;
const NEWCOMER = person(50);
const OTHER_PARENT = person(3);

let bot: TestBot;
const bots = botPerTest('language');
const start = async (options: Parameters<typeof startBot>[0] = {}) => (bot = await bots.start(options));
const closeBot = bots.close;

/** What the bot sent since last asked, as [chat, text]. */
async function said(b: TestBot, ...lines: Array<Record<string, unknown>>): Promise<Array<[string, string]>> {
  await b.run(...lines);
  await b.settle();
  return b.take().map((s) => [s.chat, s.text]);
}

const members = [ADMIN, PARENT, OTHER_PARENT];

describe('!language: the group chooses what it reads', () => {
  it('lists the languages by their own names and the group\'s current one, for anyone', async () => {
    await start();
    const sent = await said(bot, groupLine(members), message(PARENT, '!language'));
    expect(sent).toHaveLength(1);
    const [chat, text] = sent[0]!;
    expect(chat).toBe(GROUP);
    for (const language of messages.languages) expect(text).toContain(`• ${language.code}: ${language.name}`);
    expect(text).toContain('ur: اردو (Urdu)');
    expect(text).toContain('In this group: English.');
    expect(text.endsWith(ENGLISH_FOOTER)).toBe(true);
  });

  it('an admin switches the group to Urdu: answers, !rules and welcomes come in Urdu, with the courtesy note on the policy', async () => {
    await start();
    const set = await said(bot, groupLine(members), message(ADMIN, '!language ur'));
    expect(set).toEqual([[GROUP, `${messages.renderIn('ur', 'languageSet', { languages: 'اردو' })}\n\n${URDU_FOOTER}`]]);

    const rules = await said(bot, message(PARENT, '!rules'));
    expect(rules).toEqual([[GROUP, `${messages.renderIn('ur', 'rules')}\n\n${URDU_FOOTER}`]]);
    expect(rules[0]![1]).toContain('گروپ کے رہنما اصول');
    expect(rules[0]![1]).toContain(`_${COURTESY}_`);
    expect(rules[0]![1]).not.toContain('Group guidelines');

    const full = await said(bot, message(PARENT, '!rules full'));
    expect(full[0]![1]).toContain('پرنسپل');
    expect(full[0]![1]).toContain(COURTESY);

    const welcome = await said(bot, { type: 'join', chat: GROUP, members: [NEWCOMER], by: ADMIN }, { type: 'wait', seconds: 30 });
    expect(welcome).toHaveLength(1);
    const text = welcome[0]![1];
    expect(text).toContain('خوش آمدید');
    expect(text).toContain(COURTESY);
    // The address in a right-to-left message is isolated, and intact once the marks are taken out.
    expect(text).toContain(`${LRI}${EMAIL}${PDI}`);
    expect(withoutIsolates(text)).toContain(` ${EMAIL} `);
    expect(text).toContain(`${LRI}@${NEWCOMER.split('@')[0]}${PDI}`);
    expect(text.endsWith(URDU_FOOTER)).toBe(true);

    // A question about raising a concern is answered in Urdu too, quoting the parent.
    const concern = await said(bot, message(PARENT, 'how do I raise a concern?', { id: 'c1' }));
    expect(concern).toEqual([[GROUP, `${messages.renderIn('ur', 'concern')}\n\n${URDU_FOOTER}`]]);
  });

  it('only an admin changes it: anyone else is told privately, and the group keeps its language', async () => {
    await start();
    await said(bot, groupLine(members), message(ADMIN, '!language ur'));
    const refused = await said(bot, message(PARENT, '!language en'));
    expect(refused).toHaveLength(1);
    expect(refused[0]![0]).toBe(PARENT);
    // In the parent's group's language, naming the command as typed.
    expect(refused[0]![1]).toBe(`${messages.renderIn('ur', 'adminOnly', { command: 'language', groupName: 'Year 3 Parents' })}\n\n${URDU_FOOTER}`);
    const rules = await said(bot, message(PARENT, '!rules'));
    expect(rules[0]![1]).toContain('گروپ کے رہنما اصول');
  });

  it('an unknown language is answered with the codes there are; three at once are refused; names work as codes', async () => {
    await start();
    await bot.run(groupLine(members));
    const unknown = await said(bot, message(ADMIN, '!language fr'));
    const codes = messages.languages.map((l) => l.code).join(', ');
    expect(unknown).toEqual([[GROUP, `${messages.renderIn('en', 'languageUnknown', { code: 'fr', codes })}\n\n${ENGLISH_FOOTER}`]]);
    const tooMany = await said(bot, message(ADMIN, '!language en+ur+ar'));
    expect(tooMany[0]![1]).toMatch(/^Two languages at most/);
    // Nothing changed.
    expect((await said(bot, message(PARENT, '!rules')))[0]![1]).toMatch(/^📋 Group guidelines/);
    const byName = await said(bot, message(ADMIN, '!language Urdu'));
    expect(byName[0]![1]).toContain('اردو');
    expect(byName[0]![1].endsWith(URDU_FOOTER)).toBe(true);
  });

  it('is kept in the group\'s record across a restart', async () => {
    const ownDir = await bots.ownStorage();
    await start({ storageDir: ownDir });
    await said(bot, groupLine(members), message(ADMIN, '!language ur'));
    await closeBot();
    await start({ storageDir: ownDir });
    const rules = await said(bot, message(PARENT, '!rules', { id: 'after-restart' }));
    expect(rules).toEqual([[GROUP, `${messages.renderIn('ur', 'rules')}\n\n${URDU_FOOTER}`]]);
  });

  it('two languages: each message carries both, one after the other, each with its footer', async () => {
    await start();
    await said(bot, groupLine(members), message(ADMIN, '!language en+ur'));
    const rules = await said(bot, message(PARENT, '!rules'));
    expect(rules).toHaveLength(1);
    const english = `${messages.renderIn('en', 'rules')}\n\n${ENGLISH_FOOTER}`;
    const urdu = `${messages.renderIn('ur', 'rules')}\n\n${URDU_FOOTER}`;
    expect(rules[0]![1]).toBe(`${english}\n\n${LANGUAGE_SEPARATOR}\n\n${urdu}`);
    // English first, as the admin put it; the English half has no courtesy note: it is the official text.
    expect(english).not.toContain(COURTESY);

    // Words nested in words (the state in !welcome's answer) follow the language of each half.
    const welcomeOff = await said(bot, message(ADMIN, '!welcome off'));
    expect(welcomeOff[0]![1]).toBe(
      [`${messages.renderIn('en', 'welcomeSet', { state: 'off' })}\n\n${ENGLISH_FOOTER}`, `${messages.renderIn('ur', 'welcomeSet', { state: 'آف' })}\n\n${URDU_FOOTER}`].join(
        `\n\n${LANGUAGE_SEPARATOR}\n\n`,
      ),
    );
    // A reply to one person privately is in one language only.
    const privately = await said(bot, message(PARENT, '!language en', { id: 'p1' }));
    expect(privately).toHaveLength(1);
    expect(privately[0]![1]).not.toContain(LANGUAGE_SEPARATOR);
  });

  it('bot.languages is what a group reads until its admins choose', async () => {
    await start({ config: { bot: { languages: ['ur'] } } });
    const rules = await said(bot, groupLine(members), message(PARENT, '!rules'));
    expect(rules[0]![1]).toBe(`${messages.renderIn('ur', 'rules')}\n\n${URDU_FOOTER}`);
    await said(bot, message(ADMIN, '!language en'), { type: 'wait', seconds: 61 });
    expect((await said(bot, message(PARENT, '!rules', { id: 'again' })))[0]![1]).toMatch(/^📋 Group guidelines/);
  });
});

describe('private chats: the language the person wrote in, else their group\'s', () => {
  it('answers in the language of the message when it is recognisable', async () => {
    await start();
    await bot.run(groupLine(members));
    const urduScript = await said(bot, message(PARENT, '!help آپ کیا کر سکتے ہیں؟', { chat: PARENT }));
    expect(urduScript[0]![1].endsWith(URDU_FOOTER)).toBe(true);
    const somali = await said(bot, message(OTHER_PARENT, '!privacy sidee waa', { chat: OTHER_PARENT, id: 's1' }));
    expect(somali[0]![1].endsWith(messages.footerIn('so'))).toBe(true);
    const english = await said(bot, message(ADMIN, '!help', { chat: ADMIN, id: 'e1' }));
    expect(english[0]![1].endsWith(ENGLISH_FOOTER)).toBe(true);
  });

  it('else in the language of their group: a command from an Urdu group\'s parent gets Urdu', async () => {
    await start();
    await said(bot, groupLine(members), message(ADMIN, '!language ur'));
    const rules = await said(bot, message(PARENT, '!rules', { chat: PARENT, id: 'r1' }));
    expect(rules).toEqual([[PARENT, `${messages.renderIn('ur', 'rules')}\n\n${URDU_FOOTER}`]]);
  });

  it('a group with English among its languages: Latin letters not recognised as another language get English', async () => {
    await start();
    await said(bot, groupLine(members), message(ADMIN, '!language ur+en'));
    const rules = await said(bot, message(PARENT, '!rules', { chat: PARENT, id: 'r1' }));
    expect(rules).toEqual([[PARENT, `${messages.renderIn('en', 'rules')}\n\n${ENGLISH_FOOTER}`]]);
    const romanUrdu = await said(bot, message(PARENT, '!rules mujhe kya karna hai', { chat: PARENT, id: 'r2' }));
    expect(romanUrdu[0]![1].endsWith(URDU_FOOTER)).toBe(true);
  });
});
