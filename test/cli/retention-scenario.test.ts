import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findInStorage } from '../support/storage-search.js';
import { ROOT, simulateInProcess, tempDir } from './run-cli.js';

/**
 * test/scenarios/retention.jsonl, as `simulate --script` runs it: a message is flagged, its report
 * saved as an .eml for the school, and 31 days pass. The scenario's output shows only what the
 * bot said; this looks at what it kept: nothing of the report, anywhere under the storage folder.
 */
const SCENARIO = path.join(ROOT, 'test', 'scenarios', 'retention.jsonl');
const FLAGGED = 'Mr Khan the teacher is useless and everyone knows it';
const REPORTER_NAME = 'Pat Reporter';
const REPORTER_DIGITS = '447700900002';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

describe('retention.jsonl', () => {
  it('leaves no trace of the flagged message or its reporter in storage once the 30 days are up', async () => {
    const { dir, cleanup } = await tempDir('steward-retention-scenario-');
    cleanups.push(cleanup);
    const storage = path.join(dir, 'storage');
    const script = await readFile(SCENARIO, 'utf8');
    const needles = [FLAGGED, REPORTER_NAME, REPORTER_DIGITS];

    // The same script cut before its long wait: the report is there, in the database and the .eml.
    const beforeWait = script.split('\n').filter((line) => !line.includes('"wait"')).join('\n');
    const early = await simulateInProcess(beforeWait, { BOT_STORAGE_DIR: path.join(dir, 'early') });
    expect(early.error).toBeUndefined();
    const [email] = early.lines.filter((l) => l.type === 'email');
    const seen = await findInStorage(path.join(dir, 'early'), needles);
    for (const needle of needles) expect(seen).toContain(`db.json: ${needle}`);
    expect(seen).toContain(`outbox/${String(email!.reportId)}.eml: ${FLAGGED}`);

    const run = await simulateInProcess(script, { BOT_STORAGE_DIR: storage });
    expect(run.error).toBeUndefined();
    expect(run.lines.filter((l) => l.type === 'email')).toHaveLength(1);
    expect(await findInStorage(storage, needles)).toEqual([]);
    const db = JSON.parse(await readFile(path.join(storage, 'db.json'), 'utf8')) as { reports: unknown[]; audit: Array<{ event: string }> };
    expect(db.reports).toEqual([]);
    expect(db.audit.at(-1)!.event).toBe('deleted');
  });
});
