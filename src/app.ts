import path from 'node:path';
import { projectRoot } from './config/load.js';
import type { Config } from './config/schema.js';
import type { LanguageFile, Templates } from './config/templates.js';
import { Activity } from './core/activity.js';
import type { Clock } from './core/clock.js';
import { ConnectionStatus } from './core/connection.js';
import type { ChatActions, InboundEvent, Outgoing } from './core/events.js';
import type { Feature } from './core/feature.js';
import { isGroupId, maskId } from './core/ids.js';
import { errorCode, type Logger } from './core/log.js';
import { Messages } from './core/messages.js';
import type { Random } from './core/random.js';
import { Router } from './core/router.js';
import { Scheduler } from './core/schedule.js';
import type { PersonAliases, Services } from './core/services.js';
import { Speaker } from './core/speaker.js';
import { adminControls } from './features/admin.js';
import { languageChoice } from './features/language.js';
import { asking } from './features/ask.js';
import { askLanguages } from './features/ask-languages.js';
import { concerns } from './features/concern.js';
import { concernLanguages } from './features/concern-words.js';
import { weeklyDigest } from './features/digest.js';
import { flag, rememberGroupMessages, share } from './features/flag.js';
import { forgetMe } from './features/forget.js';
import { forwardedReports } from './features/forward.js';
import { ignoreOwnMessages, membership, PrivateContacts } from './features/groups.js';
import { LanguageWords } from './features/language-words.js';
import { handledOnce } from './features/handled-once.js';
import { help } from './features/help.js';
import { JoinRequests } from './features/join-requests.js';
import { linksCommand, newMemberLinks } from './features/links.js';
import { nudges } from './features/nudges.js';
import { operatorControls } from './features/operators.js';
import { policyLife } from './features/policy-life.js';
import { privacy } from './features/privacy.js';
import { PrivateLimit } from './features/private-limit.js';
import { reportNotices } from './features/report-notices.js';
import { rules } from './features/rules.js';
import { StatusDesk, type StatusFacts } from './features/status-facts.js';
import { welcome } from './features/welcome.js';
import { DailyCounters } from './services/counters.js';
import type { Mailer } from './services/mailer.js';
import type { Model } from './services/model.js';
import { Outbox } from './services/outbox.js';
import { Pacer } from './services/pacing.js';
import { modelTriage } from './services/report-triage.js';
import { Reports } from './services/reports.js';
import { SeenMessages } from './services/seen.js';
import { Store } from './services/store.js';

export interface AppParts {
  config: Config;
  templates: Templates;
  /** Every messages file (see config/templates.ts); English alone when absent. */
  languages?: LanguageFile[];
  clock: Clock;
  random: Random;
  log: Logger;
  /** Counts work in flight, so a simulator can wait for the bot to settle. */
  activity?: Activity;
  /** Where paced messages finally go: the transport's send. */
  deliver: (out: Outgoing) => Promise<void>;
  /** The transport's other actions on chats (deleting a message, leaving a group). */
  chats: ChatActions;
}

export interface App {
  handle(event: InboundEvent): Promise<void>;
  readonly services: Services;
  readonly reports: Reports;
  readonly outbox: Outbox;
  /** One person's two WhatsApp ids, kept in the store: for the WhatsApp transport. */
  readonly aliases: PersonAliases;
  /** Where WhatsApp stands: the front end that runs a transport keeps it current. */
  readonly connection: ConnectionStatus;
  /** What the operator's !status shows, as plain data (no content, no numbers): for a status page too. */
  status(): StatusFacts;
  stop(): Promise<void>;
}

const seconds = (n: number) => n * 1000;

/** Mail leaves through SMTP when a server is set, else as .eml files; nodemailer loads only when needed. */
async function openMailer(config: Config, outboxFolder: string): Promise<Mailer> {
  const { smtpMailer, fileMailer } = await import('./services/mailer.js');
  return config.mail.smtpUrl ? smtpMailer(config.mail.smtpUrl, config.mail.timeoutSeconds) : fileMailer(outboxFolder);
}

/** The optional language model: its client is loaded only when one is configured. */
async function openModel(config: Config, clock: Clock, log: Logger): Promise<Model | undefined> {
  if (!config.model.apiKey && !config.model.baseUrl) return undefined;
  const { Model } = await import('./services/model.js');
  return new Model({ ...config.model, promptsDir: path.join(projectRoot, 'prompts'), clock, log });
}

/**
 * The composition root: config → services → features → router, each built from what is above
 * it. The one place that knows every part.
 */
