import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Activity } from '../../src/core/activity.js';
import { SimulatedClock } from '../../src/core/clock.js';
import { DurableJsonFile } from '../../src/services/durable-file.js';
import { HandledFile } from '../../src/services/handled.js';
import { Heartbeat } from '../../src/services/health.js';
import { lockStorage } from '../../src/services/lock.js';
import { closeLogger, createLogger } from '../../src/services/logger.js';
import { fileMailer } from '../../src/services/mailer.js';
import { createPrivateFolder, makeStoragePrivate } from '../../src/services/private-files.js';
import { simulate, writeScript } from '../cli/run-cli.js';
import { ADMIN, PARENT, groupLine, message, person, startBot } from '../support/bot.js';

/**
 * Files only for the bot: everything in the storage folder is readable by the bot's user alone
 * (folders 0700, files 0600), on disk, whatever the umask of the process that wrote it. Each test
 * runs under a permissive umask (022, the usual default), where a file made without a mode is 0644.
 */

const mode = async (file: string) => (await stat(file)).mode & 0o777;

let dir: string;
let umaskBefore: number;
beforeEach(async () => {
  umaskBefore = process.umask(0o022);
  dir = await mkdtemp(path.join(tmpdir(), 'steward-private-'));
});
afterEach(async () => {
  process.umask(umaskBefore);
  await rm(dir, { recursive: true, force: true });
});

/** Every folder and file under `root` (not following links) with its mode, by path relative to root. */
async function modesUnder(root: string): Promise<{ folders: Record<string, number>; files: Record<string, number> }> {
  const found = { folders: {} as Record<string, number>, files: {} as Record<string, number> };
  async function walk(folder: string): Promise<void> {
    for (const name of await readdir(folder)) {
      const entry = path.join(folder, name);
      const info = await lstat(entry);
      const key = path.relative(root, entry);
      if (info.isDirectory()) {
        found.folders[key] = info.mode & 0o777;
        await walk(entry);
      } else if (info.isFile()) found.files[key] = info.mode & 0o777;
    }
  }
  await walk(root);
  return found;
}

/** Asserts every folder is 0700 and every file 0600, listing any that is not by name. */
async function expectAllPrivate(root: string): Promise<void> {
  const { folders, files } = await modesUnder(root);
  expect(await mode(root)).toBe(0o700);
  const wrong = [
    ...Object.entries(folders).filter(([, m]) => m !== 0o700),
    ...Object.entries(files).filter(([, m]) => m !== 0o600),
  ].map(([name, m]) => `${name} ${m.toString(8)}`);
  expect(wrong).toEqual([]);
}

describe('at start: the storage folder as an older version (or a restored backup) left it', () => {
  it('becomes 0700 for every folder and 0600 for every file, deep down, links neither followed nor changed', async () => {
    const storage = path.join(dir, 'storage');
    const outside = path.join(dir, 'outside.txt');
    await writeFile(outside, 'not the bot’s', { mode: 0o644 });
    for (const folder of ['logs', 'outbox', 'media', 'whatsapp/session/Default/Local Storage']) {
      await mkdir(path.join(storage, folder), { recursive: true, mode: 0o755 });
    }
    const files = ['db.json', 'db.json.bak', 'handled-messages.txt', 'whatsapp-qr.png', 'health.json', 'outbox/R-1.eml', 'media/R-1-1.jpg', 'logs/steward-2026-01-05.log', 'whatsapp/session/Default/Local Storage/leveldb.log'];
    for (const file of files) await writeFile(path.join(storage, file), 'x', { mode: 0o644 });
    await chmod(path.join(storage, 'media/R-1-1.jpg'), 0o755);
    // A folder nobody may open: it is set before it is read, so what is inside is reached too.
    await mkdir(path.join(storage, 'whatsapp/locked'), { mode: 0o755 });
    await writeFile(path.join(storage, 'whatsapp/locked/inside'), 'x', { mode: 0o666 });
    await chmod(path.join(storage, 'whatsapp/locked'), 0o000);
    // As Chromium leaves them: a link to something outside, and one to nothing.
    await symlink(outside, path.join(storage, 'whatsapp/session/SingletonCookie'));
    await symlink(path.join(dir, 'gone'), path.join(storage, 'whatsapp/session/SingletonLock'));
    await chmod(storage, 0o755);

    const check = await makeStoragePrivate(storage);

    await expectAllPrivate(storage);
    expect(await mode(outside)).toBe(0o644);
    expect(check).toEqual({ folders: 9, files: files.length + 1, tightened: 9 + files.length + 1, skipped: 2, errors: {} });
    // A second look finds nothing left to do.
    expect(await makeStoragePrivate(storage)).toMatchObject({ tightened: 0, errors: {} });
  });

  it('a storage folder that does not exist yet is no error, and is created 0700', async () => {
    const storage = path.join(dir, 'new', 'storage');
    expect(await makeStoragePrivate(storage)).toEqual({ folders: 0, files: 0, tightened: 0, skipped: 0, errors: {} });
    await createPrivateFolder(storage);
    expect(await mode(storage)).toBe(0o700);
  });
});

