import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import type { CommandFeature } from '../core/feature.js';
import { userPart } from '../core/ids.js';

/** !privacy: what the bot stores, for how long, where reports go and who runs it. */
export function privacy(cooldownMs: number): CommandFeature {
  const cooldown = new Cooldown(cooldownMs);
  return {
    name: 'privacy',
    help: 'helpPrivacy',
    command: { names: ['privacy'], where: 'any', skipLate: true },
    async handle(ctx) {
      const { config, model } = ctx.services;
      const operator = config.bot.operator.length
        ? config.bot.operator.map((person) => `+${userPart(person)}`).join(', ')
        : ctx.say('privacyOperatorUnknown');
      const text = ctx.say('privacy', {
        operator,
        modelUse: model ? ctx.say('privacyModelOn', { host: model.host }) : ctx.say('privacyModelOff'),
        seenHours: config.reports.seenCacheHours,
        retentionDays: config.reports.retentionDays,
      });
      await answerUnderCooldown(ctx, cooldown, { key: 'privacy', text });
    },
  };
}
