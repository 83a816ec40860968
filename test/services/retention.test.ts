import { describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import type { AuditEntry } from '../../src/core/report.js';
import type { StoreData } from '../../src/services/store.js';
import { ADMIN, GROUP, PARENT, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';
import { closedAfterEach, onlyReport, storedReports, toPerson } from '../support/reporting.js';
import { findInStorage } from '../support/storage-search.js';

/**
 * What the bot keeps of a report, and for how long. When a report's time is up, nothing of it is
 * left anywhere under the storage folder: not in the database nor its backup, not in the outbox's
 * .eml, not in its attachments or a half-written copy of either, not in a log. A report that
 * failed is kept longer and its deletion announced to the operator once; a queued one is never
 * deleted. What remains is the audit trail: references, times and codes.
 */

const AUTHOR = person(3);
const OPERATOR = person(90);
const REPORTER_NAME = 'Pat Reporter';
const REPORTER_DIGITS = PARENT.split('@')[0]!;
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';
const NEEDLES = [FLAGGED, REPORTER_NAME, REPORTER_DIGITS];
const DAY = 86_400;

const { track, closeNow, smtpServer } = closedAfterEach();

/** A bot on a storage folder of the test's own, so the folder can be searched after the bot has closed. */
async function botOnOwnStorage(options: Parameters<typeof startBot>[0] = {}): Promise<TestBot> {
  const storageDir = options.storageDir ?? (await mkdtemp(path.join(tmpdir(), 'steward-retention-')));
  if (!options.storageDir) track({ close: () => rm(storageDir, { recursive: true, force: true }) });
  return track(await startBot({ ...options, storageDir }));
}

// A JPEG whose bytes carry the flagged words, so a search can tell whether the file is still there.
const PICTURE = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), Buffer.from(` ${FLAGGED} `)]);

const scene = () => [
  groupLine([ADMIN, PARENT, AUTHOR]),
  message(AUTHOR, FLAGGED, { id: 'm1', name: 'Sam Author', media: { mimetype: 'image/jpeg', filename: 'p.jpg', dataBase64: PICTURE.toString('base64') } }),
  message(PARENT, '!flag rude about a teacher', { id: 'f1', quotedId: 'm1', name: REPORTER_NAME }),
];
const wait = (seconds: number) => ({ type: 'wait', seconds });