describe('each writer makes its files private as it creates them', () => {
  it('the database and its backup, also when the backup is copied back over a damaged database', async () => {
    const db = new DurableJsonFile<{ n: number }>(path.join(dir, 'db.json'));
    await db.write({ n: 1 });
    await db.write({ n: 2 });
    expect(await mode(path.join(dir, 'db.json'))).toBe(0o600);
    expect(await mode(path.join(dir, 'db.json.bak'))).toBe(0o600);

    // A copy takes its source's mode: a backup someone made readable must not spread that.
    await chmod(path.join(dir, 'db.json.bak'), 0o644);
    await writeFile(path.join(dir, 'db.json'), '{ damaged');
    expect(await new DurableJsonFile<{ n: number }>(path.join(dir, 'db.json')).read()).toEqual({ n: 1 });
    expect(await mode(path.join(dir, 'db.json'))).toBe(0o600);
  });

  it('a temporary database file left readable by an older version is not renamed into place readable', async () => {
    await writeFile(path.join(dir, 'db.json.tmp'), 'left over', { mode: 0o644 });
    await new DurableJsonFile<{ n: number }>(path.join(dir, 'db.json')).write({ n: 1 });
    expect(await mode(path.join(dir, 'db.json'))).toBe(0o600);
  });

  it('the record of handled messages', async () => {
    const handled = await HandledFile.open(path.join(dir, 'handled-messages.txt'));
    handled.claim('120363000000000001@g.us', 'm1', new Date(), new Date());
    await handled.close();
    expect(await mode(path.join(dir, 'handled-messages.txt'))).toBe(0o600);
    expect((await readFile(path.join(dir, 'handled-messages.txt'), 'utf8')).split('\n')).toHaveLength(2);
  });

  it('an email kept in the outbox folder', async () => {
    const outbox = path.join(dir, 'outbox');
    const mailer = fileMailer(outbox);
    const outcome = await mailer.send({ from: 'a@example.org', to: 'school@example.org', subject: 'Report', text: 'x', messageId: '<r@x>' }, 'R-1.eml');
    expect(outcome.ok).toBe(true);
    expect(await mode(outbox)).toBe(0o700);
    expect(await mode(path.join(outbox, 'R-1.eml'))).toBe(0o600);
  });

  it('the log files, their folder and the rotator’s audit file', async () => {
    const log = createLogger({ level: 'info', dir, consoleLevel: 'silent' });
    log.info('a line');
    await closeLogger(log);
    const logs = path.join(dir, 'logs');
    const names = await readdir(logs);
    expect(names).toEqual(expect.arrayContaining(['.steward-audit.json', expect.stringMatching(/^steward-.*\.log$/)]));
    await expectAllPrivate(dir);
  });

  it('logs listed by an audit file from before it had a name of its own are still deleted in time', async () => {
    const logs = path.join(dir, 'logs');
    await mkdir(logs);
    const old = { date: Date.now() - 20 * 86_400_000, name: path.join(logs, 'steward-2025-12-01.log'), hash: 'h' };
    const earlier = path.join(logs, `.${'a'.repeat(40)}-audit.json`);
    await writeFile(earlier, JSON.stringify({ keep: { days: true, amount: 14 }, auditLog: earlier, files: [old], hashType: 'sha256' }));
    const log = createLogger({ level: 'info', dir, consoleLevel: 'silent' });
    log.info('a line');
    await closeLogger(log);
    const audit = JSON.parse(await readFile(path.join(logs, '.steward-audit.json'), 'utf8')) as { files: Array<{ name: string }> };
    // Taken over, then dropped as older than 14 days (the rotator deletes such a log by its hash).
    expect(await readdir(logs)).not.toContain(path.basename(earlier));
    expect(audit.files.map((f) => path.basename(f.name))).toEqual([expect.stringMatching(/^steward-\d{4}-\d{2}-\d{2}\.log$/)]);
    expect(audit.files[0]!.name).not.toBe(old.name);
  });

  it('the lock file', async () => {
    const unlock = await lockStorage(dir);
    expect(await mode(path.join(dir, 'bot.lock'))).toBe(0o600);
    await unlock();
  });

  it('the heartbeat', async () => {
    const clock = new SimulatedClock(new Date('2026-01-05T08:00:00Z'), new Activity(), () => undefined);
    const outbox = { queued: () => [], paused: undefined } as unknown as ConstructorParameters<typeof Heartbeat>[2];
    const heartbeat = new Heartbeat(dir, clock, outbox);
    heartbeat.start();
    const file = path.join(dir, 'health.json');
    // The first beat is written at once, off the caller's path: wait for the file, not for a time.
    for (let turn = 0; turn < 10_000 && !(await stat(file).catch(() => undefined)); turn++) await new Promise(setImmediate);
    heartbeat.stop();
    expect(await mode(file)).toBe(0o600);
  });
});

