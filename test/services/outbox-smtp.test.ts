import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Report } from '../../src/core/report.js';
import type { StoreData } from '../../src/services/store.js';
import type { OutputLine } from '../../src/transports/simulator.js';
import { ADMIN, GROUP, PARENT, START, groupLine, message, person, startBot, type TestBot } from '../support/bot.js';
import { closedPortUrl, parseMail, startSmtpServer, startStallingServer } from '../support/smtp.js';

/**
 * Report delivery through the whole bot: a parent flags a message in the group, and the email
 * goes to a real SMTP server on 127.0.0.1. Simulated time moves only when a test moves it; the
 * SMTP conversation itself is real.
 */

const AUTHOR = person(3);
const BYSTANDER = person(4);
const OPERATOR = person(50);
const SCHOOL = 'school@imai.org.uk';

const FLAGGED = 'You’re all liars 🙄 and Mr Khan the teacher is useless.\nSomeone should sort him out…  (twice!)';
const BEFORE = 'Does anyone know if the trip is on Friday?';
const BETWEEN = 'Please can we keep this friendly';
const AFTER = 'Thanks all, see you at pickup';
const GUIDELINE_1 = 'The group should never be used as a platform to air views/grievances regarding a teacher, child or parent in the class or school.';

const HOUR = 3_600_000;
const MINUTE = 60_000;

// Everything a test opens is closed after it, newest first (a bot before the server it talks to).
const resources: Array<{ close(): Promise<void> }> = [];
function track<T extends { close(): Promise<void> }>(resource: T): T {
  resources.push(resource);
  return resource;
}
async function release(resource: { close(): Promise<void> }): Promise<void> {
  resources.splice(resources.indexOf(resource), 1);
  await resource.close();
}
afterEach(async () => {
  for (const resource of resources.splice(0).reverse()) await resource.close().catch(() => undefined);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'steward-outbox-'));
  track({ close: () => rm(dir, { recursive: true, force: true }) });
  return dir;
}

async function bot(options: Parameters<typeof startBot>[0]): Promise<TestBot> {
  return track(await startBot(options));
}

async function readDb(dir: string): Promise<StoreData> {
  return JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8')) as StoreData;
}
async function storedReports(dir: string): Promise<Report[]> {
  return (await readDb(dir)).reports;
}
async function onlyReport(dir: string): Promise<Report> {
  const reports = await storedReports(dir);
  expect(reports).toHaveLength(1);
  return reports[0]!;
}

const emailLines = (b: TestBot) => b.out.filter((l): l is Extract<OutputLine, { type: 'email' }> => l.type === 'email');
const toPerson = (b: TestBot, who: string) => b.sends().filter((s) => s.chat === who).map((s) => s.text);
const REFERENCE = /R-\d{6}-[A-Z0-9]{4}/;

/** A group with some ordinary conversation around one message that a parent flags. */
function flagScene(reason = 'rude about a teacher') {
  return [
    groupLine([ADMIN, PARENT, AUTHOR, BYSTANDER]),
    message(BYSTANDER, BEFORE, { id: 'b1', name: 'Bea Bystander' }),
    message(AUTHOR, FLAGGED, { id: 'm1', name: 'Sam Author' }),
    message(BYSTANDER, BETWEEN, { id: 'b2', name: 'Bea Bystander' }),
    message(PARENT, `!flag ${reason}`, { id: 'f1', quotedId: 'm1', name: 'Pat Reporter' }),
    message(BYSTANDER, AFTER, { id: 'b3', name: 'Bea Bystander' }),
  ];
}

/** A second message by the author, flagged by the group's admin: a second report. */
const secondFlag = [
  message(AUTHOR, 'And the head teacher is a joke', { id: 'm2', name: 'Sam Author' }),
  message(ADMIN, '!flag disrespectful', { id: 'f2', quotedId: 'm2', name: 'Alex Admin' }),
];

