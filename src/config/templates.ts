import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { School } from './schema.js';
import { understandingSchema, type Understanding } from './understanding.js';

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
  'digest', 'digestWelcomes', 'digestConcerns', 'digestDelivered', 'digestFailed', 'digestAwaiting', 'digestNeedsYou',
  'helpJoins', 'helpLinks', 'joinAsk', 'joinAnswered', 'joinApproved', 'joinAnswerAdmins', 'joinDecide',
  'joinNotAgreed', 'joinApproveFailed', 'joinAutoApprovedAdmins', 'joinNoAnswerAdmins', 'joinHiddenAdmins',
  'joinNotAdminAdmins', 'joinFloodAdmins', 'joinsState', 'joinsModeOff', 'joinsModeAuto', 'joinsNotAdmin',
  'joinsUsage', 'personNamed', 'personNumber', 'personHidden', 'linkHeldSender', 'linkHeldAdmins', 'linkSeenAdmins',
  'linkWhatSites', 'linkWhatMoney', 'linksState', 'linksActionDelete', 'linksActionTell', 'linksAllowed', 'linksNone',
  'linksNotAllowed', 'linksAllowFull', 'linksUsage', 'digestJoinRequests', 'digestLinksHeld',
  'digestNudges', 'helpNudges', 'nudgeGrievance', 'nudgeBullying', 'nudgesState', 'nudgesUsage',
  'digestAllWell', 'digestDeliveryPaused', 'digestFailedWaiting', 'digestReviewSoon', 'digestReviewPast',
  'policyReviewOperator', 'policyReviewAdmin', 'policyDueOn', 'policyDueSince', 'rulesOverdue', 'policyAnnounced', 'policyChanges',
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
  'operatorStatus', 'operatorStatusWhatsApp', 'whatsappStarting', 'whatsappWaitingForQr', 'whatsappConnected',
  'whatsappDisconnected', 'whatsappLoggedOut', 'whatsappAccountStopped', 'operatorStatusGroup',
  'operatorStatusApproved', 'operatorStatusWaiting', 'operatorStatusHeard', 'operatorStatusNotHeard',
  'operatorStatusNoGroups', 'operatorStatusOnHold', 'operatorStatusSmtp', 'operatorStatusFiles',
  'operatorStatusModelOn', 'operatorReports', 'operatorReportLine', 'operatorReportsNone', 'operatorReportQueued',
  'operatorReportSent', 'operatorReportFailed', 'operatorReportForwarded', 'operatorRetryUsage',
  'operatorRetryUnknown', 'operatorRetryNotFailed', 'operatorRetryDone', 'operatorRetryOnHold', 'operatorPauseUsage',
  'operatorPausedAll', 'operatorPausedNone', 'operatorResumedAll', 'operatorResumedNone',
  'helpLanguage', 'languageList', 'languageSet', 'languageUnknown', 'languageTooMany',
] as const;

export type TemplateKey = (typeof templateKeys)[number];
export type Templates = Record<TemplateKey, string>;

const templatesSchema = z.strictObject(
  Object.fromEntries(templateKeys.map((key) => [key, z.string().min(1)])) as Record<TemplateKey, z.ZodString>,
);

/** Keys of a messages file that are not templates: what the language is, and its policy translation. */
const LANGUAGE_KEY = '_language';
const POLICY_KEY = '_policy';
/** The words by which the bot understands the language (see config/understanding.ts). */
const UNDERSTAND_KEY = '_understand';

export function loadTemplates(root: string, language: string): Templates {
  const file = path.join(root, 'config', 'messages', `${language}.json`);
  const { [LANGUAGE_KEY]: _language, [POLICY_KEY]: _policy, [UNDERSTAND_KEY]: _understand, ...raw } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  const parsed = templatesSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `"${i.path.join('.') || (i as { keys?: string[] }).keys?.join(', ')}" ${i.message}`);
    throw new Error(`messages ${file}: ${problems.join('; ')}`);
  }
  return parsed.data as Templates;
}

const languageInfoSchema = z.strictObject({
  name: z.string().trim().min(1),
  english: z.string().trim().min(1),
  direction: z.enum(['ltr', 'rtl']),
});

export type LanguageInfo = z.infer<typeof languageInfoSchema> & { code: string };

