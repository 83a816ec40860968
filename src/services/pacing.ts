import Bottleneck from 'bottleneck';
import type { Clock } from '../core/clock.js';
import type { Outgoing } from '../core/events.js';
import type { ChatId } from '../core/ids.js';
import type { Random } from '../core/random.js';

export interface PacingOptions {
  perChatGapMs: number;
  globalGapMs: number;
  jitterMs: number;
}

/**
 * Every send goes through here. Each message gets its slot on the injected clock when it is
 * queued: no sooner than the chat's gap (plus jitter, so the rhythm does not look machine-made)
 * and the global gap allow. At its slot it goes to Bottleneck, which hands the transport one
 * message at a time, in order. Because the waiting is done on the clock, a simulated
 * run keeps the same pacing without waiting in real time, and never holds a queue while it waits.
 */
export class Pacer {
  /** One send at a time, in slot order: slots are ordered per chat, so chats keep their order too. */
  private readonly queue = new Bottleneck({ maxConcurrent: 1 });
  private readonly chatFreeAt = new Map<ChatId, number>();
  /** Send times already given out, in order: a new message takes the first free gap between them. */
  private slots: number[] = [];

  constructor(
    private readonly options: PacingOptions,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly deliver: (out: Outgoing) => Promise<void>,
    private readonly onError: (error: unknown, out: Outgoing) => void,
  ) {}

  /** Queues a message and returns at once; a send that fails goes to onError, and the queue goes on. */
  send(out: Outgoing): void {
    const now = this.clock.now().getTime();
    const slot = this.takeSlot(Math.max(now, this.chatFreeAt.get(out.chat) ?? now), now);
    const jitter = Math.floor(this.random() * (this.options.jitterMs + 1));
    this.chatFreeAt.set(out.chat, slot + this.options.perChatGapMs + jitter);
    this.forgetQuietChats(now);
    this.clock.setTimer(slot - now, () =>
      this.queue.schedule(() => this.deliver(out)).catch((error: unknown) => this.onError(error, out)),
    );
  }

  /**
   * The earliest time from `earliest` on that keeps the global gap to every other send, so a long
   * queue in one busy chat does not hold up a reply in another.
   */
  private takeSlot(earliest: number, now: number): number {
    const gap = this.options.globalGapMs;
    this.slots = this.slots.filter((t) => t > now - gap);
    let slot = earliest;
    let index = 0;
    for (; index < this.slots.length; index++) {
      const taken = this.slots[index]!;
      if (taken + gap <= slot) continue;
      if (taken - gap >= slot) break;
      slot = taken + gap;
    }
    this.slots.splice(index, 0, slot);
    return slot;
  }

  private forgetQuietChats(now: number): void {
    if (this.chatFreeAt.size <= 1000) return;
    for (const [chat, freeAt] of this.chatFreeAt) if (freeAt < now) this.chatFreeAt.delete(chat);
  }

  async stop(): Promise<void> {
    await this.queue.stop({ dropWaitingJobs: false });
  }
}
