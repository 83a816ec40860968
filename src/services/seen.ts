import crypto from 'node:crypto';
import type { ChatId } from '../core/ids.js';
import type { SeenMessages as SeenMessagesPort } from '../core/services.js';

/**
 * What the bot saw posted, kept as hashes only (never the text) for a limited time, so that a
 * flagged quote can be checked: WhatsApp lets a reply carry a quote that was never posted.
 */
export class SeenMessages implements SeenMessagesPort {
  private readonly entries = new Map<string, { hash: string; at: number }>();
  /**
   * Keys in the order they came, read from `head`: the oldest are found without walking the Map,
   * whose deleted slots would otherwise be scanned again on every message once the cache is full.
   */
  private order: Array<{ key: string; at: number }> = [];
  private head = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 20_000,
  ) {}

  remember(chat: ChatId, id: string, text: string, at: Date): void {
    const now = at.getTime();
    const key = `${chat} ${id}`;
    this.entries.set(key, { hash: digest(text), at: now });
    this.order.push({ key, at: now });
    while (this.head < this.order.length) {
      const oldest = this.order[this.head]!;
      if (this.entries.size <= this.maxEntries && now - oldest.at < this.ttlMs) break;
      this.head += 1;
      // A key seen again later has a newer entry: only the entry this record made is dropped.
      if (this.entries.get(oldest.key)?.at === oldest.at) this.entries.delete(oldest.key);
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
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

// crypto.hash (Node 20.12+) skips the Hash object; older Node 20 releases take the long way.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }).hash;

function digest(text: string): string {
  const full = oneShot ? oneShot('sha256', text, 'base64url') : crypto.createHash('sha256').update(text).digest('base64url');
  return full.slice(0, 22);
}
