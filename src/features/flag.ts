import { leftOutWhy, sizeText } from '../core/attachments.js';
import type { Context } from '../core/context.js';
import type { CommandContext, CommandFeature, Feature } from '../core/feature.js';
import { errorCode } from '../core/log.js';
import { isGroupId } from '../core/ids.js';
import type { Report, ReportedMessage, ReportResult } from '../core/report.js';
import { looksUrgent } from '../core/triage.js';
import { adminsToTell, namedReporter } from './report-notices.js';

/** Remembers a fingerprint of every group message, so a flagged quote can be checked later. */
export function rememberGroupMessages(): Feature {
  return {
    name: 'seen-messages',
    async handle(ctx, next) {
      const event = ctx.event;
      if (event.kind === 'message' && isGroupId(event.chat)) {
        ctx.services.seen.remember(event.chat, event.id, event.text, event.at);
      }
      await next();
    },
  };
}

/** How the reporter is told their report will reach the school, true to how this bot is set up. */
export function deliveryPhrase(ctx: Context): string {
  return ctx.say(ctx.services.mailMode === 'smtp' ? 'deliveryEmail' : 'deliveryFiles');
}

/** What became of a reported message's attachment, in a line for the reporter; '' when it had none. */
function attachmentLine(ctx: Context, media: ReportedMessage['media']): string {
  if (!media) return '';
  const size = media.bytes === undefined ? '' : sizeText(media.bytes);
  const filename = media.filename ?? '';
  if (media.file) return ctx.say('attachmentAdded', { filename, size });
  const why = leftOutWhy(media.leftOut ?? 'unreadable', ctx.services.config.reports, (key, values) => ctx.say(key, values));
  return ctx.say('attachmentNotAdded', { filename, mimetype: media.mimetype, size: size && `, ${size}`, why });
}

/**
 * What the reporter hears back, privately, for any report. `words` is what they sent, so that
 * even a refused report gets the safeguarding advice when a child may be at risk. `after` goes
 * with the first reply (for a flag: whether the group can still see it).
 */
export async function confirmReport(
  ctx: Context,
  result: ReportResult,
  received: (report: Report) => string,
  words: Array<string | undefined>,
  after?: string,
): Promise<void> {
  const reporter = ctx.event.kind === 'message' ? ctx.event.from : undefined;
  if (!reporter) return;
  const withAfter = (text: string) => (after ? `${text}\n\n${after}` : text);
  if (result.kind === 'limited') {
    await ctx.tell(reporter, withAfter(ctx.say('reportLimited', { limit: ctx.services.config.reports.perPersonPerHour })));
    if (looksUrgent(words)) await ctx.tell(reporter, ctx.say('urgentAdvice'));
    return;
  }
  const { report } = result;
  // A repeat flag is recorded plainly: no reference, no count, nothing that says who else flagged.
  // Once the email has gone, what the member adds can only reach the school by their own email.
  const reply = {
    counted: () => ctx.say(report.delivery.state === 'queued' ? 'flagRecorded' : 'flagRecordedSent'),
    created: () => received(report),
    added: () => ctx.say('forwardAdded', { reference: report.id }),
    full: () => ctx.say('forwardFull', { reference: report.id, limit: ctx.services.config.reports.maxForwardedMessages }),
  }[result.kind];
  // The message just taken is the report's last; its attachment is told of exactly, kept or not.
  const attachment = result.kind === 'created' || result.kind === 'added' ? attachmentLine(ctx, report.messages.at(-1)?.media) : '';
  await ctx.tell(reporter, withAfter([reply(), attachment].filter(Boolean).join('\n')));
  if (report.urgent || looksUrgent(words)) await ctx.tell(reporter, ctx.say('urgentAdvice'));
}

/**
 * A `!flag` in a group shows everyone who flagged. Where the bot is a group admin it deletes the
 * message for everyone; the answer is what the reporter is told about it, true either way.
 */
