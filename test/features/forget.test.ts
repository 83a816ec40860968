import { describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AuditEntry } from '../../src/core/report.js';
import type { StoreData } from '../../src/services/store.js';
import { ADMIN, GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';
import { closedAfterEach, pause, privately, storedReports, toGroup, toPerson } from '../support/reporting.js';
import { startSmtpServer } from '../support/smtp.js';
import { findInStorage } from '../support/storage-search.js';

/*
 * `!forget`: a member asks the bot to erase what it keeps about them. Reports they made go with
 * every copy (one still on its way is delivered first, then goes); their number leaves reports
 * they only co-flagged; their fingerprint leaves the member lists. The reported author cannot use
 * it to make a report about them disappear. Each test searches every file under storage.
 */

const AUTHOR = person(3);
const CO_FLAGGER = person(4);
const STRANGER = person(60);
const REPORTER_NAME = 'Pat Reporter';
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';
const FORWARDED = 'Private message saying the trip money went missing again';
const NOTE = 'This was posted in Year 3 Parents on Monday evening';
const digits = (id: string) => id.split('@')[0]!;
const DAY = 86_400;

const { track, closeNow, smtpServer } = closedAfterEach();

async function botOnOwnStorage(options: Parameters<typeof startBot>[0] = {}): Promise<TestBot> {
  const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-forget-'));
  track({ close: () => rm(storageDir, { recursive: true, force: true }) });
  return track(await startBot({ ...options, storageDir }));
}

const wait = (seconds: number) => ({ type: 'wait', seconds });
const PICTURE = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), Buffer.from(` ${FLAGGED} `)]);

const groupWithAuthor = () => groupLine([ADMIN, PARENT, AUTHOR, CO_FLAGGER]);
const authorPosts = (id = 'm1', text = FLAGGED) =>
  message(AUTHOR, text, { id, name: 'Sam Author', media: { mimetype: 'image/jpeg', filename: 'p.jpg', dataBase64: PICTURE.toString('base64') } });
const flagBy = (who: string, id: string, quotedId = 'm1', reason = 'rude about a teacher') =>
  message(who, `!flag ${reason}`, { id, quotedId, name: who === PARENT ? REPORTER_NAME : 'Co Flagger' });

async function db(dir: string): Promise<StoreData> {
  return JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8')) as StoreData;
}
const trailOf = async (dir: string, reference: string): Promise<Array<[string, string | undefined]>> =>
  (await db(dir)).audit.filter((e: AuditEntry) => e.report === reference).map((e) => [e.event, e.code]);
const lastTo = (b: TestBot, who: string) => toPerson(b, who).at(-1) ?? '';

