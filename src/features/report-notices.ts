import type { Feature } from '../core/feature.js';
import { userPart, type PersonId } from '../core/ids.js';
import { errorCode } from '../core/log.js';
import type { Messages } from '../core/messages.js';
import type { Report } from '../core/report.js';
import type { GroupRecord, Services } from '../core/services.js';
import type { Words } from '../core/words.js';

/**
 * Who hears about a report once it has left: the group's admins (without the reporter's name
 * unless the reporter agreed), and the volunteer who runs the bot when something needs a person.
 * `mailFolder` is set when reports are written as files rather than emailed.
 */
export function reportNotices(services: Services, mailFolder: string | undefined): Feature {
  const { speaker, store, messages, log, config, reports } = services;
  let warnedAboutFiles = false;
  // A notice that cannot go out (the person left every group) must not stop the others. Each is
  // written in the language of the person's groups.
  const tell = async (person: string, text: Words) => {
    await speaker.tell(person, text).catch((error: unknown) => log.warn('notice not sent', { code: errorCode(error) }));
  };
  const tellOperator = async (text: Words) => {
    for (const operator of config.bot.operator) await tell(operator, text);
  };

  reports.events.on('delivered', async (report) => {
    if (mailFolder && !warnedAboutFiles) {
      warnedAboutFiles = true;
      log.warn(`No mail server is set (SMTP_URL): reports are saved as .eml files in ${mailFolder}`);
      await tellOperator(messages.words('operatorFiles', { dir: mailFolder }));
    }
    const group = report.group && store.group(report.group.id);
    if (!group || report.delivery.adminsNotified) return;
    const reporterLine = report.reporterShared ? namedReporter(report, messages) : messages.words('adminNoticeAnonymous');
    const text = messages.words('adminNotice', {
      reference: report.id,
      groupName: group.name || 'your group',
      delivered: messages.words(mailFolder ? 'adminDeliveredFiles' : 'adminDeliveredEmail'),
      category: report.category ?? messages.words('adminNoticeNoCategory'),
      reporterLine,
    });
    for (const admin of adminsToTell(group, report, services.self.id)) await tell(admin, text);
    await reports.markAdminsNotified(report);
  });
  reports.events.on('failed', async (report) => {
    const facts = { reference: report.id, code: report.delivery.lastError ?? 'unknown' };
    // Its reporter asked to be forgotten: the report is deleted now, not kept for a retry.
    await tellOperator(
      report.eraseWhenDelivered
        ? messages.words('operatorFailedErased', facts)
        : messages.words('operatorFailed', { ...facts, failedRetentionDays: config.reports.failedRetentionDays }),
    );
    // The reporter was promised an email: they must know it did not happen, and what to do instead.
    await tell(report.reporter.id, messages.words('reportFailedReporter', { reference: report.id }));
  });
  reports.events.on('deliveryPaused', (code) => tellOperator(messages.words('operatorPaused', { code })));
  // Only the operator can still send it on, so only the operator is told; the reporter already was, when it failed.
  reports.events.on('expiring', async (report, deleteAt) => {
    if (!config.bot.operator.length) log.warn('failed report will be deleted and no operator is set to tell', { report: report.id });
    await tellOperator(messages.words('operatorExpiring', { reference: report.id, deleteOn: deletionTime.format(deleteAt) }));
  });
  services.model?.events.on('budgetSpent', () => tellOperator(messages.words('operatorModelBudget')));

  return { name: 'report-notices' };
}

/** In the school's time zone, whatever the machine's. */
const deletionTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/London' });

/**
 * The group's admins who hear about a report: never its reporter, nor the author of the reported
 * message, nor the bot itself (a group admin where it can delete a !flag).
 */
export function adminsToTell(group: GroupRecord, report: Report, self: PersonId): string[] {
  const author = report.messages[0]?.authorId;
  return group.admins.filter((admin) => admin !== report.reporter.id && admin !== author && admin !== self);
}

export function namedReporter(report: Report, messages: Messages): Words {
  return messages.words('adminNoticeNamed', { name: report.reporter.name || `+${userPart(report.reporter.id)}` });
}
