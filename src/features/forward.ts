import { isPrivateMessage } from '../core/context.js';
import type { Feature } from '../core/feature.js';
import { looksUrgent } from '../core/triage.js';
import { confirmReport, deliveryPhrase } from './flag.js';

/**
 * A message forwarded to the bot in a private chat becomes a report. What the reporter writes
 * next, for a short while, is added as their note before the one email goes to the school.
 * Only members of the bot's groups can send reports through it.
 */
export function forwardedReports(): Feature {
  return {
    name: 'forward',
    help: 'helpForward',
    async handle(ctx, next) {
      if (!isPrivateMessage(ctx)) return next();
      const event = ctx.event;
      const { reports, store, config } = ctx.services;

      if (event.forwarded) {
        const groups = store.groupsOf(event.from);
        if (!groups.length) {
          ctx.log.info('forward from someone in none of the groups refused');
          await ctx.reply(ctx.say('forwardStranger'));
          return;
        }
        const result = await reports.forward({
          // WhatsApp strips the author of a forward: only the text and any attachment are known.
          message: { text: event.text },
          media: event.media,
          reporter: { id: event.from, name: event.senderName, admin: groups.some((g) => g.admins.includes(event.from)) },
          groups: groups.map((g) => g.name || 'a group without a name'),
          at: event.at,
        });
        ctx.log.info('forward', { outcome: result.kind, report: 'report' in result ? result.report.id : undefined });
        const minutes = Math.max(1, Math.round(config.reports.forwardNoteWindowSeconds / 60));
        await confirmReport(
          ctx,
          result,
          (report) => ctx.say('forwardReceived', { minutes, reference: report.id, delivery: deliveryPhrase(ctx) }),
          [event.text],
        );
        return;
      }

      const open = ctx.text.trim() ? reports.openForward(event.from) : undefined;
      if (!open) return next();
      const wasUrgent = open.urgent;
      const note = await reports.addNote(open, event.text);
      const { maxNotes, maxNoteCharacters } = config.reports;
      const answer = {
        added: () => ctx.say('forwardNoteAdded', { reference: open.id }),
        cut: () => ctx.say('forwardNoteCut', { reference: open.id, limit: maxNoteCharacters }),
        full: () => ctx.say('forwardNoteFull', { reference: open.id, limit: maxNotes }),
      }[note];
      await ctx.reply(answer());
      // A note that did not go in can still say a child is at risk: the advice does not wait on it.
      if ((open.urgent && !wasUrgent) || (note === 'full' && looksUrgent([event.text]))) await ctx.reply(ctx.say('urgentAdvice'));
    },
  };
}