async function hideFlag(ctx: CommandContext): Promise<string> {
  const { chats, self, log } = ctx.services;
  if (!ctx.isAdmin(self.id)) return ctx.say('flagVisible');
  try {
    await chats.deleteForEveryone(ctx.event.chat, ctx.event.id);
    return ctx.say('flagDeleted');
  } catch (error) {
    log.warn('could not delete a !flag message', { code: errorCode(error) });
    return ctx.say('flagVisible');
  }
}

/**
 * !flag, as a reply to a message in the group: the message goes to the school by email. The
 * group sees nothing from the bot, and where the bot is an admin the !flag itself is deleted as
 * soon as the report is recorded; the reporter is answered privately.
 */
export function flag(): CommandFeature {
  return {
    name: 'flag',
    help: 'helpFlag',
    command: { names: ['flag'], where: 'any', whilePaused: true },
    async handle(ctx) {
      const event = ctx.event;
      const quoted = event.quoted ?? (event.quotedId ? { id: event.quotedId } : undefined);
      const group = ctx.group;
      if (!quoted || !group || !isGroupId(event.chat)) {
        const visibility = group && isGroupId(event.chat) ? await hideFlag(ctx) : undefined;
        await ctx.tell(event.from, [ctx.say('flagNoQuote'), visibility].filter(Boolean).join('\n\n'));
        return;
      }
      const refuse = async (key: 'flagOwnMessage' | 'flagOwnQuoted' | 'flagUnreadable') =>
        ctx.tell(event.from, `${ctx.say(key)}\n\n${await hideFlag(ctx)}`);
      if (quoted.from === ctx.services.self.id) return refuse('flagOwnMessage');
      // The author of a message must not be able to learn whether it was reported.
      if (quoted.from === event.from) return refuse('flagOwnQuoted');
      // Nothing to send on: the school would get an empty email.
      if (quoted.text === undefined && !quoted.media) return refuse('flagUnreadable');
      const { reports, seen } = ctx.services;
      const reason = ctx.state.command.rest;
      const result = await reports.flag({
        group: { id: group.id, name: group.name },
        message: {
          id: quoted.id,
          authorId: quoted.from,
          authorName: quoted.authorName,
          text: quoted.text ?? '',
          sentAt: quoted.at?.toISOString(),
        },
        media: quoted.media,
        reporter: { id: event.from, name: event.senderName, admin: ctx.isAdmin(event.from) },
        reason,
        verified: seen.matches(event.chat, quoted.id, quoted.text, ctx.now()),
        at: event.at,
      });
      ctx.log.info('flag', { outcome: result.kind, report: 'report' in result ? result.report.id : undefined });
      // Recorded first: a crash between the two leaves the flag visible, never lost.
      const visibility = await hideFlag(ctx);
      await confirmReport(
        ctx,
        result,
        (report) => ctx.say('flagReceived', { reference: report.id, groupName: group.name || 'the group', delivery: deliveryPhrase(ctx) }),
        [reason, quoted.text],
        visibility,
      );
    },
  };
}

/** !share R-…: the reporter lets the group's admins know who made a report. */
export function share(): CommandFeature {
  return {
    name: 'share',
    command: { names: ['share'], where: 'any', whilePaused: true },
    async handle(ctx) {
      const event = ctx.event;
      const reference = ctx.state.command.args[0];
      if (!reference) return ctx.tell(event.from, ctx.say('shareUsage'));
      const report = await ctx.services.reports.share(event.from, reference);
      if (!report) return ctx.tell(event.from, ctx.say('shareUnknown', { reference: reference.toUpperCase() }));
      if (report.kind === 'forward') return ctx.tell(event.from, ctx.say('shareForward', { reference: report.id }));
      await ctx.tell(event.from, ctx.say('shareDone', { reference: report.id, groupName: report.group?.name || 'your group' }));
      // Admins told before the reporter agreed hear the name now, in a note of its own.
      const group = report.group && ctx.services.store.group(report.group.id);
      if (!group || !report.delivery.adminsNotified) return;
      const text = ctx.say('adminNoticeShared', { reference: report.id, reporterLine: namedReporter(report, ctx.services.messages) });
      for (const admin of adminsToTell(group, report, ctx.services.self.id)) await ctx.tell(admin, text);
    },
  };
}
