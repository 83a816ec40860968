import { forgetInEveryCooldown } from '../core/cooldown.js';
import { erasedNothing, erasePerson, type Erasure } from '../core/erasure.js';
import type { CommandContext, CommandFeature } from '../core/feature.js';
import type { ChatId } from '../core/ids.js';
import { AUDIT_KEEP_DAYS } from '../core/report.js';

/** Counters kept in memory, by chat, that are to forget a person too. */
export interface ForgetsChats {
  forget(chat: ChatId): void;
}

/**
 * !forget, in a private chat: the bot erases what it keeps about the sender that no report still
 * on its way needs, sends those first and erases them once delivered, and says what it erased.
 * The school's own copy of a delivered report is the school's: the answer says whom to ask.
 * Someone who was reported cannot use it to make a report disappear: only reports the sender
 * made or flagged change.
 */
export function forgetMe(counters: ForgetsChats): CommandFeature {
  return {
    name: 'forget',
    help: 'helpForget',
    command: { names: ['forget'], where: 'private' },
    async handle(ctx) {
      const { store, reports } = ctx.services;
      const event = ctx.event;
      const erasure = await erasePerson(event.from, store, reports);
      const ids = [...new Set([event.chat, ...erasure.ids])];
      for (const chat of ids) counters.forget(chat);
      forgetInEveryCooldown(ids);
      const { reports: r, person: p } = erasure;
      ctx.log.info('forget', {
        deleted: r.deleted.length,
        afterDelivery: r.afterDelivery.length,
        coFlagged: r.coFlagged,
        memberLists: p.memberLists,
        otherRecords: p.otherRecords,
        adminOf: p.adminOf,
      });
      await ctx.reply(answer(ctx, erasure));
    },
  };
}

function answer(ctx: CommandContext, erasure: Erasure): string {
  const { reports, person } = erasure;
  const admin = person.adminOf ? ctx.say('forgetAdmin', { count: person.adminOf }) : '';
  if (erasedNothing(erasure)) return [ctx.say('forgetNothing'), admin].filter(Boolean).join('\n\n');
  const lines = [
    reports.deleted.length && ctx.say('forgetReportsDeleted', { count: reports.deleted.length, references: reports.deleted.join(', ') }),
    reports.afterDelivery.length &&
      ctx.say('forgetReportsPending', { count: reports.afterDelivery.length, references: reports.afterDelivery.join(', ') }),
    reports.coFlagged && ctx.say('forgetCoFlagged', { count: reports.coFlagged }),
    person.memberLists && ctx.say('forgetMemberLists', { count: person.memberLists }),
    person.otherRecords && ctx.say('forgetOtherRecords', { count: person.otherRecords }),
  ].filter((line): line is string => typeof line === 'string');
  return ctx.say('forgetDone', { erasedLines: lines.join('\n'), auditDays: AUDIT_KEEP_DAYS, adminLine: admin && `\n\n${admin}` });
}
