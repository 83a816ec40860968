import type { Context } from '../core/context.js';
import type { CommandFeature } from '../core/feature.js';
import { groupCode } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { GroupRecord } from '../core/services.js';

function groupList(ctx: Context, groups: GroupRecord[]): string {
  return groups
    .map((g) => ctx.say('groupLine', { code: groupCode(g.id), groupName: g.name || '-', state: g.approved ? '' : ctx.say('groupAwaiting') }))
    .join('\n');
}

function byCode(ctx: Context, code: string | undefined): GroupRecord | undefined {
  const wanted = code?.toUpperCase();
  return ctx.services.store.groups().find((g) => groupCode(g.id) === wanted);
}

/**
 * What only the volunteers who run the bot can do, in a private chat: approve a group the bot
 * was added to by someone else, or make it leave a group.
 */
export function operatorControls(): CommandFeature[] {
  const approve: CommandFeature = {
    name: 'approve',
    command: { names: ['approve'], where: 'private', operatorOnly: true },
    async handle(ctx) {
      const code = ctx.state.command.args[0];
      const waiting = ctx.services.store.groups().filter((g) => !g.approved);
      if (!code) return ctx.reply(waiting.length ? ctx.say('approveList', { groups: groupList(ctx, waiting) }) : ctx.say('approveNone'));
      const group = byCode(ctx, code);
      if (!group || group.approved) return ctx.reply(ctx.say('approveUnknown', { code: code.toUpperCase() }));
      await ctx.services.store.updateGroup(group.id, (g) => {
        g.approved = true;
        delete g.awaitingNotice;
      });
      ctx.log.info('group approved', { code: groupCode(group.id) });
      await ctx.reply(ctx.say('approveDone', { groupName: group.name || '-', code: groupCode(group.id) }));
      // The group heard only that the bot waits: now it hears what the bot does.
      if (!group.paused) await ctx.services.speaker.post(group.id, ctx.say('intro'));
    },
  };
  const leave: CommandFeature = {
    name: 'leave',
    command: { names: ['leave'], where: 'private', operatorOnly: true },
    async handle(ctx) {
      const code = ctx.state.command.args[0];
      const groups = ctx.services.store.groups();
      if (!code) return ctx.reply(groups.length ? ctx.say('leaveList', { groups: groupList(ctx, groups) }) : ctx.say('approveNone'));
      const group = byCode(ctx, code);
      if (!group) return ctx.reply(ctx.say('leaveUnknown', { code: code.toUpperCase() }));
      const names = { groupName: group.name || '-', code: groupCode(group.id) };
      try {
        await ctx.services.chats.leaveGroup(group.id);
      } catch (error) {
        ctx.log.warn('could not leave a group', { code: errorCode(error) });
        return ctx.reply(ctx.say('leaveFailed', names));
      }
      await ctx.services.store.removeGroup(group.id);
      ctx.log.info('left group', { code: names.code });
      await ctx.reply(ctx.say('leaveDone', names));
    },
  };
  return [approve, leave];
}
