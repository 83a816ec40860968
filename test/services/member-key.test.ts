import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Store } from '../../src/services/store.js';
import { simulate, writeScript } from '../cli/run-cli.js';

/*
 * The key that turns member ids into fingerprints lives beside the database, readable by the
 * bot's user only. Losing it would make every member look new (a welcome for whole groups), so a
 * missing or damaged key stops the start, naming the file, and is never quietly replaced.
 */

const GROUP = '120363000000000001@g.us';
const PARENT = '447700900002@c.us';

let dir: string;
const keyFile = () => path.join(dir, 'member-key');
const open: Store[] = [];

async function openStore(folder = dir): Promise<Store> {
  const store = await Store.open(folder);
  open.push(store);
  return store;
}

async function closeStore(store: Store): Promise<void> {
  open.splice(open.indexOf(store), 1);
  await store.close();
}

/** A storage folder whose db.json holds one group with fingerprinted members. */
async function storageWithMembers(): Promise<void> {
  const store = await openStore();
  await store.updateGroup(GROUP, (g) => {
    g.name = 'Year 3 Parents';
    store.setMembers(g, [PARENT]);
  });
  await closeStore(store);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'steward-member-key-'));
});
afterEach(async () => {
  for (const store of open.splice(0)) await store.close().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

describe('the member key', () => {
  it('is made on first open, 32 random bytes readable by the owner only, and kept across reopens', async () => {
    const first = await openStore();
    const fingerprint = first.fingerprint(PARENT);
    await closeStore(first);

    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    const text = (await readFile(keyFile(), 'utf8')).trim();
    expect(Buffer.from(text, 'base64url')).toHaveLength(32);

    const second = await openStore();
    expect(second.fingerprint(PARENT)).toBe(fingerprint);
    expect(await readFile(keyFile(), 'utf8')).toBe(`${text}\n`);
  });

  it('gives one id different fingerprints in two storage folders', async () => {
    const other = await mkdtemp(path.join(tmpdir(), 'steward-member-key-'));
    try {
      const here = await openStore();
      const there = await openStore(other);
      expect(here.fingerprint(PARENT)).toMatch(/^m1:[A-Za-z0-9_-]{22}$/);
      expect(there.fingerprint(PARENT)).toMatch(/^m1:[A-Za-z0-9_-]{22}$/);
      expect(here.fingerprint(PARENT)).not.toBe(there.fingerprint(PARENT));
      expect(here.fingerprint(PARENT)).not.toBe(here.fingerprint('447700900003@c.us'));
    } finally {
      for (const store of open.splice(0)) await store.close();
      await rm(other, { recursive: true, force: true });
    }
  });

  it.each([
    ['cut short', (good: string) => good.slice(0, 20)],
    ['garbled', () => 'not a key at all!\n'],
    ['empty', () => ''],
  ])('%s: the store does not open, names the file, and leaves it as it was', async (_what, damage) => {
    await storageWithMembers();
    const damaged = damage(await readFile(keyFile(), 'utf8'));
    await writeFile(keyFile(), damaged);
    const db = await readFile(path.join(dir, 'db.json'), 'utf8');

    await expect(Store.open(dir)).rejects.toThrow(keyFile());
    expect(await readFile(keyFile(), 'utf8')).toBe(damaged);
    expect(await readFile(path.join(dir, 'db.json'), 'utf8')).toBe(db);
  });

  it('missing while db.json holds fingerprints: the store does not open, and makes no new key', async () => {
    await storageWithMembers();
    await rm(keyFile());
    await expect(Store.open(dir)).rejects.toThrow(new RegExp(`${keyFile()} is missing`));
    await expect(stat(keyFile())).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('damaged: the bot does not start, and says plainly which file', async () => {
    await storageWithMembers();
    await writeFile(keyFile(), 'garbage');
    const script = await writeScript(dir, 'script.jsonl', [{ type: 'message', chat: GROUP, from: PARENT, id: 'm1', text: '!rules' }]);
    const run = await simulate(['--script', script], { BOT_STORAGE_DIR: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim()).toBe(
      `Storage problem, the bot did not start: ${keyFile()} is damaged: it must hold 32 bytes in base64url. ` +
        'Restore it from a copy; a new key would make every member look new and welcome whole groups again.',
    );
  });
});
