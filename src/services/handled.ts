import crypto from 'node:crypto';
import { open, readFile, rename, type FileHandle } from 'node:fs/promises';
import type { ChatId } from '../core/ids.js';
import { PRIVATE_FILE_MODE } from './private-files.js';

/** How long a handled message is remembered, by the clock, and how many at most. */
const KEEP_MS = 14 * 86_400_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  /** When WhatsApp says the message was sent. */
  sentAt: number;
  handledAt: number;
  /** Handled by this process, rather than read from the file at start. */
  thisRun: boolean;
}

/**
 * The messages the bot has handled, so that none is handled twice: whatsapp-web.js hands over
 * again, after a reconnect or a restart, messages the bot has already seen. Kept beside the
 * database as a file of lines appended one per message (a whole rewrite of the database for
 * every message would cost far more), rewritten only when it has grown to twice what it holds.
 * Only a hash of each message's chat and id is kept: neither says whose the message was.
 */
export class HandledFile {
  private readonly entries = new Map<string, Entry>();
  private lines = 0;
  /** Lines decided but not yet written: they go in one write. */
  private pending: string[] = [];
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private handle: FileHandle,
  ) {}

  static async open(file: string): Promise<HandledFile> {
    let text = '';
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const handled = new HandledFile(file, await open(file, 'a', PRIVATE_FILE_MODE));
    for (const line of text.split('\n')) {
      // A line cut short by a crash mid-write is skipped: at worst that one message counts as new.
      const [handledAt, sentAt, key, extra] = line.split(' ');
      if (!key || extra !== undefined || key.length !== 22) continue;
      const entry = { handledAt: Number(handledAt), sentAt: Number(sentAt), thisRun: false };
      if (!Number.isFinite(entry.handledAt) || !Number.isFinite(entry.sentAt)) continue;
      handled.entries.delete(key);
      handled.entries.set(key, entry);
      handled.lines += 1;
    }
    return handled;
  }

  /**
   * Records the message as handled; false when it was handled before, and is to be left alone.
   * WhatsApp never gives two messages one id, and hands a message over again with the time it was
   * sent. The simulator's ids (m1, sim-1) start again with each run, so an id from an earlier run
   * that comes with another time is a new message. The decision is made here and now; the line
   * reaches the file just after, with whatever else came meanwhile, in one write: a message never
   * waits for the disk, and a crash can lose only the last moment's lines (at worst, a message
   * handed over again after it is answered again).
   */
  claim(chat: ChatId, id: string, sentAt: Date, now: Date): boolean {
    const key = digest(`${chat}\n${id}`);
    const sent = sentAt.getTime();
    const before = this.entries.get(key);
    if (before && (before.thisRun || before.sentAt === sent)) return false;
    const handledAt = now.getTime();
    this.entries.delete(key);
    this.entries.set(key, { sentAt: sent, handledAt, thisRun: true });
    this.forgetOld(handledAt);
    this.pending.push(`${handledAt} ${sent} ${key}\n`);
    if (this.pending.length === 1) void this.queue(() => this.flush());
    return true;
  }

  private async flush(): Promise<void> {
    const lines = this.pending;
    this.pending = [];
    if (!lines.length) return;
    if (this.lines + lines.length >= 2 * Math.max(this.entries.size, 5_000)) return this.rewrite();
    await this.handle.write(lines.join(''));
    this.lines += lines.length;
  }

  /** Resolves once every line decided so far is in the file. */
  written(): Promise<void> {
    return this.queue(() => this.flush());
  }

  get size(): number {
    return this.entries.size;
  }

  async close(): Promise<void> {
    await this.written();
    await this.queue(() => this.handle.close());
  }

  private forgetOld(now: number): void {
    // Oldest first; the first one still kept ends the walk (a clock set back merely delays it).
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= MAX_ENTRIES && now - entry.handledAt < KEEP_MS) break;
      this.entries.delete(key);
    }
  }

  /** Writes what is remembered as a new file, whole, in place of the old one. */
  private async rewrite(): Promise<void> {
    const text = [...this.entries].map(([key, e]) => `${e.handledAt} ${e.sentAt} ${key}\n`).join('');
    const temp = `${this.file}.tmp`;
    const handle = await open(temp, 'w', PRIVATE_FILE_MODE);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, this.file);
    await this.handle.close();
    this.handle = await open(this.file, 'a', PRIVATE_FILE_MODE);
    this.lines = this.entries.size;
  }

  // One write at a time, in order: the lines never interleave and a rewrite sees them all.
  private queue(work: () => Promise<void>): Promise<void> {
    const next = this.writing.catch(() => undefined).then(work);
    this.writing = next;
    return next;
  }
}

function digest(text: string): string {
  return crypto.createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
