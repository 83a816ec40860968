import { z } from 'zod';

const personId = z.string().regex(/^\d{5,20}@(c\.us|lid)$/, 'must be a WhatsApp id such as 447700900001@c.us');
const groupId = z.string().regex(/^[\d-]{5,40}@g\.us$/, 'must be a WhatsApp group id such as 120363000000000001@g.us');
const email = z.string().trim().email('must be an email address');

/** A WhatsApp id, or a phone number with its country code (+44 7700 900001), as a volunteer types it. */
const personOrNumber = z.string().trim().transform((value, ctx) => {
  if (/^\d{5,20}@(c\.us|lid)$/.test(value)) return value;
  const digits = value.replace(/[\s().-]/g, '');
  if (/^\+?[1-9]\d{6,14}$/.test(digits)) return `${digits.replace(/^\+/, '')}@c.us`;
  ctx.addIssue({
    code: 'custom',
    message: `"${value}" must be a WhatsApp id such as 447700900001@c.us or a number with its country code such as +44 7700 900001`,
  });
  return z.NEVER;
});
const operators = z.preprocess(
  (value) => (value === null ? [] : typeof value === 'string' ? value.split(',').filter((part) => part.trim()) : value),
  z.array(personOrNumber),
);
const seconds = z.number().finite().min(0).max(86_400);
const text = z.string().trim().min(1);

const pattern = text.refine((source) => {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}, 'must be a valid regular expression');

const clause = z.strictObject({ id: text, text });
const guideline = z.strictObject({ id: text, short: text, text });

