import { z } from 'zod';
import type { School } from '../config/schema.js';
import { isPrivateMessage, type Context } from '../core/context.js';
import { Cooldown } from '../core/cooldown.js';
import { isGroupId, userPart } from '../core/ids.js';
import type { CommandFeature, Feature } from '../core/feature.js';
import { redact } from '../core/redact.js';
import { policyClauses, type Clause } from '../core/policy.js';
import { retrieveClauses } from './ask-retriever.js';
import { matchConcern } from './concern-matcher.js';

const MAX_QUOTED = 3;

/** Questions to the bot are usually short; a long private message is a story, not a question. */
function looksLikeQuestion(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length <= 500 && (/\?\s*$/.test(trimmed) || /^(can|could|may|is|are|am|do|does|should|what|who|where|when|why|how|which)\b/i.test(trimmed));
}

/**
 * Answers a question about the group's rules with the clauses of the code of conduct that apply,
 * quoted word for word. Offline, a lexical retriever picks them; with a language model, the model
 * picks clause ids from the closed list, and anything else it says is ignored. The bot's answer
 * is always the school's own words and a fixed template around them.
 */
export function asking(
  school: School,
  cooldownMs: number,
  answerConcern: (ctx: Context) => Promise<void>,
): { command: CommandFeature; addressed: Feature } {
  const clauses = policyClauses(school);
  const byId = new Map(clauses.map((c) => [c.id, c]));
  const ids = clauses.map((c) => c.id) as [string, ...string[]];
  const choice = z.strictObject({ clauseIds: z.array(z.enum(ids)).max(MAX_QUOTED), applies: z.boolean() });
  // One answer per person per cooldown period in a group; more go to them privately.
  const groupAnswers = new Cooldown(cooldownMs);

  async function choose(ctx: Context, question: string): Promise<Clause[]> {
    const { model, store } = ctx.services;
    const event = ctx.event;
    // Only members of the groups reach the model: a stranger must not spend the groups' budget.
    if (model && event.kind === 'message' && store.groupsOf(event.from).length > 0) {
      const picked = await model.ask(
        'ask',
        { question: redact(question, [event.senderName]), clauses: clauses.map(({ id, text }) => ({ id, text })) },
        choice,
      );
      if (picked) return picked.applies ? [...new Set(picked.clauseIds)].map((id) => byId.get(id)!) : [];
    }
    return retrieveClauses(question, clauses, MAX_QUOTED).map((r) => r.clause);
  }

  async function answer(ctx: Context, question: string): Promise<void> {
    const event = ctx.event;
    if (event.kind !== 'message') return;
    // Asked in a group while the bot was offline: the group has moved on, the asker still gets an answer.
    const lateInGroup = ctx.state.late === true && isGroupId(event.chat);
    if (!question.trim()) return lateInGroup ? undefined : ctx.answer(ctx.say('askHow'));
    if (matchConcern(question).isConcern) return answerConcern(ctx);
    const chosen = await choose(ctx, question);
    ctx.log.debug('question answered', { clauses: chosen.map((c) => c.id).join(',') || 'none' });
    const text = chosen.length
      ? ctx.say('askAnswer', { quotes: chosen.map((c) => `“${c.text}”`).join('\n') })
      : ctx.say('askNothing');
    if (lateInGroup || (isGroupId(event.chat) && groupAnswers.check(`${event.chat} ${event.from}`, ctx.now()) !== 'first')) {
      return ctx.tell(event.from, text);
    }
    await ctx.answer(text);
  }

  const command: CommandFeature = {
    name: 'ask',
    help: 'helpAsk',
    command: { names: ['ask'], where: 'any' },
    handle: (ctx) => answer(ctx, ctx.state.command.rest),
  };

  /** A question @-mentioning the bot in a group, or a question in a private chat. */
  const addressed: Feature = {
    name: 'ask-addressed',
    async handle(ctx, next) {
      const event = ctx.event;
      if (event.kind !== 'message') return next();
      const self = ctx.services.self.id;
      if (isGroupId(event.chat) && event.mentions.includes(self)) {
        return answer(ctx, ctx.text.split(`@${userPart(self)}`).join(' '));
      }
      if (isPrivateMessage(ctx) && !event.forwarded && looksLikeQuestion(ctx.text)) return answer(ctx, ctx.text);
      await next();
    },
  };

  return { command, addressed };
}
