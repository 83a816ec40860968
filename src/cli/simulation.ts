import { createApp, type App } from '../app.js';
import type { LoadedConfig } from '../config/load.js';
import { Activity } from '../core/activity.js';
import { SimulatedClock } from '../core/clock.js';
import { seededRandom } from '../core/random.js';
import { errorCode, type Logger } from '../core/log.js';
import { SimulatorTransport, type OutputLine, type ScenarioLine } from '../transports/simulator.js';

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
  /** Feeds one scenario line and waits until the bot has done all it can without time moving on. */
  step(line: ScenarioLine): Promise<void>;
  /** Lets simulated time run on until the bot has nothing due in the next 10 minutes, then stops it. */
  finish(): Promise<void>;
}

/** How far ahead the end of a script looks for timers still due, as the contract says. */
const RUN_ON_HORIZON_MS = 10 * 60 * 1000;

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
    languages: loaded.languages,
    clock,
    random: seededRandom(options.seed),
    log,
    activity,
    deliver: (out) => transport.send(out),
    chats: transport,
  });
  // Every email the mail transport accepted is an output line, as the scenario format says.
  app.reports.events.on('delivered', (report, email) =>
    options.output({ type: 'email', at: clock.now().toISOString(), to: email.accepted, subject: email.subject, reportId: report.id }),
  );
  await transport.start((event) => app.handle(event));
  // The simulated WhatsApp has no link to make or lose: it is connected once it has started.
  app.connection.set('connected');
  let listed = false;
  return {
    app,
    clock,
    transport,
    activity,
    async step(line) {
      // The groups declared before anything else happens are those the bot was in when linked.
      if (!listed && line.type !== 'group') {
        listed = true;
        await app.handle({ kind: 'listed', at: clock.now() });
      }
      if (line.type === 'wait') await clock.advanceBy(line.seconds * 1000);
      else await transport.feed(line);
      // Work due at this very instant (a send with no gap to wait, a new report) happens now.
      await clock.advanceBy(0);
    },
    async finish() {
      await clock.runOn(RUN_ON_HORIZON_MS);
      await app.stop();
      await transport.stop();
    },
  };
}
