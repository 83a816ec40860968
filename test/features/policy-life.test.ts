import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { ADMIN, BOT, GROUP, OTHER_GROUP, PARENT, groupLine, message, person, type TestBot } from '../support/bot.js';
import { closedAfterEach, toGroup, toPerson } from '../support/reporting.js';

/**
 * The policy has a version, a date and a review date, all in config/school.json. As the review
 * date comes, the people who can find out (the operators, each served group's admins) are asked
 * privately to check with the school, once a week at most; past it, `!rules full` says the policy
 * was due for review. A new version in the config is announced once in each group.
 */

const OPERATOR = person(90);
const ADMIN2 = person(6);
const MONDAY = new Date('2026-01-05T08:00:00Z');
const DAY = 86_400;

const { bot, closeNow } = closedAfterEach();
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});
async function storage(): Promise<string> {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-policy-'));
  return dir;
}

const wait = (seconds: number) => ({ type: 'wait', seconds });
const waitUntil = (b: TestBot, iso: string) => wait((Date.parse(iso) - b.sim.clock.now().getTime()) / 1000);
const group = () => groupLine([ADMIN, ADMIN2, PARENT], [ADMIN, ADMIN2]);
const isReminder = (text: string) => text.startsWith('📅 ');
const reminders = (b: TestBot, who: string) => b.sends().filter((s) => s.chat === who && isReminder(s.text));
const isAnnouncement = (text: string) => text.startsWith('📋 The school has a new version');
const isFullRules = (text: string) => text.startsWith('📋 The Imam Muhammad Adam Institute');
/** A review date 35 days after MONDAY, so the bot starts on the day the tests name "35 days before". */
const REVIEW = '2026-02-09';
const reviewConfig = { school: { policy: { reviewDate: REVIEW } }, digest: { enabled: false } };

describe('reminders as the review date comes', () => {
  it('35 days before: none; 29 days before: one each to the operator and the admins; 2 days on: none; 8 days on: another', async () => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: OPERATOR }, config: reviewConfig });
    await b.run(group(), wait(DAY));
    const everyone = [OPERATOR, ADMIN, ADMIN2];
    for (const who of everyone) expect(reminders(b, who)).toEqual([]);

    // 29 days before: the window opened yesterday (30 days before), at 09:00 UK time.
    await b.run(waitUntil(b, '2026-01-11T08:00:00Z'));
    for (const who of everyone) {
      const sent = reminders(b, who);
      expect(sent).toHaveLength(1);
      expect(sent[0]!.at.startsWith('2026-01-10T09:00')).toBe(true);
    }
    const operatorText = reminders(b, OPERATOR)[0]!.text;
    expect(operatorText).toContain('(version 1.0, January 2026) is due for review on 9 February 2026');
    expect(operatorText).toContain('config/school.json');
    const adminText = reminders(b, ADMIN)[0]!.text;
    expect(adminText).toContain('is due for review on 9 February 2026');
    expect(adminText).toMatch(/check with the school \(email school@imai\.org\.uk/);
    expect(adminText).toContain('tell the volunteer who runs me');
    // Members who are not admins, and the group itself, hear nothing of it.
    expect(toPerson(b, PARENT)).toEqual([]);
    expect(toGroup(b)).toEqual([]);

    await b.run(wait(2 * DAY));
    for (const who of everyone) expect(reminders(b, who)).toHaveLength(1);

    await b.run(wait(8 * DAY));
    for (const who of everyone) {
      const sent = reminders(b, who);
      expect(sent).toHaveLength(2);
      // A week after the first, not sooner.
      expect(sent[1]!.at.startsWith('2026-01-17T09:00')).toBe(true);
    }
  });

  it('past the date they go on weekly, saying the policy was due; an operator who is also an admin gets one', async () => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: ADMIN }, config: reviewConfig });
    await b.run(group(), waitUntil(b, '2026-02-16T12:00:00Z'));
    const sent = reminders(b, ADMIN);
    expect(sent.map((s) => s.at.slice(0, 10))).toEqual(['2026-01-10', '2026-01-17', '2026-01-24', '2026-01-31', '2026-02-07', '2026-02-14']);
    expect(sent.every((s) => s.text.includes('config/school.json'))).toBe(true);
    expect(sent.at(-1)!.text).toContain('was due for review on 9 February 2026');
    expect(reminders(b, ADMIN2)).toHaveLength(6);
  });

  it('a restart within the week does not repeat them', async () => {
    const storageDir = await storage();
    // The review date is two weeks off: the first reminder goes at 09:00 on the first day.
    const config = { school: { policy: { reviewDate: '2026-01-19' } }, digest: { enabled: false } };
    const first = await bot({ storageDir, start: MONDAY, env: { BOT_OPERATOR: OPERATOR }, config });
    await first.run(group(), waitUntil(first, '2026-01-05T10:00:00Z'));
    expect(reminders(first, OPERATOR)).toHaveLength(1);
    await closeNow(first);

    const second = await bot({ storageDir, start: new Date('2026-01-06T08:00:00Z'), env: { BOT_OPERATOR: OPERATOR }, config });
    await second.run(group(), waitUntil(second, '2026-01-12T08:00:00Z'));
    expect(reminders(second, OPERATOR)).toEqual([]);
    expect(reminders(second, ADMIN)).toEqual([]);
    await second.run(waitUntil(second, '2026-01-12T10:00:00Z'));
    expect(reminders(second, OPERATOR).map((s) => s.at.slice(0, 13))).toEqual(['2026-01-12T09']);
  });

  it('go to the admins of served groups only, never to those of a group waiting for approval', async () => {
    const stranger = person(66);
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: OPERATOR }, config: reviewConfig });
    await b.run(group(), message(PARENT, 'hello'));
    await b.run({ type: 'join', chat: OTHER_GROUP, members: [BOT], by: stranger });
    await b.run(groupLine([stranger], [stranger], OTHER_GROUP, 'Year 4 Parents'));
    await b.run(waitUntil(b, '2026-01-11T08:00:00Z'));
    expect(reminders(b, ADMIN)).toHaveLength(1);
    expect(reminders(b, stranger)).toEqual([]);
  });
});

