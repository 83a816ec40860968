import type { Context } from '../core/context.js';
import type { CommandFeature } from '../core/feature.js';

/** Two languages make each message twice as long; three would bury the group's own talk. */
const MOST_LANGUAGES = 2;

/** "اردو + English": the languages as their readers call them. */
function namesOf(ctx: Context, codes: readonly string[]): string {
  return codes.map((code) => ctx.services.messages.info(code)?.name ?? code).join(' + ');
}

/** A language as typed: its code (`ur`), or its name in English or in itself (`urdu`, `اردو`). */
function codeFor(ctx: Context, typed: string): string | undefined {
  const wanted = typed.toLowerCase();
  return ctx.services.messages.languages.find(
    (l) => l.code === wanted || l.english.toLowerCase() === wanted || l.name.toLowerCase() === wanted,
  )?.code;
}

/**
 * !language: the languages the bot can write in, and the group's; `!language ur`, or two at once
 * (`!language en+ur`, one after the other in each message), sets what the group reads. Anyone may
 * ask; only the group's admins may change it (the router's guard), as with the other settings.
 */
export function languageChoice(): CommandFeature {
  return {
    name: 'language',
    help: 'helpLanguage',
    command: { names: ['language', 'languages'], where: 'group', adminOnly: 'toChange', whilePaused: true },
    async handle(ctx) {
      const { messages, store } = ctx.services;
      const typed = ctx.state.command.rest.split(/[\s+,&/]+/).filter(Boolean);
      if (!typed.length) {
        // A question, so the group's pause and a late delivery keep it quiet, as for !rules.
        if (ctx.group?.paused || ctx.state.late) return;
        const lines = messages.languages.map((l) => `• ${l.code}: ${l.name}${l.english === l.name ? '' : ` (${l.english})`}`);
        return ctx.reply(ctx.say('languageList', { languages: lines.join('\n'), current: namesOf(ctx, ctx.languages) }));
      }
      const codes: string[] = [];
      for (const word of typed) {
        const code = codeFor(ctx, word);
        if (!code) {
          const known = messages.languages.map((l) => l.code).join(', ');
          return ctx.reply(ctx.say('languageUnknown', { code: word.slice(0, 20), codes: known }));
        }
        if (!codes.includes(code)) codes.push(code);
      }
      if (codes.length > MOST_LANGUAGES) return ctx.reply(ctx.say('languageTooMany'));
      await store.updateGroup(ctx.event.chat, (g) => (g.languages = codes));
      ctx.log.info('group languages set', { languages: codes.join('+') });
      await ctx.reply(ctx.say('languageSet', { languages: namesOf(ctx, codes) }));
    },
  };
}
