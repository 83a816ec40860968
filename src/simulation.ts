import { createApp, type App } from './app.js';
import type { LoadedConfig } from './config/load.js';
import { Activity } from './core/activity.js';
import { SimulatedClock } from './core/clock.js';
import { seededRandom } from './core/random.js';
import { errorCode } from './core/router.js';
import type { Logger } from './services/logger.js';
import { SimulatorTransport, type OutputLine } from './transports/simulator.js';

export interface SimulationOptions {
  loaded: LoadedConfig;
  log: Logger;
  start: Date;
  seed: number;
  output: (line: OutputLine) => void;
}

export interface Simulation {
  app: App;
  clock: SimulatedClock;
  transport: SimulatorTransport;
  activity: Activity;
  /** Lets simulated time run on until the bot has nothing due in the next 10 minutes, then stops it. */
  finish(): Promise<void>;
}

/** How far ahead the end of a script looks for timers still due, as the contract says. */
export const RUN_ON_HORIZON_MS = 10 * 60 * 1000;

/** The bot wired to the simulated WhatsApp on simulated time: the same app as in real mode. */
export async function createSimulation(options: SimulationOptions): Promise<Simulation> {
  const { loaded, log } = options;
  const activity = new Activity();
  const clock = new SimulatedClock(options.start, activity, (error) =>
    log.error('timer failed', { code: errorCode(error) }),
  );
  const transport = new SimulatorTransport(() => clock.now(), options.output);
  const app = await createApp({
    config: loaded.config,
    templates: loaded.templates,
    clock,
    random: seededRandom(options.seed),
    log,
    activity,
    deliver: (out) => transport.send(out),
  });
  await transport.start((event) => app.handle(event));
  return {
    app,
    clock,
    transport,
    activity,
    async finish() {
      await clock.runOn(RUN_ON_HORIZON_MS);
      await app.stop();
      await transport.stop();
    },
  };
}