describe('!rules full and the introduction', () => {
  it('show the version and the date; past the review date, !rules full says it was due for review', async () => {
    const b = await bot({ start: MONDAY, config: reviewConfig });
    await b.run(group(), message(PARENT, '!rules full', { id: 'r1' }));
    await b.settle();
    const [before] = toGroup(b).filter((s) => isFullRules(s.text));
    expect(before!.text.split('\n')[0]).toBe(
      '📋 The Imam Muhammad Adam Institute: Policy and Code of Conduct for the acceptable use of Parental WhatsApp Groups (version 1.0, January 2026, review February 2026)',
    );
    expect(before!.text).not.toMatch(/due for review/);

    await b.run(waitUntil(b, '2026-02-09T00:00:00Z'), message(PARENT, '!rules full', { id: 'r2' }));
    await b.settle();
    const after = toGroup(b).filter((s) => isFullRules(s.text));
    expect(after).toHaveLength(2);
    expect(after[1]!.text).toContain(
      '⚠️ This policy was due for review on 9 February 2026, so a newer version may exist: please check with the school (email school@imai.org.uk',
    );
  });

  it('the introduction, when the bot is added to a group, names the version and date', async () => {
    const b = await bot({ start: MONDAY, env: { BOT_OPERATOR: ADMIN } });
    await b.run(group(), message(PARENT, 'hello'), { type: 'join', chat: OTHER_GROUP, members: [BOT], by: ADMIN });
    await b.settle();
    const [intro] = toGroup(b, OTHER_GROUP);
    expect(intro!.text).toContain('Policy and Code of Conduct for the acceptable use of Parental WhatsApp Groups (version 1.0, January 2026) asks that:');
  });
});

