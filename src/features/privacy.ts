import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import type { CommandFeature } from '../core/feature.js';
import { isGroupId, userPart } from '../core/ids.js';
import { AUDIT_KEEP_DAYS } from '../core/report.js';

/** !privacy: what the bot stores, for how long, where reports go and who runs it. */
export function privacy(cooldownMs: number): CommandFeature {
  const cooldown = new Cooldown(cooldownMs);
  return {
    name: 'privacy',
    help: 'helpPrivacy',
    command: { names: ['privacy'], where: 'any', skipLate: true },
    async handle(ctx) {
      const { config, model, store } = ctx.services;
      // The volunteer's number is for the parents they serve: a stranger writing privately is not told it.
      const served = isGroupId(ctx.event.chat) || config.bot.operator.includes(ctx.event.from) || store.groupsOf(ctx.event.from).length > 0;
      const operator = config.bot.operator.length && served
        ? config.bot.operator.map((person) => `+${userPart(person)}`).join(', ')
        : ctx.say('privacyOperatorUnknown');
      const text = ctx.say('privacy', {
        operator,
        modelUse: model ? ctx.say('privacyModelOn', { host: model.host }) : ctx.say('privacyModelOff'),
        modelSees: ctx.say(model ? 'privacyModelSeesOn' : 'privacyModelSeesOff'),
        seenHours: config.reports.seenCacheHours,
        retentionDays: config.reports.retentionDays,
        failedRetentionDays: config.reports.failedRetentionDays,
        auditDays: AUDIT_KEEP_DAYS,
        logDays: config.log.keepDays,
      });
      await answerUnderCooldown(ctx, cooldown, { key: 'privacy', text });
    },
  };
}
