import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import qrcode from 'qrcode';
import qrcodeTerminal from 'qrcode-terminal';
import wweb from 'whatsapp-web.js';
import { createApp } from '../app.js';
import type { LoadedConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { SystemClock } from '../core/clock.js';
import { errorCode } from '../core/log.js';
import { Heartbeat } from '../services/health.js';
import type { Logger } from '../core/log.js';
import { closeLogger, createLogger } from '../services/logger.js';
import { WhatsAppTransport, type WhatsAppClient } from '../transports/whatsapp.js';

// whatsapp-web.js is CommonJS: its named exports exist only on the default import under ESM.
const { Client, LocalAuth } = wweb;

/** What whatsapp-web.js passes to puppeteer.launch; its own d.ts types it loosely, so it is spelt out here. */
export interface BrowserLaunchOptions {
  executablePath: string;
  headless: boolean;
  args: string[];
}

/** Flags a headless Chromium on a small server needs, and a few that keep its memory down. */
export function browserOptions(config: Config): BrowserLaunchOptions {
  return {
    executablePath: config.whatsapp.chromiumPath,
    headless: config.whatsapp.headless,
    args: [
      '--no-sandbox',
      '--disable-setuid-sandbox',
      '--disable-dev-shm-usage',
      '--disable-gpu',
      '--no-first-run',
      '--no-default-browser-check',
      '--disable-extensions',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--mute-audio',
      '--renderer-process-limit=1',
      '--js-flags=--max-old-space-size=256',
    ],
  };
}

export function whatsappFolders(config: Config) {
  const auth = path.join(config.storage.dir, 'whatsapp');
  return { auth, profile: path.join(auth, 'session'), cache: path.join(config.storage.dir, 'whatsapp-cache') };
}

export function createWhatsAppClient(config: Config): WhatsAppClient {
  const folders = whatsappFolders(config);
  return new Client({
    authStrategy: new LocalAuth({ dataPath: folders.auth }),
    webVersionCache: { type: 'local', path: folders.cache },
    puppeteer: browserOptions(config) as never,
  });
}

/**
 * A crash leaves Chromium's "profile in use" files behind, and the next start then fails. We hold
 * the storage lock, so no other bot is using this profile: the files are leftovers.
 */
export async function clearStaleBrowserLocks(profile: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(profile);
  } catch {
    return;
  }
  for (const name of names) if (name.startsWith('Singleton')) await rm(path.join(profile, name), { force: true });
}

function showQr(qr: string, file: string, log: Logger): void {
  process.stdout.write('\nLink this bot: on the bot\'s phone open WhatsApp → Settings → Linked devices → Link a device, and scan:\n');
  qrcodeTerminal.generate(qr, { small: true }, (art) => process.stdout.write(`${art}\n`));
  qrcode.toFile(file, qr, { width: 400 }).then(
    () => log.info(`The QR code is also saved as ${file} (it changes every minute)`),
    (error: unknown) => log.warn('could not save the QR code as a picture', { code: errorCode(error) }),
  );
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
  });
  const heartbeat = new Heartbeat(config.storage.dir, clock, app.outbox);
  const qrFile = path.join(config.storage.dir, 'whatsapp-qr.png');
  transport = new WhatsAppTransport({
    createClient: () => createWhatsAppClient(config),
    clock,
    log,
    onQr: (qr) => showQr(qr, qrFile, log),
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
