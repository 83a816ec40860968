import { describe, expect, it } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { ADMIN, PARENT, groupLine, message, person } from '../support/bot.js';
import { parseMail, type SmtpTestServer } from '../support/smtp.js';
import { closedAfterEach, emailLines, onlyReport, pause, privately, storedReports, toGroup, toPerson } from '../support/reporting.js';

/**
 * Flags and forwards through the whole bot: what becomes a report, what the school's email
 * says, and who is told what, privately.
 */

const AUTHOR = person(3);
const SECOND = person(4);
const THIRD = person(5);
const ADMIN2 = person(6);
const STRANGER = person(77);
const SCHOOL = 'school@imai.org.uk';
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';
const RISK = "he hit my son and I think he's in danger";
const HOUR = 3_600_000;

const { bot, smtpServer } = closedAfterEach();
async function outboxFiles(dir: string): Promise<string[]> {
  return readdir(path.join(dir, 'outbox')).catch(() => []);
}

const mailOf = (smtp: SmtpTestServer, i = 0) => parseMail(smtp.received[i]!.raw);

const group = (admins: string[] = [ADMIN]) => groupLine([ADMIN, ADMIN2, PARENT, AUTHOR, SECOND, THIRD], admins);
const posted = (id: string, text = FLAGGED, extra: Record<string, unknown> = {}) =>
  message(AUTHOR, text, { id, name: 'Sam Author', ...extra });
const flag = (from: string, quotedId: string, reason = 'rude about a teacher', name?: string) =>
  message(from, `!flag ${reason}`, { id: `flag-${from}-${quotedId}`, quotedId, ...(name ? { name } : {}) });

describe('the same message flagged by several members', () => {
  it('makes one report and one email, recording all three flags', async () => {
    const b = await bot();
    await b.run(group(), posted('m1'), flag(PARENT, 'm1'), flag(SECOND, 'm1'), flag(THIRD, 'm1'), flag(SECOND, 'm1'));
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.flaggedBy).toEqual([PARENT, SECOND, THIRD]);
    expect(await outboxFiles(b.storageDir)).toEqual([`${report.id}.eml`]);
    expect(emailLines(b)).toHaveLength(1);
    // The later members learn nothing of the report: no reference, no count.
    for (const member of [SECOND, THIRD]) {
      expect(toPerson(b, member)[0]).toMatch(/^Thank you, your flag is recorded/);
      expect(toPerson(b, member)[0]).not.toContain(report.id);
    }
    expect(toGroup(b)).toEqual([]);
  });

  it('puts the count of 3 in the email when all three flagged before it went out', async () => {
    const smtp = await smtpServer({ tempFail: 1 });
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(
      group(),
      posted('m1'),
      flag(PARENT, 'm1', 'rude about a teacher', 'Pat Reporter'),
      flag(SECOND, 'm1', 'not on', 'Second Flagger'),
      flag(THIRD, 'm1', 'please remove', 'Third Flagger'),
    );
    expect(smtp.received).toEqual([]);
    await b.run({ type: 'wait', seconds: 600 });
    expect(smtp.received).toHaveLength(1);
    const body = mailOf(smtp).text;
    expect(body).toMatch(/Times flagged: 3\b/);
    // The other flaggers are other members: their details stay out of the email.
    for (const other of ['Second Flagger', 'Third Flagger', '447700900004', '447700900005']) expect(body).not.toContain(other);
    expect((await onlyReport(b.storageDir)).flaggedBy).toHaveLength(3);
  });

  // A later flag must not only add to the count: its reason can be the one that says a child may be
  // at risk (these two failed when a later flag's reason was dropped and the report not triaged again).
  describe('a later flag whose reason says a child may be at risk (safeguarding)', () => {
    async function scene() {
      const smtp = await smtpServer({ tempFail: 1 });
      const b = await bot({ env: { SMTP_URL: smtp.url } });
      await b.run(group(), posted('m1', 'Your son is a little brat'), flag(PARENT, 'm1', 'rude'), flag(SECOND, 'm1', RISK), pause());
      // Both flags came in before the email went out.
      expect(smtp.received).toEqual([]);
      expect((await onlyReport(b.storageDir)).flaggedBy).toEqual([PARENT, SECOND]);
      return { smtp, b };
    }

    it('makes the email that is still queued URGENT', async () => {
      const { smtp, b } = await scene();
      await b.run({ type: 'wait', seconds: 600 });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]!.subject).toMatch(/^URGENT/);
    });

    it('tells that member about 999 and the Designated Safeguarding Lead', async () => {
      const { b } = await scene();
      expect(toPerson(b, SECOND).some((t) => /999/.test(t) && /Designated Safeguarding Lead/.test(t))).toBe(true);
    });
  });
});

