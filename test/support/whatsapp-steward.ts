import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach } from '@jest/globals';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config/load.js';
import { Activity } from '../../src/core/activity.js';
import { SimulatedClock } from '../../src/core/clock.js';
import { seededRandom } from '../../src/core/random.js';
import type { InboundEvent } from '../../src/core/events.js';
import type { Logger } from '../../src/core/log.js';
import type { PersonAliases } from '../../src/core/services.js';
import { WhatsAppTransport, whatsappTimings, type ConnectionState } from '../../src/transports/whatsapp.js';
import type { AccountStop } from '../../src/transports/whatsapp-failures.js';
import type { FakeWhatsApp, SentMessage } from './fake-whatsapp.js';
import { capturingLogger, type LogLine } from './log-lines.js';

/**
 * The WhatsApp transport on the fake client and simulated time, alone or under the real app
 * wired as src/cli/start.ts wires it (the transport keeps its alias table in the app's store).
 * A steward can stop and start again on the same storage folder: a restart of the bot.
 */

export const START = new Date('2026-01-05T08:00:00Z');

export interface Stopped {
  stop: AccountStop;
  line: string;
  couldSend: boolean;
}

/** What the transport showed the world, whichever harness it runs in. */
export interface Watched {
  wa: FakeWhatsApp;
  clock: SimulatedClock;
  activity: Activity;
  log: Logger;
  /** The log lines at the harness's level ('error' unless asked for more). */
  lines: LogLine[];
  transport: WhatsAppTransport;
  states: ConnectionState[];
  qrs: string[];
  /** Each time WhatsApp stopped the account, and whether the bot could still send. */
  stopped: Stopped[];
  /** What failed inside a timer: a test expects none. */
  timerErrors: unknown[];
  /** Lets the transport's queue and the app finish what they can without time moving on. */
  settle(): Promise<void>;
}

/** The transport alone: every event it hands the core is collected. */
export interface TransportAlone extends Watched {
  events: InboundEvent[];
}

export interface Steward extends Watched {
  app: App;
  storageDir: string;
  /** Stops the bot and starts it again on the same storage, as a new process would. */
  restart(): Promise<Steward>;
}

export interface HarnessOptions {
  /** 'debug' keeps every log line for the test to read. */
  logLevel?: 'debug' | 'error';
  /** Told `stopped: <why>` when WhatsApp stops the account, as start.ts tells the operators. */
  operator?: string;
}

const running: Array<{ stop(): Promise<void> }> = [];
const folders: string[] = [];

afterEach(async () => {
  for (const h of running.splice(0)) await h.stop();
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

type Parts = Omit<Watched, 'transport'>;

function parts(wa: FakeWhatsApp, startAt: Date, options: HarnessOptions): Parts {
  const { log, lines } = capturingLogger(options.logLevel ?? 'error');
  const activity = new Activity();
  const timerErrors: unknown[] = [];
  const clock = new SimulatedClock(startAt, activity, (error) => timerErrors.push(error));
  return {
    wa,
    clock,
    activity,
    log,
    lines,
    states: [],
    qrs: [],
    stopped: [],
    timerErrors,
    async settle() {
      await activity.idle();
      await clock.advanceBy(0);
      await activity.idle();
    },
  };
}

function transportFor(p: Parts, options: HarnessOptions, aliases?: PersonAliases): WhatsAppTransport {
  return new WhatsAppTransport({
    createClient: p.wa.createClient,
    clock: p.clock,
    log: p.log,
    timings: whatsappTimings(loadConfig({}).config),
    aliases,
    onQr: (qr) => p.qrs.push(qr),
    onState: (state) => p.states.push(state),
    onAccountStopped: async (stop, line, send) => {
      p.stopped.push({ stop, line, couldSend: Boolean(send) });
      if (send && options.operator) await send(options.operator, `stopped: ${stop}`);
    },
  });
}

async function open(wa: FakeWhatsApp, storageDir: string, startAt: Date, options: HarnessOptions): Promise<Steward> {
  const p = parts(wa, startAt, options);
  const loaded = loadConfig({ BOT_STORAGE_DIR: storageDir });
  let transport: WhatsAppTransport | undefined;
  const app = await createApp({
    config: loaded.config,
    templates: loaded.templates,
    clock: p.clock,
    // Seeded, not constant: a constant would give every report of a day the same reference.
    random: seededRandom(1),
    log: p.log,
    activity: p.activity,
    deliver: (out) => transport!.send(out),
    chats: {
      deleteForEveryone: (chat, id) => transport!.deleteForEveryone(chat, id),
      leaveGroup: (chat) => transport!.leaveGroup(chat),
      approveJoinRequests: (chat, requesters) => transport!.approveJoinRequests(chat, requesters),
      sendTrouble: () => transport!.sendTrouble(),
    },
  });
  transport = transportFor(p, options, app.aliases);
  const entry = {
    async stop() {
      await transport!.stop();
      await app.stop();
    },
  };
  const steward: Steward = {
    ...p,
    app,
    transport,
    storageDir,
    async restart() {
      running.splice(running.indexOf(entry), 1);
      await entry.stop();
      return open(wa, storageDir, p.clock.now(), options);
    },
  };
  running.push(entry);
  await transport.start((event) => app.handle(event));
  return steward;
}

/** A bot on a fresh storage folder, started but not yet told 'ready'. */
export async function stewardOn(wa: FakeWhatsApp, options: HarnessOptions = {}): Promise<Steward> {
  const storageDir = await mkdtemp(path.join(tmpdir(), 'steward-wa-'));
  folders.push(storageDir);
  return open(wa, storageDir, START, options);
}

/** A bot already connected, with the groups WhatsApp has just reported. */
export async function connectedSteward(wa: FakeWhatsApp, options: HarnessOptions = {}): Promise<Steward> {
  const s = await stewardOn(wa, options);
  await connect(s);
  return s;
}

/** The transport alone, its alias table in memory; started (unless `start: false`), not yet 'ready'. */
export async function transportAlone(wa: FakeWhatsApp, options: HarnessOptions & { start?: boolean } = {}): Promise<TransportAlone> {
  const p = parts(wa, START, options);
  const h: TransportAlone = { ...p, events: [], transport: transportFor(p, options) };
  running.push(h.transport);
  if (options.start !== false) await h.transport.start(async (event) => void h.events.push(event));
  return h;
}

/** The transport alone, already connected. */
export async function connectedTransport(wa: FakeWhatsApp, options: HarnessOptions = {}): Promise<TransportAlone> {
  const h = await transportAlone(wa, options);
  await connect(h);
  return h;
}

/** The client built last says 'ready', and the bot finishes what follows. */
export async function connect(s: Watched): Promise<void> {
  s.wa.current.emitReady();
  await s.settle();
}

/** A disconnect, the back-off, and 'ready' on the new client. */
export async function reconnect(s: Watched): Promise<void> {
  s.wa.current.emitDisconnected('CONFLICT');
  await s.settle();
  await s.clock.advanceBy(5_000);
  await connect(s);
}

export const text = (m: SentMessage) => (typeof m.content === 'string' ? m.content : '');
