import { chmod, link, open, readFile, rename, rm, copyFile } from 'node:fs/promises';
import path from 'node:path';
import type { Adapter } from 'lowdb';
import { PRIVATE_FILE_MODE } from './private-files.js';

export class StorageError extends Error {
  override name = 'StorageError';
}

/**
 * A lowdb adapter for data that must survive `kill -9` and power loss at any instant:
 * each write goes to a temporary file, is fsynced, and is renamed over the database (an atomic
 * step), after the previous version has been kept as `.bak`. The file on disk is therefore
 * always one whole version. Writes that arrive while one is under way are folded into the next,
 * and each caller resolves only once a write that includes its change is on disk.
 */
export class DurableJsonFile<T> implements Adapter<T> {
  private readonly tempFile: string;
  private readonly backupFile: string;
  private latest: T | undefined;
  private writing: Promise<void> = Promise.resolve();
  private queued: Promise<void> | undefined;
  /** The next write must leave no older version behind, not even as the backup. */
  private forgetPrevious = false;

  constructor(readonly file: string) {
    this.tempFile = `${file}.tmp`;
    this.backupFile = `${file}.bak`;
  }

  async read(): Promise<T | null> {
    const main = await this.readCopy(this.file);
    if (main.ok) return main.data;
    const backup = await this.readCopy(this.backupFile);
    if (backup.ok) {
      // The main copy is damaged (a disk fault or a hand edit): the backup is one write older.
      if (main.present) await this.copyPrivately(this.backupFile, this.file);
      return backup.data;
    }
    if (!main.present && !backup.present) return null;
    throw new StorageError(
      `cannot read ${this.file} nor its backup ${path.basename(this.backupFile)}: both are damaged. ` +
        'Nothing was changed. Restore one of them from a copy, or move both away to start with empty storage.',
    );
  }

  write(data: T): Promise<void> {
    this.latest = data;
    // One write at a time; everything asked for while one is under way goes out in the next.
    this.queued ??= this.writing
      .catch(() => undefined)
      .then(() => {
        this.queued = undefined;
        this.writing = this.flushForgetting();
        return this.writing;
      });
    return this.queued;
  }

  /**
   * A write after which no older version survives: the backup becomes this version too. For a
   * deletion (a report whose time is up), which the backup, one write older, would otherwise keep.
   */
  writeForgettingPrevious(data: T): Promise<void> {
    this.forgetPrevious = true;
    return this.write(data);
  }

  private async flushForgetting(): Promise<void> {
    const forget = this.forgetPrevious;
    this.forgetPrevious = false;
    try {
      await this.flush();
      if (!forget) return;
      await this.keepBackup();
      await this.syncFolder();
    } catch (error) {
      // Until a write has gone through, the deleted data is still in a copy on disk.
      if (forget) this.forgetPrevious = true;
      throw error;
    }
  }

  private async flush(): Promise<void> {
    const text = JSON.stringify(this.latest);
    const handle = await open(this.tempFile, 'w', PRIVATE_FILE_MODE);
    try {
      // A temporary file an older version left readable by others keeps its mode when reopened.
      await handle.chmod(PRIVATE_FILE_MODE);
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await this.keepBackup();
    await rename(this.tempFile, this.file);
    await this.syncFolder();
  }

  private async keepBackup(): Promise<void> {
    const staging = `${this.backupFile}.tmp`;
    try {
      await rm(staging, { force: true });
      await link(this.file, staging);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return; // the very first write: nothing to keep yet
      // Some volumes refuse hard links; a copy does the same job a little slower.
      await this.copyPrivately(this.file, staging);
    }
    await rename(staging, this.backupFile);
  }

  /** A copy carries its source's mode: it is set again, so a copy is private whatever it came from. */
  private async copyPrivately(from: string, to: string): Promise<void> {
    await copyFile(from, to);
    await chmod(to, PRIVATE_FILE_MODE);
  }

  private async syncFolder(): Promise<void> {
    // The rename is durable only once the folder's entry is on disk too.
    let handle;
    try {
      handle = await open(path.dirname(this.file), 'r');
      await handle.sync();
    } catch {
      // Not every file system lets a folder be fsynced; the rename is still atomic.
    } finally {
      await handle?.close();
    }
  }

  private async readCopy(file: string): Promise<{ ok: true; data: T } | { ok: false; present: boolean }> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return { ok: false, present: false };
      throw new StorageError(`cannot read ${file} (${code ?? 'error'}): check that the bot's user may read and write its storage folder.`);
    }
    try {
      return { ok: true, data: JSON.parse(text) as T };
    } catch {
      return { ok: false, present: true };
    }
  }
}