describe('an accepting mail server', () => {
  it('gets exactly one email with everything the school needs and nothing else from the group', async () => {
    const smtp = track(await startSmtpServer('accept'));
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(...flagScene());
    await b.settle();

    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('sent');
    expect(smtp.received).toHaveLength(1);
    expect(smtp.attempts).toBe(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual([SCHOOL]);
    expect(mail.messageId).toBe(report.messageId);
    const parsed = parseMail(mail.raw);
    expect(parsed.headers.to).toBe(SCHOOL);
    expect(mail.subject).toContain('Year 3 Parents');
    expect(mail.subject).toContain(report.id);

    const body = parsed.text;
    // The message verbatim, line break, emoji, curly quote, double space and all, each line quoted.
    expect(body).toContain(`Text, word for word:\n${FLAGGED.split('\n').map((line) => `| ${line}`).join('\n')}\n`);
    expect(body).toMatch(/Group: code [A-Z2-9]{6}, named in WhatsApp:\n\| Year 3 Parents\n/);
    expect(body).toMatch(/Sent: 5 Jan 2026, 08:00 UK time/);
    expect(body).toMatch(/Author: \+447700900003, whose WhatsApp name is:\n\| Sam Author\n/);
    expect(body).toMatch(/Reported by: a member of the group/);
    expect(body).toMatch(/Reason:\n\| rude about a teacher\n/);
    expect(body).toMatch(/Times flagged: 1\b/);
    expect(body).toMatch(/Quote checked: yes: the bot saw this exact message/);
    expect(body).toContain(GUIDELINE_1);
    expect(body).toMatch(/parent-run helper/);
    expect(body).toMatch(/not part of the school's systems and does not speak for the school/);
    expect(body).toContain(report.id);
    // No surrounding conversation, nobody else's details.
    for (const other of [BEFORE, BETWEEN, AFTER, 'Bea Bystander', '447700900004']) expect(body).not.toContain(other);
    expect(parsed.attachments).toEqual([]);

    expect(emailLines(b)).toEqual([expect.objectContaining({ reportId: report.id, to: [SCHOOL], subject: mail.subject })]);
    const confirmation = toPerson(b, PARENT);
    expect(confirmation).toHaveLength(1);
    expect(confirmation[0]).toContain(report.id);
    expect(confirmation[0]!.match(REFERENCE)?.[0]).toBe(report.id);
    // The group hears nothing from the bot about the flag.
    expect(b.sends().filter((s) => s.chat === GROUP)).toEqual([]);
  });

  it('sends to SCHOOL_EMAIL when it is set', async () => {
    const smtp = track(await startSmtpServer('accept'));
    const b = await bot({ env: { SMTP_URL: smtp.url, SCHOOL_EMAIL: 'dsl@school.example' } });
    await b.run(...flagScene());
    await b.settle();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['dsl@school.example']);
    expect(parseMail(smtp.received[0]!.raw).headers.to).toBe('dsl@school.example');
    expect(emailLines(b)[0]!.to).toEqual(['dsl@school.example']);
  });
});

describe('temporary refusals (4xx)', () => {
  it('retries after 451 three times and delivers once, under the same Message-ID every time', async () => {
    const smtp = track(await startSmtpServer({ tempFail: 3, at: 'data' }));
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(...flagScene());

    // The first attempt was refused: nothing delivered, nothing announced, still queued.
    expect(smtp.attempts).toBe(1);
    expect(smtp.received).toEqual([]);
    expect(emailLines(b)).toEqual([]);
    let report = await onlyReport(b.storageDir);
    expect(report.delivery).toMatchObject({ state: 'queued', attempts: 1 });
    expect(report.delivery.lastError).toMatch(/451/);
    expect(Date.parse(report.delivery.nextAttemptAt)).toBeGreaterThan(START.getTime());

    // Retries happen only as simulated time moves on.
    await b.run({ type: 'wait', seconds: 3600 });
    expect(smtp.attempts).toBe(4);
    expect(smtp.received).toHaveLength(1);
    const ids = smtp.transactions.map((t) => [t.stage, t.code, t.messageId]);
    expect(ids).toEqual([
      ['data', 451, report.messageId],
      ['data', 451, report.messageId],
      ['data', 451, report.messageId],
      ['data', 250, report.messageId],
    ]);
    report = await onlyReport(b.storageDir);
    expect(report.delivery).toMatchObject({ state: 'sent', attempts: 4 });
    expect(emailLines(b)).toHaveLength(1);

    // Delivered means done: no more attempts however long the bot runs.
    await b.run({ type: 'wait', seconds: 24 * 3600 });
    expect(smtp.attempts).toBe(4);
    expect(smtp.received).toHaveLength(1);
  });

  it('retries a 451 at RCPT TO the same way', async () => {
    const smtp = track(await startSmtpServer({ tempFail: 1, at: 'rcpt' }));
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(...flagScene());
    expect(smtp.received).toEqual([]);
    expect((await onlyReport(b.storageDir)).delivery).toMatchObject({ state: 'queued', attempts: 1 });
    await b.run({ type: 'wait', seconds: 600 });
    expect(smtp.attempts).toBe(2);
    expect(smtp.received).toHaveLength(1);
    expect((await onlyReport(b.storageDir)).delivery.state).toBe('sent');
  });
});

describe('a permanent refusal (5xx)', () => {
  const operatorFrom: Array<[string, { env?: Record<string, string>; config?: object }]> = [
    ['BOT_OPERATOR', { env: { BOT_OPERATOR: OPERATOR } }],
    ['bot.operator in the config', { config: { bot: { operator: OPERATOR } } }],
  ];
  it.each(operatorFrom)('is not retried: the report is marked failed and the operator (%s) is told its reference', async (_, options) => {
    const smtp = track(await startSmtpServer('reject'));
    const b = await bot({ ...options, env: { SMTP_URL: smtp.url, ...options.env } });
    await b.run(...flagScene());
    await b.settle();

    const report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('failed');
    expect(report.delivery.lastError).toMatch(/554/);
    expect(smtp.transactions).toEqual([expect.objectContaining({ stage: 'data', code: 554 })]);
    const told = toPerson(b, OPERATOR);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(report.id);

    await b.run({ type: 'wait', seconds: 7 * 24 * 3600 });
    expect(smtp.attempts).toBe(1);
    expect(emailLines(b)).toEqual([]);
    // The week ends past Monday 08:00, when the weekly digest (counts only) goes out; nothing else does.
    expect(toPerson(b, OPERATOR).filter((t) => !t.startsWith('📊 Your weekly summary'))).toHaveLength(1);
    expect((await onlyReport(b.storageDir)).delivery.attempts).toBe(1);
  });
});

describe('a report that failed for good', () => {
  // Found while writing these tests: Store.forgetReportsSettledBefore counts 'failed' as settled
  // ("the school has them"), so when the outbox next runs after retentionDays (30) it deletes a
  // report the school never received, with its attachments, although the operator was told "It
  // stays in storage" and `npm run reports -- retry` exists to send it again.
  it('stays in storage after the retention period, since the school never got it', async () => {
    const smtp = track(await startSmtpServer('reject'));
    const b = await bot({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    await b.run(...flagScene(), { type: 'wait', seconds: 60 });
    const failed = await onlyReport(b.storageDir);
    expect(failed.delivery.state).toBe('failed');

    // 31 days on, another report makes the outbox run again.
    await b.run({ type: 'wait', seconds: 31 * 86_400 }, ...secondFlag, { type: 'wait', seconds: 60 });
    const reports = await storedReports(b.storageDir);
    expect(reports.map((r) => r.id)).toContain(failed.id);
  });
});

describe('a refused login', () => {
  it('pauses the queue: a second report is not attempted, and the operator is told once', async () => {
    const smtp = track(await startSmtpServer('auth-reject'));
    const b = await bot({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    await b.run(...flagScene());
    await b.settle();
    expect(smtp.attempts).toBe(1);
    expect(smtp.logins).toBe(1);
    const first = await onlyReport(b.storageDir);
    expect(first.delivery.state).toBe('queued');
    expect(first.delivery.lastError).toMatch(/535|EAUTH/);
    expect(toPerson(b, OPERATOR)).toEqual([expect.stringMatching(/login/)]);
    // The operator is told what went wrong, never the password in SMTP_URL.
    expect(toPerson(b, OPERATOR)[0]).not.toContain('not-the-password');

    await b.run(...secondFlag);
    await b.run({ type: 'wait', seconds: 6 * 3600 });
    await b.settle();
    expect(smtp.attempts).toBe(1);
    expect(smtp.logins).toBe(1);
    const reports = await storedReports(b.storageDir);
    expect(reports).toHaveLength(2);
    expect(reports.map((r) => r.delivery.state)).toEqual(['queued', 'queued']);
    expect(reports[1]!.delivery.attempts).toBe(0);
    expect(toPerson(b, OPERATOR)).toHaveLength(1);
    expect(emailLines(b)).toEqual([]);
  });
});

describe('a server that never answers', () => {
  it('times out, stays queued with the error, and is delivered after a restart against a working server', async () => {
    const dir = await tempDir();
    const stalling = track(await startStallingServer());
    const first = track(await startBot({ storageDir: dir, env: { SMTP_URL: stalling.url }, config: { mail: { timeoutSeconds: 1 } } }));
    const began = Date.now();
    await first.run(...flagScene());
    expect(Date.now() - began).toBeGreaterThanOrEqual(900);
    expect(stalling.connections).toBe(1);
    let report = await onlyReport(dir);
    expect(report.delivery).toMatchObject({ state: 'queued', attempts: 1 });
    expect(report.delivery.lastError).toMatch(/ETIMEDOUT/);

    // Retried later, on simulated time.
    await first.sim.clock.advanceTo(Date.parse(report.delivery.nextAttemptAt));
    expect(stalling.connections).toBe(2);
    report = await onlyReport(dir);
    expect(report.delivery).toMatchObject({ state: 'queued', attempts: 2 });
    expect(report.delivery.lastError).toMatch(/ETIMEDOUT/);
    const messageId = report.messageId;

    await release(stalling);
    await release(first);
    expect((await onlyReport(dir)).delivery.state).toBe('queued');

    const smtp = track(await startSmtpServer('accept'));
    const second = track(await startBot({ storageDir: dir, env: { SMTP_URL: smtp.url } }));
    // The restarted bot's simulated clock begins at the same START: move it past the retry time.
    await second.sim.clock.advanceBy(2 * HOUR);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.messageId).toBe(messageId);
    expect(emailLines(second)).toEqual([expect.objectContaining({ reportId: report.id })]);
    expect((await onlyReport(dir)).delivery.state).toBe('sent');
  });
});

describe('no server at all (connection refused)', () => {
  it('retries with growing, jittered gaps for 72 hours, then fails and tells the operator', async () => {
    const b = await bot({ env: { SMTP_URL: await closedPortUrl(), BOT_OPERATOR: OPERATOR } });
    await b.run(...flagScene());
    let report = await onlyReport(b.storageDir);
    expect(report.delivery).toMatchObject({ state: 'queued', attempts: 1 });
    expect(report.delivery.lastError).toBeTruthy();
    const created = Date.parse(report.createdAt);

    // Follow six retries, reading the schedule from db.json each time.
    const gaps: number[] = [];
    let attemptedAt = created;
    for (let i = 0; i < 6; i++) {
      const next = Date.parse(report.delivery.nextAttemptAt);
      gaps.push(next - attemptedAt);
      await b.sim.clock.advanceTo(next);
      attemptedAt = next;
      report = await onlyReport(b.storageDir);
      expect(report.delivery).toMatchObject({ state: 'queued', attempts: i + 2 });
    }
    const ratios = gaps.map((gap, i) => gap / (MINUTE * 2 ** i));
    for (const ratio of ratios) {
      expect(ratio).toBeGreaterThanOrEqual(0.8);
      expect(ratio).toBeLessThanOrEqual(1.2);
    }
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]!);
    // Jittered: not the bare doubling.
    expect(new Set(ratios.map((r) => r.toFixed(3))).size).toBeGreaterThan(1);
    expect(ratios.some((r) => Math.abs(r - 1) > 0.001)).toBe(true);

    // Still trying after 71 hours, never waiting more than an hour and a bit between tries.
    await b.sim.clock.advanceTo(created + 71 * HOUR);
    report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('queued');
    expect(report.delivery.attempts).toBeGreaterThan(60);
    const wait = Date.parse(report.delivery.nextAttemptAt) - (created + 71 * HOUR);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1.2 * HOUR);
    expect(toPerson(b, OPERATOR)).toEqual([]);

    // Past the 72-hour horizon: failed for good, and the operator hears of it once.
    await b.sim.clock.advanceTo(created + 73.5 * HOUR);
    await b.settle();
    report = await onlyReport(b.storageDir);
    expect(report.delivery.state).toBe('failed');
    const told = toPerson(b, OPERATOR);
    expect(told).toHaveLength(1);
    expect(told[0]).toContain(report.id);
    const attempts = report.delivery.attempts;
    await b.sim.clock.advanceBy(24 * HOUR);
    expect((await onlyReport(b.storageDir)).delivery.attempts).toBe(attempts);
    expect(emailLines(b)).toEqual([]);
  });
});

describe('a rejected recipient', () => {
  it('counts as a failure, not a delivery', async () => {
    const smtp = track(await startSmtpServer({ rejectRecipient: SCHOOL }));
    const b = await bot({ env: { SMTP_URL: smtp.url, BOT_OPERATOR: OPERATOR } });
    await b.run(...flagScene());
    await b.settle();
    expect(smtp.transactions).toEqual([expect.objectContaining({ stage: 'rcpt', code: 550, recipient: SCHOOL })]);
    expect(smtp.received).toEqual([]);
    expect(emailLines(b)).toEqual([]);
    const report = await onlyReport(b.storageDir);
    // 550 is permanent: failed, not retried, and the operator hears of it.
    expect(report.delivery.state).toBe('failed');
    expect(report.delivery.lastError).toMatch(/550/);
    expect(toPerson(b, OPERATOR)).toEqual([expect.stringContaining(report.id)]);
    await b.run({ type: 'wait', seconds: 24 * 3600 });
    expect(smtp.attempts).toBe(1);
    // The school never got it; the admins must not hear that it was sent.
    expect(toPerson(b, ADMIN)).toEqual([]);
  });

  it('is only the address the server refuses: the same server takes the school\'s address', async () => {
    const smtp = track(await startSmtpServer({ rejectRecipient: 'someone-else@imai.org.uk' }));
    const b = await bot({ env: { SMTP_URL: smtp.url } });
    await b.run(...flagScene());
    expect(smtp.received).toHaveLength(1);
    expect(emailLines(b)).toHaveLength(1);
  });
});

describe('a restart with reports still queued', () => {
  it('delivers each exactly once, one at a time, under the Message-ID it had before', async () => {
    const dir = await tempDir();
    const first = track(await startBot({ storageDir: dir, env: { SMTP_URL: await closedPortUrl() } }));
    await first.run(...flagScene(), ...secondFlag);
    const before = await storedReports(dir);
    expect(before).toHaveLength(2);
    for (const r of before) expect(r.delivery.state).toBe('queued');
    for (const r of before) expect(r.delivery.attempts).toBeGreaterThanOrEqual(1);
    await release(first);

    const smtp = track(await startSmtpServer('accept'));
    const second = track(await startBot({ storageDir: dir, env: { SMTP_URL: smtp.url } }));
    await second.sim.clock.advanceBy(2 * HOUR);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received.map((m) => m.messageId).sort()).toEqual(before.map((r) => r.messageId).sort());
    expect(new Set(before.map((r) => r.messageId)).size).toBe(2);
    expect(smtp.maxConcurrentSessions).toBe(1);
    expect(emailLines(second).map((l) => l.reportId).sort()).toEqual(before.map((r) => r.id).sort());
    await second.sim.clock.advanceBy(24 * HOUR);
    await release(second);

    // And once more: a third start has nothing left to send.
    const third = track(await startBot({ storageDir: dir, env: { SMTP_URL: smtp.url } }));
    await third.sim.clock.advanceBy(24 * HOUR);
    expect(smtp.received).toHaveLength(2);
    expect(emailLines(third)).toEqual([]);
    expect((await storedReports(dir)).map((r) => r.delivery.state)).toEqual(['sent', 'sent']);
  });
});

