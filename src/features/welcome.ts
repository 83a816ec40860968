import type { Timer } from '../core/clock.js';
import type { Feature } from '../core/feature.js';
import { maskId, type GroupId, type PersonId } from '../core/ids.js';
import type { Services } from '../core/services.js';
import { mentionText } from '../core/speaker.js';

interface Batch {
  members: PersonId[];
  firstAt: number;
  timer: Timer;
  /** The commands a new member can use, for the welcome's last line. */
  commands: string;
}

/**
 * Joins that come close together become one welcome that mentions every new member: an admin
 * adding thirty parents gets one message in the group, not thirty. The welcome waits for a quiet
 * moment after the last join, but joins that keep trickling in cannot hold it back for long.
 */
export function welcome(services: Services): Feature {
  const batches = new Map<GroupId, Batch>();
  const { clock, store, speaker, messages, config, log } = services;
  const windowMs = config.welcome.batchWindowSeconds * 1000;
  const maxDelayMs = config.welcome.maxDelaySeconds * 1000;
  const maxMentions = config.welcome.maxMentions;

  async function flush(chat: GroupId): Promise<void> {
    const batch = batches.get(chat);
    batches.delete(chat);
    const group = store.group(chat);
    if (!batch || !group || group.paused || !(group.welcome ?? config.welcome.enabled)) return;
    // Someone who left before the welcome went out is not mentioned.
    const members = batch.members.filter((m) => store.isMember(group, m));
    if (!members.length) return;
    // Past the cap, one welcome that names no one: a class added at once is better served by a
    // greeting than by dozens of phones buzzing, and several messages would flood the chat.
    const named = members.length <= maxMentions;
    const mentions = named ? mentionText(members) : messages.words('welcomeEveryone');
    // Written out in the group's languages by the speaker.
    const text = messages.words('welcome', { mentions, commands: batch.commands });
    await speaker.post(chat, text, named ? { mentions: members } : {});
    services.counters.count('welcomes');
    log.info('welcomed members', { chat: maskId(chat), count: members.length });
  }

  return {
    name: 'welcome',
    async handle(ctx, next) {
      const event = ctx.event;
      const newcomers = ctx.state.newcomers;
      if (newcomers?.length && event.kind !== 'leave') {
        const now = clock.now().getTime();
        const batch = batches.get(event.chat);
        const members = [...new Set([...(batch?.members ?? []), ...newcomers])];
        batch?.timer.cancel();
        const firstAt = batch?.firstAt ?? now;
        const wait = Math.min(windowMs, Math.max(0, firstAt + maxDelayMs - now));
        const timer = clock.setTimer(wait, () => flush(event.chat));
        batches.set(event.chat, { members, firstAt, timer, commands: ctx.catalogue.publicCommands });
      } else if (event.kind === 'leave') {
        const batch = batches.get(event.chat);
        if (batch) batch.members = batch.members.filter((m) => !event.members.includes(m));
        if (event.members.includes(services.self.id)) {
          batch?.timer.cancel();
          batches.delete(event.chat);
        }
      }
      await next();
    },
  };
}
