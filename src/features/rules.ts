import type { Command } from '../core/commands.js';
import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';

/** !rules: the six guidelines and how to raise a concern; !rules full: the whole policy. */
export function rulesCommand(cooldownMs: number): Command {
  const cooldown = new Cooldown(cooldownMs);
  return {
    name: 'rules',
    help: 'helpRules',
    where: 'any',
    async run(ctx) {
      // `!rules full`, `!rules full.`, `!rules-full`: people type it every way.
      const full = /^[\s\-_:]*full\b/i.test(ctx.command.rest);
      await answerUnderCooldown(ctx, cooldown, {
        key: full ? 'full' : 'short',
        text: ctx.say(full ? 'rulesFull' : 'rules'),
        pointer: ctx.say('rulesPointer'),
      });
    },
  };
}