describe('the whole bot', () => {
  const AUTHOR = person(3);
  const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46]), Buffer.alloc(54, 0x20)]);

  it('a flagged picture leaves a report, its picture and its email in storage, all private', async () => {
    const storage = path.join(dir, 'storage');
    await createPrivateFolder(storage);
    const b = await startBot({ storageDir: storage });
    try {
      await b.run(
        groupLine([ADMIN, PARENT, AUTHOR]),
        message(AUTHOR, '', { id: 'm1', media: { mimetype: 'image/jpeg', dataBase64: JPEG.toString('base64') } }),
        message(PARENT, '!flag look at this', { id: 'f1', quotedId: 'm1' }),
      );
      await b.settle();
      const { files } = await modesUnder(storage);
      expect(Object.keys(files)).toEqual(
        expect.arrayContaining(['db.json', 'db.json.bak', 'handled-messages.txt', 'bot.lock', expect.stringMatching(/^outbox\/R-.*\.eml$/), expect.stringMatching(/^media\/R-.*\.jpg$/), expect.stringMatching(/^logs\/steward-/)]),
      );
      await expectAllPrivate(storage);
    } finally {
      await b.close();
    }
    await expectAllPrivate(storage);
  });

  it('npm run simulate sets what an older version left readable before it writes anything', async () => {
    const storage = path.join(dir, 'storage');
    await mkdir(path.join(storage, 'outbox'), { recursive: true, mode: 0o755 });
    await chmod(storage, 0o755);
    await writeFile(path.join(storage, 'outbox', 'R-260101-OLD1.eml'), 'old', { mode: 0o644 });
    const script = await writeScript(dir, 'flag.jsonl', [
      groupLine([ADMIN, PARENT, AUTHOR]),
      message(AUTHOR, 'something rude', { id: 'm1' }),
      message(PARENT, '!flag rude', { id: 'f1', quotedId: 'm1' }),
    ]);
    // The child process inherits this test's umask (022).
    const result = await simulate(['--script', script], { BOT_STORAGE_DIR: storage });
    expect(result.code).toBe(0);
    const { files } = await modesUnder(storage);
    expect(Object.keys(files).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    await expectAllPrivate(storage);
  });
});
