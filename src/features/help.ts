import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import type { CommandFeature } from '../core/feature.js';

/** !help, built from the features' own help lines so it cannot go stale. */
export function help(cooldownMs: number): CommandFeature {
  const cooldown = new Cooldown(cooldownMs);
  return {
    name: 'help',
    help: 'helpHelp',
    command: { names: ['help'], where: 'any', skipLate: true },
    async handle(ctx) {
      const lines = ctx.catalogue.helpLines.map((key) => `• ${ctx.say(key)}`);
      const text = ctx.say('help', { commandLines: lines.join('\n') });
      await answerUnderCooldown(ctx, cooldown, { key: 'help', text, pointer: ctx.say('helpPointer') });
    },
  };
}