async function auditIn(dir: string): Promise<AuditEntry[]> {
  return (JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8')) as StoreData).audit;
}

/** Files a crash could leave half-written for this report, carrying its words. */
async function plantLeftovers(dir: string, reference: string): Promise<void> {
  await mkdir(path.join(dir, 'outbox'), { recursive: true });
  await writeFile(path.join(dir, 'outbox', `${reference}.eml.tmp`), `Subject: x\n\n${FLAGGED}\n`);
  await writeFile(path.join(dir, 'media', `${reference}-2.jpg.tmp`), PICTURE);
}

describe('a delivered report, once its time is up, leaves nothing of itself in storage', () => {
  it.each(['files', 'smtp'] as const)('delivered by %s: kept 30 days, then gone from every file, the backup and the logs included', async (mode) => {
    const mailEnv: Record<string, string> = mode === 'smtp' ? { SMTP_URL: (await smtpServer()).url } : {};
    const b = await botOnOwnStorage({ env: { ...mailEnv, BOT_OPERATOR: OPERATOR } });
    await b.run(...scene());
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('sent');
    await plantLeftovers(b.storageDir, report.id);

    // Before its time, the words are there to be found: the search can see them.
    const before = await findInStorage(b.storageDir, NEEDLES);
    for (const needle of NEEDLES) expect(before).toContain(`db.json: ${needle}`);
    expect(before).toContain(`db.json.bak: ${FLAGGED}`);
    expect(before).toContain(`media/${report.id}-1.jpg: ${FLAGGED}`);
    expect(before).toContain(`media/${report.id}-2.jpg.tmp: ${FLAGGED}`);
    expect(before).toContain(`outbox/${report.id}.eml.tmp: ${FLAGGED}`);
    if (mode === 'files') {
      expect(before).toContain(`outbox/${report.id}.eml: ${FLAGGED}`);
      expect(before).toContain(`outbox/${report.id}.eml: ${REPORTER_DIGITS}`);
    }

    await b.run(wait(29 * DAY));
    expect((await storedReports(b.storageDir)).map((r) => r.id)).toEqual([report.id]);

    await b.run(wait(2 * DAY));
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(b.sim.app.reports.report(report.id)).toBeUndefined();
    // At once, before any later write could push the older version out of db.json.bak...
    expect(await findInStorage(b.storageDir, NEEDLES)).toEqual([]);
    // ...and once the bot has stopped and its logs are flushed.
    await closeNow(b);
    expect(await findInStorage(b.storageDir, NEEDLES)).toEqual([]);
    const trail = (await auditIn(b.storageDir)).filter((e) => e.report === report.id);
    expect(trail.at(-1)).toMatchObject({ event: 'deleted', code: 'retention-delivered' });
  });
});

/** The operator's warnings that a failed report is about to be deleted. */
const warnings = (b: TestBot) => toPerson(b, OPERATOR).filter((t) => /never reached the school/.test(t));
const ukTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

describe('a report that failed for good (defaults: deleted 90 days after, the operator warned 7 days before)', () => {
  it('is kept to day 83, when the operator is warned once; kept to day 90, then gone with every copy', async () => {
    const smtp = await smtpServer('reject');
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    await b.run(...scene());
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('failed');
    const failedAt = Date.parse(report.delivery.failedAt!);
    const sinceFailure = (days: number) => wait(Math.round((failedAt + days * DAY * 1000 - b.sim.clock.now().getTime()) / 1000));

    await b.run(sinceFailure(83 - 1 / 24));
    expect(warnings(b)).toEqual([]);
    await b.run(sinceFailure(83 + 1 / 24));
    const [warning, ...more] = warnings(b);
    expect(more).toEqual([]);
    expect(warning).toContain(report.id);
    expect(warning).toContain(`on ${ukTime.format(new Date(failedAt + 90 * DAY * 1000))} UK time`);
    expect(warning).toContain(`npm run reports -- retry ${report.id}`);
    // To the operator only: not to the reporter (told when it failed), not to the group.
    expect(toPerson(b, PARENT).join('\n')).not.toMatch(/never reached the school/);
    expect(b.sends().filter((s) => s.chat === GROUP)).toEqual([]);

    await b.run(sinceFailure(90 - 1 / 24));
    expect((await storedReports(b.storageDir)).map((r) => r.id)).toEqual([report.id]);
    expect(warnings(b)).toHaveLength(1);
    await b.run(sinceFailure(90 + 1 / 24));
    expect(await storedReports(b.storageDir)).toEqual([]);
    expect(await findInStorage(b.storageDir, NEEDLES)).toEqual([]);
    await closeNow(b);
    expect(await findInStorage(b.storageDir, NEEDLES)).toEqual([]);
    expect(warnings(b)).toHaveLength(1);

    const trail = (await auditIn(b.storageDir)).filter((e) => e.report === report.id);
    expect(trail.map((e) => [e.event, e.code])).toEqual([
      ['created', undefined],
      ['queued', undefined],
      ['attempt', expect.stringMatching(/554/)],
      ['failed', expect.stringMatching(/554/)],
      ['warned', undefined],
      ['deleted', 'retention-failed'],
    ]);
  });

  it('is warned about once only, across a restart: the record of the warning is kept with the report', async () => {
    const smtp = await smtpServer('reject');
    const first = await botOnOwnStorage({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    const dir = first.storageDir;
    await first.run(...scene());
    await first.settle();
    const report = await onlyReport(dir);
    await first.run(wait(84 * DAY));
    expect(warnings(first)).toHaveLength(1);
    expect((await onlyReport(dir)).delivery.expiryWarnedAt).toEqual(expect.any(String));
    await closeNow(first);

    // The restarted bot's simulated clock starts again at START: it lives through day 83 again.
    const second = await botOnOwnStorage({ storageDir: dir, env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    await second.run(wait(89 * DAY));
    expect(warnings(second)).toEqual([]);
    expect((await onlyReport(dir)).id).toBe(report.id);
    await second.run(wait(2 * DAY));
    expect(await storedReports(dir)).toEqual([]);
    expect(warnings(second)).toEqual([]);
  });

  it('queued again by hand before its time, starts over: no deletion, and a new failure counts afresh', async () => {
    const smtp = await smtpServer('reject');
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    await b.run(...scene());
    await b.settle();
    const report = b.sim.app.reports.report((await onlyReport(b.storageDir)).id)!;
    await b.run(wait(84 * DAY));
    expect(warnings(b)).toHaveLength(1);
    // What `npm run reports -- retry` does; the server still refuses, so it fails again today.
    await b.sim.app.reports.requeue(report);
    await b.run(wait(60));
    expect((await onlyReport(b.storageDir)).delivery).toMatchObject({ state: 'failed', attempts: 1 });
    expect((await onlyReport(b.storageDir)).delivery.expiryWarnedAt).toBeUndefined();
    await b.run(wait(10 * DAY));
    expect((await onlyReport(b.storageDir)).id).toBe(report.id);
    expect(warnings(b)).toHaveLength(1);
  });
});

describe('a report still queued', () => {
  it('is never deleted, however long it waits (here: the mail server refuses the login, so the outbox holds it)', async () => {
    const smtp = await smtpServer('auth-reject');
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    await b.run(...scene());
    await b.settle();
    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('queued');
    await b.run(wait(200 * DAY));
    const after = await onlyReport(b.storageDir);
    expect(after).toMatchObject({ id: report.id, delivery: { state: 'queued' } });
    const kept = await findInStorage(b.storageDir, NEEDLES);
    expect(kept).toContain(`db.json: ${FLAGGED}`);
    expect(kept).toContain(`media/${report.id}-1.jpg: ${FLAGGED}`);
    expect(warnings(b)).toEqual([]);
  });
});

describe('the audit trail', () => {
  it('records each step of a delivery that fails (451) then succeeds (250), in order, with codes and no content', async () => {
    const smtp = await smtpServer({ tempFail: 1 });
    const b = await botOnOwnStorage({ env: { SMTP_URL: smtp.url } });
    await b.run(...scene());
    await b.settle();
    expect(smtp.transactions.map((t) => t.code)).toEqual([451, 250]);
    const report = await onlyReport(b.storageDir);
    const trail = (await auditIn(b.storageDir)).filter((e) => e.report === report.id);
    expect(trail.map((e) => [e.event, e.code])).toEqual([
      ['created', undefined],
      ['queued', undefined],
      ['attempt', expect.stringMatching(/451/)],
      ['attempt', 'ok'],
      ['delivered', 'smtp'],
    ]);
    expect(trail.map((e) => e.at)).toEqual([...trail.map((e) => e.at)].sort());
    expect(Date.parse(trail[3]!.at)).toBeGreaterThan(Date.parse(trail[2]!.at));
    expect(trail[4]!.at).toBe(report.delivery.sentAt);
    for (const entry of trail) expect(Object.keys(entry).sort()).toEqual(entry.code ? ['at', 'code', 'event', 'report'] : ['at', 'event', 'report']);
    const written = JSON.stringify(await auditIn(b.storageDir));
    for (const needle of [...NEEDLES, 'Sam Author', AUTHOR.split('@')[0]!, 'rude about a teacher']) expect(written).not.toContain(needle);

    // It outlives the report...
    await b.run(wait(31 * DAY));
    expect(await storedReports(b.storageDir)).toEqual([]);
    const kept = (await auditIn(b.storageDir)).filter((e) => e.report === report.id);
    expect(kept.map((e) => e.event)).toEqual(['created', 'queued', 'attempt', 'attempt', 'delivered', 'deleted']);
    // ...for 400 days, each entry from when it was written.
    await b.run(wait(368 * DAY));
    expect((await auditIn(b.storageDir)).filter((e) => e.report === report.id)).toHaveLength(6);
    await b.run(wait(2 * DAY));
    expect((await auditIn(b.storageDir)).filter((e) => e.report === report.id).map((e) => e.event)).toEqual(['deleted']);
    await b.run(wait(31 * DAY));
    expect((await auditIn(b.storageDir)).filter((e) => e.report === report.id)).toEqual([]);
  });
});

describe('the retention settings', () => {
  it('a warning not shorter than the time a failed report is kept stops the start, naming the setting', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'steward-retention-config-'));
    track({ close: () => rm(dir, { recursive: true, force: true }) });
    const file = path.join(dir, 'config.json');
    await writeFile(file, JSON.stringify({ reports: { failedRetentionDays: 7, failedWarningDays: 7 } }));
    expect(() => loadConfig({ BOT_CONFIG: file, BOT_STORAGE_DIR: dir })).toThrow(/"reports\.failedWarningDays" must be fewer than reports\.failedRetentionDays \(7\)/);
    await writeFile(file, JSON.stringify({ reports: { failedRetentionDays: 8, failedWarningDays: 7 } }));
    expect(loadConfig({ BOT_CONFIG: file, BOT_STORAGE_DIR: dir }).config.reports).toMatchObject({ failedRetentionDays: 8, failedWarningDays: 7 });
    expect(loadConfig({ BOT_STORAGE_DIR: dir }).config.reports).toMatchObject({ retentionDays: 30, failedRetentionDays: 90, failedWarningDays: 7 });
  });
});