describe('the limit of reports per person', () => {
  it('takes 5 reports in an hour, refuses the 6th kindly and privately, and takes more once the hour has passed', async () => {
    const b = await bot();
    await b.run(group(), ...[1, 2, 3, 4, 5, 6].map((n) => posted(`m${n}`, `${FLAGGED} (${n})`)));
    for (const n of [1, 2, 3, 4, 5, 6]) {
      await b.run(flag(PARENT, `m${n}`), { type: 'wait', seconds: 300 });
    }
    await b.settle();
    let reports = await storedReports(b.storageDir);
    expect(reports).toHaveLength(5);
    expect(reports.map((r) => r.messages[0]!.id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
    expect(await outboxFiles(b.storageDir)).toHaveLength(5);
    const answers = toPerson(b, PARENT);
    expect(answers).toHaveLength(6);
    expect(answers[5]).toMatch(/Sorry, you have sent 5 reports in the last hour/);
    expect(answers[5]).toContain(SCHOOL);
    expect(answers[5]).not.toMatch(/R-\d{6}-/);
    expect(toGroup(b)).toEqual([]);

    // An hour after the first report, there is room again.
    // A new !flag is a new message, with an id of its own: the same id again would be a replay.
    await b.run({ type: 'wait', seconds: 30 * 60 }, { ...flag(PARENT, 'm6'), id: `flag-${PARENT}-m6-again` });
    await b.settle();
    reports = await storedReports(b.storageDir);
    expect(reports).toHaveLength(6);
    expect(reports[5]!.messages[0]!.id).toBe('m6');
    expect(toPerson(b, PARENT).at(-1)).toContain(reports[5]!.id);
  });
});

describe('!flag with nothing quoted', () => {
  it('explains privately how to flag, makes no report and says nothing in the group', async () => {
    const b = await bot();
    await b.run(group(), posted('m1'), message(PARENT, '!flag this is awful', { id: 'f1' }));
    await b.settle();
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(toPerson(b, PARENT)).toEqual([expect.stringMatching(/reply to it in the group with !flag/)]);
    expect(toGroup(b)).toEqual([]);
    expect(emailLines(b)).toEqual([]);
  });
});

describe('a message forwarded to the bot in a private chat', () => {
  const FORWARDED = 'Everyone ignore the new teacher, she clearly has no idea what she is doing 🙄';

  it('confirms, takes the next words as a note for 2 minutes, then sends one email', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    // Short waits only: settle() would run simulated time on past the 2-minute window.
    await b.run(group(), privately(PARENT, FORWARDED, { id: 'fw1', forwarded: true, name: 'Pat Reporter' }), pause());
    const report = await onlyReport(b.storageDir);
    expect(toPerson(b, PARENT)).toEqual([expect.stringContaining(report.id)]);
    expect(toPerson(b, PARENT)[0]).toMatch(/next 2 minutes/);
    expect(smtp.attempts).toBe(0);

    await b.run({ type: 'wait', seconds: 30 }, privately(PARENT, 'This was in Year 3 Parents this morning', { id: 'n1' }), pause());
    expect(toPerson(b, PARENT).at(-1)).toMatch(new RegExp(`Note added to report ${report.id}`));
    expect(smtp.attempts).toBe(0);
    expect(emailLines(b)).toEqual([]);

    await b.run({ type: 'wait', seconds: 120 });
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    expect(emailLines(b)).toEqual([expect.objectContaining({ reportId: report.id })]);
    const mail = mailOf(smtp);
    expect(mail.headers.subject).toContain(report.id);
    expect(mail.headers.subject).not.toMatch(/URGENT/);
    expect(mail.text).toContain(`Text, word for word:\n${FORWARDED.split('\n').map((line) => `| ${line}`).join('\n')}\n`);
    expect(mail.text).toMatch(/Notes:\n\| This was in Year 3 Parents this morning\n/);
    expect(mail.text).toMatch(/Author: unknown: WhatsApp does not pass on who wrote a forwarded message/);
    expect(mail.text).not.toMatch(/Quote checked|Times flagged|Reason:/);
    expect(mail.text).toMatch(/The reporter is in these parent groups:\n\| Year 3 Parents\n/);

    // After the window, words are no longer taken as a note.
    await b.run(privately(PARENT, 'thanks!', { id: 'n2' }));
    await b.settle();
    expect((await onlyReport(b.storageDir)).notes).toEqual(['This was in Year 3 Parents this morning']);
    expect(smtp.received).toHaveLength(1);
  });

  it('joins two forwards sent inside the window into the same report', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(
      group(),
      privately(PARENT, FORWARDED, { id: 'fw1', forwarded: true }),
      { type: 'wait', seconds: 20 },
      privately(PARENT, 'and then this one', { id: 'fw2', forwarded: true }),
      pause(),
    );
    const report = await onlyReport(b.storageDir);
    expect(report.messages.map((m) => m.text)).toEqual([FORWARDED, 'and then this one']);
    expect(toPerson(b, PARENT).at(-1)).toMatch(new RegExp(`Added to report ${report.id}`));
    await b.run({ type: 'wait', seconds: 300 });
    expect(smtp.received).toHaveLength(1);
    const text = mailOf(smtp).text;
    expect(text).toMatch(/Message 1, verbatim/);
    expect(text).toMatch(/Message 2, verbatim/);
    expect(text).toContain('and then this one');
  });

  it('refuses, politely, someone who is in none of the groups', async () => {
    const b = await bot();
    await b.run(group(), privately(STRANGER, FORWARDED, { id: 'fw1', forwarded: true }));
    await b.settle();
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(toPerson(b, STRANGER)).toEqual([expect.stringMatching(/^Sorry, I can only pass on reports from members/)]);
    expect(toPerson(b, STRANGER)[0]).toContain(SCHOOL);
    await b.run({ type: 'wait', seconds: 600 });
    expect(await outboxFiles(b.storageDir)).toEqual([]);
    expect(emailLines(b)).toEqual([]);
  });
});

