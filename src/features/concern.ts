import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import type { Feature } from '../core/router.js';
import { matchConcern } from './concern-matcher.js';

/**
 * "How do I raise a concern?" gets the school's contacts, quoting the parent who asked; in a
 * private chat too. Everything else passes by in silence.
 */
export function concern(cooldownMs: number): Feature {
  const cooldown = new Cooldown(cooldownMs);
  return async (ctx, next) => {
    if (ctx.event.kind !== 'message' || ctx.group?.paused || !matchConcern(ctx.text).isConcern) return next();
    ctx.log.debug('concern question answered');
    await answerUnderCooldown(ctx, cooldown, {
      key: 'concern',
      text: ctx.say('concern'),
      pointer: ctx.say('concernPointer'),
      quote: true,
    });
  };
}
