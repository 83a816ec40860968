import { createHmac, randomBytes } from 'node:crypto';
import { link, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PersonId } from '../core/ids.js';
import type { MemberFingerprint } from '../core/services.js';
import { StorageError } from './durable-file.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

const KEY_BYTES = 32;
/** Versioned, so a later change of scheme can tell old fingerprints from new ones. */
export const FINGERPRINT_PREFIX = 'm1:';
/** 16 bytes of the HMAC: 128 bits, far past any chance of two parents colliding. */
const FINGERPRINT_BYTES = 16;

export function isFingerprint(value: string): boolean {
  return value.startsWith(FINGERPRINT_PREFIX);
}

/**
 * Turns a person's WhatsApp id (their phone number) into a keyed fingerprint, so member lists on
 * disk hold no numbers. Keyed, not a plain hash: UK mobile numbers are few enough to hash them all.
 */
export class MemberKey {
  private constructor(private readonly key: Buffer) {}

  fingerprint(person: PersonId): MemberFingerprint {
    const digest = createHmac('sha256', this.key).update(person).digest().subarray(0, FINGERPRINT_BYTES);
    return `${FINGERPRINT_PREFIX}${digest.toString('base64url')}` as MemberFingerprint;
  }

  /**
   * Reads `<dir>/member-key`, or creates it when it is absent and `mayCreate`. A new key would make
   * every fingerprint already on disk unknown, and every member of every group new (a welcome
   * for the whole group), so a key that is missing while fingerprints exist, or is damaged, stops
   * the start instead.
   */
  static async open(dir: string, mayCreate: boolean): Promise<MemberKey> {
    const file = path.join(dir, 'member-key');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') {
        throw new StorageError(`cannot read ${file} (${code ?? 'error'}): check that the bot's user may read its storage folder.`);
      }
      if (!mayCreate) {
        throw new StorageError(
          `${file} is missing, but db.json holds member fingerprints made with it. Restore the file from a copy; ` +
            'a new key would make every member look new and welcome whole groups again.',
        );
      }
      return new MemberKey(await create(file));
    }
    const encoded = text.trim();
    const key = /^[A-Za-z0-9_-]+$/.test(encoded) ? Buffer.from(encoded, 'base64url') : Buffer.alloc(0);
    if (key.length !== KEY_BYTES) {
      throw new StorageError(
        `${file} is damaged: it must hold ${KEY_BYTES} bytes in base64url. Restore it from a copy; ` +
          'a new key would make every member look new and welcome whole groups again.',
      );
    }
    return new MemberKey(key);
  }
}

/**
 * Writes the key whole under a temporary name, then links it into place: a crash leaves either no
 * key file or a whole one, never an empty one that would stop the next start. Owner-only, like
 * WhatsApp's own session.
 */
async function create(file: string): Promise<Buffer> {
  const key = randomBytes(KEY_BYTES);
  const staging = `${file}.tmp`;
  await rm(staging, { force: true });
  await writeNew(staging, key);
  try {
    // link, unlike rename, fails when the name is taken: an existing key is never replaced.
    await link(staging, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw error;
    // Some volumes refuse hard links: then the key is written in place, still never over another.
    await writeNew(file, key);
  } finally {
    await rm(staging, { force: true });
  }
  await syncFolder(path.dirname(file));
  return key;
}

async function writeNew(file: string, key: Buffer): Promise<void> {
  const handle = await open(file, 'wx', PRIVATE_FILE_MODE);
  try {
    await handle.writeFile(`${key.toString('base64url')}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // Not every file system lets a folder be fsynced; the link is still atomic.
  } finally {
    await handle?.close();
  }
}
