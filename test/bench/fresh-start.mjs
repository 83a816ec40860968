// Not a section of its own: memory.mjs runs this in a fresh Node process, a few times over, to
// measure the bot's memory as it starts, the way `npm start` starts it (no language model, no
// SMTP). It imports nothing of the benchmark's, so that only the bot's own modules count; the
// figures go to stdout as one JSON line.
//
// Stages, in the order a real start goes through them:
//   node      the bare Node process with this script loaded (the floor no bot can go under)
//   app       config loaded from the environment, the file logger made, createApp on the system
//             clock: the bot ready for its first event
//   whatsapp  the modules of the WhatsApp front end also loaded (whatsapp-web.js, puppeteer,
//             qrcode), as `npm start` has them before it launches Chromium. Chromium runs in
//             processes of its own and is not counted.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const DIST = process.argv[2];
const storageDir = process.env.BOT_STORAGE_DIR;
if (!DIST || !storageDir) throw new Error('usage: BOT_STORAGE_DIR=… node --expose-gc fresh-start.mjs DIST');
const dist = (relative) => import(pathToFileURL(path.join(DIST, relative)).href);

const mb = (bytes) => Math.round((bytes / 1024 / 1024) * 10) / 10;
// Lets the app's start-up work (the outbox's first look at storage, log file opening) finish.
const settle = () => new Promise((resolve) => setTimeout(resolve, 200));
async function measure() {
  const raw = process.memoryUsage();
  for (let i = 0; i < 3; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const collected = process.memoryUsage();
  return { rssMb: mb(raw.rss), rssMbAfterGc: mb(collected.rss), heapUsedMbAfterGc: mb(collected.heapUsed) };
}

const stages = { node: await measure() };

const [{ createApp }, { loadConfig }, { createLogger, closeLogger }, { SystemClock }] = await Promise.all([
  dist('app.js'),
  dist('config/load.js'),
  dist('services/logger.js'),
  dist('core/clock.js'),
]);
const loaded = loadConfig(process.env);
const { config } = loaded;
const log = createLogger({ level: config.log.level, dir: config.storage.dir });
const clock = new SystemClock(() => {});
const app = await createApp({
  config,
  templates: loaded.templates,
  clock,
  random: Math.random,
  log,
  deliver: async () => {},
  chats: { deleteForEveryone: async () => {}, leaveGroup: async () => {}, sendTrouble: () => undefined },
});
await settle();
stages.app = await measure();
stages.app.model = Boolean(app.services.model);
stages.app.mailMode = app.services.mailMode;

try {
  await dist('cli/start.js');
  await settle();
  stages.whatsapp = await measure();
} catch (error) {
  stages.whatsapp = { error: String(error?.code ?? error?.message ?? error) };
}

await app.stop();
await closeLogger(log);
await rm(storageDir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(stages)}\n`);
// The app's own timers (the outbox's retry, the logger's rotation) must not keep the measurement waiting.
process.exit(0);
