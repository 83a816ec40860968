import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ADMIN, BOT, GROUP, PARENT, START, groupLine, message, person, startBot } from '../support/bot.js';
import { closedAfterEach, emailLines, onlyReport, pause, privately, storedReports, toGroup, toPerson } from '../support/reporting.js';

/*
 * whatsapp-web.js hands over, when the bot reconnects, the messages sent while it was offline,
 * each with the time it was sent (a scenario's `at`). The group hears no answer to a message
 * sent more than replies.lateMessageMinutes (10) ago; reports and admin commands still count.
 * And a message handed over twice is handled once, across restarts too.
 */

const AUTHOR = person(3);
const minutesBefore = (minutes: number) => new Date(START.getTime() - minutes * 60_000).toISOString();
const AN_HOUR_AGO = minutesBefore(60);
const CONCERN = 'How do I raise a concern with the school?';
const RUDE = 'Mr Khan the teacher is useless and everyone knows it';
const isConcernAnswer = (text: string) => text.includes('school@imai.org.uk') && /does not monitor/.test(text);

const { bot, track, closeNow } = closedAfterEach();

describe('a message sent while the bot was offline', () => {
  it('a concern question gets no answer in the group: the parent who asked is answered privately', async () => {
    const b = await bot();
    await b.run(groupLine(), message(PARENT, CONCERN, { id: 'c1', at: AN_HOUR_AGO }));
    await b.settle();
    expect(toGroup(b)).toEqual([]);
    expect(toPerson(b, PARENT)).toEqual([expect.stringMatching(/^You asked in Year 3 Parents how to raise a concern\./)]);
    expect(isConcernAnswer(toPerson(b, PARENT)[0]!)).toBe(true);

    // One sent 9 minutes ago is within the 10 minutes: answered in the group, quoting it.
    await b.run(message(AUTHOR, CONCERN, { id: 'c2', at: minutesBefore(9) }));
    await b.settle();
    expect(toGroup(b).map((s) => s.quotedId)).toEqual(['c2']);
  });

  it('!rules, !help, !privacy and !status get no answer in the group; !rules in a private chat is still answered', async () => {
    const b = await bot();
    await b.run(
      groupLine(),
      message(PARENT, '!rules', { at: AN_HOUR_AGO }),
      message(PARENT, '!help', { at: AN_HOUR_AGO }),
      message(PARENT, '!privacy', { at: AN_HOUR_AGO }),
      message(ADMIN, '!status', { at: AN_HOUR_AGO }),
    );
    await b.settle();
    expect(b.sends()).toEqual([]);

    await b.run(privately(PARENT, '!rules', { at: AN_HOUR_AGO }));
    await b.settle();
    expect(toPerson(b, PARENT)).toEqual([expect.stringContaining('Group guidelines')]);

    // The same commands sent now are answered in the group as ever.
    await b.run(message(PARENT, '!rules'), message(ADMIN, '!status'));
    await b.settle();
    expect(toGroup(b).map((s) => s.text.split('\n')[0])).toEqual([
      expect.stringContaining('Group guidelines'),
      expect.stringMatching(/^Status for Year 3 Parents/),
    ]);
  });

  it('a question to the bot (!ask, or an @-mention) is answered privately, not in the group', async () => {
    const b = await bot();
    await b.run(
      groupLine(),
      message(PARENT, '!ask can I add my sister to the group?', { id: 'a1', at: AN_HOUR_AGO }),
      message(AUTHOR, '@447700900999 can I post about politics here?', { id: 'a2', at: AN_HOUR_AGO, mentions: [BOT] }),
      message(AUTHOR, '!ask', { id: 'a3', at: AN_HOUR_AGO }),
    );
    await b.settle();
    expect(toGroup(b)).toEqual([]);
    expect(toPerson(b, PARENT)).toHaveLength(1);
    expect(toPerson(b, AUTHOR)).toHaveLength(1);
    for (const s of b.sends()) expect(s.text).toMatch(/code of conduct|policy/i);
  });

  it('a !flag still becomes a report, which says when the message and the flag were sent', async () => {
    const b = await bot();
    await b.run(
      groupLine([ADMIN, PARENT, AUTHOR]),
      message(AUTHOR, RUDE, { id: 'm1', name: 'Sam Author', at: minutesBefore(70) }),
      message(PARENT, '!flag rude about a teacher', { id: 'f1', quotedId: 'm1', at: AN_HOUR_AGO }),
    );
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report).toMatchObject({ kind: 'flag', createdAt: AN_HOUR_AGO, reason: 'rude about a teacher', verified: true });
    expect(report.messages[0]).toMatchObject({ id: 'm1', text: RUDE, sentAt: minutesBefore(70) });
    // Retries count from when the bot took it, not from when it was sent.
    expect(report.delivery).toMatchObject({ state: 'sent', queuedAt: START.toISOString() });
    expect(report.id).toMatch(/^R-260105-/);
    expect(emailLines(b)).toEqual([expect.objectContaining({ reportId: report.id })]);
    expect(toPerson(b, PARENT)[0]).toContain(report.id);
    expect(toGroup(b)).toEqual([]);
  });

  it('a private forward still becomes a report, made when it was forwarded', async () => {
    const b = await bot();
    await b.run(
      groupLine(),
      privately(PARENT, RUDE, { forwarded: true, at: AN_HOUR_AGO }),
      privately(PARENT, 'this was in Year 3', { at: minutesBefore(59) }),
    );
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report).toMatchObject({ kind: 'forward', createdAt: AN_HOUR_AGO, notes: ['this was in Year 3'] });
    expect(report.delivery.state).toBe('sent');
    expect(toPerson(b, PARENT)[0]).toContain(report.id);
  });

  it("an admin's !pause still applies, and says so in the group", async () => {
    const b = await bot();
    await b.run(groupLine(), message(ADMIN, '!pause', { at: AN_HOUR_AGO }));
    await b.settle();
    expect(toGroup(b).map((s) => s.text)).toEqual([expect.stringMatching(/Paused in this group/)]);
    b.take();
    await b.run(message(PARENT, '!rules'));
    await b.settle();
    expect(b.take()).toEqual([]);
  });

  it('the age that counts as late is configurable', async () => {
    const b = await bot({ config: { replies: { lateMessageMinutes: 90 } } });
    await b.run(groupLine(), message(PARENT, CONCERN, { id: 'c1', at: AN_HOUR_AGO }));
    await b.settle();
    expect(toGroup(b).map((s) => s.quotedId)).toEqual(['c1']);
  });
});

