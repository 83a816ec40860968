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
    const event = ctx.event;
    if (event.kind !== 'message' || !matchConcern(ctx.text).isConcern) return next();
    ctx.log.debug('concern question answered');
    const answer = ctx.say('concern');
    // Where the group must stay quiet (paused, or just answered twice), the parent still gets the
    // answer, privately: a question about raising a concern is never met with silence.
    const privately = () =>
      ctx.tell(event.from, ctx.say('concernPrivately', { groupName: ctx.group?.name || 'the group', answer }));
    if (ctx.group?.paused) return privately();
    const verdict = await answerUnderCooldown(ctx, cooldown, {
      key: 'concern',
      text: answer,
      pointer: ctx.say('concernPointer'),
      quote: true,
    });
    if (verdict === 'quiet') await privately();
  };
}
