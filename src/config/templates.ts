import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const templateKeys = [
  'footer', 'officeClause', 'officeClauseWithPhone', 'welcome', 'welcomeEveryone', 'intro', 'rules', 'rulesFull',
  'rulesPointer', 'concern', 'concernPointer', 'help', 'privacy', 'privacyModelOff', 'privacyModelSeesOn', 'privacyModelSeesOff',
  'privacyOperatorUnknown', 'paused', 'pausedAlready', 'resumed', 'resumedAlready', 'status',
  'statusActive', 'statusPaused', 'on', 'off', 'mailModeSmtp', 'mailModeFiles', 'welcomeSet',
  'welcomeUsage', 'adminOnly', 'groupOnly', 'unknownCommand', 'helpRules', 'helpConcern',
  'helpHelp', 'helpPrivacy', 'helpPause', 'helpStatus', 'helpWelcome', 'helpPointer',
  'emailSubject', 'emailSubjectUrgent', 'emailBody', 'emailUrgentNote', 'emailMessage',
  'emailAttachment', 'emailAttachmentMissing', 'emailForwardAuthor', 'emailForwardSent',
  'emailFactsFlag', 'emailFactsForward', 'emailReporterMember', 'emailReporterAdmin',
  'emailVerifiedYes', 'emailVerifiedNo', 'emailNone', 'emailNoCategory', 'helpFlag', 'helpForward',
  'flagNoQuote', 'flagOwnMessage', 'flagReceived', 'reportLimited', 'urgentAdvice',
  'forwardReceived', 'forwardAdded', 'forwardNoteAdded', 'forwardStranger', 'shareDone',
  'shareUnknown', 'shareUsage', 'adminNotice', 'adminNoticeAnonymous', 'adminNoticeNamed',
  'adminNoticeNoCategory', 'operatorFailed', 'operatorFailedErased', 'operatorExpiring', 'operatorPaused', 'operatorFiles', 'operatorModelBudget',
  'adminNoticeShared', 'concernPrivately', 'deliveryEmail', 'deliveryFiles',
  'flagUnreadable', 'adminDeliveredEmail', 'adminDeliveredFiles',
  'reportFailedReporter', 'shareForward', 'emailReporterForward', 'emailPerson',
  'emailPersonUnnamed', 'emailNumberUnknown', 'emailUnknown', 'emailReason', 'emailNotes', 'helpAsk',
  'askAnswer', 'askNothing', 'askHow', 'privacyModelOn',
  'emailNoText', 'emailHiddenCharacters', 'emailSubjectForwarded',
  'flagRecorded', 'flagRecordedSent', 'flagOwnQuoted', 'flagDeleted', 'flagVisible', 'introAwaitingApproval', 'operatorApproval',
  'operatorApprovalByLink', 'operatorOnly', 'privateOnly', 'approveList', 'approveNone', 'approveUnknown',
  'approveDone', 'leaveList', 'leaveUnknown', 'leaveDone', 'leaveFailed', 'groupLine', 'groupAwaiting', 'slowDown',
  'attachmentAdded', 'attachmentNotAdded', 'attachmentWhyType', 'attachmentWhyTooBig', 'attachmentWhyTooMany',
  'attachmentWhySizeUnknown', 'attachmentWhyUnreadable', 'emailAttachmentLeftOut', 'forwardFull', 'forwardNoteFull',
  'forwardNoteCut', 'operatorWhatsAppBlocked', 'operatorWhatsAppOutdated', 'statusSendTrouble',
  'helpForget', 'forgetNothing', 'forgetDone', 'forgetReportsDeleted', 'forgetReportsPending', 'forgetCoFlagged',
  'forgetMemberLists', 'forgetOtherRecords', 'forgetAdmin',
] as const;

export type TemplateKey = (typeof templateKeys)[number];
export type Templates = Record<TemplateKey, string>;

const templatesSchema = z.strictObject(
  Object.fromEntries(templateKeys.map((key) => [key, z.string().min(1)])) as Record<TemplateKey, z.ZodString>,
);

export function loadTemplates(root: string, language: string): Templates {
  const file = path.join(root, 'config', 'messages', `${language}.json`);
  const parsed = templatesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `"${i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ')}" ${i.message}`);
    throw new Error(`messages ${file}: ${problems.join('; ')}`);
  }
  return parsed.data as Templates;
}

/** Fills `{name}` placeholders. A placeholder with no value is a bug in the caller, so it throws. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {${name}} has no value`);
    return String(value);
  });
}
