import type { Context } from '../core/context.js';
import type { Feature } from '../core/feature.js';
import { groupCode, isGroupId, userPart, type GroupId, type PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { GroupRecord } from '../core/services.js';

/** The bot's own messages, should a transport pass one on, are never answered. */
export function ignoreOwnMessages(): Feature {
  return {
    name: 'ignore-own-messages',
    async handle(ctx, next) {
      if (ctx.event.kind === 'message' && ctx.event.from === ctx.services.self.id) return;
      await next();
    },
  };
}

/**
 * Whether the bot serves a group it has just met: one the config lists, one it was in when its
 * number was linked (the groups listed before the first link was done), or one an operator added
 * it to. Anyone else who adds it must wait for an operator: a stranger cannot make the bot email
 * the school by adding it to a group of their own.
 */
function approvedAtFirstSight(ctx: Context, chat: GroupId, addedBy?: PersonId): boolean {
  const { config, store } = ctx.services;
  return config.bot.groups.includes(chat) || !store.linked || (addedBy !== undefined && config.bot.operator.includes(addedBy));
}

/** Tells the operators about a group that waits for their approval, once its name is known. */
async function askOperators(ctx: Context, group: GroupRecord): Promise<void> {
  const { config, store, log } = ctx.services;
  if (!group.awaitingNotice || !group.name) return;
  const by = group.awaitingNotice.by;
  await store.updateGroup(group.id, (g) => delete g.awaitingNotice);
  if (!config.bot.operator.length) {
    log.warn('added to a group that needs approval, but no operator is set (BOT_OPERATOR)', { code: groupCode(group.id) });
    return;
  }
  const text = ctx.say('operatorApproval', {
    groupName: group.name,
    code: groupCode(group.id),
    addedBy: by ? `+${userPart(by)}` : ctx.say('operatorApprovalByLink'),
  });
  for (const operator of config.bot.operator) {
    await ctx.tell(operator, text).catch((error: unknown) => log.warn('notice not sent', { code: errorCode(error) }));
  }
}

/**
 * Keeps the bot's picture of each group (name, members, admins, approval) as WhatsApp reports
 * it. When the bot itself is added it introduces itself; when it is removed it forgets the
 * group's members. Members who have just joined are left in `state.newcomers` for the welcome.
 * In a group that is not approved, nothing after this feature runs: the bot is silent there.
 */
export function membership(): Feature {
  return {
    name: 'membership',
    async handle(ctx, next) {
      const event = ctx.event;
      const { store } = ctx.services;
      const botId = ctx.services.self.id;
      if (event.kind === 'group') {
        const known = store.group(event.chat);
        // The update replaces the member list, so who is new is worked out before it, and only
        // against a whole list (a record pieced together from one message is not).
        const comparable = Boolean(known?.fullyRead) && store.memberCount(known) > 0;
        const newcomers = event.catchUp && comparable ? store.newcomersAmong(known, event.members).filter((m) => m !== botId) : [];
        const group = await store.updateGroup(event.chat, (g) => {
          if (event.name !== undefined) g.name = event.name;
          store.setMembers(g, event.members);
          g.admins = [...new Set(event.admins)];
          g.fullyRead = true;
          if (!known || ctx.services.config.bot.groups.includes(event.chat)) g.approved ||= approvedAtFirstSight(ctx, event.chat);
        });
        await askOperators(ctx, group);
        // Only a group the bot had read whole can have newcomers; a first look lists old members.
        if (event.catchUp && comparable && group.approved) {
          ctx.state.newcomers = newcomers;
          if (ctx.state.newcomers.length) await next();
        }
        return;
      }
      if (event.kind === 'join') {
        if (event.members.includes(botId)) {
          const group = await store.updateGroup(event.chat, (g) => {
            store.addMembers(g, event.members.filter((m) => m !== botId));
            g.approved ||= approvedAtFirstSight(ctx, event.chat, event.by);
            if (!g.approved) g.awaitingNotice = { by: event.by };
          });
          ctx.log.info('bot added to group', { approved: group.approved });
          if (!group.approved) {
            await ctx.reply(ctx.say('introAwaitingApproval'));
            await askOperators(ctx, group);
          } else if (!group.paused) await ctx.reply(ctx.say('intro'));
          return;
        }
        await store.updateGroup(event.chat, (g) => store.addMembers(g, event.members));
        ctx.state.newcomers = event.members;
      } else if (event.kind === 'leave') {
        if (event.members.includes(botId)) {
          // Once removed, the bot has no reason to keep who was in the group.
          await store.removeGroup(event.chat);
          ctx.log.info('bot removed from group');
          return;
        }
        const leaving = new Set(event.members);
        await store.updateGroup(event.chat, (g) => {
          store.removeMembers(g, event.members);
          g.admins = g.admins.filter((m) => !leaving.has(m));
        });
      } else if (event.kind === 'message' && isGroupId(event.chat) && !store.isMember(ctx.group, event.from)) {
        // Someone we had not heard of is posting: WhatsApp says they are a member, so remember them.
        const known = ctx.group;
        await store.updateGroup(event.chat, (g) => {
          store.addMembers(g, [event.from]);
          if (!known) g.approved = approvedAtFirstSight(ctx, event.chat);
        });
      }
      if (isGroupId(event.chat) && !ctx.group?.approved) return;
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