export async function createApp(parts: AppParts): Promise<App> {
  const { config, clock, log, random } = parts;
  const activity = parts.activity ?? new Activity();

  // Services.
  const store = await Store.open(config.storage.dir);
  const messages = new Messages(parts.templates, config.school, config.bot.name, {
    languages: parts.languages,
    defaults: config.bot.languages,
  });
  // A volunteer's partial translation works: what it lacks goes out in English, said once here.
  for (const file of parts.languages ?? []) {
    if (file.missing.length) {
      log.warn(`${file.file}: ${file.missing.length} messages are not translated yet and go out in English`, { language: file.code });
    }
    for (const note of file.notes) log.warn(note, { language: file.code });
  }
  const pacer = new Pacer(config.pacing, clock, random, parts.deliver, (error, out) =>
    log.error('send failed', { chat: maskId(out.chat), code: errorCode(error) }),
  );
  const contacts = new PrivateContacts();
  const privateLimit = new PrivateLimit({
    perPerson: config.privateReplies.perPerson,
    windowMs: config.privateReplies.windowMinutes * 60_000,
    quietMs: config.privateReplies.quietMinutes * 60_000,
  });
  const speaker = new Speaker(
    messages,
    (out) => {
      privateLimit.sent(out.chat);
      pacer.send(out);
    },
    // Someone asking to join is not in the group yet, but is written to about their request.
    (person) => config.bot.operator.includes(person) || contacts.has(person) || store.groupsOf(person).length > 0 || joinRequests.awaiting(person),
    (chat) => (isGroupId(chat) ? messages.groupLanguages(store.group(chat)) : [messages.personLanguage(store.groupsOf(chat))]),
  );
  const outboxFolder = path.join(config.storage.dir, 'outbox');
  const mailer = await openMailer(config, outboxFolder);
  const model = await openModel(config, clock, log);
  const reports = new Reports(store, clock, random, config, log);
  const outbox = new Outbox(reports, mailer, clock, random, messages, config, log, model && modelTriage(model, config.school));
  const connection = new ConnectionStatus(clock);
  const counters = new DailyCounters(store, clock, log);
  const services: Services = {
    config,
    store,
    clock,
    log,
    messages,
    speaker,
    mailMode: mailer.mode,
    reports,
    seen: new SeenMessages(config.reports.seenCacheHours * 3_600_000),
    handled: store,
    chats: parts.chats,
    counters,
    self: { id: config.bot.id },
    model,
  };

  const joinRequests = new JoinRequests(services);
  const statusDesk = new StatusDesk(services, {
    connection,
    outboxOnHold: () => outbox.paused,
    modelBudget: model && (() => model.budgetLeft()),
  });

  // Features, in the order each event meets them. Commands sit together: a command stops at its
  // own feature (an unknown one there too), before the features for plain messages.
  const policy = policyLife(services, store);
  await policy.noteVersion();
  const nudge = nudges(store);
  // Parents are understood in every language with a messages file (its `_understand` words).
  const concern = concerns(seconds(config.concern.cooldownSeconds), concernLanguages(parts.languages ?? []));
  const ask = asking(config.school, seconds(config.ask.cooldownSeconds), concern, {
    languages: askLanguages(parts.languages ?? [], config.school),
    words: new LanguageWords(parts.languages ?? []),
  });
  const features: Feature[] = [
    handledOnce(),
    reportNotices(services, mailer.mode === 'files' ? outboxFolder : undefined),
    ignoreOwnMessages(),
    statusDesk.feature,
    contacts.feature,
    // Before membership, which passes on few group events: it announces a new policy version
    // once the group's event has been handled, at the first sign of the group after a restart.
    policy.feature,
    membership(),
    privateLimit.feature,
    rememberGroupMessages(),
    // Before the commands: a link is held whatever it starts with, and a requester's answer is theirs.
    newMemberLinks(),
    joinRequests.feature,
    welcome(services),
    rules(seconds(config.rules.cooldownSeconds)),
    help(seconds(config.commands.cooldownSeconds)),
    privacy(seconds(config.commands.cooldownSeconds)),
    forgetMe(privateLimit),
    ask.command,
    flag(),
    share(),
    ...adminControls(),
    joinRequests.command,
    linksCommand(),
    nudge.command,
    languageChoice(),
    ...operatorControls(statusDesk),
    forwardedReports(),
    // Passes every message on: a nudge is private, and whatever else the message asks is answered.
    nudge.listener,
    concern.feature,
    ask.addressed,
  ];
  const router = new Router(features, services, log, seconds(config.commands.cooldownSeconds));

  outbox.kick();
  const scheduler = new Scheduler(clock, log, (work) => activity.track(work));
  scheduler.start([
    weeklyDigest(services, store, {
      paused: () => outbox.paused,
      failedInStorage: () => reports.all().filter((r) => r.delivery.state === 'failed').length,
    }),
    policy.reminders,
  ]);
  return {
    services,
    reports,
    outbox,
    connection,
    status: () => statusDesk.facts(),
    // Counted as the bot's work, so a simulated clock waits for the write as it does for a send.
    aliases: { phoneOf: (lid) => store.phoneOf(lid), rememberAliases: (pairs) => activity.track(() => store.rememberAliases(pairs)) },
    handle: (event) => activity.track(() => router.handle(event)),
    async stop() {
      scheduler.stop();
      await activity.idle();
      outbox.stop();
      await activity.idle();
      await pacer.stop();
      counters.stop();
      await store.close();
    },
  };
}
