import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import type { StoreData } from '../../src/services/store.js';
import { ADMIN, GROUP, PARENT, groupLine, message, person, type TestBot } from '../support/bot.js';
import { closedAfterEach, emailLines, onlyReport, storedReports, toPerson } from '../support/reporting.js';

/**
 * The weekly digest: each operator hears privately, every Monday at 08:00 UK time, what the bot
 * did in the 7 days before, as counts, and what needs them. Simulated time throughout: a `wait`
 * of a week takes no real time, and the bot's timers follow it.
 */

const OPERATOR = person(90);
const AUTHOR = person(3);
const NEWCOMER = person(10);
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';
const MONDAY = new Date('2026-01-05T08:00:00Z');
const DAY = 86_400;

const { bot, smtpServer, closeNow } = closedAfterEach();

let dir: string;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
async function storage(): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-digest-'));
  return dir;
}

const isDigest = (text: string) => text.startsWith('📊 Your weekly summary');
const digests = (b: TestBot) => b.sends().filter((s) => s.chat === OPERATOR && isDigest(s.text));
const wait = (seconds: number) => ({ type: 'wait', seconds });
/** A wait that ends at this moment of simulated time, wherever the bot's own timers have taken the clock. */
const waitUntil = (b: TestBot, iso: string) => wait((Date.parse(iso) - b.sim.clock.now().getTime()) / 1000);
const group = () => groupLine([ADMIN, PARENT, AUTHOR]);
const joins = (who: string) => ({ type: 'join', chat: GROUP, members: [who], by: ADMIN });
const concern = (from: string, id: string) => message(from, 'how do I raise a concern?', { id, name: 'Pat Parent' });
const flagged = (id: string) => [
  message(AUTHOR, FLAGGED, { id, name: 'Sam Author' }),
  message(PARENT, '!flag rude about a teacher', { id: `flag-${id}`, quotedId: id, name: 'Pat Parent' }),
];
/** The line for one count, as the digest gives it. */
const count = (text: string, label: string) => Number(new RegExp(`• ${label}: (\\d+)`).exec(text)?.[1]);

function expectCounts(text: string, counts: { welcomes: number; concerns: number; delivered: number; failed: number; waiting: number }) {
  expect(count(text, 'Welcome messages sent')).toBe(counts.welcomes);
  expect(count(text, 'Questions about raising a concern answered')).toBe(counts.concerns);
  expect(count(text, 'Reports delivered to the school')).toBe(counts.delivered);
  expect(count(text, 'Reports that could not be delivered')).toBe(counts.failed);
  expect(count(text, 'Groups waiting for your approval')).toBe(counts.waiting);
}

/** Nothing in a digest says who, where or what: no number, no name, no group, no message, no reference. */
function expectNothingPersonal(text: string) {
  expect(text).not.toMatch(/\d{6,}/);
  expect(text).not.toMatch(/\+44|@c\.us|@g\.us/);
  for (const word of ['Pat', 'Sam', 'Year 3', 'Mr Khan', 'teacher', 'R-26']) expect(text).not.toContain(word);
}

