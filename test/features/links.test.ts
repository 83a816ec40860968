import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { OutputLine } from '../../src/transports/simulator.js';
import { suspiciousParts } from '../../src/features/links.js';
import { ADMIN, BOT, GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';

/*
 * Links and money offers from members in their first day: deleted for everyone where the bot is
 * an admin, the sender told why and the admins told privately (the site, never the text).
 * Established members, and members the bot knew before it first read the group, are never touched.
 */

const NEWCOMER = person(41);
const SCAM = 'Earn £500 a day from home! Start here: https://bit.ly/easy-cash-uk and chat.whatsapp.com/AbCdEf123';
const HOUR_SECONDS = 3600;

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const start = async (options: Parameters<typeof startBot>[0] = {}) => (bot = await startBot(options));
const adminGroup = () => groupLine([ADMIN, PARENT], [ADMIN, BOT]);
const joins = (member: string) => ({ type: 'join', chat: GROUP, members: [member] });
const deletions = (b: TestBot) => b.out.filter((l): l is Extract<OutputLine, { type: 'delete' }> => l.type === 'delete').map((l) => l.id);
const to = (sent: ReturnType<TestBot['take']>, chat: string) => sent.filter((s) => s.chat === chat).map((s) => s.text);
const notWelcome = (sent: ReturnType<TestBot['take']>) => sent.filter((s) => !s.text.startsWith('Welcome'));
const database = async (b: TestBot) => JSON.parse(await readFile(path.join(b.storageDir, 'db.json'), 'utf8')) as { groups: Record<string, { joinedAt?: Record<string, string> }> };

describe('a link from a member who joined today', () => {
  it('is deleted for everyone; the sender hears why, the admins hear the site only; the group nothing', async () => {
    const b = await start();
    await b.run(adminGroup(), joins(NEWCOMER), { type: 'wait', seconds: 60 });
    b.take();
    await b.run(message(NEWCOMER, SCAM, { id: 's1', name: 'Sarah' }));
    await b.settle();
    expect(deletions(b)).toEqual(['s1']);
    const sent = b.take();
    expect(sent.some((s) => s.chat === GROUP)).toBe(false);
    const [why] = to(sent, NEWCOMER);
    expect(why).toMatch(/^I deleted your message in Year 3 Parents: in their first 24 hours in the group/);
    expect(why).toContain("ask one of the group's admins");
    const [note, ...more] = to(sent, ADMIN);
    expect(more).toEqual([]);
    expect(note).toContain('Sarah (number ending 041): it had a link to bit.ly, chat.whatsapp.com.');
    expect(note).not.toContain('Earn');
    expect(note).not.toContain('easy-cash');
    expect(note).not.toContain(NEWCOMER.split('@')[0]);

    // A second one goes too, quietly: one note an hour is enough for the sender and the admins.
    await b.run(message(NEWCOMER, 'WhatsApp me for quick loans, cash today: +44 7700 900 555', { id: 's2' }));
    await b.settle();
    expect(deletions(b)).toEqual(['s1', 's2']);
    expect(b.take()).toEqual([]);
    expect(b.sim.app.services.counters.totals('2026-01-05', '2026-01-06').linksHeld).toBe(2);
  });

  it('from an established member, or one the bot knew before it first read the group, is never touched', async () => {
    const b = await start();
    await b.run(adminGroup(), joins(NEWCOMER), { type: 'wait', seconds: 60 });
    b.take();
    await b.run(message(PARENT, SCAM, { id: 'o1' }), message(ADMIN, SCAM, { id: 'o2' }));
    await b.settle();
    expect(deletions(b)).toEqual([]);
    expect(b.take()).toEqual([]);
    // A day later the newcomer is established too.
    await b.run({ type: 'wait', seconds: 24 * HOUR_SECONDS }, message(NEWCOMER, SCAM, { id: 's1' }));
    await b.settle();
    expect(deletions(b)).toEqual([]);
    expect(notWelcome(b.take())).toEqual([]);
  });

  it('where the bot is not an admin stays; only the admins are told', async () => {
    const b = await start();
    await b.run(groupLine(), joins(NEWCOMER), { type: 'wait', seconds: 60 });
    b.take();
    await b.run(message(NEWCOMER, 'Free iPad for school families: tinyurl.com/free-ipad', { id: 's1' }));
    await b.settle();
    expect(deletions(b)).toEqual([]);
    const sent = b.take();
    expect(sent.map((s) => s.chat)).toEqual([ADMIN]);
    expect(sent[0]!.text).toContain('posted a message with a link to tinyurl.com. I am not a group admin there, so I could not delete it');
  });

  it('ordinary chatter, the school\'s website and email, and a number without money words pass', async () => {
    const b = await start();
    await b.run(adminGroup(), joins(NEWCOMER), { type: 'wait', seconds: 60 });
    await b.run(
      message(NEWCOMER, 'Hi all, Bilal\'s mum here. See you at 3.30pm, e.g. at the gate.Thanks'),
      message(NEWCOMER, 'Term dates are on www.imai.org.uk or email school@imai.org.uk'),
      message(NEWCOMER, 'My number for the class trip is 07700 900123'),
    );
    await b.settle();
    expect(deletions(b)).toEqual([]);
    expect(notWelcome(b.take())).toEqual([]);
  });
});

describe('!links', () => {
  it('off leaves new members\' links alone, on holds them again; allow lets a site through; admins only', async () => {
    const b = await start();
    await b.run(adminGroup(), joins(NEWCOMER), { type: 'wait', seconds: 60 });
    b.take();
    await b.run(message(PARENT, '!links off'));
    await b.settle();
    expect(to(b.take(), PARENT)).toEqual([expect.stringMatching(/^Sorry, !links is for the admins of Year 3 Parents/)]);

    await b.run(message(ADMIN, '!links off'), message(NEWCOMER, 'https://example.org/form', { id: 's1' }));
    await b.settle();
    expect(deletions(b)).toEqual([]);
    expect(to(b.take(), ADMIN)).toEqual([expect.stringMatching(/^Links from new members in Year 3 Parents: off\./)]);

    await b.run(message(ADMIN, '!links on'), message(ADMIN, '!links allow https://www.Example.org/anything'));
    await b.run(message(NEWCOMER, 'the form: example.org/form and forms.example.org/x', { id: 's2' }));
    await b.settle();
    expect(deletions(b)).toEqual([]);
    const answers = to(b.take(), ADMIN);
    expect(answers[0]).toMatch(/^Links from new members in Year 3 Parents: on\.\nWhile on, .* is deleted, and the sender and the admins are told/);
    // The school's own website is let through from the config.
    expect(answers[1]).toMatch(/^Sites let through in Year 3 Parents: imai\.org\.uk, example\.org\./);

    await b.run(message(ADMIN, '!links disallow example.org'), message(NEWCOMER, 'example.org/form', { id: 's3' }));
    await b.settle();
    expect(deletions(b)).toEqual(['s3']);
    await b.run(message(ADMIN, '!links disallow imai.org.uk'), message(ADMIN, '!links allow not a site'));
    await b.settle();
    expect(to(b.take(), ADMIN).slice(-2)).toEqual([
      expect.stringMatching(/^imai\.org\.uk is not among the sites this group's admins let through/),
      expect.stringMatching(/^Use !links to see the setting/),
    ]);
  });
});

describe('join times', () => {
  it('are kept by fingerprint, never by number, and leave the disk after a day', async () => {
    const b = await start();
    await b.run(adminGroup(), joins(NEWCOMER), { type: 'wait', seconds: 60 });
    const raw = await readFile(path.join(b.storageDir, 'db.json'), 'utf8');
    expect(raw).not.toContain(NEWCOMER.split('@')[0]);
    const joined = (await database(b)).groups[GROUP]!.joinedAt!;
    expect(Object.keys(joined)).toEqual([expect.stringMatching(/^m1:/)]);
    await b.run({ type: 'wait', seconds: 24 * HOUR_SECONDS + 60 });
    await b.settle();
    expect((await database(b)).groups[GROUP]!.joinedAt).toBeUndefined();
  });

  it('go with !forget, and with leaving', async () => {
    const b = await start();
    await b.run(adminGroup(), joins(NEWCOMER), joins(person(42)), { type: 'wait', seconds: 60 });
    await b.run(message(NEWCOMER, '!forget', { chat: NEWCOMER }));
    await b.settle();
    expect(Object.keys((await database(b)).groups[GROUP]!.joinedAt!)).toHaveLength(1);
    await b.run({ type: 'leave', chat: GROUP, members: [person(42)] });
    await b.settle();
    expect((await database(b)).groups[GROUP]!.joinedAt).toBeUndefined();
  });
});

describe('what counts as a link or a money offer', () => {
  const allowed = ['imai.org.uk'];
  it.each([
    ['bit.ly/x', ['bit.ly']],
    ['join chat.whatsapp.com/AbC', ['chat.whatsapp.com']],
    ['t.me/somebody and youtu.be/abc', ['t.me', 'youtu.be']],
    ['visit EXAMPLE.com today', ['example.com']],
    ['http://192.168.1.1/login', ['192.168.1.1']],
    ['see https://www.Example.co.uk/page?x=1', ['example.co.uk']],
    ['https://evil.imai.org.uk.example.com', ['evil.imai.org.uk.example.com']],
  ])('"%s" links to %j', (text, sites) => expect(suspiciousParts(text, allowed)).toEqual({ sites, money: false }));

  it.each(['Earn £300 a week, call 07700 900123', 'crypto profits daily +2348012345678', 'Giveaway! text 0044 7700 900 123'])(
    '"%s" is a number with money words',
    (text) => expect(suspiciousParts(text, allowed)).toEqual({ sites: [], money: true }),
  );

  it.each([
    'See you at 3.30pm, e.g. bring a coat',
    'Thanks.Me and my son will be there',
    'For more.info call the office',
    'ok.so who is coming?',
    'It will.be fine',
    'email school@imai.org.uk please',
    'www.imai.org.uk has the dates, and https://imai.org.uk/term-dates',
    'Call 07700 900123 about the trip',
    'The raffle prize is a hamper',
  ])('"%s" is neither', (text) => expect(suspiciousParts(text, allowed)).toBeUndefined());
});
