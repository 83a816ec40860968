import path from 'node:path';
import { createApp } from '../app.js';
import { QrPicture } from './qr-picture.js';
import type { LoadedConfig } from '../config/load.js';
import { fill, type Templates } from '../config/templates.js';
import { SystemClock } from '../core/clock.js';
import type { ChatActions } from '../core/events.js';
import type { ChatId, GroupId, PersonId } from '../core/ids.js';
import { errorCode, type Logger } from '../core/log.js';
import { startConsole, type RunningConsole } from '../services/console-server.js';
import { Heartbeat } from '../services/health.js';
import { closeLogger, createLogger } from '../services/logger.js';
import { createPrivateFolder, logPrivacyCheck, makeStoragePrivate } from '../services/private-files.js';
import { WhatsAppTransport, whatsappTimings } from '../transports/whatsapp.js';
import type { AccountStop } from '../transports/whatsapp-failures.js';
import { clearStaleBrowserLocks, createWhatsAppClient, whatsappFolders } from '../transports/whatsapp-client.js';

function showQrInTerminal(qr: string): Promise<void> {
  return import('qrcode-terminal').then(({ default: qrcodeTerminal }) => {
    process.stdout.write('\nLink this bot: on the bot\'s phone open WhatsApp → Settings → Linked devices → Link a device, and scan:\n');
    qrcodeTerminal.generate(qr, { small: true }, (art) => process.stdout.write(`${art}\n`));
  });
}

/** How long a shutdown may take before the process ends regardless (docker stop -t 30 leaves room for it). */
const SHUTDOWN_LIMIT_MS = 25_000;

/**
 * The bot's own handling of signals and stray rejections (puppeteer's is switched off in
 * browserOptions): a signal finishes the current write and closes Chromium, a second one while
 * that runs does not cut it short, and a rejection nobody handled does not end the process.
 */
export function ownProcessEvents(
  proc: Pick<NodeJS.EventEmitter, 'on'>,
  handlers: { shutdown: (signal: string) => void; strayRejection: (reason: unknown) => void },
): void {
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) proc.on(signal, () => handlers.shutdown(signal));
  proc.on('unhandledRejection', (reason: unknown) => handlers.strayRejection(reason));
}

/** Tells each operator why the bot stopped, through the old client while it can still send. Resolves to how many were told. */
export async function tellOperatorsStopped(
  stop: AccountStop,
  send: (chat: ChatId, text: string) => Promise<boolean>,
  operators: PersonId[],
  templates: Templates,
): Promise<number> {
  const text =
    stop === 'DEPRECATED_VERSION' ? templates.operatorWhatsAppOutdated : fill(templates.operatorWhatsAppBlocked, { reason: stop });
  let told = 0;
  for (const operator of operators) if (await send(operator, text)) told += 1;
  return told;
}

/** `npm start`: the bot on a real WhatsApp number, until SIGTERM, SIGINT or SIGHUP. */
export async function runWhatsApp(loaded: LoadedConfig): Promise<void> {
  const { config } = loaded;
  // Before the first file is written (the logs): all of it readable by the bot's user only.
  await createPrivateFolder(config.storage.dir);
  const privacy = await makeStoragePrivate(config.storage.dir);
  const log = createLogger({ level: config.log.level, dir: config.storage.dir, keepDays: config.log.keepDays });
  logPrivacyCheck(privacy, log);
  const clock = new SystemClock((error) => log.error('timer failed', { code: errorCode(error) }));
  let transport: WhatsAppTransport | undefined;
  const chats: ChatActions = {
    deleteForEveryone: (chat: ChatId, id: string) => transport!.deleteForEveryone(chat, id),
    leaveGroup: (chat: GroupId) => transport!.leaveGroup(chat),
    approveJoinRequests: (chat: GroupId, requesters: readonly PersonId[]) => transport!.approveJoinRequests(chat, requesters),
    sendTrouble: () => transport?.sendTrouble(),
  };
  const app = await createApp({
    config,
    templates: loaded.templates,
    languages: loaded.languages,
    clock,
    random: Math.random,
    log,
    deliver: (out) => transport!.send(out),
    chats,
  });
  const heartbeat = new Heartbeat(config.storage.dir, clock, app.outbox);
  const qrPicture = new QrPicture(path.join(config.storage.dir, 'whatsapp-qr.png'), log);
  transport = new WhatsAppTransport({
    createClient: () => createWhatsAppClient(config),
    clock,
    log,
    timings: whatsappTimings(config),
    aliases: app.aliases,
    webVersion: config.whatsapp.webVersion,
    onAccountStopped: async (stop, _line, send) => {
      // The transport has written the line to the terminal; the operators hear it if WhatsApp still lets the bot send.
      const told = send ? await tellOperatorsStopped(stop, send, config.bot.operator, loaded.templates) : 0;
      log.info('operators told the bot has stopped', { told, of: config.bot.operator.length });
      void shutdown(`WhatsApp ${stop}`, 1);
    },
    onQr: (qr) => {
      void showQrInTerminal(qr).catch((error: unknown) => log.error('could not show the QR code', { code: errorCode(error) }));
      void qrPicture.show(qr);
    },
    onState: (state) => {
      heartbeat.setWhatsApp(state);
      app.connection.set(state);
      if (state === 'connected') void qrPicture.linked().catch((error: unknown) => log.warn('could not delete the QR picture', { code: errorCode(error) }));
    },
  });

  // After the app, before WhatsApp: the page shows the first QR code as soon as WhatsApp sends it.
  const statusPage: RunningConsole | undefined = await startConsole({
    services: app.services,
    connection: app.connection,
    status: () => app.status(),
    qr: qrPicture,
  });
  if (statusPage) {
    // To the terminal only, once: the log files never hold the token.
    process.stdout.write(
      `\nStatus page (and the QR code while linking): ${statusPage.url}\n` +
        'Keep this link to yourself: it opens the page, and stays the same after a restart.\n\n',
    );
  }

  let stopping = false;
  async function shutdown(why: string, exitCode = 0): Promise<void> {
    if (stopping) {
      log.info(`${why}: already finishing pending work`);
      return;
    }
    stopping = true;
    log.info(`${why}: finishing pending work and closing the browser`);
    // A browser that will not close must not keep the process up past docker's SIGKILL anyway.
    setTimeout(() => process.exit(exitCode || 1), SHUTDOWN_LIMIT_MS).unref();
    heartbeat.stop();
    await statusPage?.close();
    await transport!.stop();
    await app.stop();
    await closeLogger(log);
    process.exit(exitCode);
  }
  ownProcessEvents(process, {
    shutdown: (signal) => void shutdown(signal),
    strayRejection: (reason) => {
      // whatsapp-web.js leaves some of its promises unawaited (a destroy() after a disconnect, its
      // page callbacks): one failing means its client is in an unknown state, not that the bot must end.
      log.error('stray rejection; rebuilding the WhatsApp client', { code: errorCode(reason) });
      transport?.restart(`A stray error from WhatsApp Web (${errorCode(reason)}).`);
    },
  });

  log.info(`Parent Group Steward starting; storage in ${config.storage.dir}`);
  heartbeat.start();
  await clearStaleBrowserLocks(whatsappFolders(config).profile);
  try {
    await transport.start((event) => app.handle(event));
  } catch (error) {
    // Only a setup problem (no browser) ends here: network trouble is retried inside the transport.
    stopping = true;
    heartbeat.stop();
    await statusPage?.close();
    await app.stop();
    await closeLogger(log);
    process.exitCode = 1;
    if ((error as { code?: string }).code !== 'ENOBROWSER') throw error;
  }
}
