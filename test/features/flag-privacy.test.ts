import { describe, expect, it } from '@jest/globals';
import { ADMIN, BOT, GROUP, PARENT, groupLine, message, person, type TestBot } from '../support/bot.js';
import { closedAfterEach, pause, storedReports, toGroup, toPerson } from '../support/reporting.js';

/**
 * A !flag is an ordinary reply that everyone in the group sees. Where the bot is a group admin it
 * deletes it for everyone once the report is recorded; where it is not, it says plainly that the
 * flag is visible. And nobody learns from the bot that a message of theirs was reported.
 */

const AUTHOR = person(3);
const SECOND = person(4);
const FLAGGED = 'Mrs Patel is a useless teacher';

const { bot } = closedAfterEach();

const posted = (id = 'm1', from = AUTHOR) => message(from, FLAGGED, { id, name: 'Sam Author' });
const flag = (from: string, id: string, quotedId = 'm1', reason = 'rude about a teacher') =>
  message(from, `!flag ${reason}`, { id, quotedId });
const deletes = (b: TestBot) => b.out.filter((l) => l.type === 'delete');

describe('where the bot is a group admin', () => {
  const adminGroup = () => groupLine([ADMIN, PARENT, AUTHOR, SECOND], [ADMIN, BOT]);

  it('deletes the !flag for everyone once the report is saved, and tells the reporter so', async () => {
    const b = await bot();
    await b.run(adminGroup(), posted(), flag(PARENT, 'f1'));
    await b.settle();
    expect(deletes(b)).toEqual([expect.objectContaining({ chat: GROUP, id: 'f1' })]);
    // The report was on disk before the delete went out.
    const [report] = await storedReports(b.storageDir);
    expect(Date.parse(deletes(b)[0]!.at as string)).toBeGreaterThanOrEqual(Date.parse(report!.createdAt));
    const [reply] = toPerson(b, PARENT);
    expect(reply).toContain(report!.id);
    expect(reply).toMatch(/I have deleted your !flag message from the group/);
    expect(reply).not.toMatch(/still visible/);
    expect(toGroup(b)).toEqual([]);
  });

  it('says the flag is still visible when WhatsApp refuses the delete, and the report stands', async () => {
    const b = await bot();
    b.sim.transport.deleteForEveryone = async () => {
      throw Object.assign(new Error('not allowed'), { code: 'EREVOKE' });
    };
    await b.run(adminGroup(), posted(), flag(PARENT, 'f1'));
    await b.settle();
    expect(await storedReports(b.storageDir)).toHaveLength(1);
    const [reply] = toPerson(b, PARENT);
    expect(reply).toMatch(/Your !flag message is still visible in the group/);
    expect(reply).not.toMatch(/I have deleted/);
  });

  it('never sends itself the admins\' notice', async () => {
    const b = await bot();
    await b.run(adminGroup(), posted(), flag(PARENT, 'f1'));
    await b.settle();
    expect(toPerson(b, BOT)).toEqual([]);
    expect(toPerson(b, ADMIN)).toEqual([expect.stringMatching(/^Report R-/)]);
  });
});

describe('where the bot is not a group admin', () => {
  it('deletes nothing and tells the reporter plainly that the flag is visible, and how to report unseen', async () => {
    const b = await bot();
    await b.run(groupLine([ADMIN, PARENT, AUTHOR]), posted(), flag(PARENT, 'f1'));
    await b.settle();
    expect(deletes(b)).toEqual([]);
    const [reply] = toPerson(b, PARENT);
    expect(reply).toMatch(/Your !flag message is still visible in the group/);
    expect(reply).toMatch(/forward the message to me in a private chat/);
    expect(reply).not.toMatch(/group has not been told|nobody there can see/);
  });

  it('the introduction and !help say the same, and ask the admins to make the bot a group admin', async () => {
    const b = await bot({ env: { BOT_OPERATOR: ADMIN } });
    await b.run(
      { type: 'join', chat: GROUP, members: [BOT], by: ADMIN },
      groupLine([ADMIN, PARENT]),
      message(PARENT, '!help'),
    );
    await b.settle();
    const [intro, help] = toGroup(b).map((s) => s.text);
    expect(intro).toMatch(/make me a group admin, so that I can delete a !flag message/);
    expect(intro).toMatch(/until then the group can see who flagged/);
    expect(help).toMatch(/where I am a group admin I delete your !flag at once; where I am not, the group can see it/);
    expect(help).toMatch(/forward it to me in a private chat/);
  });
});

describe('the author of a reported message learns nothing', () => {
  it('flagging their own message: a neutral note, no reference, no report, nothing counted', async () => {
    const b = await bot();
    await b.run(groupLine([ADMIN, PARENT, AUTHOR]), posted(), flag(PARENT, 'f1'), pause(), flag(AUTHOR, 'f2', 'm1', 'who reported me?'));
    await b.settle();
    const [report, ...more] = await storedReports(b.storageDir);
    expect(more).toEqual([]);
    expect(report!.flaggedBy).toEqual([PARENT]);
    // A private nudge about airing a grievance (features/nudges.ts) came when the message was posted: not about the report.
    const told = toPerson(b, AUTHOR).filter((text) => !/^A quiet word, only to you/.test(text));
    expect(told).toHaveLength(1);
    expect(told[0]).toMatch(/^You can't flag your own message/);
    expect(told[0]).not.toContain(report!.id);
    expect(told[0]).not.toMatch(/already|was reported|been reported|members flagged/);
  });

  it('flagging their own message that nobody reported gets the very same note', async () => {
    const b = await bot();
    await b.run(groupLine([ADMIN, PARENT, AUTHOR]), posted(), flag(AUTHOR, 'f2', 'm1', 'who reported me?'));
    await b.settle();
    expect(await storedReports(b.storageDir)).toEqual([]);
    const alone = toPerson(b, AUTHOR);

    const other = await bot();
    await other.run(groupLine([ADMIN, PARENT, AUTHOR]), posted(), flag(PARENT, 'f1'), pause(), flag(AUTHOR, 'f2', 'm1', 'who reported me?'));
    await other.settle();
    // Reported or not, the author cannot tell the difference.
    expect(toPerson(other, AUTHOR)).toEqual(alone);
  });
});
