import { groupLabel, type Command } from '../core/commands.js';
import type { Context } from '../core/context.js';
import type { GroupRecord } from '../services/store.js';

function update(ctx: Context, change: (group: GroupRecord) => void): Promise<GroupRecord> {
  return ctx.services.store.updateGroup(ctx.event.chat, change);
}

/** Admin controls for one group. Admin status comes from WhatsApp's group data, never from names or text. */
export function adminCommands(welcomeByDefault: boolean): Command[] {
  const pause: Command = {
    name: 'pause',
    help: 'helpPause',
    where: 'group',
    adminOnly: true,
    whilePaused: true,
    async run(ctx) {
      if (ctx.group?.paused) return ctx.reply(ctx.say('pausedAlready'));
      await update(ctx, (g) => (g.paused = true));
      ctx.log.info('group paused');
      await ctx.reply(ctx.say('paused'));
    },
  };
  const resume: Command = {
    name: 'resume',
    where: 'group',
    adminOnly: true,
    whilePaused: true,
    async run(ctx) {
      if (!ctx.group?.paused) return ctx.reply(ctx.say('resumedAlready'));
      await update(ctx, (g) => (g.paused = false));
      ctx.log.info('group resumed');
      await ctx.reply(ctx.say('resumed'));
    },
  };
  const status: Command = {
    name: 'status',
    help: 'helpStatus',
    where: 'group',
    adminOnly: true,
    whilePaused: true,
    run(ctx) {
      const group = ctx.group;
      const welcomeOn = group?.welcome ?? welcomeByDefault;
      return ctx.reply(
        ctx.say('status', {
          groupName: groupLabel(ctx),
          state: ctx.say(group?.paused ? 'statusPaused' : 'statusActive'),
          welcome: ctx.say(welcomeOn ? 'on' : 'off'),
          members: group?.members.filter((m) => m !== ctx.services.self.id).length ?? 0,
          admins: group?.admins.length ?? 0,
          mailMode: ctx.say(ctx.services.mailMode === 'smtp' ? 'mailModeSmtp' : 'mailModeFiles'),
        }),
      );
    },
  };
  const welcome: Command = {
    name: 'welcome',
    help: 'helpWelcome',
    where: 'group',
    adminOnly: true,
    whilePaused: true,
    async run(ctx) {
      const choice = ctx.command.args[0];
      if (choice !== 'on' && choice !== 'off') return ctx.reply(ctx.say('welcomeUsage'));
      await update(ctx, (g) => (g.welcome = choice === 'on'));
      ctx.log.info('welcome set', { welcome: choice });
      await ctx.reply(ctx.say('welcomeSet', { state: ctx.say(choice) }));
    },
  };
  return [pause, resume, status, welcome];
}
