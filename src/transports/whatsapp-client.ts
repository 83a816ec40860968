import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import wweb from 'whatsapp-web.js';
import type { Client, ClientOptions as WebClientOptions } from 'whatsapp-web.js';
import type { Config } from '../config/schema.js';

// whatsapp-web.js is CommonJS: its named exports exist only on the default import under ESM.
const { Client: WebClient, LocalAuth } = wweb;

/** The part of whatsapp-web.js' Client the bot uses; tests pass a fake with the same types. */
export type WhatsAppClient = Pick<
  Client,
  | 'on'
  | 'initialize'
  | 'destroy'
  | 'sendMessage'
  | 'getChats'
  | 'getChatById'
  | 'getMessageById'
  | 'getContactLidAndPhone'
  | 'info'
  | 'getState'
  | 'getWWebVersion'
>;

/** What `browser_gone` names: puppeteer's browser 'disconnected', the page's 'error' (a renderer crash) or 'close'. */
export type BrowserGone = 'browser-disconnected' | 'page-crashed' | 'page-closed';

/** What whatsapp-web.js passes to puppeteer.launch; its own d.ts types it loosely, so it is spelt out here. */
export interface BrowserLaunchOptions {
  executablePath: string;
  headless: boolean;
  args: string[];
  /**
   * Off: puppeteer's own handlers would kill Chromium and end the process on a signal before the
   * bot has finished its writes. The bot owns its signals and closes the browser itself.
   */
  handleSIGINT: false;
  handleSIGTERM: false;
  handleSIGHUP: false;
}

/** Flags a headless Chromium on a small server needs, and a few that keep its memory down. */
export function browserOptions(config: Config): BrowserLaunchOptions {
  return {
    executablePath: config.whatsapp.chromiumPath,
    headless: config.whatsapp.headless,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
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

/**
 * Which WhatsApp Web to load. whatsapp-web.js looks a version up in its cache by name, so a cache
 * without `webVersion` never finds anything; the local cache still keeps each version it loads
 * (as <version>.html), which is what a later pin to that version finds.
 */
export function webVersionOptions(config: Config): Pick<WebClientOptions, 'webVersion' | 'webVersionCache'> {
  const { webVersion, webVersionCache, webVersionRemotePath } = config.whatsapp;
  const version = webVersion ? { webVersion } : {};
  // The config's check makes sure a remote cache has its address.
  if (webVersionCache === 'remote') return { ...version, webVersionCache: { type: 'remote', remotePath: webVersionRemotePath! } };
  if (webVersionCache === 'none') return { ...version, webVersionCache: { type: 'none' } };
  return { ...version, webVersionCache: { type: 'local', path: whatsappFolders(config).cache } };
}

/**
 * LocalAuth, and a look at the browser once whatsapp-web.js has launched it: the browser or its
 * page dying is told to the transport as `browser_gone`.
 */
function watchedLocalAuth(dataPath: string): InstanceType<typeof LocalAuth> {
  const auth = new LocalAuth({ dataPath });
  const afterBrowserInitialized = auth.afterBrowserInitialized.bind(auth);
  auth.afterBrowserInitialized = async () => {
    await afterBrowserInitialized();
    const client = (auth as unknown as { client: Client }).client;
    const browser = client.pupBrowser;
    const page = client.pupPage;
    // During the library's own restart after a failed login the old browser closes too; the
    // transport then builds a new client, which shows the QR code just the same.
    const gone = (what: BrowserGone) => () => {
      if (client.pupBrowser === browser) client.emit('browser_gone', what);
    };
    browser?.once('disconnected', gone('browser-disconnected'));
    page?.once('error', gone('page-crashed'));
    page?.once('close', gone('page-closed'));
  };
  return auth;
}

export function createWhatsAppClient(config: Config): WhatsAppClient {
  const folders = whatsappFolders(config);
  return new WebClient({
    authStrategy: watchedLocalAuth(folders.auth),
    ...webVersionOptions(config),
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