describe('a message handed over twice', () => {
  it('is handled once: no second answer, no second report', async () => {
    const b = await bot();
    const concern = message(PARENT, CONCERN, { id: 'c1', at: START.toISOString() });
    const rude = message(AUTHOR, RUDE, { id: 'm1' });
    const flag = message(PARENT, '!flag rude about a teacher', { id: 'f1', quotedId: 'm1', at: START.toISOString() });
    await b.run(groupLine([ADMIN, PARENT, AUTHOR]), concern, rude, flag);
    await b.settle();
    expect(toGroup(b).map((s) => s.quotedId)).toEqual(['c1']);
    const told = toPerson(b, PARENT).length;
    expect(told).toBe(1);

    // Past the cooldown, so that only the replay can explain a silence. Within one run the id is
    // enough: handed over without its time, it is still the same message.
    await b.run(pause(120), concern, flag, message(PARENT, CONCERN, { id: 'c1' }));
    await b.settle();
    expect(toGroup(b).map((s) => s.quotedId)).toEqual(['c1']);
    expect(toPerson(b, PARENT)).toHaveLength(told);
    expect(await storedReports(b.storageDir)).toHaveLength(1);
    expect((await onlyReport(b.storageDir)).flaggedBy).toEqual([PARENT]);
  });

  it('is handled once across a restart on the same storage, while new messages are handled', async () => {
    const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-late-'));
    track({ close: () => rm(storageDir, { recursive: true, force: true }) });
    const sentAt = minutesBefore(2);
    const lines = [
      message(AUTHOR, RUDE, { id: 'm1', at: minutesBefore(3) }),
      message(PARENT, '!flag rude about a teacher', { id: 'f1', quotedId: 'm1', at: sentAt }),
      message(PARENT, CONCERN, { id: 'c1', at: sentAt }),
      message(ADMIN, '!welcome off', { id: 'w1', at: sentAt }),
    ];
    const first = await bot({ storageDir });
    await first.run(groupLine([ADMIN, PARENT, AUTHOR]), ...lines);
    await first.settle();
    expect(toGroup(first).map((s) => s.text.split('\n')[0])).toEqual([
      expect.stringContaining('raise a concern'),
      expect.stringMatching(/^Welcome messages are now off/),
    ]);
    const report = await onlyReport(storageDir);
    await closeNow(first);

    // WhatsApp hands the same messages over again after the restart, then a new one arrives.
    const second = await bot({ storageDir });
    await second.run(...lines, message(ADMIN, '!welcome on', { id: 'w2' }));
    await second.settle();
    expect(toGroup(second).map((s) => s.text.split('\n')[0])).toEqual([expect.stringMatching(/^Welcome messages are now on/)]);
    expect(toPerson(second, PARENT)).toEqual([]);
    expect(await storedReports(storageDir)).toEqual([report]);
  });

  it("an id from an earlier run that comes with another time is a new message (the simulator's ids start again each run)", async () => {
    const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-late-'));
    track({ close: () => rm(storageDir, { recursive: true, force: true }) });
    const first = await bot({ storageDir });
    await first.run(groupLine(), message(PARENT, '!rules', { id: 'm1' }));
    await first.settle();
    expect(toGroup(first)).toHaveLength(1);
    await closeNow(first);

    const second = await bot({ storageDir });
    await second.run(pause(60), message(PARENT, '!rules', { id: 'm1' }));
    await second.settle();
    expect(toGroup(second)).toHaveLength(1);
  });
});
