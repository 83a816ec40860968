// Shared helpers for the benchmark sections. Plain ESM: it runs the compiled bot in dist/, so the
// benchmark needs no TypeScript runner. BENCH_DIST points it at another build (default ../../dist).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(HERE, '..', '..');
export const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.join(ROOT, 'dist');

/** Imports a compiled module from dist/, e.g. dist('core/clock.js'). */
export function dist(relative) {
  return import(pathToFileURL(path.join(DIST, relative)).href);
}

export const START = new Date('2026-01-05T08:00:00Z');
export const BOT = '447700900999@c.us';
export const GROUPS = 20;
export const MEMBERS = 30;

export const groupId = (g) => `1203630000000${String(g + 1).padStart(5, '0')}@g.us`;
export const memberId = (g, m) => `4477${String(g + 1).padStart(2, '0')}${String(m).padStart(5, '0')}@c.us`;
export const adminId = (g) => memberId(g, 0);

/** The shipped defaults from config/, with storage in `storageDir` and any `override` merged in (as BOT_CONFIG). */
export async function loadBenchConfig(storageDir, override) {
  const { loadConfig } = await dist('config/load.js');
  // A clean environment: a developer's SMTP_URL or OPENAI_API_KEY must not change what is measured.
  const env = { BOT_STORAGE_DIR: storageDir };
  if (override) {
    const file = path.join(storageDir, 'bench-config.json');
    await writeFile(file, JSON.stringify(override));
    env.BOT_CONFIG = file;
  }
  return loadConfig(env);
}

export async function tempDir(label) {
  return mkdtemp(path.join(os.tmpdir(), `steward-bench-${label}-`));
}

/**
 * The bot as it runs for real (createApp, the shipped config, file logging, storage on a real
 * folder), on a simulated clock, with the transport replaced by one in memory that records sends.
 */
export async function startBot({ label = 'bot', override, logLevel } = {}) {
  const [{ createApp }, { SimulatedClock }, { Activity }, { seededRandom }, { createLogger, closeLogger }] = await Promise.all([
    dist('app.js'),
    dist('core/clock.js'),
    dist('core/activity.js'),
    dist('core/random.js'),
    dist('services/logger.js'),
  ]);
  const storageDir = await tempDir(label);
  const loaded = await loadBenchConfig(storageDir, override);
  // As in production: log lines go to rotating files in the storage folder (stderr is the table's).
  const log = createLogger({ level: logLevel ?? loaded.config.log.level, consoleLevel: 'silent', dir: storageDir });
  const activity = new Activity();
  const timerErrors = [];
  const clock = new SimulatedClock(START, activity, (error) => timerErrors.push(error));
  const transport = {
    sends: 0,
    bytes: 0,
    groupSends: 0,
    groupChars: 0,
    last: undefined,
    deliveredAt: [],
    keepTimes: false,
    async send(out) {
      this.sends += 1;
      this.bytes += out.text.length;
      if (out.chat.endsWith('@g.us')) {
        this.groupSends += 1;
        this.groupChars += out.text.length;
      }
      this.last = out;
      if (this.keepTimes) this.deliveredAt.push({ at: clock.now().getTime(), real: performance.now(), out });
    },
  };
  const app = await createApp({
    config: loaded.config,
    templates: loaded.templates,
    clock,
    random: seededRandom(1),
    log,
    activity,
    deliver: (out) => transport.send(out),
    // Nothing in the measured mixes deletes a message or leaves a group.
    chats: { deleteForEveryone: async () => {}, leaveGroup: async () => {}, sendTrouble: () => undefined },
  });
  return {
    app,
    clock,
    activity,
    transport,
    config: loaded.config,
    templates: loaded.templates,
    log,
    storageDir,
    timerErrors,
    async close() {
      await clock.runOn(10 * 60 * 1000);
      await app.stop();
      await closeLogger(log);
      await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** The groups the bot is in, as WhatsApp reports them when it connects. */
export async function setUpGroups(bot, groups = GROUPS, members = MEMBERS) {
  for (let g = 0; g < groups; g++) {
    const people = Array.from({ length: members }, (_, m) => memberId(g, m));
    await bot.app.handle({
      kind: 'group',
      chat: groupId(g),
      name: `Year ${g + 1} Parents`,
      members: [...people, BOT],
      admins: [adminId(g)],
      at: bot.clock.now(),
    });
  }
  await bot.clock.advanceBy(0);
}

let messageSeq = 0;
/** A message event as the WhatsApp transport builds it (its id carries the chat and the author, as WhatsApp's do). */
export function messageEvent(clock, chat, from, text, extra = {}) {
  messageSeq += 1;
  return {
    kind: 'message',
    chat,
    from,
    senderName: 'Parent',
    id: `false_${chat}_3EB0${messageSeq.toString(16).toUpperCase().padStart(16, '0')}_${from}`,
    text,
    forwarded: false,
    mentions: [],
    at: clock.now(),
    ...extra,
  };
}

export function readJsonl(file) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

/** Percentile of a sorted array (nearest rank). */
export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const round = (x, digits = 1) => (Number.isFinite(x) ? Math.round(x * 10 ** digits) / 10 ** digits : null);

export async function fullGc() {
  if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export const mb = (bytes) => round(bytes / 1024 / 1024, 1);

/** Prints a section's result as the one line on stdout the runner reads. */
export function emit(result) {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

export function progress(text) {
  if (process.env.BENCH_QUIET !== '1') process.stderr.write(`  … ${text}\n`);
}