describe('no SMTP_URL', () => {
  it('writes one .eml per report under storage/outbox, and warns once', async () => {
    const b = await bot({ env: { BOT_OPERATOR: OPERATOR } });
    await b.run(...flagScene(), ...secondFlag);
    await b.settle();

    const reports = await storedReports(b.storageDir);
    expect(reports).toHaveLength(2);
    const outbox = path.join(b.storageDir, 'outbox');
    expect((await readdir(outbox)).sort()).toEqual(reports.map((r) => `${r.id}.eml`).sort());
    const [flagged, second] = reports;
    const eml = parseMail(await readFile(path.join(outbox, `${flagged!.id}.eml`), 'utf8'));
    expect(eml.headers['message-id']).toBe(flagged!.messageId);
    expect(eml.headers.to).toBe(SCHOOL);
    expect(eml.headers.subject).toContain(flagged!.id);
    expect(eml.text).toContain(`Text, word for word:\n${FLAGGED.split('\n').map((line) => `| ${line}`).join('\n')}\n`);
    const secondEml = parseMail(await readFile(path.join(outbox, `${second!.id}.eml`), 'utf8'));
    expect(secondEml.headers['message-id']).toBe(second!.messageId);
    expect(secondEml.text).toContain('And the head teacher is a joke');
    for (const r of reports) expect(r.delivery.state).toBe('sent');

    const warnings = toPerson(b, OPERATOR).filter((t) => /No mail server is set/.test(t));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(outbox);
    expect(toPerson(b, OPERATOR)).toHaveLength(1);
  });
});
