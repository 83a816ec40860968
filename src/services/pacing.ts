import Bottleneck from 'bottleneck';
import type { Clock, Timer } from '../core/clock.js';
import type { Outgoing } from '../core/events.js';
import { isGroupId, type ChatId } from '../core/ids.js';
import type { Random } from '../core/random.js';

export interface PacingOptions {
  perChatGapMs: number;
  globalGapMs: number;
  jitterMs: number;
}

interface Waiting {
  out: Outgoing;
  /** Drawn when the message is queued, so the seeded sequence does not depend on when it is sent. */
  jitterMs: number;
  seq: number;
}

interface ChatLine {
  waiting: Waiting[];
  /** When this chat's next message may go: its last send, the chat's gap and that message's jitter. */
  freeAt: number;
  group: boolean;
}

/**
 * Every send goes through here. Messages wait in their chat's line; one timer on the injected
 * clock wakes when the next may go: no sooner than its chat's gap (plus jitter, so the rhythm
 * does not look machine-made) and the global gap allow. Of those ready, a group's goes first,
 * then the one queued first: however many private replies wait, a group's answer goes within its
 * own gap. At its time a message goes to Bottleneck, which hands the transport one message at a
 * time, in order. Because the waiting is done on the clock, a simulated run keeps the same pacing
 * without waiting in real time.
 */
export class Pacer {
  private readonly queue = new Bottleneck({ maxConcurrent: 1 });
  private readonly chats = new Map<ChatId, ChatLine>();
  private globalFreeAt = -Infinity;
  private wake: { at: number; timer: Timer } | undefined;
  private seq = 0;

  constructor(
    private readonly options: PacingOptions,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly deliver: (out: Outgoing) => Promise<void>,
    private readonly onError: (error: unknown, out: Outgoing) => void,
  ) {}

  /** Queues a message and returns at once; a send that fails goes to onError, and the queue goes on. */
  send(out: Outgoing): void {
    const jitterMs = Math.floor(this.random() * (this.options.jitterMs + 1));
    let line = this.chats.get(out.chat);
    if (!line) {
      line = { waiting: [], freeAt: -Infinity, group: isGroupId(out.chat) };
      this.chats.set(out.chat, line);
    }
    line.waiting.push({ out, jitterMs, seq: this.seq++ });
    this.wakeForNext();
  }

  private wakeForNext(): void {
    const now = this.clock.now().getTime();
    let ready = Infinity;
    for (const line of this.chats.values()) if (line.waiting.length && line.freeAt < ready) ready = line.freeAt;
    if (ready === Infinity) return;
    const at = Math.max(now, ready, this.globalFreeAt);
    if (this.wake && this.wake.at <= at) return;
    this.wake?.timer.cancel();
    this.wake = { at, timer: this.clock.setTimer(at - now, () => this.sendNext()) };
  }

  /** Resolves once the message is handed to the transport, so a simulated clock waits for it. */
  private async sendNext(): Promise<void> {
    this.wake = undefined;
    const now = this.clock.now().getTime();
    const line = now >= this.globalFreeAt ? this.nextReady(now) : undefined;
    if (!line) return this.wakeForNext();
    const { out, jitterMs } = line.waiting.shift()!;
    line.freeAt = now + this.options.perChatGapMs + jitterMs;
    this.globalFreeAt = now + this.options.globalGapMs;
    this.forgetQuietChats(now);
    this.wakeForNext();
    await this.queue.schedule(() => this.deliver(out)).catch((error: unknown) => this.onError(error, out));
  }

  private nextReady(now: number): ChatLine | undefined {
    let best: ChatLine | undefined;
    for (const line of this.chats.values()) {
      if (!line.waiting.length || line.freeAt > now) continue;
      if (!best || (line.group && !best.group) || (line.group === best.group && line.waiting[0]!.seq < best.waiting[0]!.seq)) {
        best = line;
      }
    }
    return best;
  }

  private forgetQuietChats(now: number): void {
    if (this.chats.size <= 1000) return;
    for (const [chat, line] of this.chats) if (!line.waiting.length && line.freeAt < now) this.chats.delete(chat);
  }

  async stop(): Promise<void> {
    await this.queue.stop({ dropWaitingJobs: false });
  }
}
