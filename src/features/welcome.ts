import type { Timer } from '../core/clock.js';
import type { Services } from '../core/context.js';
import { maskId, type GroupId, type PersonId } from '../core/ids.js';
import type { Feature } from '../core/router.js';
import { mentionText } from '../core/speaker.js';

export interface WelcomeOptions {
  /** Quiet time after the last join before the batch is welcomed. */
  windowMs: number;
  /** Joins that keep trickling in cannot hold the welcome back longer than this. */
  maxDelayMs: number;
  /** The commands a new member can use, for the welcome's last line. */
  commands: () => string;
}

interface Batch {
  members: PersonId[];
  firstAt: number;
  timer: Timer;
}

/**
 * Joins that come close together become one welcome that mentions every new member: an admin
 * adding thirty parents gets one message in the group, not thirty.
 */
export function welcome(services: Services, options: WelcomeOptions): Feature {
  const batches = new Map<GroupId, Batch>();
  const { clock, store, speaker, messages, config, log } = services;

  async function flush(chat: GroupId): Promise<void> {
    const batch = batches.get(chat);
    batches.delete(chat);
    const group = store.group(chat);
    if (!batch || !group || group.paused || !(group.welcome ?? config.welcome.enabled)) return;
    // Someone who left before the welcome went out is not mentioned.
    const members = batch.members.filter((m) => group.members.includes(m));
    if (!members.length) return;
    const text = messages.render('welcome', { mentions: mentionText(members), commands: options.commands() });
    await speaker.post(chat, text, { mentions: members });
    log.info('welcomed members', { chat: maskId(chat), count: members.length });
  }

  return async (ctx, next) => {
    const event = ctx.event;
    if (ctx.newcomers?.length && event.kind !== 'leave') {
      const now = clock.now().getTime();
      const batch = batches.get(event.chat);
      const members = [...new Set([...(batch?.members ?? []), ...ctx.newcomers])];
      batch?.timer.cancel();
      const firstAt = batch?.firstAt ?? now;
      const wait = Math.min(options.windowMs, Math.max(0, firstAt + options.maxDelayMs - now));
      batches.set(event.chat, { members, firstAt, timer: clock.setTimer(wait, () => flush(event.chat)) });
    } else if (event.kind === 'leave') {
      const batch = batches.get(event.chat);
      if (batch) batch.members = batch.members.filter((m) => !event.members.includes(m));
      if (event.members.includes(services.self.id)) {
        batch?.timer.cancel();
        batches.delete(event.chat);
      }
    }
    await next();
  };
}
