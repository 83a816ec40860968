import type { LoadedConfig } from '../config/load.js';
import type { Logger } from '../core/log.js';
import { createSimulation, type Simulation } from './simulation.js';
import { scenarioLine, type OutputLine, type ScenarioLine } from '../transports/simulator.js';

export interface ScriptResult {
  linesRun: number;
  /** One line naming the scenario line at fault, when there was one. */
  error?: string;
}

export function parseScenarioLine(raw: string): ScenarioLine | { problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { problem: 'not valid JSON' };
  }
  const parsed = scenarioLine.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.path.length === 0 || issue.path[0] === 'type') return { problem: 'not a known event (no such "type")' };
  return { problem: `not a known event: "${issue.path.join('.')}" ${issue.message}` };
}

/**
 * Runs a scenario, one line at a time, each to completion before the next. A bad line stops
 * the reading there; what came before it is finished as at a normal end, so nothing is lost.
 */
export async function runScript(text: string, sim: Simulation): Promise<ScriptResult> {
  let linesRun = 0;
  let error: string | undefined;
  // Some editors start a file with a byte-order mark; it is not part of the first line.
  for (const [index, raw] of text.replace(/^\uFEFF/, '').split(/\r?\n/).entries()) {
    if (!raw.trim()) continue;
    const line = parseScenarioLine(raw);
    if ('problem' in line) {
      error = `line ${index + 1}: ${line.problem}`;
      break;
    }
    await sim.step(line);
    linesRun += 1;
  }
  await sim.finish();
  return { linesRun, error };
}

export interface ScenarioOptions {
  loaded: LoadedConfig;
  log: Logger;
  /** Simulated time of the first line. */
  start: Date;
  /** Seed of the send jitter and of report references. */
  seed: number;
  /** Sees each output line the moment the bot produces it (the CLI prints it then, so a killed run has said what it did). */
  output?: (line: OutputLine) => void;
}

export interface ScenarioResult extends ScriptResult {
  /** Every output line, in the order the bot produced it: what script mode prints on stdout. */
  lines: OutputLine[];
}

/**
 * A scenario text run in this process, as `simulate --script` runs it: the lines it would print,
 * and in `error` the one line it would print on stderr before exiting 2. Storage problems
 * (a folder in use, a damaged database) are thrown, as the CLI throws them.
 */
export async function runScenario(text: string, options: ScenarioOptions): Promise<ScenarioResult> {
  const { output, ...simulation } = options;
  const lines: OutputLine[] = [];
  const sim = await createSimulation({
    ...simulation,
    output: (line) => {
      lines.push(line);
      output?.(line);
    },
  });
  const result = await runScript(text, sim);
  return { ...result, lines };
}