describe('a new version in the config', () => {
  const newVersion = {
    school: { policy: { version: '1.1', published: '2026-03-01', changes: 'Guideline 6 now covers grandparents who collect a child.' } },
    digest: { enabled: false },
  };

  it('is announced once in each served, unpaused group, not again after a restart, and welcomes show it', async () => {
    const storageDir = await storage();
    const env = { BOT_OPERATOR: OPERATOR };
    // First run: version 1.0 is only noted. One group is paused by its admin.
    const first = await bot({ storageDir, start: MONDAY, env });
    await first.run(group(), groupLine([ADMIN, PARENT], [ADMIN], OTHER_GROUP, 'Year 4 Parents'));
    await first.run(message(ADMIN, '!pause', { chat: OTHER_GROUP, id: 'p1' }));
    await first.settle();
    expect(first.sends().filter((s) => isAnnouncement(s.text))).toEqual([]);
    await closeNow(first);

    // The volunteer puts version 1.1 in the config and restarts the bot; WhatsApp lists the groups again.
    const second = await bot({ storageDir, start: new Date('2026-03-02T08:00:00Z'), env, config: newVersion });
    await second.run(group(), groupLine([ADMIN, PARENT], [ADMIN], OTHER_GROUP, 'Year 4 Parents'), message(PARENT, 'morning all', { id: 'x1' }));
    await second.settle();
    const announced = second.sends().filter((s) => isAnnouncement(s.text));
    expect(announced.map((s) => s.chat)).toEqual([GROUP]);
    expect(announced[0]!.text).toContain(
      'version 1.1, March 2026.\nWhat changed: Guideline 6 now covers grandparents who collect a child.',
    );
    expect(announced[0]!.text).toContain('The whole policy: !rules full');

    await second.run({ type: 'join', chat: GROUP, members: [person(20)], by: ADMIN }, message(PARENT, '!rules full', { id: 'r1' }));
    await second.settle();
    const welcome = toGroup(second).find((s) => s.text.startsWith('Welcome @'));
    expect(welcome!.text).toContain("Please keep to the school's code of conduct (version 1.1):");
    const full = toGroup(second).find((s) => isFullRules(s.text));
    expect(full!.text.split('\n')[0]).toContain('(version 1.1, March 2026, review January 2027)');
    await closeNow(second);

    const third = await bot({ storageDir, start: new Date('2026-03-03T08:00:00Z'), env, config: newVersion });
    await third.run(group(), groupLine([ADMIN, PARENT], [ADMIN], OTHER_GROUP, 'Year 4 Parents'), message(PARENT, 'hello', { id: 'x2' }));
    await third.run(message(ADMIN, '!resume', { chat: OTHER_GROUP, id: 'p2' }));
    await third.settle();
    expect(third.sends().filter((s) => isAnnouncement(s.text))).toEqual([]);
  });

  it('without a changes line, the announcement says what version it is and no more', async () => {
    const storageDir = await storage();
    const first = await bot({ storageDir, start: MONDAY });
    await first.run(group());
    await closeNow(first);
    const b = await bot({ storageDir, start: MONDAY, config: { school: { policy: { version: '2' } } } });
    await b.run(group());
    await b.settle();
    const [announcement, ...more] = toGroup(b);
    expect(more).toEqual([]);
    expect(announcement!.text).toMatch(/^📋 The school has a new version of its Policy and Code of Conduct for the acceptable use of Parental WhatsApp Groups: version 2, January 2026\.\n\nThe group guidelines:/);
    expect(announcement!.text).not.toContain('What changed');
  });
});

describe('the policy\'s dates in config/school.json', () => {
  async function withPolicy(policy: object): Promise<Record<string, string>> {
    const file = path.join(await storage(), 'config.json');
    await writeFile(file, JSON.stringify({ school: { policy } }));
    return { BOT_CONFIG: file };
  }

  it('are ISO days, shown as people write them', () => {
    const { policy } = loadConfig({}).config.school;
    expect([policy.version, policy.published, policy.reviewDate]).toEqual(['1.0', '2026-01-01', '2027-01-01']);
  });

  it.each([
    [{ published: 'January 2026' }, /"school\.policy\.published" must be a date written YYYY-MM-DD, such as "2026-01-01"/],
    [{ reviewDate: '2027-02-30' }, /"school\.policy\.reviewDate" is not a date in the calendar/],
    [{ reviewDate: '2025-12-01' }, /"school\.policy\.reviewDate" must come after policy\.published/],
    [{ version: '' }, /"school\.policy\.version"/],
  ])('refuse %j with a message naming the setting', async (policy, problem) => {
    const env = await withPolicy(policy);
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(problem);
  });
});
