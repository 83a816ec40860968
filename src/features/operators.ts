import type { TemplateKey } from '../config/templates.js';
import { formatDay } from '../core/calendar.js';
import type { WhatsAppState } from '../core/connection.js';
import type { Context } from '../core/context.js';
import type { CommandFeature, CommandSpec } from '../core/feature.js';
import { groupCode } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { DeliveryState, Report } from '../core/report.js';
import type { GroupRecord } from '../core/services.js';
import { ukDateTime } from '../core/uk-time.js';
import type { StatusDesk, StatusFacts } from './status-facts.js';

/** How many reports !reports lists, newest first. */
const REPORTS_LISTED = 10;

/**
 * Every operator command: private chats only, and there for the numbers in BOT_OPERATOR alone.
 * To anyone else the router acts as if they did not exist (see Router.featureFor), so nothing
 * reveals them.
 */
const operatorCommand = (names: string[]): CommandSpec => ({ names, where: 'private', operatorOnly: true });

function groupList(ctx: Context, groups: GroupRecord[]): string {
  return groups
    .map((g) => ctx.say('groupLine', { code: groupCode(g.id), groupName: g.name || '-', state: g.approved ? '' : ctx.say('groupAwaiting') }))
    .join('\n');
}

function byCode(ctx: Context, code: string | undefined): GroupRecord | undefined {
  const wanted = code?.toUpperCase();
  return ctx.services.store.groups().find((g) => groupCode(g.id) === wanted);
}

const whatsappWords: Record<WhatsAppState, TemplateKey> = {
  starting: 'whatsappStarting',
  'waiting-for-qr': 'whatsappWaitingForQr',
  connected: 'whatsappConnected',
  disconnected: 'whatsappDisconnected',
  'logged-out': 'whatsappLoggedOut',
  'account-stopped': 'whatsappAccountStopped',
};

const reportStateWords: Record<DeliveryState, TemplateKey> = {
  queued: 'operatorReportQueued',
  sent: 'operatorReportSent',
  failed: 'operatorReportFailed',
};

/** The status facts in the operator's words: one line a fact, one line a group. */
function statusText(ctx: Context, facts: StatusFacts): string {
  const groups = facts.groups.map((g) =>
    ctx.say('operatorStatusGroup', {
      code: g.code,
      groupName: g.name || '-',
      approval: ctx.say(g.approved ? 'operatorStatusApproved' : 'operatorStatusWaiting'),
      state: ctx.say(g.paused ? 'statusPaused' : 'statusActive'),
      members: g.members,
      languages: g.languages.join(', '),
      activity: g.lastActivityAt ? ctx.say('operatorStatusHeard', { time: ukDateTime(g.lastActivityAt) }) : ctx.say('operatorStatusNotHeard'),
    }),
  );
  const { outbox, mail, model } = facts;
  return ctx.say('operatorStatus', {
    whatsapp: ctx.say('operatorStatusWhatsApp', { state: ctx.say(whatsappWords[facts.whatsapp.state]), since: ukDateTime(facts.whatsapp.since) }),
    groups: groups.length ? groups.join('\n') : ctx.say('operatorStatusNoGroups'),
    queued: outbox.queued,
    failed: outbox.failed,
    delivered: outbox.deliveredLast7Days,
    onHold: outbox.onHold ? ctx.say('operatorStatusOnHold', { code: outbox.onHold }) : '',
    mail: mail.mode === 'smtp' ? ctx.say('operatorStatusSmtp', { server: mail.server }) : ctx.say('operatorStatusFiles'),
    model: model.on
      ? ctx.say('operatorStatusModelOn', { calls: model.callsLeft, dailyCalls: model.dailyCalls, tokens: model.tokensLeft, dailyTokens: model.dailyTokens })
      : ctx.say('off'),
    policyReview: formatDay(facts.policyReview, 'date'),
  });
}

/** A report as the operator sees it in a list: reference, group, state and time; never its content or who made it. */
function reportLine(ctx: Context, report: Report): string {
  return ctx.say('operatorReportLine', {
    reference: report.id,
    groupName: report.group ? report.group.name || '-' : ctx.say('operatorReportForwarded'),
    state: ctx.say(reportStateWords[report.delivery.state]),
    time: ukDateTime(report.createdAt),
  });
}

/**
 * What only the volunteers who run the bot can do, in a private chat with it: see how the bot is
 * doing, see and retry reports, approve a group the bot was added to by someone else or make it
 * leave one, and pause or resume it everywhere at once.
 */
