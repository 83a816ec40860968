import { describe, expect, it } from '@jest/globals';
import type { Report } from '../../src/core/report.js';
import { ADMIN, BOT, GROUP, OTHER_GROUP, PARENT, groupLine, message, person, type TestBot } from '../support/bot.js';
import { closedAfterEach, emailLines, onlyReport, pause, privately, storedReports, toGroup, toPerson } from '../support/reporting.js';

/**
 * The care taken around a report, beyond getting it to the school: what the reporter is promised
 * (true to how the bot is set up), who else hears of it and who does not, and what happens when
 * it cannot be delivered. Each test here fails if the behaviour it names is lost.
 */

const AUTHOR = person(3);
const SECOND = person(4);
const THIRD = person(5);
const ADMIN2 = person(6);
const OPERATOR = person(90);
const SCHOOL = 'school@imai.org.uk';
const OFFICE_PHONE = '0121 496 0000';
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';

const { bot, smtpServer } = closedAfterEach();


const group = (admins: string[] = [ADMIN, ADMIN2]) => groupLine([ADMIN, ADMIN2, PARENT, AUTHOR, SECOND, THIRD], admins);
const posted = (id: string, text = FLAGGED, from = AUTHOR) => message(from, text, { id, name: 'Sam Author' });
const flag = (from: string, quotedId: string, reason = 'rude about a teacher', extra: Record<string, unknown> = {}) =>
  message(from, `!flag ${reason}`, { id: `flag-${from}-${quotedId}`, quotedId, ...extra });

/** The notice an admin gets when a report has left: it always starts "Report R-… about a message in …". */
const adminNotices = (b: TestBot, admin: string) => toPerson(b, admin).filter((t) => /^Report R-\d{6}-\w{4} about a message in /.test(t));

describe('what the reporter and the admins are told matches how reports leave the machine', () => {
  it('without a mail server: the volunteer passes it on, and the admins hear it "was saved for the school"', async () => {
    const b = await bot();
    await b.run(group(), posted('m1'), flag(PARENT, 'm1'));
    await b.settle();
    const report = await onlyReport(b.storageDir);
    const [confirmation] = toPerson(b, PARENT);
    expect(confirmation).toContain(report.id);
    expect(confirmation).toContain(`will be passed to the school (${SCHOOL}) by the volunteer who runs me`);
    expect(confirmation).not.toMatch(/will be emailed/);
    for (const admin of [ADMIN, ADMIN2]) {
      const notices = adminNotices(b, admin);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain(report.id);
      expect(notices[0]).toContain('was saved for the school');
      expect(notices[0]).not.toContain('was sent to the school');
    }
    expect(toGroup(b)).toEqual([]);
  });

  it('without a mail server, a forward\'s confirmation says the volunteer passes it on too', async () => {
    const b = await bot();
    await b.run(group(), privately(PARENT, FLAGGED, { id: 'fw1', forwarded: true }), pause());
    const [confirmation] = toPerson(b, PARENT);
    expect(confirmation).toContain('by the volunteer who runs me');
    expect(confirmation).not.toMatch(/will be emailed/);
  });

  it('with a mail server that accepts: "will be emailed", and the admins hear it "was sent to the school"', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group(), posted('m1'), flag(PARENT, 'm1'));
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    const report = await onlyReport(b.storageDir);
    const [confirmation] = toPerson(b, PARENT);
    expect(confirmation).toContain(report.id);
    expect(confirmation).toContain(`will be emailed to the school (${SCHOOL})`);
    expect(confirmation).not.toMatch(/volunteer who runs me/);
    for (const admin of [ADMIN, ADMIN2]) {
      const notices = adminNotices(b, admin);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toContain('was sent to the school');
      expect(notices[0]).not.toContain('was saved for the school');
    }
  });
});

describe('the reporter knows the school will see who they are', () => {
  it('a flag\'s confirmation says the school will see their name and number', async () => {
    const b = await bot();
    await b.run(group(), posted('m1'), flag(PARENT, 'm1', 'rude', { name: 'Pat Reporter' }));
    await b.settle();
    expect(toPerson(b, PARENT)[0]).toMatch(/The school will see your name and number/);
  });

  it('a forward\'s confirmation says so too', async () => {
    const b = await bot();
    await b.run(group(), privately(PARENT, FLAGGED, { id: 'fw1', forwarded: true }), pause());
    expect(toPerson(b, PARENT)[0]).toMatch(/The school will see your name and number/);
  });
});

