import { z } from 'zod';
import type { Context } from '../core/context.js';
import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import { isGroupId } from '../core/ids.js';
import type { Feature } from '../core/feature.js';
import { redact } from '../core/redact.js';
import { matchConcern } from './concern-matcher.js';

const secondOpinion = z.strictObject({ asksHowToRaiseAConcern: z.boolean() });

export interface Concerns {
  /** Recognises concern questions among messages and answers them. */
  feature: Feature;
  /** Answers with the school's contacts, for another feature that has recognised a concern. */
  answer(ctx: Context): Promise<void>;
}

/**
 * "How do I raise a concern?" gets the school's contacts, quoting the parent who asked;
 * everything else passes by in silence. Only a message addressed to the bot (a private chat, or a
 * mention) that the offline matcher half-recognises goes to a language model, if there is one,
 * for a second opinion: ordinary group chatter never leaves the machine.
 */
export function concerns(cooldownMs: number): Concerns {
  const cooldown = new Cooldown(cooldownMs);

  // Where the group must stay quiet (paused, asked long ago while the bot was offline, or just
  // answered twice), the parent still gets the answer, privately: a question about raising a
  // concern is never met with silence.
  async function answer(ctx: Context): Promise<void> {
    const event = ctx.event;
    if (event.kind !== 'message') return;
    const text = ctx.say('concern');
    const privately = () =>
      ctx.tell(event.from, ctx.say('concernPrivately', { groupName: ctx.group?.name || 'the group', answer: text }));
    if (ctx.group?.paused || (ctx.state.late && isGroupId(event.chat))) return privately();
    const verdict = await answerUnderCooldown(ctx, cooldown, {
      key: 'concern',
      text,
      pointer: ctx.say('concernPointer'),
      quote: true,
    });
    if (verdict === 'quiet') await privately();
  }

  const feature: Feature = {
    name: 'concern',
    help: 'helpConcern',
    async handle(ctx, next) {
      const event = ctx.event;
      if (event.kind !== 'message') return next();
      const match = matchConcern(ctx.text);
      let isConcern = match.isConcern;
      const { model, self, store } = ctx.services;
      const addressed = !isGroupId(event.chat) || event.mentions.includes(self.id);
      // "Unsure": the matcher saw a concern word or a reporting verb, not merely a question mark.
      const unsure = match.reasons.some((r) => r.startsWith('action:') || r.startsWith('object:'));
      // Only members of the groups reach the model: a stranger must not spend the groups' budget.
      if (!isConcern && addressed && unsure && model && store.groupsOf(event.from).length > 0) {
        const opinion = await model.ask('concern', { message: redact(ctx.text, [event.senderName]) }, secondOpinion);
        isConcern = opinion?.asksHowToRaiseAConcern === true;
      }
      if (!isConcern) return next();
      ctx.log.debug('concern question answered');
      await answer(ctx);
    },
  };

  return { feature, answer };
}