describe('a child possibly at risk', () => {
  it('a flagged message: URGENT subject, and the reporter is told about 999 and the Designated Safeguarding Lead', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group(), posted('m1', RISK), flag(PARENT, 'm1', 'worried'));
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    const mail = mailOf(smtp);
    expect(mail.headers.subject).toMatch(/^URGENT/);
    expect(mail.headers.subject).toContain((await onlyReport(b.storageDir)).id);
    expect(mail.text).toMatch(/Designated Safeguarding Lead/);
    expect(mail.headers.importance).toBe('high');
    const told = toPerson(b, PARENT);
    expect(told.some((t) => /999/.test(t) && /Designated Safeguarding Lead/.test(t))).toBe(true);
    expect(toGroup(b)).toEqual([]);
  });

  it('a note after a forward: URGENT subject, and the advice comes after the note', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group(), privately(PARENT, 'Can someone look at what was said', { id: 'fw1', forwarded: true }), pause());
    expect(toPerson(b, PARENT)).toHaveLength(1);
    expect(toPerson(b, PARENT).some((t) => /999/.test(t))).toBe(false);
    await b.run(privately(PARENT, RISK, { id: 'n1' }), pause());
    expect(toPerson(b, PARENT).at(-2)).toMatch(/Note added/);
    expect(toPerson(b, PARENT).at(-1)).toMatch(/999/);
    expect(toPerson(b, PARENT).at(-1)).toMatch(/Designated Safeguarding Lead/);
    await b.run({ type: 'wait', seconds: 300 });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.subject).toMatch(/^URGENT/);
  });
});

