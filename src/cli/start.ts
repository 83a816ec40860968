import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createApp } from '../app.js';
import type { LoadedConfig } from '../config/load.js';
import { SystemClock } from '../core/clock.js';
import { errorCode, type Logger } from '../core/log.js';
import { Heartbeat } from '../services/health.js';
import { closeLogger, createLogger } from '../services/logger.js';
import { WhatsAppTransport, whatsappTimings } from '../transports/whatsapp.js';
import { clearStaleBrowserLocks, createWhatsAppClient, whatsappFolders } from '../transports/whatsapp-client.js';

async function showQr(qr: string, file: string, log: Logger): Promise<void> {
  // Loaded here, not at the top: a bot that is already linked never shows a QR code, so it never pays for them.
  const [{ default: qrcodeTerminal }, { default: qrcode }] = await Promise.all([import('qrcode-terminal'), import('qrcode')]);
  process.stdout.write('\nLink this bot: on the bot\'s phone open WhatsApp → Settings → Linked devices → Link a device, and scan:\n');
  qrcodeTerminal.generate(qr, { small: true }, (art) => process.stdout.write(`${art}\n`));
  try {
    await qrcode.toFile(file, qr, { width: 400 });
    log.info(`The QR code is also saved as ${file} (it changes every minute)`);
  } catch (error) {
    log.warn('could not save the QR code as a picture', { code: errorCode(error) });
  }
}

/** `npm start`: the bot on a real WhatsApp number, until SIGTERM or SIGINT. */
export async function runWhatsApp(loaded: LoadedConfig): Promise<void> {
  const { config } = loaded;
  const log = createLogger({ level: config.log.level, dir: config.storage.dir });
  const clock = new SystemClock((error) => log.error('timer failed', { code: errorCode(error) }));
  let transport: WhatsAppTransport | undefined;
  const app = await createApp({
    config,
    templates: loaded.templates,
    clock,
    random: Math.random,
    log,
    deliver: (out) => transport!.send(out),
    chats: {
      deleteForEveryone: (chat, id) => transport!.deleteForEveryone(chat, id),
      leaveGroup: (chat) => transport!.leaveGroup(chat),
    },
  });
  const heartbeat = new Heartbeat(config.storage.dir, clock, app.outbox);
  const qrFile = path.join(config.storage.dir, 'whatsapp-qr.png');
  transport = new WhatsAppTransport({
    createClient: () => createWhatsAppClient(config),
    clock,
    log,
    timings: whatsappTimings(config),
    onQr: (qr) => void showQr(qr, qrFile, log).catch((error: unknown) => log.error('could not show the QR code', { code: errorCode(error) })),
    onState: (state) => {
      heartbeat.setWhatsApp(state);
      if (state === 'connected') void rm(qrFile, { force: true });
    },
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing pending work and closing the browser`);
    heartbeat.stop();
    await transport!.stop();
    await app.stop();
    await closeLogger(log);
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  log.info(`Parent Group Steward starting; storage in ${config.storage.dir}`);
  heartbeat.start();
  await clearStaleBrowserLocks(whatsappFolders(config).profile);
  try {
    await transport.start((event) => app.handle(event));
  } catch (error) {
    // Only a setup problem (no browser) ends here: network trouble is retried inside the transport.
    stopping = true;
    heartbeat.stop();
    await app.stop();
    await closeLogger(log);
    process.exitCode = 1;
    if ((error as { code?: string }).code !== 'ENOBROWSER') throw error;
  }
}
