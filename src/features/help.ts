import type { Command } from '../core/commands.js';
import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';

/** !help, built from the commands' own help lines so it cannot go stale. */
export function helpCommand(commands: () => Command[], cooldownMs: number): Command {
  const cooldown = new Cooldown(cooldownMs);
  return {
    name: 'help',
    help: 'helpHelp',
    where: 'any',
    async run(ctx) {
      const lines = commands().flatMap((c) => (c.help ? [ctx.say(c.help)] : []));
      lines.push(ctx.say('helpConcern'));
      const text = ctx.say('help', { commandLines: lines.map((l) => `• ${l}`).join('\n') });
      await answerUnderCooldown(ctx, cooldown, { key: 'help', text, pointer: ctx.say('helpPointer') });
    },
  };
}