describe('!forget from a member who made reports', () => {
  it.each(['smtp', 'files'] as const)(
    'delivered by %s: both reports go with every copy, the reply names them and the school keeps its own copy',
    async (mode) => {
      const mailEnv: Record<string, string> = mode === 'smtp' ? { SMTP_URL: (await smtpServer()).url } : {};
      const b = await botOnOwnStorage({ env: mailEnv });
      await b.run(
        groupWithAuthor(),
        authorPosts(),
        flagBy(PARENT, 'f1'),
        privately(PARENT, FORWARDED, { id: 'p1', forwarded: true, name: REPORTER_NAME }),
        privately(PARENT, NOTE, { id: 'p2', name: REPORTER_NAME }),
      );
      await b.run(wait(5 * 60));
      const made = await storedReports(b.storageDir);
      expect(made.map((r) => [r.kind, r.delivery.state])).toEqual([
        ['flag', 'sent'],
        ['forward', 'sent'],
      ]);
      const needles = [digits(PARENT), REPORTER_NAME, FLAGGED, FORWARDED, NOTE];
      // Before: the search sees each of them somewhere under storage.
      const before = await findInStorage(b.storageDir, needles);
      for (const needle of needles) expect(before.some((hit) => hit.endsWith(`: ${needle}`))).toBe(true);

      const fingerprint = b.sim.app.services.store.fingerprint(PARENT);
      expect(await findInStorage(b.storageDir, [fingerprint])).toEqual([`db.json: ${fingerprint}`, `db.json.bak: ${fingerprint}`]);

      await b.run(privately(PARENT, '!forget', { id: 'p3' }), pause());
      const reply = lastTo(b, PARENT);
      const references = made.map((r) => r.id);
      expect(reply).toContain(`reports you made, with every copy I had (messages, notes, attachments, your name and number): 2 (${references.join(', ')})`);
      expect(reply).toContain('your place in the member lists of groups I serve: 1');
      expect(reply).toContain('The school keeps its own copy of every report already delivered to it: to have those erased, email school@imai.org.uk.');
      expect(reply).toContain('for 400 days, each report');
      expect(reply).toContain('as a coded fingerprint only');
      expect(reply).not.toContain('still on their way');

      expect(await storedReports(b.storageDir)).toEqual([]);
      expect(await findInStorage(b.storageDir, needles)).toEqual([]);
      // The member list no longer holds them, in the database nor its backup; posting again in the
      // group makes them known again, by fingerprint.
      expect(await findInStorage(b.storageDir, [fingerprint])).toEqual([]);
      expect(b.sim.app.services.store.groupsOf(PARENT)).toEqual([]);
      await b.run(message(PARENT, 'see you all at pick-up', { id: 'g9' }));
      expect(b.sim.app.services.store.groupsOf(PARENT).map((g) => g.id)).toEqual([GROUP]);
      await closeNow(b);
      expect(await findInStorage(b.storageDir, needles)).toEqual([]);
      for (const reference of references) expect((await trailOf(b.storageDir, reference)).at(-1)).toEqual(['deleted', 'erased']);
      expect(JSON.stringify((await db(b.storageDir)).audit)).not.toContain(digits(PARENT));
    },
  );

  it('a report still on its way (the mail server is down) is sent first, then erased, as the reply said', async () => {
    // Down for the report's first attempt and for the one !forget asks for at once; back after that.
    const smtp = await smtpServer({ tempFail: 2 });
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url } });
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'));
    const [report] = await storedReports(b.storageDir);
    expect(report!.delivery).toMatchObject({ state: 'queued', attempts: 1 });

    await b.run(privately(PARENT, '!forget', { id: 'p1' }));
    // Tried again at once rather than at its next retry, a minute away; still down, so still kept whole.
    expect(smtp.transactions.map((t) => t.code)).toEqual([451, 451]);
    const waiting = (await storedReports(b.storageDir))[0]!;
    expect(waiting).toMatchObject({ id: report!.id, eraseWhenDelivered: true, delivery: { state: 'queued' } });
    expect(waiting.messages[0]!.text).toBe(FLAGGED);
    await b.run(pause());
    const reply = lastTo(b, PARENT);
    expect(reply).toContain(`reports you made that are still on their way to the school: 1 (${report!.id}). I send them first and erase them as soon as they are delivered`);
    expect(reply).not.toContain('with every copy I had');

    await b.run(wait(30 * 60));
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.raw).toContain('X-Steward-Report: ' + report!.id);
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(await findInStorage(b.storageDir, [digits(PARENT), REPORTER_NAME, FLAGGED])).toEqual([]);
    const trail = await trailOf(b.storageDir, report!.id);
    expect(trail.slice(2)).toEqual([
      ['attempt', expect.stringMatching(/451/)],
      ['erasure-requested', undefined],
      ['attempt', expect.stringMatching(/451/)],
      ['attempt', 'ok'],
      ['delivered', 'smtp'],
      ['deleted', 'erased'],
    ]);
  });

  it('one already failed for good is deleted at once, not kept the usual 90 days', async () => {
    const smtp = await smtpServer('reject');
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url } });
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'));
    const [report] = await storedReports(b.storageDir);
    expect(report!.delivery.state).toBe('failed');
    await b.run(privately(PARENT, '!forget', { id: 'p1' }), pause());
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(await findInStorage(b.storageDir, [digits(PARENT), FLAGGED])).toEqual([]);
    expect(lastTo(b, PARENT)).toContain(`with every copy I had (messages, notes, attachments, your name and number): 1 (${report!.id})`);
  });

  it('one on its way that then fails for good is deleted when it fails; the reporter is told to contact the school', async () => {
    // A mail server that is gone: every attempt is refused, until the retries run out after an hour.
    const gone = await startSmtpServer();
    await gone.close();
    const OPERATOR = person(50);
    const b = await botOnOwnStorage({ env: { SMTP_URL: gone.url, BOT_OPERATOR: OPERATOR }, config: { mail: { retryForHours: 1 } } });
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'), privately(PARENT, '!forget', { id: 'p1' }), pause());
    const [report] = await storedReports(b.storageDir);
    expect(report).toMatchObject({ eraseWhenDelivered: true, delivery: { state: 'queued' } });
    await b.run(wait(2 * 3600));
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(await findInStorage(b.storageDir, [digits(PARENT), FLAGGED])).toEqual([]);
    expect((await trailOf(b.storageDir, report!.id)).slice(-2)).toEqual([
      ['failed', expect.any(String)],
      ['deleted', 'erased'],
    ]);
    expect(lastTo(b, PARENT)).toMatch(new RegExp(`^Sorry: your report ${report!.id} could not be delivered to the school`));
    // The operator is not sent to retry a report that no longer exists.
    expect(lastTo(b, OPERATOR)).toMatch(new RegExp(`^Report ${report!.id} could not be delivered .*deleted from storage now and cannot be retried`));
  });

  it('does not reset the hourly report limit: erased reports still count for the hour', async () => {
    const b = await botOnOwnStorage();
    const posts = [1, 2, 3, 4, 5, 6].map((n) => message(AUTHOR, `post number ${n} about the trip`, { id: `m${n}` }));
    await b.run(groupWithAuthor(), ...posts, ...[1, 2, 3, 4, 5].map((n) => flagBy(PARENT, `f${n}`, `m${n}`)), pause(60));
    expect(await storedReports(b.storageDir)).toHaveLength(5);
    await b.run(privately(PARENT, '!forget', { id: 'p1' }), pause(60));
    expect(await storedReports(b.storageDir)).toEqual([]);
    await b.run(flagBy(PARENT, 'f6', 'm6'), pause(60));
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(lastTo(b, PARENT)).toMatch(/^Sorry, you have sent 5 reports in the last hour/);
    await b.run(wait(3600), flagBy(PARENT, 'f7', 'm6'), pause(60));
    expect(await storedReports(b.storageDir)).toHaveLength(1);
  });
});

