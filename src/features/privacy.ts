import type { Command } from '../core/commands.js';
import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import { userPart } from '../core/ids.js';

/** !privacy: what the bot stores, for how long, where reports go and who runs it. */
export function privacyCommand(cooldownMs: number): Command {
  const cooldown = new Cooldown(cooldownMs);
  return {
    name: 'privacy',
    help: 'helpPrivacy',
    where: 'any',
    async run(ctx) {
      const { config } = ctx.services;
      const operator = config.bot.operator ? `+${userPart(config.bot.operator)}` : ctx.say('privacyOperatorUnknown');
      const text = ctx.say('privacy', {
        operator,
        modelUse: ctx.services.model ? ctx.say('privacyModelOn', { host: ctx.services.model.host }) : ctx.say('privacyModelOff'),
        seenHours: config.reports.seenCacheHours,
        retentionDays: config.reports.retentionDays,
      });
      await answerUnderCooldown(ctx, cooldown, { key: 'privacy', text });
    },
  };
}