describe('checking the quote', () => {
  it('a quote of a message the bot saw is verified; one it cannot vouch for (seen over 72 hours ago) is not', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group(), posted('m1'), posted('m2'), flag(PARENT, 'm1'), { type: 'wait', seconds: 73 * 3600 }, flag(SECOND, 'm2'));
    await b.settle();
    const [seen, unseen] = await storedReports(b.storageDir);
    expect(seen!.verified).toBe(true);
    expect(unseen!.verified).toBe(false);
    expect(smtp.received).toHaveLength(2);
    const byId = (id: string) => parseMail(smtp.received.find((m) => m.subject?.includes(id))!.raw).text;
    expect(byId(seen!.id)).toMatch(/Quote checked: yes/);
    expect(byId(unseen!.id)).toMatch(/Quote checked: no: .*please check it in the group/);
  });
});

describe('the group admins', () => {
  it('hear privately that a report went, without who made it, and learn the name after !share', async () => {
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group([ADMIN, ADMIN2]), posted('m1'), flag(PARENT, 'm1', 'rude about a teacher', 'Pat Reporter'));
    await b.settle();
    const report = await onlyReport(b.storageDir);
    for (const admin of [ADMIN, ADMIN2]) {
      const notice = toPerson(b, admin);
      expect(notice).toHaveLength(1);
      expect(notice[0]).toContain(report.id);
      expect(notice[0]).toContain('Year 3 Parents');
      expect(notice[0]).toContain('The group should never be used as a platform');
      expect(notice[0]).not.toContain('Pat Reporter');
      expect(notice[0]).not.toContain('447700900002');
    }
    expect(toPerson(b, PARENT)).toHaveLength(1);

    await b.run(privately(PARENT, `!share ${report.id.toLowerCase()}`, { id: 's1' }));
    await b.settle();
    expect(toPerson(b, PARENT).at(-1)).toMatch(new RegExp(`admins of Year 3 Parents will be told that you made report ${report.id}`));
    for (const admin of [ADMIN, ADMIN2]) {
      const notes = toPerson(b, admin);
      expect(notes).toHaveLength(2);
      expect(notes[1]).toContain(report.id);
      expect(notes[1]).toContain('Pat Reporter');
    }
    expect(toGroup(b)).toEqual([]);
  });

  it('named in the first notice when the reporter shared before it was sent; a reporting admin is not told of their own report', async () => {
    const smtp = await smtpServer({ tempFail: 1 });
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(group([ADMIN, ADMIN2]), posted('m1'), flag(ADMIN, 'm1', 'rude about a teacher', 'Alex Admin'), pause());
    const report = await onlyReport(b.storageDir);
    expect(report.reporter.role).toBe('admin');
    expect(report.delivery.state).toBe('queued');
    await b.run(privately(ADMIN, `!share ${report.id}`, { id: 's1' }), pause());
    expect(toPerson(b, ADMIN).at(-1)).toMatch(/will be told that you made report/);
    expect(toPerson(b, ADMIN2)).toEqual([]);
    await b.run({ type: 'wait', seconds: 600 });
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    expect(mailOf(smtp).text).toMatch(/Reported by: an admin of the group/);
    const notice = toPerson(b, ADMIN2);
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain(report.id);
    expect(notice[0]).toContain('Alex Admin');
    expect(toPerson(b, ADMIN).filter((t) => /was sent to the school/.test(t))).toEqual([]);
  });
});

describe('media', () => {
  it('attaches the flagged message\'s picture to the email', async () => {
    const bytes = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0xff, 0xd9]);
    const smtp = await smtpServer();
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(
      group(),
      posted('m1', '', { media: { mimetype: 'image/jpeg', filename: 'x.jpg', dataBase64: bytes.toString('base64') } }),
      flag(PARENT, 'm1', 'offensive picture'),
    );
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    const mail = mailOf(smtp);
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]!.filename).toBe('x.jpg');
    expect(mail.attachments[0]!.contentType).toBe('image/jpeg');
    expect(mail.attachments[0]!.content.equals(bytes)).toBe(true);
    expect(mail.text).toMatch(/Attachment: image\/jpeg, attached to this email under the file name:\n\| x\.jpg\n/);
  });
});
