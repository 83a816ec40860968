import { groupLabel, type Context } from '../core/context.js';
import type { CommandFeature } from '../core/feature.js';
import type { GroupRecord } from '../core/services.js';

function update(ctx: Context, change: (group: GroupRecord) => void): Promise<GroupRecord> {
  return ctx.services.store.updateGroup(ctx.event.chat, change);
}

const adminCommand = { where: 'group', adminOnly: true, whilePaused: true } as const;

/** A line about sends WhatsApp refused for good, only when there were some. */
function sendTroubleLine(ctx: Context): string {
  const trouble = ctx.services.chats.sendTrouble();
  if (!trouble) return '';
  const time = trouble.lastAt.toISOString().slice(0, 16).replace('T', ' ');
  return `\n${ctx.say('statusSendTrouble', { count: trouble.count, time: `${time} UTC`, code: trouble.lastCode })}`;
}

/**
 * Admin controls for one group. Admin status comes from WhatsApp's group data, never from names or
 * text. In a private chat, !status, !pause and !resume are the operator's (features/operators.ts).
 */
export function adminControls(): CommandFeature[] {
  const pause: CommandFeature = {
    name: 'pause',
    help: 'helpPause',
    command: { names: ['pause', 'resume'], ...adminCommand },
    async handle(ctx) {
      const pausing = ctx.state.command.name === 'pause';
      if (Boolean(ctx.group?.paused) === pausing) return ctx.reply(ctx.say(pausing ? 'pausedAlready' : 'resumedAlready'));
      await update(ctx, (g) => (g.paused = pausing));
      ctx.log.info(pausing ? 'group paused' : 'group resumed');
      await ctx.reply(ctx.say(pausing ? 'paused' : 'resumed'));
    },
  };
  const status: CommandFeature = {
    name: 'status',
    help: 'helpStatus',
    command: { names: ['status'], ...adminCommand, skipLate: true },
    handle(ctx) {
      const group = ctx.group;
      const welcomeOn = group?.welcome ?? ctx.services.config.welcome.enabled;
      return ctx.reply(
        ctx.say('status', {
          groupName: groupLabel(ctx),
          state: ctx.say(group?.paused ? 'statusPaused' : 'statusActive'),
          welcome: ctx.say(welcomeOn ? 'on' : 'off'),
          members: ctx.services.store.memberCount(group, [ctx.services.self.id]),
          admins: group?.admins.length ?? 0,
          mailMode: ctx.say(ctx.services.mailMode === 'smtp' ? 'mailModeSmtp' : 'mailModeFiles'),
        }) + sendTroubleLine(ctx),
      );
    },
  };
  const welcomeSwitch: CommandFeature = {
    name: 'welcome-switch',
    help: 'helpWelcome',
    command: { names: ['welcome'], ...adminCommand },
    async handle(ctx) {
      const choice = ctx.state.command.args[0];
      if (choice !== 'on' && choice !== 'off') return ctx.reply(ctx.say('welcomeUsage'));
      await update(ctx, (g) => (g.welcome = choice === 'on'));
      ctx.log.info('welcome set', { welcome: choice });
      await ctx.reply(ctx.say('welcomeSet', { state: ctx.say(choice) }));
    },
  };
  return [pause, status, welcomeSwitch];
}