export function operatorControls(desk: StatusDesk): CommandFeature[] {
  const approve: CommandFeature = {
    name: 'approve',
    command: operatorCommand(['approve']),
    async handle(ctx) {
      const code = ctx.state.command.args[0];
      const waiting = ctx.services.store.groups().filter((g) => !g.approved);
      if (!code) return ctx.reply(waiting.length ? ctx.say('approveList', { groups: groupList(ctx, waiting) }) : ctx.say('approveNone'));
      const group = byCode(ctx, code);
      if (!group || group.approved) return ctx.reply(ctx.say('approveUnknown', { code: code.toUpperCase() }));
      await ctx.services.store.updateGroup(group.id, (g) => {
        g.approved = true;
        delete g.awaitingNotice;
      });
      ctx.log.info('group approved', { code: groupCode(group.id) });
      await ctx.reply(ctx.say('approveDone', { groupName: group.name || '-', code: groupCode(group.id) }));
      // The group heard only that the bot waits: now it hears what the bot does.
      if (!group.paused) await ctx.post(group.id, ctx.say('intro'));
    },
  };
  const leave: CommandFeature = {
    name: 'leave',
    command: operatorCommand(['leave']),
    async handle(ctx) {
      const code = ctx.state.command.args[0];
      const groups = ctx.services.store.groups();
      if (!code) return ctx.reply(groups.length ? ctx.say('leaveList', { groups: groupList(ctx, groups) }) : ctx.say('approveNone'));
      const group = byCode(ctx, code);
      if (!group) return ctx.reply(ctx.say('leaveUnknown', { code: code.toUpperCase() }));
      const names = { groupName: group.name || '-', code: groupCode(group.id) };
      try {
        await ctx.services.chats.leaveGroup(group.id);
      } catch (error) {
        ctx.log.warn('could not leave a group', { code: errorCode(error) });
        return ctx.reply(ctx.say('leaveFailed', names));
      }
      await ctx.services.store.removeGroup(group.id);
      ctx.log.info('left group', { code: names.code });
      await ctx.reply(ctx.say('leaveDone', names));
    },
  };
  // In a group, !status is the group's own (features/admin.ts); privately, the operator's.
  const status: CommandFeature = {
    name: 'operator-status',
    command: operatorCommand(['status']),
    handle: (ctx) => ctx.reply(statusText(ctx, desk.facts())),
  };
  const reports: CommandFeature = {
    name: 'operator-reports',
    command: operatorCommand(['reports']),
    handle(ctx) {
      const latest = [...ctx.services.reports.all()].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, REPORTS_LISTED);
      if (!latest.length) return ctx.reply(ctx.say('operatorReportsNone'));
      return ctx.reply(ctx.say('operatorReports', { count: latest.length, reports: latest.map((r) => reportLine(ctx, r)).join('\n') }));
    },
  };
  const retry: CommandFeature = {
    name: 'operator-retry',
    command: operatorCommand(['retry']),
    async handle(ctx) {
      const reference = ctx.state.command.args[0]?.toUpperCase();
      if (!reference) return ctx.reply(ctx.say('operatorRetryUsage'));
      const report = ctx.services.reports.report(reference);
      if (!report) return ctx.reply(ctx.say('operatorRetryUnknown', { reference }));
      if (report.delivery.state !== 'failed') {
        return ctx.reply(ctx.say('operatorRetryNotFailed', { reference: report.id, state: ctx.say(reportStateWords[report.delivery.state]) }));
      }
      await ctx.services.reports.requeue(report);
      ctx.log.info('report requeued by an operator', { report: report.id });
      const onHold = desk.facts().outbox.onHold;
      await ctx.reply(onHold ? ctx.say('operatorRetryOnHold', { reference: report.id, code: onHold }) : ctx.say('operatorRetryDone', { reference: report.id }));
    },
  };
  // In a group, !pause and !resume are its admins' (features/admin.ts); privately, `all` is the operator's.
  const pauseAll: CommandFeature = {
    name: 'operator-pause-all',
    command: operatorCommand(['pause', 'resume']),
    async handle(ctx) {
      if (ctx.state.command.args[0] !== 'all') return ctx.reply(ctx.say('operatorPauseUsage'));
      const pausing = ctx.state.command.name === 'pause';
      const { store } = ctx.services;
      // Groups waiting for approval are silent anyway: their state is left for whoever approves them.
      const changing = store.groups().filter((g) => g.approved && g.paused !== pausing);
      if (!changing.length) return ctx.reply(ctx.say(pausing ? 'operatorPausedNone' : 'operatorResumedNone'));
      for (const group of changing) {
        await store.updateGroup(group.id, (g) => (g.paused = pausing));
        // Each group hears what it hears when its own admin pauses or resumes the bot: members see
        // why it went quiet, and that an admin can turn it back on.
        await ctx.post(group.id, ctx.say(pausing ? 'paused' : 'resumed'));
      }
      ctx.log.info(pausing ? 'every group paused by an operator' : 'every group resumed by an operator', { groups: changing.length });
      const names = changing.map((g) => g.name || groupCode(g.id)).join(', ');
      await ctx.reply(ctx.say(pausing ? 'operatorPausedAll' : 'operatorResumedAll', { count: changing.length, groups: names }));
    },
  };
  return [approve, leave, status, reports, retry, pauseAll];
}