describe('the weekly digest', () => {
  it('goes to the operator at two Monday mornings running, each with its own week\'s counts, kept across a restart', async () => {
    const storageDir = await storage();
    const accepting = await smtpServer();
    // Monday 5 January: a welcome, a concern answered, a report delivered through a real mail server.
    const first = await bot({ storageDir, start: MONDAY, env: { SMTP_URL: accepting.url, BOT_OPERATOR: OPERATOR } });
    await first.run(group(), joins(NEWCOMER), concern(PARENT, 'c1'), ...flagged('m1'));
    await first.settle();
    expect(accepting.received).toHaveLength(1);
    expect(digests(first)).toEqual([]);
    await closeNow(first);

    // Wednesday: the bot restarted with a mail server that refuses everything; a second report fails.
    const refusing = await smtpServer('reject');
    const second = await bot({
      storageDir,
      start: new Date('2026-01-07T09:00:00Z'),
      env: { SMTP_URL: refusing.url, BOT_OPERATOR: OPERATOR },
    });
    await second.run(group(), ...flagged('m2'));
    await second.settle();
    expect((await storedReports(storageDir)).map((r) => r.delivery.state).sort()).toEqual(['failed', 'sent']);
    expect(digests(second)).toEqual([]);

    // Monday 12 January, 08:00 UK time (GMT): the first digest, about 5 to 11 January.
    await second.run(waitUntil(second, '2026-01-12T07:59:59Z'));
    expect(digests(second)).toEqual([]);
    await second.run(wait(1));
    const [week1, ...none] = digests(second);
    expect(none).toEqual([]);
    expect(week1!.at).toBe('2026-01-12T08:00:00.000Z');
    expect(week1!.text).toMatch(/^📊 Your weekly summary, Mon 5 Jan to Sun 11 Jan/);
    expectCounts(week1!.text, { welcomes: 1, concerns: 1, delivered: 1, failed: 1, waiting: 0 });
    // The failed report is still in storage: that needs the operator.
    expect(week1!.text).toMatch(/Needs you:\n• Failed reports still in storage: 1\./);
    expectNothingPersonal(week1!.text);

    // The second week: a welcome and two concern questions (the second within the cooldown, answered with a pointer).
    await second.run(joins(person(11)), concern(PARENT, 'c2'), concern(AUTHOR, 'c3'), waitUntil(second, '2026-01-19T08:00:00Z'));
    const week2 = digests(second).slice(1);
    expect(week2).toHaveLength(1);
    expect(week2[0]!.at).toBe('2026-01-19T08:00:00.000Z');
    expect(week2[0]!.text).toMatch(/^📊 Your weekly summary, Mon 12 Jan to Sun 18 Jan/);
    expectCounts(week2[0]!.text, { welcomes: 1, concerns: 2, delivered: 0, failed: 0, waiting: 0 });
    expectNothingPersonal(week2[0]!.text);
    // Only the operator hears it.
    expect(second.sends().filter((s) => isDigest(s.text)).map((s) => s.chat)).toEqual([OPERATOR, OPERATOR]);
  });

  it('says when report emails are on hold, and counts groups waiting for approval', async () => {
    const refusingLogin = await smtpServer('auth-reject');
    const b = await bot({ start: MONDAY, env: { SMTP_URL: refusingLogin.url, BOT_OPERATOR: OPERATOR } });
    await b.run(group(), ...flagged('m1'));
    // Someone who is not an operator adds the bot to a second group: it waits for approval.
    await b.run({ type: 'join', chat: '120363000000000002@g.us', members: ['447700900999@c.us'], by: person(66) });
    await b.run(groupLine([person(66)], [person(66)], '120363000000000002@g.us', 'Year 4 Parents'));
    await b.run(wait(7 * DAY));
    const [digest] = digests(b);
    expectCounts(digest!.text, { welcomes: 0, concerns: 0, delivered: 0, failed: 0, waiting: 1 });
    expect(digest!.text).toMatch(/Needs you:\n• Report emails are on hold: the mail server refused the bot's login \(EAUTH 535\)/);
    expect(digest!.text).not.toContain('Year 4');
    expectNothingPersonal(digest!.text);
  });

  it.each([
    ['2026-02-01', 'is due for review on 1 February 2026: ask the school whether there is a newer version'],
    ['2026-01-10', 'was due for review on 10 January 2026: ask the school for the current version'],
  ])('says when the policy\'s review date (%s) is within 30 days or past', async (reviewDate, line) => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: OPERATOR }, config: { school: { policy: { reviewDate, published: '2025-01-01' } } } });
    await b.run(group(), wait(7 * DAY));
    const [digest] = digests(b);
    expect(digest!.text).toContain(`Needs you:\n• The school's policy (version 1.0) ${line}`);
  });

  it('needs nothing of the operator in a quiet week with the review date far off', async () => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: OPERATOR } });
    await b.run(group(), wait(7 * DAY));
    expect(digests(b)[0]!.text).toContain('\n\nNothing needs you.\n\n');
  });

  it('follows UK time: in summer, 08:00 BST is 07:00 UTC', async () => {
    const b = await bot({ start: new Date('2026-06-01T06:00:00Z'), env: { BOT_OPERATOR: OPERATOR } });
    await b.run(group(), wait(3 * 3600));
    // Its first start noted the week before; this Monday's digest is its first.
    expect(digests(b).map((d) => d.at)).toEqual(['2026-06-01T07:00:00.000Z']);
    await b.run(wait(7 * DAY));
    expect(digests(b).map((d) => d.at)).toEqual(['2026-06-01T07:00:00.000Z', '2026-06-08T07:00:00.000Z']);
  });

  it('follows the configured day and time', async () => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: OPERATOR }, config: { digest: { day: 'friday', time: '17:30' } } });
    await b.run(group(), wait(14 * DAY));
    expect(digests(b).map((d) => d.at)).toEqual(['2026-01-09T17:30:00.000Z', '2026-01-16T17:30:00.000Z']);
    expect(digests(b)[0]!.text).toMatch(/^📊 Your weekly summary, Fri 2 Jan to Thu 8 Jan/);
  });

  it('is not sent when switched off ({"digest":{"enabled":false}})', async () => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: OPERATOR }, config: { digest: { enabled: false } } });
    await b.run(group(), joins(NEWCOMER), concern(PARENT, 'c1'), wait(15 * DAY));
    expect(b.sends().filter((s) => s.chat === OPERATOR)).toEqual([]);
    expect(b.sends().filter((s) => isDigest(s.text))).toEqual([]);
  });

  it('is not sent at the very first start, even on a Monday morning', async () => {
    const b = await bot({ start: new Date('2026-01-05T09:00:00Z'), env: { BOT_OPERATOR: OPERATOR } });
    await b.run(group(), wait(6 * DAY));
    expect(digests(b)).toEqual([]);
  });
});

