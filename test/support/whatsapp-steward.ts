import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from '@jest/globals';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { Activity } from '../../src/core/activity.js';
import { SimulatedClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/services/logger.js';
import { WhatsAppTransport, whatsappTimings } from '../../src/transports/whatsapp.js';
import type { FakeWhatsApp, SentMessage } from './fake-whatsapp.js';

/**
 * The real app on the fake WhatsApp client and simulated time, wired as src/cli/start.ts wires
 * it (the transport keeps its alias table in the app's store). Unlike the harness inside
 * test/transports/whatsapp.test.ts, it can stop and start again on the same storage folder:
 * a restart of the bot.
 */

export const START = new Date('2026-01-05T08:00:00Z');

export interface Steward {
  wa: FakeWhatsApp;
  clock: SimulatedClock;
  app: App;
  transport: WhatsAppTransport;
  storageDir: string;
  /** What failed inside a timer: a test expects none. */
  timerErrors: unknown[];
  /** Lets the transport's queue and the app finish what they can without time moving on. */
  settle(): Promise<void>;
  /** Stops the bot and starts it again on the same storage, as a new process would. */
  restart(): Promise<Steward>;
}

const running: Steward[] = [];
const folders: string[] = [];

afterEach(async () => {
  for (const s of running.splice(0)) {
    await s.transport.stop();
    await s.app.stop();
  }
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function open(wa: FakeWhatsApp, storageDir: string, startAt: Date): Promise<Steward> {
  const activity = new Activity();
  const timerErrors: unknown[] = [];
  const clock = new SimulatedClock(startAt, activity, (error) => timerErrors.push(error));
  const log = createLogger({ level: 'error', consoleLevel: 'silent' });
  const loaded = loadConfig({ BOT_STORAGE_DIR: storageDir });
  let transport: WhatsAppTransport | undefined;
  const app = await createApp({
    config: loaded.config,
    templates: loaded.templates,
    clock,
    random: () => 0.5,
    log,
    activity,
    deliver: (out) => transport!.send(out),
    chats: {
      deleteForEveryone: (chat, id) => transport!.deleteForEveryone(chat, id),
      leaveGroup: (chat) => transport!.leaveGroup(chat),
      sendTrouble: () => transport!.sendTrouble(),
    },
  });
  transport = new WhatsAppTransport({
    createClient: wa.createClient,
    clock,
    log,
    timings: whatsappTimings(loaded.config),
    aliases: app.aliases,
  });
  const steward: Steward = {
    wa,
    clock,
    app,
    transport,
    storageDir,
    timerErrors,
    async settle() {
      await activity.idle();
      await clock.advanceBy(0);
      await activity.idle();
    },
    async restart() {
      running.splice(running.indexOf(steward), 1);
      await transport!.stop();
      await app.stop();
      return open(wa, storageDir, clock.now());
    },
  };
  running.push(steward);
  await transport.start((event) => app.handle(event));
  return steward;
}

/** A bot on a fresh storage folder, started but not yet told 'ready'. */
export async function stewardOn(wa: FakeWhatsApp): Promise<Steward> {
  const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-ids-'));
  folders.push(storageDir);
  return open(wa, storageDir, START);
}

/** The client built last says 'ready', and the bot finishes what follows. */
export async function connect(s: Steward): Promise<void> {
  s.wa.current.emitReady();
  await s.settle();
}

/** A disconnect, the back-off, and 'ready' on the new client. */
export async function reconnect(s: Steward): Promise<void> {
  s.wa.current.emitDisconnected('CONFLICT');
  await s.settle();
  await s.clock.advanceBy(5_000);
  await connect(s);
}

export const text = (m: SentMessage) => (typeof m.content === 'string' ? m.content : '');
