import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import type { CommandFeature } from '../core/feature.js';
import { reviewState } from './policy-life.js';

/** !rules: the six guidelines and how to raise a concern; !rules full: the whole policy. */
export function rules(cooldownMs: number): CommandFeature {
  const cooldown = new Cooldown(cooldownMs);
  return {
    name: 'rules',
    help: 'helpRules',
    command: { names: ['rules'], where: 'any', skipLate: true },
    async handle(ctx) {
      // `!rules full`, `!rules full.`, `!rules-full`: people type it every way.
      const full = /^[\s\-_:]*full\b/i.test(ctx.state.command.rest);
      // Past its review date the policy may have been replaced: whoever reads it in full is told so.
      const overdue = full && reviewState(ctx.services.config.school, ctx.now()) === 'past';
      await answerUnderCooldown(ctx, cooldown, {
        key: full ? 'full' : 'short',
        text: ctx.say(full ? 'rulesFull' : 'rules') + (overdue ? `\n\n${ctx.say('rulesOverdue')}` : ''),
        pointer: ctx.say('rulesPointer'),
      });
    },
  };
}
