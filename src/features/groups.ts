import type { Config } from '../config/schema.js';
import type { Feature } from '../core/feature.js';
import { isGroupId, type PersonId } from '../core/ids.js';

/** The bot acts only in the groups it was allowed into: all of them, or the configured list. */
export function allowedGroups(config: Config): Feature {
  const allowed = config.bot.groups === 'all' ? null : new Set(config.bot.groups);
  return {
    name: 'allowed-groups',
    async handle(ctx, next) {
      if (allowed && isGroupId(ctx.event.chat) && !allowed.has(ctx.event.chat)) return;
      // The bot's own messages, should a transport pass one on, are never answered.
      if (ctx.event.kind === 'message' && ctx.event.from === ctx.services.self.id) return;
      await next();
    },
  };
}

/**
 * Keeps the bot's picture of each group (name, members, admins) as WhatsApp reports it. When the
 * bot itself is added it introduces itself; when it is removed it forgets the group's members.
 * Members who have just joined are left in `state.newcomers` for the welcome.
 */
export function membership(): Feature {
  return {
    name: 'membership',
    async handle(ctx, next) {
      const event = ctx.event;
      const { store } = ctx.services;
      const botId = ctx.services.self.id;
      if (event.kind === 'group') {
        const known = store.group(event.chat)?.members ?? [];
        await store.updateGroup(event.chat, (g) => {
          if (event.name !== undefined) g.name = event.name;
          g.members = [...new Set(event.members)];
          g.admins = [...new Set(event.admins)];
        });
        // Only a group the bot already knew can have newcomers; a first look lists old members.
        if (event.catchUp && known.length) {
          ctx.state.newcomers = event.members.filter((m) => m !== botId && !known.includes(m));
          if (ctx.state.newcomers.length) await next();
        }
        return;
      }
      if (event.kind === 'join') {
        if (event.members.includes(botId)) {
          await store.updateGroup(event.chat, (g) => {
            g.members = [...new Set([...g.members, ...event.members.filter((m) => m !== botId)])];
          });
          ctx.log.info('bot added to group');
          if (!ctx.group?.paused) await ctx.reply(ctx.say('intro'));
          return;
        }
        await store.updateGroup(event.chat, (g) => {
          g.members = [...new Set([...g.members, ...event.members])];
        });
        ctx.state.newcomers = event.members;
      } else if (event.kind === 'leave') {
        if (event.members.includes(botId)) {
          // Once removed, the bot has no reason to keep who was in the group.
          await store.removeGroup(event.chat);
          ctx.log.info('bot removed from group');
        } else {
          const leaving = new Set(event.members);
          await store.updateGroup(event.chat, (g) => {
            g.members = g.members.filter((m) => !leaving.has(m));
            g.admins = g.admins.filter((m) => !leaving.has(m));
          });
        }
      } else if (event.kind === 'message' && isGroupId(event.chat) && !ctx.group?.members.includes(event.from)) {
        // Someone we had not heard of is posting: WhatsApp says they are a member, so remember them.
        await store.updateGroup(event.chat, (g) => g.members.push(event.from));
      }
      await next();
    },
  };
}

/**
 * Who wrote to the bot privately: only they, and group members, may be written to. The Speaker
 * reads the same list.
 */
export class PrivateContacts {
  private readonly people = new Set<PersonId>();

  constructor(private readonly limit = 10_000) {}

  has(person: PersonId): boolean {
    return this.people.has(person);
  }

  /** The feature that keeps the list: the most recent writers are kept when it is full. */
  readonly feature: Feature = {
    name: 'private-contacts',
    handle: async (ctx, next) => {
      const event = ctx.event;
      if (event.kind === 'message' && !isGroupId(event.chat)) {
        this.people.delete(event.from);
        this.people.add(event.from);
        if (this.people.size > this.limit) this.people.delete(this.people.values().next().value!);
      }
      await next();
    },
  };
}