/** A day as ISO writes it: it sorts, and every language can show it its own way. */
const isoDay = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD, such as "2026-01-01" for January 2026')
  .refine((day) => {
    const date = new Date(`${day}T00:00:00Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(day);
  }, 'is not a date in the calendar');

/** An address of this machine to listen on: an IP address (0.0.0.0 is every one) or a host name such as localhost. */
const listenHost = z
  .string()
  .trim()
  .regex(
    /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*|[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*)$/,
    'must be an address of this machine such as 127.0.0.1 (this machine only) or 0.0.0.0 (every network it is on)',
  );
/** A TCP port; an environment variable gives it as text. */
const listenPort = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
  z.number({ error: 'must be a port number from 1 to 65535, or 0 to turn it off' }).int('must be a whole number').min(0).max(65_535, 'must be a port number from 1 to 65535, or 0 to turn it off'),
);

export const schoolSchema = z.strictObject({
  name: text,
  shortName: text,
  email,
  officePhone: z.string().trim().default(''),
  website: z.string().trim().default(''),
  policy: z.strictObject({
    title: text,
    /** What the school calls this edition ("1.0"); when it changes, the bot announces the new one in each group. */
    version: text.max(20),
    published: isoDay,
    /** The school reviews the policy by this day: from 30 days before it, admins and operators are reminded to check. */
    reviewDate: isoDay,
    /** One line on what changed in this version, for the announcement. */
    changes: text.max(500).optional(),
    about: z.array(text).min(1),
    guidelines: z.array(guideline).min(1),
    expectations: z.array(clause),
    inappropriate: z.array(clause),
    safeguarding: text,
    raisingConcerns: text,
    investigation: text,
    breachActions: z.array(text),
    decider: text,
  }).refine((policy) => policy.reviewDate > policy.published, {
    message: 'must come after policy.published',
    path: ['reviewDate'],
  }),
});

const configShape = z.strictObject({
  school: schoolSchema,
  bot: z.strictObject({
    id: personId,
    name: text.max(60),
    /**
     * What a group reads until its admins choose with !language: one language code, or two shown
     * one after the other. Each needs its file, config/messages/<code>.json.
     */
    languages: z
      .array(z.string().trim().regex(/^[a-z]{2,3}(-[a-z0-9]{2,8})?$/, 'must be a language code such as "en" or "ur"'))
      .min(1, 'must name at least one language, such as ["en"]')
      .max(2, 'may name two languages at most, shown one after the other')
      .refine((codes) => new Set(codes).size === codes.length, 'names a language twice')
      .default(['en']),
    /**
     * The volunteers who run the bot: told privately when something needs a person, and the
     * only ones who approve a group. One or more, as a list or comma-separated.
     */
    operator: operators,
    /** Groups approved from the start; the bot asks an operator about any other group it is added to. */
    groups: z.array(groupId, 'must be a list of group ids such as ["120363000000000001@g.us"]'),
  }),
  welcome: z.strictObject({
    enabled: z.boolean(),
    /** Quiet time after the last join before one welcome goes out for the whole burst. */
    batchWindowSeconds: seconds.max(600),
    /** Joins that keep trickling in cannot hold a welcome back longer than this. */
    maxDelaySeconds: seconds.max(3600),
    /** The most people one welcome mentions; more newcomers at once get one welcome naming no one. */
    maxMentions: z.number().int().min(1).max(256),
  }),
  rules: z.strictObject({ cooldownSeconds: seconds }),
  /** A private summary for each operator, once a week at this UK time: counts only. */
  digest: z.strictObject({
    enabled: z.boolean(),
    day: z.enum(['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday']),
    time: z.string().trim().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a UK time of day written HH:MM, such as "08:00"'),
  }),
  concern: z.strictObject({ cooldownSeconds: seconds }),
  /** !help, !privacy and the private note about a mistyped command. */
  commands: z.strictObject({ cooldownSeconds: seconds }),
  /** One answer to a question per person in a group per this time; more go to them privately. */
  ask: z.strictObject({ cooldownSeconds: seconds }),
  /**
   * A group message WhatsApp delivers longer than this after it was sent (it was sent while the
   * bot was offline) gets no answer in the group: the conversation has moved on. Reports and
   * admin commands are still taken, however late.
   */
  replies: z.strictObject({ lateMessageMinutes: z.number().min(1).max(7 * 24 * 60) }),
  /**
   * Replies one person's private chat may get in the window; past that, one note asking them to
   * slow down, then no answers for the quiet time. Reports and notices are never held back.
   */
  privateReplies: z.strictObject({
    perPerson: z.number().int().min(1).max(1000),
    windowMinutes: z.number().min(1).max(24 * 60),
    quietMinutes: z.number().min(1).max(24 * 60),
  }),
  /**
   * Requests to join a group with "approve new participants" on, where the bot is an admin: it asks
   * the requester how they are connected to the school and passes the answer (or, after the wait,
   * their silence) to the admins. Past `perGroupPerHour` requests in an hour, the admins get one
   * summary instead and nobody is written to.
   */
  joins: z.strictObject({
    answerWaitHours: z.number().min(1).max(7 * 24),
    perGroupPerHour: z.number().int().min(1).max(1000),
  }),
  /**
   * Links (and phone numbers with money words) from members who joined less than `newMemberHours`
   * ago are deleted where the bot is an admin. `allow`: sites always let through, besides the
   * school's website (config/school.json) and what a group's admins add with !links allow.
   */
  links: z.strictObject({
    newMemberHours: z.number().min(0).max(30 * 24),
    allow: z.array(
      z.string().trim().toLowerCase().regex(/^(?!-)[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63})+$/, 'must be a list of sites such as ["example.org"] (no https://, no path)'),
    ),
  }),
  pacing: z.strictObject({
    perChatGapMs: z.number().int().min(0).max(600_000),
    globalGapMs: z.number().int().min(0).max(600_000),
    jitterMs: z.number().int().min(0).max(60_000),
  }),
  mail: z.strictObject({
    from: text,
    smtpUrl: z
      .string()
      .trim()
      .regex(/^smtps?:\/\/[^\s]+$/, 'must start with smtp:// or smtps://')
      .nullable(),
    /** Longest wait for the mail server at each step of one attempt. */
    timeoutSeconds: z.number().min(1).max(600),
    /** How long a report keeps being retried before it counts as failed. */
    retryForHours: z.number().min(1).max(24 * 30),
    /** The wait after a first failed attempt; it doubles after each one, up to the longest. */
    firstRetrySeconds: z.number().min(1).max(3600),
    longestRetryMinutes: z.number().min(1).max(24 * 60),
  }),
  reports: z.strictObject({
    perPersonPerHour: z.number().int().min(1).max(100),
    forwardNoteWindowSeconds: seconds.max(3600),
    retentionDays: z.number().min(1).max(365),
    /** A report that failed for good is deleted this long after it failed, unless a person queues it again. */
    failedRetentionDays: z.number().min(1).max(365),
    /** How long before that deletion the operator is told, once per report. */
    failedWarningDays: z.number().min(0).max(365),
    seenCacheHours: z.number().min(1).max(24 * 14),
    /** What one report may carry; past these the reporter is told what was left out, and why. */
    maxForwardedMessages: z.number().int().min(1).max(100),
    maxNotes: z.number().int().min(1).max(100),
    maxNoteCharacters: z.number().int().min(100).max(10_000),
    maxAttachments: z.number().int().min(0).max(20),
    /** All of one report's attachments together; a file WhatsApp gives no size for is not downloaded. */
    maxAttachmentMegabytes: z.number().min(0).max(20),
    /**
     * The offline first look at a report: the first category whose words (a regular expression,
     * matched against the report's text in lower case) appear labels the email with its clause.
     */
    categories: z.array(z.strictObject({ clause: text, words: pattern })),
  }),
  model: z.strictObject({
    apiKey: z.string().trim().min(1).nullable(),
    baseUrl: z.string().trim().url('must be a URL such as http://127.0.0.1:11434/v1').nullable(),
    model: text,
    timeoutSeconds: z.number().min(1).max(120),
    /** The pause before the one retry of a failed call, when the server did not say how long to wait. */
    retryPauseSeconds: z.number().min(0).max(60),
    /** Calls and tokens a day; past either, the bot answers offline until the next day. */
    dailyCalls: z.number().int().min(0).max(100_000),
    dailyTokens: z.number().int().min(0).max(100_000_000),
  }),
  whatsapp: z.strictObject({
    /** Debian's chromium: puppeteer's own browser download is not used. */
    chromiumPath: text,
    headless: z.boolean(),
    /** How long a reply waits for WhatsApp to reconnect before it is given up. */
    sendWaitMinutes: z.number().min(1).max(24 * 60),
    /** Reconnecting waits this long at first, doubling up to the longest. */
    firstRetrySeconds: z.number().min(1).max(600),
    longestRetrySeconds: z.number().min(1).max(3600),
    /** A hidden id (…@lid) WhatsApp could not resolve to a number is asked about again only after this long. */
    lookupRetryMinutes: z.number().min(1).max(7 * 24 * 60),
    /** After the login is accepted, how long WhatsApp Web may take to load before its browser is rebuilt. */
    readyTimeoutSeconds: z.number().min(10).max(3600),
    /** How often the bot asks WhatsApp Web whether it is still connected, and how long it waits for the answer. */
    livenessCheckSeconds: z.number().min(5).max(3600),
    livenessTimeoutSeconds: z.number().min(1).max(600),
    /** A version such as "2.3000.1023456789" to run instead of whatever WhatsApp serves today; null: the latest. */
    webVersion: z.string().regex(/^\d+\.\d+\.\d+(-alpha)?$/, 'must be a WhatsApp Web version such as 2.3000.1023456789').nullable(),
    /**
     * Where a pinned version's page comes from: `local`, storage/whatsapp-cache (every version the bot
     * loads is kept there); `remote`, webVersionRemotePath with {version} filled in; `none`, no cache.
     */
    webVersionCache: z.enum(['local', 'remote', 'none']),
    webVersionRemotePath: z.string().trim().url().refine((url) => url.includes('{version}'), 'must contain {version}').nullable(),
  }).refine((w) => w.webVersionCache !== 'remote' || w.webVersionRemotePath !== null, {
    message: 'a remote webVersionCache needs the address to fetch from, with {version} in it',
    path: ['webVersionRemotePath'],
  }).refine((w) => w.webVersionCache !== 'remote' || w.webVersion !== null, {
    message: 'a remote webVersionCache needs a webVersion to fetch',
    path: ['webVersion'],
  }),
  storage: z.strictObject({ dir: text }),
  log: z.strictObject({ level: z.enum(['error', 'warn', 'info', 'debug']), keepDays: z.number().int().min(1).max(365) }),
  /** The local status page (services/console-server.ts): where it listens; port 0 turns it off. */
  console: z.strictObject({ host: listenHost, port: listenPort }),
});

/** Checks across sections: a category must name a clause the policy has, or it would never label anything. */
export const configSchema = configShape.superRefine((config, issues) => {
  const { guidelines, inappropriate } = config.school.policy;
  const clauses = new Set([...guidelines, ...inappropriate].map((c) => c.id));
  if (config.reports.failedWarningDays >= config.reports.failedRetentionDays) {
    issues.addIssue({
      code: 'custom',
      path: ['reports', 'failedWarningDays'],
      message: `must be fewer than reports.failedRetentionDays (${config.reports.failedRetentionDays}), so the warning comes before the deletion`,
    });
  }
  config.reports.categories.forEach((category, index) => {
    if (!clauses.has(category.clause)) {
      issues.addIssue({
        code: 'custom',
        path: ['reports', 'categories', index, 'clause'],
        message: `names no clause of the policy's guidelines or inappropriate activities (${[...clauses].join(', ')})`,
      });
    }
  });
});

export type Config = z.infer<typeof configSchema>;
export type ReportCategory = Config['reports']['categories'][number];
export type School = Config['school'];