describe('a later flag on a message already reported', () => {
  it('another member is told only that the flag is recorded: no reference, no count, nothing "already reported"', async () => {
    // The first attempt gets 451, so the report waits about a minute for its retry.
    const smtp = await smtpServer({ tempFail: 1 });
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group(), posted('m1'), flag(PARENT, 'm1'), flag(SECOND, 'm1', 'not on'), pause());
    expect(smtp.received).toEqual([]);
    const report = await onlyReport(b.storageDir);
    const before = toPerson(b, SECOND);
    expect(before).toHaveLength(1);
    expect(before[0]).toMatch(/your flag is recorded and goes to the school/);
    expect(before[0]).not.toContain(report.id);
    expect(before[0]).not.toMatch(/already|members flagged|\b2\b/);

    await b.run({ type: 'wait', seconds: 600 });
    expect(smtp.received).toHaveLength(1);
    await b.run(flag(THIRD, 'm1', 'please remove'), pause());
    const after = toPerson(b, THIRD);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toContain(report.id);
    expect(after[0]).not.toMatch(/already|members flagged|\b3\b/);
    // The email has gone: the member is not told this flag reaches the school, and how it can.
    expect(after[0]).not.toMatch(/goes to the school/);
    expect(after[0]).toMatch(/If you have more to tell the school, email school@imai\.org\.uk/);
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    expect((await onlyReport(b.storageDir)).flaggedBy).toEqual([PARENT, SECOND, THIRD]);
  });
});

describe('a report the mail server refuses for good (554)', () => {
  it('the reporter is told privately, with the school\'s contact details, and so is the operator', async () => {
    const smtp = await smtpServer('reject');
    const b = await bot({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR }, config: { school: { officePhone: OFFICE_PHONE } } });
    await b.run(group(), posted('m1'), flag(PARENT, 'm1'));
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('failed');
    expect(emailLines(b)).toEqual([]);

    const failure = toPerson(b, PARENT).filter((t) => /could not be delivered/.test(t));
    expect(failure).toHaveLength(1);
    expect(failure[0]).toContain(report.id);
    expect(failure[0]).toContain(SCHOOL);
    expect(failure[0]).toContain(OFFICE_PHONE);

    const operator = toPerson(b, OPERATOR);
    expect(operator.some((t) => t.includes(report.id) && /could not be delivered/.test(t))).toBe(true);
    // Nothing about it in the group, and no admin hears that a report "was sent".
    expect(toGroup(b)).toEqual([]);
    expect(adminNotices(b, ADMIN)).toEqual([]);
  });

  it('a member who flags the same message after it failed makes a report of their own, and hears if it fails too', async () => {
    const smtp = await smtpServer('reject');
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group(), posted('m1'), flag(PARENT, 'm1'), pause(30));
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('failed');
    await b.run(flag(SECOND, 'm1', 'not on'));
    await b.settle();
    expect(smtp.received).toEqual([]);
    const told = toPerson(b, SECOND);
    // The school has nothing: the member is never told it has, and gets the school's contact instead.
    expect(told).toHaveLength(2);
    expect(told.join('\n')).not.toMatch(/already reported/);
    expect(told[1]).toMatch(/could not be delivered/);
    expect(told[1]).toContain(SCHOOL);
  });
});