describe('!forget never erases a report because the person it is about asks', () => {
  it("the reported author's !forget leaves the report about them whole and delivered", async () => {
    const smtp = await smtpServer();
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url } });
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'), pause());
    const [before] = await storedReports(b.storageDir);
    expect(before!.delivery.state).toBe('sent');

    await b.run(privately(AUTHOR, '!forget', { id: 'a1' }), pause());
    const [after] = await storedReports(b.storageDir);
    expect(after).toEqual(before);
    expect(after!.messages[0]).toMatchObject({ authorId: AUTHOR, text: FLAGGED });
    expect((await trailOf(b.storageDir, before!.id)).map(([event]) => event)).not.toContain('deleted');
    expect(smtp.received).toHaveLength(1);
    // Their own records go; nothing in the reply tells them a report about them exists.
    const reply = lastTo(b, AUTHOR);
    expect(reply).toContain('your place in the member lists of groups I serve: 1');
    expect(reply).not.toContain(before!.id);
    expect(reply).not.toMatch(/reports you made|flagged/);
  });

  it('nor a report still on its way: it is delivered as usual', async () => {
    const smtp = await smtpServer({ tempFail: 1 });
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url } });
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'));
    await b.run(privately(AUTHOR, '!forget', { id: 'a1' }), wait(30 * 60));
    const [report] = await storedReports(b.storageDir);
    expect(report).toMatchObject({ delivery: { state: 'sent' }, messages: [{ authorId: AUTHOR, text: FLAGGED }] });
    expect(report!.eraseWhenDelivered).toBeUndefined();
    expect(smtp.received).toHaveLength(1);
  });
});

