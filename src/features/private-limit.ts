import { isPrivateMessage } from '../core/context.js';
import type { Feature } from '../core/feature.js';
import type { ChatId } from '../core/ids.js';

export interface PrivateLimitOptions {
  /** Replies one private chat may get within the window. */
  perPerson: number;
  windowMs: number;
  /** Silence after the note. */
  quietMs: number;
}

interface Chat {
  /** When each recent reply was earned, oldest first. */
  replies: number[];
  quietUntil: number;
}

/**
 * Private chats are open to anyone, so they are where a stranger can keep the bot talking. After
 * `perPerson` replies in a private chat within the window, the next message there, whatever it
 * is, gets one short note, and then nothing for the quiet time. Only replies count: a "thanks"
 * that gets no answer uses up nothing.
 *
 * The limit is a feature early in the list, not a rule in the Speaker, because what it may hold
 * back is an answer to something the person just wrote: a report (a member's forward, or a note
 * added to one) always reaches the forward feature, so its receipt and any safeguarding advice
 * go out, and what the bot sends unasked (admins' and operators' notices, a failed report) never
 * passes here at all. The volunteers who run the bot are never limited.
 */
export class PrivateLimit {
  private readonly chats = new Map<ChatId, Chat>();
  /** The private chats whose message is being answered now, with what has been sent to each. */
  private readonly answering = new Map<ChatId, { replies: number }>();
  /** Chats of people who asked to be forgotten: each is dropped as soon as it no longer holds anyone back. */
  private readonly forgetting = new Set<ChatId>();

  constructor(private readonly options: PrivateLimitOptions) {}

  /** Told of every message the bot queues; one to a chat being answered is a reply. */
  sent(chat: ChatId): void {
    const tally = this.answering.get(chat);
    if (tally) tally.replies += 1;
  }

  /**
   * A person asked to be forgotten. What is kept of their chat (when recent replies went, in
   * memory only) is what limits them: dropped at once, `!forget` would reset its own limit. So it
   * goes as soon as it limits nothing any more, rather than when the list grows long.
   */
  forget(chat: ChatId): void {
    this.forgetting.add(chat);
  }

  private dropForgotten(now: number): void {
    const since = now - this.options.windowMs;
    for (const id of this.forgetting) {
      const chat = this.chats.get(id);
      if (this.answering.has(id) || (chat && (chat.quietUntil > now || chat.replies.some((at) => at > since)))) continue;
      this.chats.delete(id);
      this.forgetting.delete(id);
    }
  }

  readonly feature: Feature = {
    name: 'private-limit',
    handle: async (ctx, next) => {
      if (!isPrivateMessage(ctx)) return next();
      const event = ctx.event;
      const { config, store, reports } = ctx.services;
      // Only members can report: a stranger's forward is refused, and counts like anything else.
      const aReport = store.groupsOf(event.from).length > 0 && (event.forwarded || reports.openForward(event.from) !== undefined);
      if (aReport || config.bot.operator.includes(event.from)) return next();

      const now = ctx.now().getTime();
      if (this.forgetting.size) this.dropForgotten(now);
      const chat = this.chatOf(event.chat, now);
      if (chat.quietUntil > now) return;
      if (chat.replies.length >= this.options.perPerson) {
        chat.quietUntil = now + this.options.quietMs;
        chat.replies = [];
        ctx.log.info('private replies limited');
        return ctx.reply(ctx.say('slowDown', { minutes: Math.max(1, Math.round(this.options.quietMs / 60_000)) }));
      }
      const tally = { replies: 0 };
      this.answering.set(event.chat, tally);
      try {
        await next();
      } finally {
        if (this.answering.get(event.chat) === tally) this.answering.delete(event.chat);
        for (let i = 0; i < tally.replies; i++) chat.replies.push(now);
      }
    },
  };

  private chatOf(id: ChatId, now: number): Chat {
    let chat = this.chats.get(id);
    if (!chat) {
      this.forgetQuietChats(now);
      chat = { replies: [], quietUntil: 0 };
      this.chats.set(id, chat);
    }
    const since = now - this.options.windowMs;
    while (chat.replies.length && chat.replies[0]! <= since) chat.replies.shift();
    return chat;
  }

  // Chats that have gone quiet are dropped, so the map stays small however many people write.
  private forgetQuietChats(now: number): void {
    if (this.chats.size <= 1000) return;
    const since = now - this.options.windowMs;
    for (const [id, chat] of this.chats) {
      if (chat.quietUntil <= now && (chat.replies.at(-1) ?? 0) <= since) this.chats.delete(id);
    }
  }
}
