import { chmod, lstat, mkdir, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from '../core/log.js';

/**
 * Everything in the storage folder is about parents and their children (reports, the WhatsApp
 * session that can read every group, logs): only the bot's own user may read it. Files are
 * created with these modes by each writer, whatever the umask.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_FOLDER_MODE = 0o700;

export interface PrivacyCheck {
  folders: number;
  files: number;
  /** Folders and files whose mode was wider (or narrower) than it should be, and was set. */
  tightened: number;
  /** Symbolic links, sockets and the like: never followed nor changed. */
  skipped: number;
  /** Error codes (EPERM, EACCES…) and how often each came: the entries they hit keep their mode. */
  errors: Record<string, number>;
}

/** Creates the folder (and any missing parents of it) readable by the bot's user only. */
export async function createPrivateFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_FOLDER_MODE });
}

/**
 * Sets the storage folder and all inside it to 0700 (folders) and 0600 (files), for what an
 * older version, a copy from a backup, or another program left readable by others. Symbolic links
 * are neither followed nor changed (Chromium keeps a few in its profile, pointing outside); an
 * entry that vanishes meanwhile (Chromium's own temporary files) is skipped. Never throws: an
 * entry that cannot be changed is counted by its error code, and the rest is still done.
 */
export async function makeStoragePrivate(dir: string): Promise<PrivacyCheck> {
  const check: PrivacyCheck = { folders: 0, files: 0, tightened: 0, skipped: 0, errors: {} };
  const failed = (error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown';
    if (code !== 'ENOENT') check.errors[code] = (check.errors[code] ?? 0) + 1;
  };
  let root;
  try {
    // The folder itself is the operator's choice, so a link to it is followed; nothing below is.
    root = await stat(dir);
  } catch (error) {
    failed(error);
    return check;
  }
  if (!root.isDirectory()) return check;
  await visitFolder(dir, root.mode, check, failed);
  return check;
}

/** Says what the start-time check did: counts and error codes only, never a file's name. */
export function logPrivacyCheck(check: PrivacyCheck, log: Logger): void {
  const counts = { folders: check.folders, files: check.files, tightened: check.tightened, skipped: check.skipped };
  if (Object.keys(check.errors).length) {
    log.warn("some of the storage could not be made private to the bot's user", { ...counts, errors: check.errors });
  } else log.info("storage is private to the bot's user", counts);
}

async function visitFolder(dir: string, mode: number, check: PrivacyCheck, failed: (error: unknown) => void): Promise<void> {
  check.folders += 1;
  try {
    // Before reading it: a folder set to 0000 can be listed only once it is 0700.
    await setMode(dir, mode, PRIVATE_FOLDER_MODE, check);
  } catch (error) {
    failed(error);
  }
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (error) {
    failed(error);
    return;
  }
  for (const name of names) {
    const entry = path.join(dir, name);
    try {
      const info = await lstat(entry);
      if (info.isDirectory()) await visitFolder(entry, info.mode, check, failed);
      else if (info.isFile()) {
        check.files += 1;
        await setMode(entry, info.mode, PRIVATE_FILE_MODE, check);
      } else check.skipped += 1;
    } catch (error) {
      failed(error);
    }
  }
}

async function setMode(entry: string, mode: number, wanted: number, check: PrivacyCheck): Promise<void> {
  if ((mode & 0o777) === wanted) return;
  await chmod(entry, wanted);
  check.tightened += 1;
}
