import type { Timer } from '../core/clock.js';
import type { Context } from '../core/context.js';
import type { Feature } from '../core/feature.js';
import { groupCode, isGroupId, userPart, type GroupId, type PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { GroupRecord, GroupStore } from '../core/services.js';

/**
 * Whether this person joined the group less than `hours` ago, by the join times membership keeps.
 * Members the bot knew before it first read the group whole have none: they are established.
 * Every id the store ties to the person counts, as a hidden id may have turned into a number since.
 */
export function joinedRecently(store: GroupStore, group: GroupRecord, person: PersonId, now: Date, hours: number): boolean {
  const joined = group.joinedAt;
  if (!joined || hours <= 0) return false;
  const since = now.getTime() - hours * 3_600_000;
  return store.idsOf(person).some((id) => {
    const at = joined[store.fingerprint(id)];
    return at !== undefined && Date.parse(at) > since;
  });
}

/**
 * Join times are kept only while they matter (`links.newMemberHours`) and only for members still
 * there. Whether any are left, and when the oldest runs out (ms).
 */
function pruneJoinTimes(group: GroupRecord, now: Date, keepMs: number): number | undefined {
  if (!group.joinedAt) return undefined;
  const members = new Set<string>(group.members);
  let oldest: number | undefined;
  for (const [member, at] of Object.entries(group.joinedAt)) {
    const time = Date.parse(at);
    if (!members.has(member) || !(time > now.getTime() - keepMs)) delete group.joinedAt[member];
    else oldest = Math.min(oldest ?? time, time);
  }
  if (oldest === undefined) delete group.joinedAt;
  return oldest === undefined ? undefined : oldest + keepMs;
}

/** Notes that these people joined at `at`, by fingerprint only, and lets old notes go. */
function noteJoins(ctx: Context, group: GroupRecord, people: readonly PersonId[], at: Date): void {
  const keepMs = ctx.services.config.links.newMemberHours * 3_600_000;
  if (keepMs > 0 && people.length) {
    group.joinedAt ??= {};
    for (const person of people) group.joinedAt[ctx.services.store.fingerprint(person)] = at.toISOString();
  }
  pruneJoinTimes(group, ctx.now(), keepMs);
}

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
  /** One timer per group with join times, so they leave the disk when they run out even if nothing else happens there. */
  const expiries = new Map<GroupId, Timer>();
  function expireJoinTimes(ctx: Context, chat: GroupId): void {
    const { clock, store, config } = ctx.services;
    const keepMs = config.links.newMemberHours * 3_600_000;
    // Worked out on a copy: the record itself changes only inside updateGroup.
    const runsOut = (group: GroupRecord | undefined) =>
      group ? pruneJoinTimes({ ...group, joinedAt: { ...group.joinedAt } }, clock.now(), keepMs) : undefined;
    const schedule = (at: number | undefined) => {
      expiries.get(chat)?.cancel();
      expiries.delete(chat);
      if (at === undefined) return;
      expiries.set(
        chat,
        clock.setTimer(Math.max(0, at - clock.now().getTime()) + 1000, async () => {
          expiries.delete(chat);
          if (!store.group(chat)?.joinedAt) return;
          const group = await store.updateGroup(chat, (g) => pruneJoinTimes(g, clock.now(), keepMs));
          schedule(runsOut(group));
        }),
      );
    };
    schedule(runsOut(store.group(chat)));
  }
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
          // Who joined while the bot was away joined about now, as far as it can tell.
          noteJoins(ctx, g, newcomers, event.at);
          g.admins = [...new Set(event.admins)];
          g.fullyRead = true;
          if (!known || ctx.services.config.bot.groups.includes(event.chat)) g.approved ||= approvedAtFirstSight(ctx, event.chat);
        });
        await askOperators(ctx, group);
        if (newcomers.length) expireJoinTimes(ctx, event.chat);
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
        await store.updateGroup(event.chat, (g) => {
          store.addMembers(g, event.members);
          noteJoins(ctx, g, event.members, event.at);
        });
        expireJoinTimes(ctx, event.chat);
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
          noteJoins(ctx, g, [], event.at);
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
