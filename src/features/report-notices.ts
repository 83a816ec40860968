import type { Services } from '../core/context.js';
import { userPart } from '../core/ids.js';
import type { Messages } from '../core/messages.js';
import type { Report } from '../core/report.js';
import type { OutboxEvents } from '../services/outbox.js';

/**
 * Who hears about a report once it has left: the group's admins (without the reporter's name
 * unless the reporter agreed), and the volunteer who runs the bot when something needs a person.
 */
export function reportNotices(services: () => Services, mailFolder: string | undefined): OutboxEvents {
  let warnedAboutFiles = false;
  const tellOperator = async (text: string) => {
    const { config, speaker } = services();
    if (config.bot.operator) await speaker.tell(config.bot.operator, text);
  };
  return {
    async sent(report: Report) {
      const { store, speaker, messages, log } = services();
      if (mailFolder && !warnedAboutFiles) {
        warnedAboutFiles = true;
        log.warn(`No mail server is set (SMTP_URL): reports are saved as .eml files in ${mailFolder}`);
        await tellOperator(messages.render('operatorFiles', { dir: mailFolder }));
      }
      const group = report.group && store.group(report.group.id);
      if (!group || report.delivery.adminsNotified) return;
      const reporterLine = report.reporterShared ? namedReporter(report, messages) : messages.render('adminNoticeAnonymous');
      const text = messages.render('adminNotice', {
        reference: report.id,
        groupName: group.name || 'your group',
        category: report.category ?? messages.render('adminNoticeNoCategory'),
        reporterLine,
      });
      for (const admin of group.admins) if (admin !== report.reporter.id) await speaker.tell(admin, text);
      report.delivery.adminsNotified = true;
      await store.saveReports(report);
    },
    async failed(report: Report) {
      await tellOperator(services().messages.render('operatorFailed', { reference: report.id, code: report.delivery.lastError ?? 'unknown' }));
    },
    async paused(code: string) {
      await tellOperator(services().messages.render('operatorPaused', { code }));
    },
  };
}

export function namedReporter(report: Report, messages: Messages): string {
  return messages.render('adminNoticeNamed', { name: report.reporter.name || `+${userPart(report.reporter.id)}` });
}
