import type { Context } from '../core/context.js';
import type { CommandFeature, Feature } from '../core/feature.js';
import { isGroupId } from '../core/ids.js';
import type { Report, ReportResult } from '../core/report.js';
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

/**
 * What the reporter hears back, privately, for any report. `words` is what they sent, so that
 * even a refused report gets the safeguarding advice when a child may be at risk.
 */
export async function confirmReport(
  ctx: Context,
  result: ReportResult,
  received: (report: Report) => string,
  words: Array<string | undefined>,
): Promise<void> {
  const reporter = ctx.event.kind === 'message' ? ctx.event.from : undefined;
  if (!reporter) return;
  if (result.kind === 'limited') {
    await ctx.tell(reporter, ctx.say('reportLimited', { limit: ctx.services.config.reports.perPersonPerHour }));
    if (looksUrgent(words)) await ctx.tell(reporter, ctx.say('urgentAdvice'));
    return;
  }
  const { report } = result;
  if (result.kind === 'counted') {
    const reply = {
      queued: () => ctx.say('flagCounted', { reference: report.id, count: report.flaggedBy.length }),
      sent: () => ctx.say('flagCountedAfterSent', { reference: report.id }),
      failed: () => ctx.say('flagCountedFailed', { reference: report.id }),
    }[report.delivery.state];
    await ctx.tell(reporter, reply());
  } else if (result.kind === 'created') {
    await ctx.tell(reporter, received(report));
  } else {
    await ctx.tell(reporter, ctx.say('forwardAdded', { reference: report.id }));
  }
  if (report.urgent || looksUrgent(words)) await ctx.tell(reporter, ctx.say('urgentAdvice'));
}

/**
 * !flag, as a reply to a message in the group: the message goes to the school by email. The
 * group sees nothing from the bot; the reporter is answered privately.
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
        await ctx.tell(event.from, ctx.say('flagNoQuote'));
        return;
      }
      const { reports, seen } = ctx.services;
      if (quoted.from === ctx.services.self.id) {
        await ctx.tell(event.from, ctx.say('flagOwnMessage'));
        return;
      }
      // Nothing to send on: the school would get an empty email.
      if (quoted.text === undefined && !quoted.media) {
        await ctx.tell(event.from, ctx.say('flagUnreadable'));
        return;
      }
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
      });
      ctx.log.info('flag', { outcome: result.kind, report: 'report' in result ? result.report.id : undefined });
      await confirmReport(
        ctx,
        result,
        (report) => ctx.say('flagReceived', { reference: report.id, groupName: group.name || 'the group', delivery: deliveryPhrase(ctx) }),
        [reason, quoted.text],
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
      for (const admin of adminsToTell(group, report)) await ctx.tell(admin, text);
    },
  };
}