/** The school's policy in another language: a courtesy translation, the English in config/school.json being official. */
export interface PolicyTranslation {
  courtesyNote: string;
  title: string;
  about: string[];
  guidelines: Record<string, { short: string; text: string }>;
  expectations: Record<string, string>;
  inappropriate: Record<string, string>;
  safeguarding: string;
  raisingConcerns: string;
  investigation: string;
  breachActions: string[];
  decider: string;
}

/** One config/messages/<code>.json, read and checked against English and the school's policy. */
export interface LanguageFile {
  code: string;
  /** The file as a person finds it: `config/messages/ur.json`. */
  file: string;
  info: LanguageInfo;
  /** The templates it has; any missing one is sent in English. */
  templates: Partial<Templates>;
  /**
   * Absent for English (the official policy), for a file that has not translated it yet, and for
   * one that translates another policy than config/school.json's (clauses that differ): there the
   * policy is shown in English.
   */
  policy?: PolicyTranslation;
  missing: TemplateKey[];
  /** What to warn about at start (a policy translation that does not fit), naming the file. */
  notes: string[];
  /** How the bot recognises questions in this language; absent where the file has no `_understand`. */
  understand?: Understanding;
}

/** A messages file that cannot be used: the message names the file and the key. */
export class MessagesFileError extends Error {
  override name = 'MessagesFileError';
}

const LANGUAGE_CODE = /^[a-z]{2,3}(-[a-z0-9]{2,8})?$/;
const text = z.string().trim().min(1);

const policySchema = z.strictObject({
  courtesyNote: text,
  title: text,
  about: z.array(text).min(1),
  guidelines: z.record(z.string(), z.strictObject({ short: text, text })),
  expectations: z.record(z.string(), text),
  inappropriate: z.record(z.string(), text),
  safeguarding: text,
  raisingConcerns: text,
  investigation: text,
  breachActions: z.array(text).min(1),
  decider: text,
});

/**
 * How a translation differs from the policy in config/school.json: a clause it lacks, or one the
 * policy does not have. The school may change its policy before the translators catch up.
 */
function policyMismatches(policy: PolicyTranslation, school: School): string[] {
  const p = school.policy;
  const differences: string[] = [];
  const compare = (part: string, wanted: string[], given: string[]) => {
    for (const id of wanted) if (!given.includes(id)) differences.push(`${part}.${id} is missing`);
    for (const id of given) if (!wanted.includes(id)) differences.push(`${part}.${id} is not in the policy`);
  };
  compare('guidelines', p.guidelines.map((g) => g.id), Object.keys(policy.guidelines));
  compare('expectations', p.expectations.map((e) => e.id), Object.keys(policy.expectations));
  compare('inappropriate', p.inappropriate.map((i) => i.id), Object.keys(policy.inappropriate));
  if (policy.breachActions.length !== p.breachActions.length) {
    differences.push(`breachActions has ${policy.breachActions.length} items, the policy ${p.breachActions.length}`);
  }
  return differences;
}

