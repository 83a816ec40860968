import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { personFromNumber } from '../../src/cli/reports.js';
import type { Report } from '../../src/core/report.js';
import type { StoreData } from '../../src/services/store.js';
import { findInStorage } from '../support/storage-search.js';
import { GROUP, cli, person, simulateInProcess, tempDir } from './run-cli.js';

/*
 * `npm run reports -- delete R-…` and `npm run reports -- forget +44…`: what the volunteer does
 * when someone asks them, rather than the bot, to erase a report or everything about them. Run
 * as the volunteer runs them, on a storage folder the simulator made, with the bot stopped.
 */

const AUTHOR = person(3);
const REPORTER = person(2);
const REPORTER_DIGITS = REPORTER.split('@')[0]!;
const FLAGGED = 'that teacher is useless';
let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

const scene = [
  { type: 'group', chat: GROUP, name: 'Year 3 Parents', members: [person(1), REPORTER, AUTHOR, '447700900999@c.us'], admins: [person(1)] },
  { type: 'message', chat: GROUP, from: AUTHOR, id: 'm1', text: FLAGGED },
  { type: 'message', chat: GROUP, from: REPORTER, id: 'm2', text: '!flag rude about a teacher', quotedId: 'm1', name: 'Pat Reporter' },
];

/** A storage folder holding one report, delivered as an .eml file. */
async function storageWithOneReport() {
  const { dir, cleanup } = await tempDir('steward-erasure-cli-');
  cleanups.push(cleanup);
  const storage = path.join(dir, 'storage');
  const run = await simulateInProcess(scene, { BOT_STORAGE_DIR: storage });
  expect(run.error).toBeUndefined();
  const data = await stored(storage);
  expect(data.reports.map((r) => r.delivery.state)).toEqual(['sent']);
  return { storage, reference: data.reports[0]!.id };
}

const stored = async (storage: string) => JSON.parse(await readFile(path.join(storage, 'db.json'), 'utf8')) as StoreData;

/** Puts the report back on its way, as if the mail server had not taken it yet. */
async function makeQueued(storage: string): Promise<void> {
  const data = await stored(storage);
  const report = data.reports[0] as Report;
  report.delivery = { state: 'queued', attempts: 1, nextAttemptAt: report.createdAt, lastError: 'ECONNREFUSED' };
  await writeFile(path.join(storage, 'db.json'), JSON.stringify(data));
}

const trail = async (storage: string, reference: string) =>
  (await stored(storage)).audit.filter((e) => e.report === reference).map((e) => [e.event, e.code ?? '']);

