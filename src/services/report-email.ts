import type { Config } from '../config/schema.js';
import type { TemplateKey } from '../config/templates.js';
import { userPart } from '../core/ids.js';
import type { Messages } from '../core/messages.js';
import type { Report, ReportedMessage } from '../core/report.js';

const ukTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'Europe/London',
});

export function formatUkTime(iso: string | undefined): string {
  return iso ? `${ukTime.format(new Date(iso))} UK time` : '';
}

function person(name: string | undefined, id: string | undefined): string {
  const number = id ? `+${userPart(id)}` : '';
  return [name, number].filter(Boolean).join(', ') || 'unknown';
}

export interface ReportEmail {
  subject: string;
  text: string;
  attachments: Array<{ filename: string; path: string; contentType: string }>;
}

/**
 * The email the school receives: the reported message verbatim and what is known about it, and
 * nothing else from the group.
 */
export function renderReportEmail(report: Report, messages: Messages, config: Config): ReportEmail {
  const say = (key: TemplateKey, values: Record<string, string | number> = {}) => messages.render(key, values);
  const forward = report.kind === 'forward';
  const groupName = report.group?.name || (forward ? say('emailForwardGroup', { groups: report.reporterGroups?.join(', ') || '-' }) : 'unknown');
  const attachments: ReportEmail['attachments'] = [];

  const block = (message: ReportedMessage, index: number) => {
    let attachment = '';
    if (message.media?.file) {
      const filename = message.media.filename || `attachment-${index + 1}`;
      attachments.push({ filename, path: message.media.file, contentType: message.media.mimetype });
      attachment = say('emailAttachment', { filename, mimetype: message.media.mimetype });
    } else if (message.media) attachment = say('emailAttachmentMissing', { mimetype: message.media.mimetype });
    return say('emailMessage', {
      number: index + 1,
      sentAt: forward ? say('emailForwardSent', { receivedAt: formatUkTime(report.createdAt) }) : formatUkTime(message.sentAt) || 'unknown',
      author: forward ? say('emailForwardAuthor') : person(message.authorName, message.authorId),
      attachment,
      text: message.text || '(no text)',
    });
  };
  // Under the verbatim message, never instead of it, and labelled for what it is.
  const summary = report.summary ? say('emailSummary', { summary: report.summary }) : '';

  const name = person(report.reporter.name, report.reporter.id);
  const notes = report.notes.length ? report.notes.join('\n  ') : say('emailNone');
  // A forward has no reason, count or quote to check: only lines that mean something are shown.
  const reporter = forward
    ? say('emailReporterForward', { groups: report.reporterGroups?.join(', ') || '-', name })
    : say(report.reporter.role === 'admin' ? 'emailReporterAdmin' : 'emailReporterMember', { name });
  const details = forward
    ? say('emailForwardDetails', { notes })
    : say('emailFlagDetails', {
        reason: report.reason || say('emailNone'),
        notes,
        flagCount: report.flaggedBy.length,
        verified: report.verified
          ? say('emailVerifiedYes')
          : say('emailVerifiedNo', { hours: config.reports.seenCacheHours }),
      });
  const subjectGroup = report.group?.name || (forward ? 'forwarded message' : 'unknown group');

  return {
    subject: say(report.urgent ? 'emailSubjectUrgent' : 'emailSubject', { reference: report.id, groupName: subjectGroup }),
    text: say('emailBody', {
      urgentNote: report.urgent ? say('emailUrgentNote') : '',
      reference: report.id,
      groupName,
      reporter,
      details,
      category: report.category ?? say('emailNoCategory'),
      messages: report.messages.map(block).join('\n\n') + summary,
    }),
    attachments,
  };
}