/** The `{placeholders}` of a template, each once, sorted. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort();
}

const listed = (names: string[]) => (names.length ? names.map((n) => `{${n}}`).join(', ') : 'none');

function issuesOf(error: z.ZodError, prefix: string): string[] {
  return error.issues.map((issue) => {
    const where = [prefix, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((k) => `"${where}.${k}"`).join(', ')} (a typo?)`;
    if (issue.code === 'invalid_type' && issue.input === undefined) return `"${where}" is missing`;
    return `"${where}" ${issue.message}`;
  });
}

function readLanguageFile(root: string, name: string, english: Templates | undefined, school: School): LanguageFile {
  const code = name.slice(0, -'.json'.length);
  const file = path.posix.join('config', 'messages', name);
  const fail = (problems: string[]) => new MessagesFileError(problems.map((p) => `${file}: ${p}`).join('\n'));
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path.join(root, file), 'utf8'));
  } catch (error) {
    throw fail([error instanceof SyntaxError ? 'is not valid JSON' : `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  if (!LANGUAGE_CODE.test(code)) throw fail(['a messages file is named after its language code, such as ur.json or so.json']);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw fail(['must hold one JSON object']);
  const { [LANGUAGE_KEY]: rawInfo, [POLICY_KEY]: rawPolicy, [UNDERSTAND_KEY]: rawUnderstand, ...rest } = data as Record<string, unknown>;
  const problems: string[] = [];

  let info: LanguageInfo | undefined;
  if (rawInfo === undefined) {
    problems.push(`"${LANGUAGE_KEY}" is missing: add { "name": "the language's own name", "english": "its English name", "direction": "ltr" or "rtl" }`);
  } else {
    const parsed = languageInfoSchema.safeParse(rawInfo);
    if (parsed.success) info = { ...parsed.data, code };
    else problems.push(...issuesOf(parsed.error, LANGUAGE_KEY));
  }

  let policy: PolicyTranslation | undefined;
  const notes: string[] = [];
  if (rawPolicy !== undefined) {
    if (code === 'en') problems.push(`"${POLICY_KEY}" is not used in English: the official policy is config/school.json`);
    else {
      const parsed = policySchema.safeParse(rawPolicy);
      if (parsed.success) {
        const translation = parsed.data as PolicyTranslation;
        const want = placeholdersOf(school.policy.raisingConcerns);
        const got = placeholdersOf(translation.raisingConcerns);
        const mismatches = policyMismatches(translation, school);
        if (want.join() !== got.join()) {
          problems.push(`"${POLICY_KEY}.raisingConcerns" has the placeholders ${listed(got)}, but the English policy has ${listed(want)}: keep them exactly`);
        } else if (mismatches.length) {
          notes.push(
            `${file}: "${POLICY_KEY}" translates another policy than config/school.json's (${mismatches.join('; ')}), so the policy is shown in English in this language`,
          );
        } else policy = translation;
      } else problems.push(...issuesOf(parsed.error, POLICY_KEY));
    }
  }

  let understand: Understanding | undefined;
  if (rawUnderstand !== undefined) {
    const parsed = understandingSchema.safeParse(rawUnderstand);
    if (parsed.success) understand = parsed.data;
    else problems.push(...issuesOf(parsed.error, UNDERSTAND_KEY));
  }

  const templates: Partial<Templates> = {};
  const known = new Set<string>(templateKeys);
  for (const [key, value] of Object.entries(rest)) {
    if (!known.has(key)) {
      problems.push(`unknown key "${key}" (a typo? the keys are those of config/messages/en.json)`);
      continue;
    }
    if (typeof value !== 'string' || !value.trim()) {
      problems.push(`"${key}" must be a text, not empty`);
      continue;
    }
    const englishTemplate = english?.[key as TemplateKey];
    if (englishTemplate !== undefined) {
      const want = placeholdersOf(englishTemplate);
      const got = placeholdersOf(value);
      if (want.join() !== got.join()) {
        problems.push(`"${key}" has the placeholders ${listed(got)}, but English has ${listed(want)}: keep them exactly, untranslated`);
      }
    }
    templates[key as TemplateKey] = value;
  }
  const missing = templateKeys.filter((key) => templates[key] === undefined);
  if (code === 'en' && missing.length) problems.push(`is missing ${missing.map((k) => `"${k}"`).join(', ')}: English must have every message`);
  if (problems.length || !info) throw fail(problems);
  return { code, file, info, templates, ...(policy ? { policy } : {}), ...(understand ? { understand } : {}), missing, notes };
}

/**
 * Every config/messages/*.json is a language. English comes first and must be complete; another
 * file may miss messages (they go out in English) but not break one: its placeholders must be
 * English's exactly. Throws a MessagesFileError naming every problem found, file and key.
 */
export function loadLanguages(root: string, school: School): LanguageFile[] {
  const folder = path.join(root, 'config', 'messages');
  const names = readdirSync(folder).filter((name) => name.endsWith('.json')).sort();
  if (!names.includes('en.json')) throw new MessagesFileError('config/messages/en.json is missing: English is the language every other falls back to');
  const english = readLanguageFile(root, 'en.json', undefined, school);
  const others: LanguageFile[] = [];
  const problems: string[] = [];
  for (const name of names.filter((n) => n !== 'en.json')) {
    try {
      others.push(readLanguageFile(root, name, english.templates as Templates, school));
    } catch (error) {
      if (!(error instanceof MessagesFileError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length) throw new MessagesFileError(problems.join('\n'));
  return [english, ...others];
}

/** Fills `{name}` placeholders. A placeholder with no value is a bug in the caller, so it throws. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`template placeholder {${name}} has no value`);
    return String(value);
  });
}