describe('npm run reports -- delete', () => {
  it('deletes a delivered report with every copy; only its trail remains', async () => {
    const { storage, reference } = await storageWithOneReport();
    expect(await findInStorage(storage, [FLAGGED, REPORTER_DIGITS])).toContain(`outbox/${reference}.eml: ${FLAGGED}`);
    const result = await cli(['reports', 'delete', reference.toLowerCase()], { BOT_STORAGE_DIR: storage });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${reference} is deleted, with every copy in ${storage}`);
    expect(result.stdout).toContain('The school keeps its own copy: to have that erased, ask school@imai.org.uk.');
    expect((await stored(storage)).reports).toEqual([]);
    expect(await findInStorage(storage, [FLAGGED, REPORTER_DIGITS, 'Pat Reporter'])).toEqual([]);
    expect((await trail(storage, reference)).at(-1)).toEqual(['deleted', 'erased']);
  });

  it('refuses a report still on its way, saying how to have it deleted once delivered; the bot then sends it and deletes it', async () => {
    const { storage, reference } = await storageWithOneReport();
    await makeQueued(storage);
    const refused = await cli(['reports', 'delete', reference], { BOT_STORAGE_DIR: storage });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe(
      `${reference} is still on its way to the school, so it was not deleted.\n` +
        `To delete it as soon as it is delivered (or if it fails for good): npm run reports -- delete ${reference} --after-delivery\n`,
    );
    expect((await stored(storage)).reports.map((r) => [r.id, r.delivery.state])).toEqual([[reference, 'queued']]);

    const marked = await cli(['reports', 'delete', reference, '--after-delivery'], { BOT_STORAGE_DIR: storage });
    expect(marked.code).toBe(0);
    expect(marked.stdout).toContain('It is sent when the bot next runs, and deleted with every copy as soon as it is delivered');
    expect((await stored(storage)).reports[0]).toMatchObject({ id: reference, eraseWhenDelivered: true, delivery: { state: 'queued' } });

    // The bot's next run: the report is written out for the school, then erased.
    const next = await simulateInProcess([], { BOT_STORAGE_DIR: storage });
    expect(next.lines.filter((l) => l.type === 'email').map((l) => l.reportId)).toEqual([reference]);
    expect((await stored(storage)).reports).toEqual([]);
    expect((await trail(storage, reference)).slice(-3)).toEqual([
      ['attempt', 'ok'],
      ['delivered', 'files'],
      ['deleted', 'erased'],
    ]);
  });

  it('says so for an unknown reference, and how to use it without one', async () => {
    const { storage } = await storageWithOneReport();
    const unknown = await cli(['reports', 'delete', 'R-260105-ZZZZ'], { BOT_STORAGE_DIR: storage });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe(`No report R-260105-ZZZZ in ${storage}.\n`);
    const bare = await cli(['reports', 'delete'], { BOT_STORAGE_DIR: storage });
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim()).toBe('usage: npm run reports -- delete R-YYMMDD-XXXX [--after-delivery]');
    expect((await stored(storage)).reports).toHaveLength(1);
  });
});

describe('npm run reports -- forget', () => {
  it('does what !forget does, for a UK number as the volunteer types it', async () => {
    const { storage, reference } = await storageWithOneReport();
    const result = await cli(['reports', 'forget', '07700', '900002'], { BOT_STORAGE_DIR: storage });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Forgot +${REPORTER_DIGITS}:`);
    expect(result.stdout).toContain(`reports they made, deleted now with every copy: 1 (${reference})`);
    expect(result.stdout).toContain('group member lists they were taken out of: 1');
    expect(result.stdout).toContain('The school keeps its own copy of reports already delivered');
    expect(await findInStorage(storage, [FLAGGED, REPORTER_DIGITS, 'Pat Reporter'])).toEqual([]);

    const again = await cli(['reports', 'forget', `+${REPORTER_DIGITS}`], { BOT_STORAGE_DIR: storage });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^Nothing is stored about \\+${REPORTER_DIGITS}: `));
  });

  it("leaves a report alone when the number is its author's", async () => {
    const { storage, reference } = await storageWithOneReport();
    const result = await cli(['reports', 'forget', `+${AUTHOR.split('@')[0]}`], { BOT_STORAGE_DIR: storage });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(reference);
    expect((await stored(storage)).reports.map((r) => r.id)).toEqual([reference]);
    expect(await findInStorage(storage, [FLAGGED])).toContain(`db.json: ${FLAGGED}`);
  });

  it('refuses what is not a phone number, saying what it takes, and changes nothing', async () => {
    const { storage } = await storageWithOneReport();
    const before = await readFile(path.join(storage, 'db.json'), 'utf8');
    for (const args of [[], ['12345'], ['Pat'], ['7700900002']]) {
      const result = await cli(['reports', 'forget', ...args], { BOT_STORAGE_DIR: storage });
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        'usage: npm run reports -- forget +447700900123 (a number with its country code, or a UK number such as 07700 900123)',
      );
    }
    expect(await readFile(path.join(storage, 'db.json'), 'utf8')).toBe(before);
  });
});

describe('the number the volunteer types', () => {
  it.each([
    ['+447700900123', '447700900123@c.us'],
    ['447700900123', '447700900123@c.us'],
    ['07700 900123', '447700900123@c.us'],
    ['+44 (0)7700 900-123', '447700900123@c.us'],
    ['+33 6 12 34 56 78', '33612345678@c.us'],
    ['447700900123@c.us', '447700900123@c.us'],
  ])('%s is %s', (typed, id) => {
    expect(personFromNumber(typed)).toBe(id);
  });

  it.each(['', '12345', '7700900123', '33612345678', '+44 7700', 'Pat'])('"%s" is not a number it takes', (typed) => {
    expect(personFromNumber(typed)).toBeUndefined();
  });
});
