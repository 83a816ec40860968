import path from 'node:path';
import type { Config } from './config/schema.js';
import type { Templates } from './config/templates.js';
import { Activity } from './core/activity.js';
import type { Clock } from './core/clock.js';
import { commandFeature, type Command } from './core/commands.js';
import type { Services } from './core/context.js';
import type { InboundEvent, Outgoing } from './core/events.js';
import { Messages } from './core/messages.js';
import type { Random } from './core/random.js';
import { errorCode } from './core/log.js';
import { Router } from './core/router.js';
import { maskId } from './core/ids.js';
import { Speaker } from './core/speaker.js';
import { adminCommands } from './features/admin.js';
import { asking } from './features/ask.js';
import { modelTriage } from './features/report-triage.js';
import { concerns } from './features/concern.js';
import { flagCommand, rememberGroupMessages, shareCommand } from './features/flag.js';
import { forwardedReports } from './features/forward.js';
import { reportNotices } from './features/report-notices.js';
import { allowedGroups, membership, rememberPrivateSenders } from './features/groups.js';
import { helpCommand } from './features/help.js';
import { privacyCommand } from './features/privacy.js';
import { rulesCommand } from './features/rules.js';
import { welcome } from './features/welcome.js';
import type { Logger } from './core/log.js';
import { fileMailer, smtpMailer } from './services/mailer.js';
import { Outbox } from './services/outbox.js';
import { Model } from './services/model.js';
import { Pacer } from './services/pacing.js';
import { projectRoot } from './config/load.js';
import { Reports } from './services/reports.js';
import { SeenMessages } from './services/seen.js';
import { Store } from './services/store.js';

export interface AppParts {
  config: Config;
  templates: Templates;
  clock: Clock;
  random: Random;
  log: Logger;
  /** Counts work in flight, so a simulator can wait for the bot to settle. */
  activity?: Activity;
  /** Where paced messages finally go: the transport's send. */
  deliver: (out: Outgoing) => Promise<void>;
  /** Told of every email the mail transport accepted (the simulator prints it). */
  onEmail?: (email: { at: Date; to: string[]; subject: string; reportId: string }) => void;
}

export interface App {
  handle(event: InboundEvent): Promise<void>;
  readonly services: Services;
  readonly outbox: Outbox;
  stop(): Promise<void>;
}

/** The composition root: config → services → features. The one place that knows every part. */
export async function createApp(parts: AppParts): Promise<App> {
  const { config, clock, log } = parts;
  const activity = parts.activity ?? new Activity();
  const store = await Store.open(config.storage.dir);
  const messages = new Messages(parts.templates, config.school, config.bot.name);
  const pacer = new Pacer(config.pacing, clock, parts.random, parts.deliver, (error, out) =>
    log.error('send failed', { chat: maskId(out.chat), code: errorCode(error) }),
  );
  const cooldownMs = (seconds: number) => seconds * 1000;
  const privateContacts = new Set<string>();
  const speaker = new Speaker(
    messages,
    (out) => pacer.send(out),
    (person) => person === config.bot.operator || privateContacts.has(person) || store.groupsOf(person).length > 0,
  );
  const outboxFolder = path.join(config.storage.dir, 'outbox');
  const mailer = config.mail.smtpUrl
    ? smtpMailer(config.mail.smtpUrl, config.mail.timeoutSeconds)
    : fileMailer(outboxFolder);
  const notices = reportNotices(() => services, mailer.mode === 'files' ? outboxFolder : undefined);
  const model =
    config.model.apiKey || config.model.baseUrl
      ? new Model({
          ...config.model,
          promptsDir: path.join(projectRoot, 'prompts'),
          clock,
          log,
          onBudgetSpent: () => void notices.modelBudgetSpent(),
        })
      : undefined;
  const outbox = new Outbox(store, mailer, clock, parts.random, messages, config, log, {
    ...notices,
    async sent(report, email) {
      parts.onEmail?.({ at: clock.now(), to: email.accepted, subject: email.subject, reportId: report.id });
      await notices.sent(report, email);
    },
  }, model && modelTriage(model, config.school));
  const services: Services = {
    config,
    store,
    clock,
    log,
    messages,
    speaker,
    mailMode: mailer.mode,
    reports: new Reports(store, outbox, clock, parts.random, config),
    seen: new SeenMessages(config.reports.seenCacheHours * 3_600_000),
    self: { id: config.bot.id },
    model,
  };
  const concern = concerns(cooldownMs(config.concern.cooldownSeconds));
  const ask = asking(config.school, concern.answer);

  const commands: Command[] = [
    rulesCommand(cooldownMs(config.rules.cooldownSeconds)),
    helpCommand(() => commands, cooldownMs(config.rules.cooldownSeconds)),
    privacyCommand(cooldownMs(config.rules.cooldownSeconds)),
    ask.command,
    flagCommand(),
    shareCommand(),
    ...adminCommands(config.welcome.enabled),
  ];
  const publicCommands = () =>
    commands
      .filter((c) => !c.adminOnly && c.help)
      .map((c) => `!${c.name}`)
      .join(' · ');

  const router = new Router(
    [
      allowedGroups(config),
      rememberPrivateSenders(privateContacts),
      membership(),
      rememberGroupMessages(),
      welcome(services, {
        windowMs: config.welcome.batchWindowSeconds * 1000,
        maxDelayMs: config.welcome.batchWindowSeconds * 6000,
        commands: publicCommands,
      }),
      commandFeature(commands, cooldownMs(config.rules.cooldownSeconds)),
      forwardedReports(),
      concern.feature,
      ask.addressed,
    ],
    services,
    log,
  );

  outbox.kick();
  return {
    services,
    outbox,
    handle: (event) => activity.track(() => router.handle(event)),
    async stop() {
      await activity.idle();
      outbox.stop();
      await activity.idle();
      await pacer.stop();
      await store.close();
    },
  };
}
