import { afterEach } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { closeLogger, createLogger } from '../../src/services/logger.js';
import { createSimulation, type Simulation } from '../../src/cli/simulation.js';
import type { OutputLine, ScenarioLine } from '../../src/transports/simulator.js';
import { scenarioLine } from '../../src/transports/simulator.js';

export const BOT = '447700900999@c.us';
export const GROUP = '120363000000000001@g.us';
export const OTHER_GROUP = '120363000000000002@g.us';
export const ADMIN = '447700900001@c.us';
export const PARENT = '447700900002@c.us';
export const person = (n: number) => `4477009${String(n).padStart(5, '0')}@c.us`;
export const START = new Date('2026-01-05T08:00:00Z');

export interface TestBot {
  sim: Simulation;
  /** Everything the bot sent, in order. */
  out: OutputLine[];
  sends(): Extract<OutputLine, { type: 'send' }>[];
  storageDir: string;
  /** Feeds scenario lines exactly as the script runner does (a wait moves simulated time). */
  run(...lines: Array<Record<string, unknown>>): Promise<void>;
  /** Lets simulated time run on as at the end of a script. */
  settle(): Promise<void>;
  /** Sends since the last call. */
  take(): Extract<OutputLine, { type: 'send' }>[];
  close(): Promise<void>;
}

/**
 * A bot on the simulated WhatsApp with its storage in a fresh temporary folder. `config` is
 * written as the BOT_CONFIG file, so overrides pass through the same loading as in real use.
 */
export async function startBot(
  options: { config?: object; env?: Record<string, string>; storageDir?: string; /** Simulated time at start; START unless given. */ start?: Date } = {},
): Promise<TestBot> {
  const storageDir = options.storageDir ?? (await mkdtemp(path.join(tmpdir(), 'steward-test-')));
  const env: Record<string, string> = { BOT_STORAGE_DIR: storageDir, ...options.env };
  if (options.config) {
    const file = path.join(storageDir, 'test-config.json');
    await writeFile(file, JSON.stringify(options.config));
    env.BOT_CONFIG = file;
  }
  const log = createLogger({ level: 'warn', consoleLevel: 'silent', dir: storageDir });
  const out: OutputLine[] = [];
  let sim: Simulation;
  try {
    sim = await createSimulation({ loaded: loadConfig(env), log, start: options.start ?? START, seed: 1, output: (line) => out.push(line) });
  } catch (error) {
    await closeLogger(log);
    if (!options.storageDir) await rm(storageDir, { recursive: true, force: true });
    throw error;
  }
  let taken = 0;
  const sends = () => out.filter((l): l is Extract<OutputLine, { type: 'send' }> => l.type === 'send');
  return {
    sim,
    out,
    storageDir,
    sends,
    async run(...lines) {
      for (const raw of lines) {
        const line: ScenarioLine = scenarioLine.parse(raw);
        await sim.step(line);
      }
    },
    settle: () => sim.clock.runOn(10 * 60 * 1000),
    take() {
      const all = sends();
      const fresh = all.slice(taken);
      taken = all.length;
      return fresh;
    },
    async close() {
      await sim.finish();
      await closeLogger(log);
      if (!options.storageDir) await rm(storageDir, { recursive: true, force: true });
    },
  };
}

/** A group the bot is already in: `members` and `admins` as WhatsApp reports them. */
export function groupLine(members: string[] = [ADMIN, PARENT], admins: string[] = [ADMIN], chat = GROUP, name = 'Year 3 Parents') {
  return { type: 'group', chat, name, members: [...members, BOT], admins };
}

export function message(from: string, text: string, extra: Record<string, unknown> = {}) {
  return { type: 'message', chat: GROUP, from, text, ...extra };
}

/**
 * One bot at a time for a test file, closed after each test (once: a restart test closes it itself
 * before starting the next), and a storage folder of the test's own for a restart to reopen.
 */
export function botPerTest(label: string) {
  let current: TestBot | undefined;
  let dir: string | undefined;
  const close = async () => {
    const running = current;
    current = undefined;
    await running?.close();
  };
  afterEach(async () => {
    await close();
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });
  return {
    start: async (options: Parameters<typeof startBot>[0] = {}) => (current = await startBot(options)),
    close,
    ownStorage: async () => (dir = await mkdtemp(path.join(tmpdir(), `steward-${label}-`))),
  };
}
