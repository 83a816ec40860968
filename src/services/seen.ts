import { createHash } from 'node:crypto';
import type { ChatId } from '../core/ids.js';

/**
 * What the bot saw posted, kept as hashes only (never the text) for a limited time, so that a
 * flagged quote can be checked: WhatsApp lets a reply carry a quote that was never posted.
 */
export class SeenMessages {
  private readonly entries = new Map<string, { hash: string; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 20_000,
  ) {}

  remember(chat: ChatId, id: string, text: string, at: Date): void {
    const key = `${chat} ${id}`;
    this.entries.delete(key);
    this.entries.set(key, { hash: digest(text), at: at.getTime() });
    // Oldest first in a Map: trimming from the front keeps memory flat in a busy group.
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && at.getTime() - entry.at < this.ttlMs) break;
      this.entries.delete(oldest);
    }
  }

  matches(chat: ChatId, id: string, text: string | undefined, now: Date): boolean {
    const entry = this.entries.get(`${chat} ${id}`);
    if (!entry || text === undefined || now.getTime() - entry.at >= this.ttlMs) return false;
    return entry.hash === digest(text);
  }

  get size(): number {
    return this.entries.size;
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