describe('!forget from a member who only co-flagged', () => {
  it('takes their number out of the report; their repeat flag is still recorded, not counted twice', async () => {
    const b = await botOnOwnStorage();
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'), flagBy(CO_FLAGGER, 'f2', 'm1', 'unkind'), pause());
    const [report] = await storedReports(b.storageDir);
    expect(report!.flaggedBy).toEqual([PARENT, CO_FLAGGER]);
    expect(await findInStorage(b.storageDir, [digits(CO_FLAGGER)])).toContain(`db.json: ${digits(CO_FLAGGER)}`);

    // Having left the group, they are in no member list: the report is all there is to change.
    await b.run({ type: 'leave', chat: GROUP, members: [CO_FLAGGER] }, privately(CO_FLAGGER, '!forget', { id: 'c1' }), pause());
    expect(lastTo(b, CO_FLAGGER)).toContain('your number, from reports by other members that you also flagged (your flag still counts): 1');
    expect(lastTo(b, CO_FLAGGER)).not.toContain('member lists');
    const [scrubbed] = await storedReports(b.storageDir);
    expect(scrubbed!.id).toBe(report!.id);
    expect(scrubbed!.flaggedBy).toEqual([PARENT, b.sim.app.services.store.fingerprint(CO_FLAGGER)]);
    // Gone from the database and its backup alike.
    expect(await findInStorage(b.storageDir, [digits(CO_FLAGGER)])).toEqual([]);

    await b.run({ type: 'join', chat: GROUP, members: [CO_FLAGGER], by: ADMIN }, flagBy(CO_FLAGGER, 'f3', 'm1', 'still unkind'), pause());
    expect(lastTo(b, CO_FLAGGER)).toMatch(/^Thank you, your flag is recorded\./);
    expect((await storedReports(b.storageDir)).map((r) => r.flaggedBy.length)).toEqual([2]);
    expect(await findInStorage(b.storageDir, [digits(CO_FLAGGER)])).toEqual([]);
  });
});

describe('!forget elsewhere and from others', () => {
  it('in a group: the group hears nothing, the sender is asked privately, nothing is erased', async () => {
    const b = await botOnOwnStorage();
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'), pause());
    const groupBefore = toGroup(b).length;
    await b.run(message(PARENT, '!forget', { id: 'g1' }), pause());
    expect(toGroup(b)).toHaveLength(groupBefore);
    expect(lastTo(b, PARENT)).toMatch(/^Please send !forget to me in a private chat\./);
    expect(await storedReports(b.storageDir)).toHaveLength(1);
    expect(b.sim.app.services.store.groupsOf(PARENT)).toHaveLength(1);
  });

  it('from a stranger: "I keep nothing about you", under the private-chat limit like any command', async () => {
    const b = await botOnOwnStorage();
    await b.run(groupWithAuthor());
    for (let n = 1; n <= 7; n++) await b.run(privately(STRANGER, '!forget', { id: `s${n}` }));
    await b.run(pause(120));
    const replies = toPerson(b, STRANGER);
    expect(replies.slice(0, 5).every((text) => text.startsWith('I keep nothing about you'))).toBe(true);
    expect(replies).toHaveLength(6);
    expect(replies[5]).toMatch(/^You have sent me a lot of messages/);
  });

  it('forgets the hidden id WhatsApp knows them by too, and which number it stands for', async () => {
    const LID = '987654321012345@lid';
    const b = await botOnOwnStorage();
    await b.run(groupWithAuthor());
    await b.sim.app.aliases.rememberAliases([{ lid: LID, phone: PARENT }]);
    expect(await findInStorage(b.storageDir, [digits(LID)])).toContain(`db.json: ${digits(LID)}`);
    await b.run(privately(PARENT, '!forget', { id: 'p1' }), pause());
    expect(lastTo(b, PARENT)).toContain('other records of your WhatsApp id (which of your ids belong together, or that you added me to a group): 1');
    expect(b.sim.app.aliases.phoneOf(LID)).toBeUndefined();
    expect(await findInStorage(b.storageDir, [digits(LID), digits(PARENT)])).toEqual([]);
  });

  it("from an admin: their id stays in the admin list, and the reply says why", async () => {
    const b = await botOnOwnStorage();
    await b.run(groupWithAuthor(), privately(ADMIN, '!forget', { id: 'a1' }), pause());
    expect(lastTo(b, ADMIN)).toContain('You are an admin of 1 group(s) I serve: I keep your WhatsApp id there while you are an admin');
    expect(b.sim.app.services.store.group(GROUP)!.admins).toEqual([ADMIN]);
  });

  it('a report is erased a month after delivery anyway: !forget only brings that forward', async () => {
    const b = await botOnOwnStorage();
    await b.run(groupWithAuthor(), authorPosts(), flagBy(PARENT, 'f1'), wait(31 * DAY));
    expect(await storedReports(b.storageDir)).toEqual([]);
    await b.run(privately(PARENT, '!forget', { id: 'p1' }), pause());
    // Nothing of theirs left but their place in the member list.
    expect(lastTo(b, PARENT)).not.toContain('reports you made');
    expect(lastTo(b, PARENT)).toContain('your place in the member lists of groups I serve: 1');
  });
});
