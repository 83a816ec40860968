import { z } from 'zod';

const personId = z.string().regex(/^\d{5,20}@(c\.us|lid)$/, 'must be a WhatsApp id such as 447700900001@c.us');
const groupId = z.string().regex(/^[\d-]{5,40}@g\.us$/, 'must be a WhatsApp group id such as 120363000000000001@g.us');
const email = z.string().trim().email('must be an email address');
const seconds = z.number().finite().min(0).max(86_400);
const text = z.string().trim().min(1);

const clause = z.strictObject({ id: text, text });
const guideline = z.strictObject({ id: text, short: text, text });

export const schoolSchema = z.strictObject({
  name: text,
  shortName: text,
  email,
  officePhone: z.string().trim().default(''),
  website: z.string().trim().default(''),
  policy: z.strictObject({
    title: text,
    published: text,
    reviewDate: text,
    about: z.array(text).min(1),
    guidelines: z.array(guideline).min(1),
    expectations: z.array(clause),
    inappropriate: z.array(clause),
    safeguarding: text,
    raisingConcerns: text,
    investigation: text,
    breachActions: z.array(text),
    decider: text,
  }),
});

export const configSchema = z.strictObject({
  school: schoolSchema,
  bot: z.strictObject({
    id: personId,
    name: text.max(60),
    language: z.enum(['en']),
    /** The volunteer who runs the bot: told privately when something needs a person. */
    operator: personId.nullable(),
    groups: z.union([z.literal('all'), z.array(groupId).min(1)]),
  }),
  welcome: z.strictObject({ enabled: z.boolean(), batchWindowSeconds: seconds.max(600) }),
  rules: z.strictObject({ cooldownSeconds: seconds }),
  concern: z.strictObject({ cooldownSeconds: seconds }),
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
  }),
  reports: z.strictObject({
    perPersonPerHour: z.number().int().min(1).max(100),
    forwardNoteWindowSeconds: seconds.max(3600),
    retentionDays: z.number().min(1).max(365),
    seenCacheHours: z.number().min(1).max(24 * 14),
  }),
  model: z.strictObject({
    apiKey: z.string().trim().min(1).nullable(),
    baseUrl: z.string().trim().url('must be a URL such as http://127.0.0.1:11434/v1').nullable(),
    model: text,
    timeoutSeconds: z.number().min(1).max(120),
    /** Calls and tokens a day; past either, the bot answers offline until the next day. */
    dailyCalls: z.number().int().min(0).max(100_000),
    dailyTokens: z.number().int().min(0).max(100_000_000),
  }),
  whatsapp: z.strictObject({
    /** Debian's chromium: puppeteer's own browser download is not used. */
    chromiumPath: text,
    headless: z.boolean(),
  }),
  storage: z.strictObject({ dir: text }),
  log: z.strictObject({ level: z.enum(['error', 'warn', 'info', 'debug']) }),
});

export type Config = z.infer<typeof configSchema>;
export type School = Config['school'];
