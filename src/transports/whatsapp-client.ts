import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import wweb from 'whatsapp-web.js';
import type { Client } from 'whatsapp-web.js';
import type { Config } from '../config/schema.js';

// whatsapp-web.js is CommonJS: its named exports exist only on the default import under ESM.
const { Client: WebClient, LocalAuth } = wweb;

/** The part of whatsapp-web.js' Client the bot uses; tests pass a fake with the same types. */
export type WhatsAppClient = Pick<
  Client,
  'on' | 'initialize' | 'destroy' | 'sendMessage' | 'getChats' | 'getChatById' | 'getMessageById' | 'getContactLidAndPhone' | 'info'
>;

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
  return new WebClient({
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
