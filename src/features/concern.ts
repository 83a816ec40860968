import { z } from 'zod';
import type { Context } from '../core/context.js';
import { answerUnderCooldown, Cooldown } from '../core/cooldown.js';
import { isGroupId } from '../core/ids.js';
import type { Feature } from '../core/feature.js';
import { redact } from '../core/redact.js';
import { matchConcern } from './concern-matcher.js';
import { concernLanguages, understandConcern, type ConcernLanguages } from './concern-words.js';

const secondOpinion = z.strictObject({ asksHowToRaiseAConcern: z.boolean() });

export interface Concerns {
  /** Recognises concern questions among messages and answers them. */
  feature: Feature;
  /**
   * Answers with the school's contacts, for another feature that has recognised a concern; in
   * `language` when it was asked in one the bot speaks, else in the chat's languages.
   */
  answer(ctx: Context, language?: string): Promise<void>;
  /** Whether a text asks how to raise a concern, in any language, and in which it asked. */
  understand(text: string): { isConcern: boolean; language: string | undefined };
}

/**
 * "How do I raise a concern?" gets the school's contacts, quoting the parent who asked;
 * everything else passes by in silence. Only a message addressed to the bot (a private chat, or a
 * mention) that the offline matcher half-recognises goes to a language model, if there is one,
 * for a second opinion: ordinary group chatter never leaves the machine.
 *
 * Asked in another language (`languages`: the words of each messages file's `_understand`), in
 * any group or privately, the answer is in the language asked: a parent who writes Roman Urdu in
 * an English group reads the school's contacts in Urdu.
 */
export function concerns(
  cooldownMs: number,
  languages: ConcernLanguages = concernLanguages([]),
): Concerns {
  const cooldown = new Cooldown(cooldownMs);

  // Where the group must stay quiet (paused, asked long ago while the bot was offline, or just
  // answered twice), the parent still gets the answer, privately: a question about raising a
  // concern is never met with silence.
  async function answer(ctx: Context, language?: string): Promise<void> {
    const event = ctx.event;
    if (event.kind !== 'message') return;
    // Every path below answers the question: in the group, with a pointer there, or privately.
    ctx.services.counters.count('concernsAnswered');
    const asked = language && ctx.services.messages.has(language) ? language : undefined;
    const say: Context['say'] = (key, values) => (asked ? ctx.sayIn(asked, key, values) : ctx.say(key, values));
    const text = say('concern');
    const privately = () =>
      ctx.tell(event.from, say('concernPrivately', { groupName: ctx.group?.name || 'the group', answer: text }));
    if (ctx.group?.paused || (ctx.state.late && isGroupId(event.chat))) return privately();
    const verdict = await answerUnderCooldown(ctx, cooldown, {
      // Each language has its own answer to point back to: "just above" must be one they can read.
      key: asked ? `concern:${asked}` : 'concern',
      text,
      pointer: say('concernPointer'),
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
      const heard = understandConcern(ctx.text, languages, match);
      let isConcern = heard.isConcern;
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
      ctx.log.debug('concern question answered', { language: heard.language ?? 'chat' });
      await answer(ctx, heard.language);
    },
  };

  const understand = (text: string) => {
    const { isConcern, language } = understandConcern(text, languages, matchConcern(text));
    return { isConcern, language };
  };

  return { feature, answer, understand };
}