describe('who is not told', () => {
  // A private nudge about airing a grievance (features/nudges.ts) comes when the message is posted,
  // whoever reports it: it is about the message, not the report.
  const aboutTheReport = (text: string) => !/^A quiet word, only to you/.test(text);

  it('an admin who wrote the flagged message gets no notice about it; the other admin does', async () => {
    const b = await bot();
    await b.run(group([ADMIN, ADMIN2]), posted('m1', FLAGGED, ADMIN2), flag(PARENT, 'm1'));
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.messages[0]!.authorId).toBe(ADMIN2);
    expect(toPerson(b, ADMIN2).filter(aboutTheReport)).toEqual([]);
    expect(adminNotices(b, ADMIN)).toEqual([expect.stringContaining(report.id)]);
  });

  // Fails at the time of writing: shareCommand in src/features/flag.ts sends the reporter's name to
  // every admin but the reporter, including the author of the reported message, whom
  // report-notices.ts deliberately leaves out of the notice ("Neither the reporter nor the author
  // of the reported message is told this way").
  it('!share after the notice went out does not tell the admin who wrote the reported message who reported it', async () => {
    const b = await bot();
    await b.run(group([ADMIN, ADMIN2]), posted('m1', FLAGGED, ADMIN2), flag(PARENT, 'm1', 'rude', { name: 'Pat Reporter' }));
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.adminsNotified).toBe(true);
    await b.run(privately(PARENT, `!share ${report.id}`, { id: 's1', name: 'Pat Reporter' }));
    await b.settle();
    expect(toPerson(b, PARENT).at(-1)).toMatch(/will be told that you made report/);
    // The other admin learns the name...
    expect(toPerson(b, ADMIN).at(-1)).toMatch(new RegExp(`^About report ${report.id}: Reported by Pat Reporter`));
    // ...but the person whose message was reported hears nothing, as when the reporter shares before the email goes.
    expect(toPerson(b, ADMIN2).filter(aboutTheReport)).toEqual([]);
  });

  it('an admin who has left every group before the report went out gets no notice; the other admin still does', async () => {
    const smtp = await smtpServer({ tempFail: 1 });
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    // The admin who leaves is listed first, so a notice to them that went wrong would come before the other.
    await b.run(group([ADMIN2, ADMIN]), posted('m1'), flag(PARENT, 'm1'), pause());
    expect(smtp.received).toEqual([]);
    await b.run({ type: 'leave', chat: GROUP, members: [ADMIN2] }, { type: 'wait', seconds: 600 });
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    const report = await onlyReport(b.storageDir);
    expect(toPerson(b, ADMIN2)).toEqual([]);
    expect(adminNotices(b, ADMIN)).toEqual([expect.stringContaining(report.id)]);
    expect(report.delivery.adminsNotified).toBe(true);
  });

  it('a reporter who has left every group is not written to when the report fails; the operator still is', async () => {
    // 451 to every attempt: after the (shortest allowed) retry period of an hour the report fails.
    const smtp = await smtpServer({ tempFail: 1_000 });
    const b = await bot({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR }, config: { mail: { retryForHours: 1 } } });
    await b.run(group(), posted('m1'), flag(PARENT, 'm1'), pause());
    expect(toPerson(b, PARENT)).toHaveLength(1);
    await b.run({ type: 'leave', chat: GROUP, members: [PARENT] }, { type: 'wait', seconds: 2 * 3600 });
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('failed');
    expect(toPerson(b, OPERATOR).some((t) => t.includes(report.id) && /could not be delivered/.test(t))).toBe(true);
    // Only the confirmation from when they were still a member.
    expect(toPerson(b, PARENT)).toHaveLength(1);
  });
});

describe('the safeguarding advice is never held back', () => {
  it('a 6th report in the hour is refused, but a reason saying a child is in danger still gets the 999 advice', async () => {
    const b = await bot();
    await b.run(group(), ...[1, 2, 3, 4, 5, 6].map((n) => posted(`m${n}`, `${FLAGGED} (${n})`)));
    for (const n of [1, 2, 3, 4, 5]) await b.run(flag(PARENT, `m${n}`), pause(60));
    expect(toPerson(b, PARENT).some((t) => /999/.test(t))).toBe(false);
    await b.run(flag(PARENT, 'm6', 'a child in this class is in danger'), pause(60));
    await b.settle();
    expect(await storedReports(b.storageDir)).toHaveLength(5);
    const last = toPerson(b, PARENT).slice(5);
    expect(last).toHaveLength(2);
    expect(last[0]).toMatch(/^Sorry, you have sent 5 reports in the last hour/);
    expect(last[1]).toMatch(/call 999/);
    expect(last[1]).toMatch(/Designated Safeguarding Lead/);
    expect(toGroup(b)).toEqual([]);
  });

  it('a refused 6th report with an ordinary reason gets no 999 advice', async () => {
    const b = await bot();
    await b.run(group(), ...[1, 2, 3, 4, 5, 6].map((n) => posted(`m${n}`, `${FLAGGED} (${n})`)));
    for (const n of [1, 2, 3, 4, 5, 6]) await b.run(flag(PARENT, `m${n}`), pause(60));
    await b.settle();
    const last = toPerson(b, PARENT).slice(5);
    expect(last).toEqual([expect.stringMatching(/^Sorry, you have sent 5 reports/)]);
  });
});

