import { afterEach, describe, expect, it } from '@jest/globals';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GROUP, cli, person, simulateInProcess, tempDir } from './run-cli.js';

const AUTHOR = person(3);
const REPORTER = person(2);
let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups) await cleanup();
  cleanups = [];
});

async function storageWithOneReport(after: object[] = []) {
  const { dir, cleanup } = await tempDir('steward-reports-cli-');
  cleanups.push(cleanup);
  const storage = path.join(dir, 'storage');
  // The storage is made by the simulator in this process; what is tested is the reports command.
  const run = await simulateInProcess(
    [
      { type: 'group', chat: GROUP, name: 'Year 3 Parents', members: [person(1), REPORTER, AUTHOR, '447700900999@c.us'], admins: [person(1)] },
      { type: 'message', chat: GROUP, from: AUTHOR, id: 'm1', text: 'that teacher is useless' },
      { type: 'message', chat: GROUP, from: REPORTER, id: 'm2', text: '!flag rude about a teacher', quotedId: 'm1', name: 'Pat Reporter' },
      ...after,
    ],
    { BOT_STORAGE_DIR: storage },
    { start: '2026-01-05T08:00:00Z' },
  );
  expect(run.error).toBeUndefined();
  const db = JSON.parse(await readFile(path.join(storage, 'db.json'), 'utf8')) as {
    reports: Array<{ id: string; delivery: { state: string } }>;
    audit: Array<{ report: string }>;
  };
  return { storage, db, reference: db.reports[0]?.id ?? db.audit[0]!.report };
}

describe('npm run reports', () => {
  it('lists each report with its reference, group and how its delivery went, without message text', async () => {
    const { storage, reference } = await storageWithOneReport();
    const listed = await cli(['reports'], { BOT_STORAGE_DIR: storage });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^1 report\(s\) in /);
    expect(listed.stdout).toContain(`${reference}  5 Jan 2026, 08:00 UK time  flag  Year 3 Parents  sent, 1 attempt(s)`);
    expect(listed.stdout).not.toContain('useless');
  });

  it('retry puts a failed report back in the queue, keeping when it was made', async () => {
    const { storage, db, reference } = await storageWithOneReport();
    const file = path.join(storage, 'db.json');
    const stored = db as unknown as { reports: Array<{ createdAt: string; delivery: Record<string, unknown> }> };
    const made = stored.reports[0]!.createdAt;
    stored.reports[0]!.delivery = { state: 'failed', attempts: 3, nextAttemptAt: made, lastError: 'EMESSAGE 554' };
    await writeFile(file, JSON.stringify(stored));

    const retried = await cli(['reports', 'retry', reference.toLowerCase()], { BOT_STORAGE_DIR: storage });
    expect(retried.code).toBe(0);
    expect(retried.stdout).toContain(`${reference} is queued again`);
    const after = JSON.parse(await readFile(file, 'utf8')) as typeof stored;
    expect(after.reports[0]!.createdAt).toBe(made);
    expect(after.reports[0]!.delivery).toMatchObject({ state: 'queued', attempts: 0 });
    expect(after.reports[0]!.delivery.queuedAt).toEqual(expect.any(String));
    // The command records it as the bot would: in the report's trail.
    expect((after as unknown as { audit: Array<{ report: string; event: string }> }).audit.at(-1)).toMatchObject({ report: reference, event: 'requeued' });
  });

  it('retry without a reference says how to use it, with no stack trace', async () => {
    const { dir, cleanup } = await tempDir('steward-reports-cli-');
    cleanups.push(cleanup);
    const result = await cli(['reports', 'retry'], { BOT_STORAGE_DIR: dir });
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('usage: npm run reports -- retry R-YYMMDD-XXXX');
  });
});

describe('npm run reports -- show', () => {
  const noContent = (output: string) => {
    for (const word of ['useless', 'rude about a teacher', 'Pat Reporter', REPORTER.split('@')[0]!, AUTHOR.split('@')[0]!]) expect(output).not.toContain(word);
  };

  it("prints a report's line and its trail, one step a line in UK time, with no content", async () => {
    const { storage, reference } = await storageWithOneReport();
    const shown = await cli(['reports', 'show', reference.toLowerCase()], { BOT_STORAGE_DIR: storage });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(
      [
        `${reference}  5 Jan 2026, 08:00 UK time  flag  Year 3 Parents  sent, 1 attempt(s)`,
        '  5 Jan 2026, 08:00 UK time  created',
        '  5 Jan 2026, 08:00 UK time  queued',
        '  5 Jan 2026, 08:00 UK time  attempt  ok',
        '  5 Jan 2026, 08:00 UK time  delivered  files',
        '',
      ].join('\n'),
    );
    noContent(shown.stdout);
  });

  it('still answers once the report is deleted: its trail remains, ending with the deletion', async () => {
    const { storage, db, reference } = await storageWithOneReport([{ type: 'wait', seconds: 31 * 86_400 }]);
    expect(db.reports).toEqual([]);
    const shown = await cli(['reports', 'show', reference], { BOT_STORAGE_DIR: storage });
    expect(shown.code).toBe(0);
    const lines = shown.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`${reference} is no longer in storage; what is recorded of it:`);
    expect(lines.slice(1).map((l) => l.split('UK time  ')[1])).toEqual(['created', 'queued', 'attempt  ok', 'delivered  files', 'deleted  retention-delivered']);
    // Delivered on 5 January, deleted 30 days later.
    expect(lines.at(-1)).toMatch(/^ {2}4 Feb 2026, 08:00 UK time {2}deleted/);
    noContent(shown.stdout);
  });

  it('says so for a reference it knows nothing of, and how to use it without one', async () => {
    const { storage } = await storageWithOneReport();
    const unknown = await cli(['reports', 'show', 'R-260105-ZZZZ'], { BOT_STORAGE_DIR: storage });
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe(`No report R-260105-ZZZZ in ${storage}, and nothing recorded about it.\n`);
    const bare = await cli(['reports', 'show'], { BOT_STORAGE_DIR: storage });
    expect(bare.code).toBe(2);
    expect(bare.stderr.trim()).toBe('usage: npm run reports -- show R-YYMMDD-XXXX');
  });
});