describe('a digest that fell due while the bot was off', () => {
  it('is sent once when the bot starts again, not again at the next restart, and the next week as usual', async () => {
    const storageDir = await storage();
    const env = { BOT_OPERATOR: OPERATOR };
    const running = await bot({ storageDir, start: MONDAY, env });
    await running.run(group(), joins(NEWCOMER), concern(PARENT, 'c1'));
    await running.run(waitUntil(running, '2026-01-11T20:00:00Z'));
    // Stopped on Sunday evening, before Monday 08:00.
    expect(digests(running)).toEqual([]);
    await closeNow(running);

    const late = await bot({ storageDir, start: new Date('2026-01-12T10:30:00Z'), env });
    await late.run(group());
    await late.settle();
    const [missed, ...more] = digests(late);
    expect(more).toEqual([]);
    expect(missed!.at).toBe('2026-01-12T10:30:00.000Z');
    expect(missed!.text).toMatch(/^📊 Your weekly summary, Mon 5 Jan to Sun 11 Jan/);
    expectCounts(missed!.text, { welcomes: 1, concerns: 1, delivered: 0, failed: 0, waiting: 0 });
    await closeNow(late);

    const again = await bot({ storageDir, start: new Date('2026-01-12T11:00:00Z'), env });
    await again.run(group(), waitUntil(again, '2026-01-19T07:59:00Z'));
    expect(digests(again)).toEqual([]);
    await again.run(wait(60));
    expect(digests(again).map((d) => d.at)).toEqual(['2026-01-19T08:00:00.000Z']);
    expectCounts(digests(again)[0]!.text, { welcomes: 0, concerns: 0, delivered: 0, failed: 0, waiting: 0 });
  });

  it('is one digest however many Mondays were missed', async () => {
    const storageDir = await storage();
    const env = { BOT_OPERATOR: OPERATOR };
    await closeNow(await bot({ storageDir, start: MONDAY, env }));
    const back = await bot({ storageDir, start: new Date('2026-02-04T12:00:00Z'), env });
    await back.run(group());
    await back.settle();
    expect(digests(back).map((d) => d.text.split('\n')[0])).toEqual(['📊 Your weekly summary, Mon 26 Jan to Sun 1 Feb (counts only):']);
  });
});

describe('the counts behind it', () => {
  it('are kept on disk by UK day, numbers only', async () => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: OPERATOR } });
    await b.run(group(), joins(NEWCOMER), concern(PARENT, 'c1'), ...flagged('m1'));
    await b.settle();
    await onlyReport(b.storageDir);
    // The counts reach the disk within a minute of the last one.
    await b.run(wait(60));
    const data = JSON.parse(await readFile(path.join(b.storageDir, 'db.json'), 'utf8')) as StoreData;
    // The flagged message airs a grievance about a teacher: its writer was nudged privately, and that counts too.
    expect(data.counts).toEqual({ '2026-01-05': { welcomes: 1, concernsAnswered: 1, reportsDelivered: 1, nudges: 1 } });
    expect(emailLines(b)).toHaveLength(1);
    expect(toPerson(b, OPERATOR).some(isDigest)).toBe(false);
  });
});

describe('its settings', () => {
  async function configWith(digest: object): Promise<Record<string, string>> {
    const file = path.join(await storage(), 'config.json');
    await writeFile(file, JSON.stringify({ digest }));
    return { BOT_CONFIG: file };
  }

  it.each([
    [{ time: '8am' }, /"digest\.time" must be a UK time of day written HH:MM, such as "08:00"/],
    [{ time: '24:00' }, /"digest\.time" must be a UK time of day/],
    [{ day: 'mon' }, /"digest\.day"/],
    [{ enabled: 'yes' }, /"digest\.enabled"/],
  ])('refuse %j with a message naming the setting', async (digest, problem) => {
    const env = await configWith(digest);
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(problem);
  });

  it('default to Monday 08:00, switched on', () => {
    expect(loadConfig({}).config.digest).toEqual({ enabled: true, day: 'monday', time: '08:00' });
  });
});
