import { z } from 'zod';
import type { School } from '../config/schema.js';
import { isPrivateMessage, type Context } from '../core/context.js';
import { Cooldown } from '../core/cooldown.js';
import { isGroupId, userPart } from '../core/ids.js';
import type { CommandFeature, Feature } from '../core/feature.js';
import { redact } from '../core/redact.js';
import type { Words } from '../core/words.js';
import { policyClauses, type Clause } from '../core/policy.js';
import { retrieveInLanguage, type AskLanguage } from './ask-languages.js';
import { retrieveClauses } from './ask-retriever.js';
import type { Concerns } from './concern.js';
import type { LanguageWords } from './language-words.js';

const MAX_QUOTED = 3;

/** Questions to the bot are usually short; a long private message is a story, not a question. */
function looksLikeQuestion(text: string): boolean {
  const trimmed = text.trim();
  // "?", or Arabic's and Urdu's "؟" (as Somali and Bengali parents type "?").
  return trimmed.length <= 500 && (/[?\u061F]\s*$/.test(trimmed) || /^(can|could|may|is|are|am|do|does|should|what|who|where|when|why|how|which)\b/i.test(trimmed));
}

/** The languages !ask understands beyond English: each one's clauses, and how to tell a question's language. */
export interface AskLanguages {
  languages: readonly AskLanguage[];
  words: LanguageWords;
}

/**
 * Answers a question about the group's rules with the clauses of the code of conduct that apply,
 * quoted word for word. Offline, a lexical retriever picks them; with a language model, the model
 * picks clause ids from the closed list, and anything else it says is ignored. The bot's answer
 * is always the school's own words and a fixed template around them.
 *
 * A question asked in another language (`translations`) is ranked over that language's courtesy
 * translation of the policy, and answered in it, quoting the translation with each clause's id
 * in the English policy; the language layer adds the note that the English policy is the
 * official text. Elsewhere each language a chat reads quotes its own translation.
 */
export function asking(
  school: School,
  cooldownMs: number,
  concern: Pick<Concerns, 'answer' | 'understand'>,
  translations?: AskLanguages,
): { command: CommandFeature; addressed: Feature } {
  const clauses = policyClauses(school);
  const inLanguage = new Map((translations?.languages ?? []).map((l) => [l.code, l]));
  const byId = new Map(clauses.map((c) => [c.id, c]));
  const ids = clauses.map((c) => c.id) as [string, ...string[]];
  const choice = z.strictObject({ clauseIds: z.array(z.enum(ids)).max(MAX_QUOTED), applies: z.boolean() });
  // One answer per person per cooldown period in a group; more go to them privately.
  const groupAnswers = new Cooldown(cooldownMs);

  /** The clauses quoted as one language reads them: the official words, or the courtesy translation with the clause's id. */
  const quotes = (chosen: Clause[]): Words => (language) => {
    const translation = inLanguage.get(language);
    return chosen
      .map((c) => {
        const translated = translation?.byId.get(c.id);
        return translated ? `“${translated.text}” (${c.id})` : `“${c.text}”`;
      })
      .join('\n');
  };

  async function choose(ctx: Context, question: string, language: AskLanguage | undefined): Promise<Clause[]> {
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
    const ranked = language ? retrieveInLanguage(question, language, clauses, MAX_QUOTED) : retrieveClauses(question, clauses, MAX_QUOTED);
    // Quoted by id, so each language a chat reads finds its own words for the same clauses.
    return ranked.map((r) => byId.get(r.clause.id)!);
  }

  async function answer(ctx: Context, question: string): Promise<void> {
    const event = ctx.event;
    if (event.kind !== 'message') return;
    // Asked in a group while the bot was offline: the group has moved on, the asker still gets an answer.
    const lateInGroup = ctx.state.late === true && isGroupId(event.chat);
    if (!question.trim()) return lateInGroup ? undefined : ctx.answer(ctx.say('askHow'));
    const heard = concern.understand(question);
    if (heard.isConcern) return concern.answer(ctx, heard.language);
    // Asked in a language the policy is translated into: ranked, and answered, in it.
    const asked = translations?.words.languageOf(question);
    const language = asked ? inLanguage.get(asked) : undefined;
    const chosen = await choose(ctx, question, language);
    ctx.log.debug('question answered', { clauses: chosen.map((c) => c.id).join(',') || 'none', language: language?.code ?? 'chat' });
    const say: Context['say'] = (key, values) => (language ? ctx.sayIn(language.code, key, values) : ctx.say(key, values));
    const text = chosen.length ? say('askAnswer', { quotes: quotes(chosen) }) : say('askNothing');
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