describe('!flag on a message the bot never saw', () => {
  it('says it could not read the message, makes no report and sends no email', async () => {
    const b = await bot();
    await b.run(group(), message(PARENT, '!flag this is awful', { id: 'f1', quotedId: 'never-seen' }));
    await b.settle();
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(toPerson(b, PARENT)).toEqual([expect.stringMatching(/^I couldn't read the message you replied to/)]);
    expect(toPerson(b, PARENT)[0]).toContain(SCHOOL);
    expect(emailLines(b)).toEqual([]);
    expect(toGroup(b)).toEqual([]);
    for (const admin of [ADMIN, ADMIN2]) expect(toPerson(b, admin)).toEqual([]);
  });
});

describe('!share on a forwarded report', () => {
  it('says the report went to the school only, and no admin is told anything', async () => {
    const b = await bot();
    await b.run(group(), privately(PARENT, FLAGGED, { id: 'fw1', forwarded: true, name: 'Pat Reporter' }), pause());
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(emailLines(b)).toEqual([expect.objectContaining({ reportId: report.id })]);
    await b.run(privately(PARENT, `!share ${report.id}`, { id: 's1' }));
    await b.settle();
    expect(toPerson(b, PARENT).at(-1)).toMatch(new RegExp(`^Thank you\\. Report ${report.id} was a forwarded message, so it went to the school only`));
    for (const admin of [ADMIN, ADMIN2]) expect(toPerson(b, admin)).toEqual([]);
    expect(toGroup(b)).toEqual([]);
  });
});

describe('a group re-read after the bot was offline (catchUp)', () => {
  const N1 = person(21);
  const N2 = person(22);
  const N3 = person(23);
  async function groupEvent(b: TestBot, members: string[], catchUp: boolean, chat = GROUP, name = 'Year 3 Parents') {
    // The scenario schema has no catchUp: the WhatsApp transport sends these on reconnect, so they go to the app directly.
    await b.sim.app.handle({ kind: 'group', chat, name, members: [...members, BOT], admins: [ADMIN], catchUp, at: b.sim.clock.now() });
    await b.sim.clock.advanceBy(0);
  }

  it('welcomes the members the bot had not known, once, in one message', async () => {
    const b = await bot();
    await b.run(groupLine([ADMIN, PARENT]));
    await groupEvent(b, [ADMIN, PARENT, N1, N2], true);
    await b.settle();
    const welcomes = toGroup(b);
    expect(welcomes).toHaveLength(1);
    expect(welcomes[0]!.text).toMatch(/^Welcome /);
    expect(welcomes[0]!.mentions).toEqual([N1, N2]);
    for (const n of [N1, N2]) expect(welcomes[0]!.text).toContain(`@${n.split('@')[0]}`);
    for (const old of [ADMIN, PARENT, BOT]) expect(welcomes[0]!.text).not.toContain(`@${old.split('@')[0]}`);

    // The same listing again (another reconnect): they are known now.
    await groupEvent(b, [ADMIN, PARENT, N1, N2], true);
    await b.settle();
    expect(toGroup(b)).toHaveLength(1);

    // Someone new since: only they are welcomed.
    await groupEvent(b, [ADMIN, PARENT, N1, N2, N3], true);
    await b.settle();
    expect(toGroup(b)).toHaveLength(2);
    expect(toGroup(b)[1]!.mentions).toEqual([N3]);
  });

  it('welcomes no one on a group\'s first group event, catchUp or not', async () => {
    const b = await bot();
    await groupEvent(b, [ADMIN, PARENT, N1], true);
    await groupEvent(b, [ADMIN, PARENT, N1], false, OTHER_GROUP, 'Year 4 Parents');
    await b.settle();
    expect(b.sends()).toEqual([]);
  });

  it('an ordinary (not catchUp) group event lists no newcomers, even with members the bot had not known', async () => {
    const b = await bot();
    await b.run(groupLine([ADMIN, PARENT]), groupLine([ADMIN, PARENT, N1]));
    await groupEvent(b, [ADMIN, PARENT, N1, N2], false);
    await b.settle();
    expect(b.sends()).toEqual([]);
  });

  it('a catchUp listing in a paused group welcomes no one', async () => {
    const b = await bot();
    await b.run(groupLine([ADMIN, PARENT]), message(ADMIN, '!pause', { id: 'p1' }), pause());
    const before = toGroup(b).length;
    await groupEvent(b, [ADMIN, PARENT, N1], true);
    await b.settle();
    expect(toGroup(b)).toHaveLength(before);
  });
});
