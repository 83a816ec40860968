import { hostname } from 'node:os';
import { link, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StorageError } from './durable-file.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One bot process per storage folder: two would each rewrite the database and send every
 * report twice. The lock file names its owner; a lock left by a process that no longer runs
 * (killed, or the machine restarted) is taken over. In a container the bot is often pid 1 each
 * time, so a lock holding our own pid is a leftover too.
 */
export async function lockStorage(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, 'bot.lock');
  const me: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  // The lock appears whole or not at all: written aside, then linked into place (which fails if taken).
  const draft = `${file}.${process.pid}`;
  await writeFile(draft, JSON.stringify(me), { mode: PRIVATE_FILE_MODE });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await link(draft, file);
        return async () => {
          await rm(file, { force: true });
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = await readOwner(file);
      const stale = owner ? owner.host === me.host && (owner.pid === me.pid || !isAlive(owner.pid)) : await unreadableAndOld(file);
      if (!stale) {
        const who = owner ? `process ${owner.pid} on ${owner.host}, since ${owner.since}` : 'another process';
        throw new StorageError(
          `another bot (${who}) is already using ${dir}. Stop it first, or give this one its own folder with BOT_STORAGE_DIR.`,
        );
      }
      await rm(file, { force: true });
    }
    throw new StorageError(`could not lock ${dir}: ${file} keeps coming back`);
  } finally {
    await rm(draft, { force: true });
  }
}

/** A lock file nobody can read is a leftover only once it has sat there a while. */
async function unreadableAndOld(file: string): Promise<boolean> {
  try {
    return Date.now() - (await stat(file)).mtimeMs > 10_000;
  } catch {
    return true;
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(file, 'utf8')) as Partial<LockOwner>;
    if (typeof owner.pid === 'number' && typeof owner.host === 'string') return owner as LockOwner;
  } catch {
    // Unreadable or half-written by a process killed mid-write: nobody holds it.
  }
  return undefined;
}
