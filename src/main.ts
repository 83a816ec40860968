#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type LoadedConfig } from './config/load.js';
import { StorageError } from './services/durable-file.js';
import { closeLogger, createLogger } from './services/logger.js';
import { createPrivateFolder, logPrivacyCheck, makeStoragePrivate } from './services/private-files.js';

const usage = `Parent Group Steward

  npm start                                   link WhatsApp and run the bot
  npm run simulate                            try the bot in a simulated group, typing as parents
  npm run --silent simulate -- --script FILE  run a scenario file (JSON lines in, JSON lines out)
  npm run health                              is the running bot alive, connected, delivering reports?
  npm run reports                             list the reports in storage and how their delivery went
  npm run reports -- show R-YYMMDD-XXXX       one report's trail, with no content, even after it was deleted
  npm run reports -- retry R-YYMMDD-XXXX      queue a failed report again (with the bot stopped)
  npm run reports -- delete R-YYMMDD-XXXX     delete a delivered or failed report with every copy (bot stopped;
                                              --after-delivery: one still on its way, once it is delivered)
  npm run reports -- forget +447700900123     what !forget does, for a member who asks you (bot stopped)

Options for simulate: --seed N (send jitter), --start ISO-TIME (simulated start time)`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function load(): LoadedConfig {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`Configuration problem, the bot did not start:\n${error.message}`);
    throw error;
  }
}

async function simulate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { script: { type: 'string' }, seed: { type: 'string' }, start: { type: 'string' } },
    allowPositionals: false,
  });
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed)) fail('--seed takes a whole number', 2);
  const start = values.start ? new Date(values.start) : new Date(Math.floor(Date.now() / 1000) * 1000);
  if (Number.isNaN(start.getTime())) fail('--start takes a time such as 2026-01-05T08:00:00Z', 2);

  const loaded = load();
  // The simulator keeps its groups, reports and logs in the same storage as the bot.
  await createPrivateFolder(loaded.config.storage.dir);
  const privacy = await makeStoragePrivate(loaded.config.storage.dir);
  const log = createLogger({ level: loaded.config.log.level, dir: loaded.config.storage.dir, keepDays: loaded.config.log.keepDays, consoleLevel: 'warn' });
  logPrivacyCheck(privacy, log);

  if (values.script === undefined) {
    const { runInteractive } = await import('./cli/interactive.js');
    await runInteractive({ loaded, log, start, seed });
    await closeLogger(log);
    return;
  }
  let script: string;
  try {
    script = values.script === '-' ? await readStdin() : await readFile(values.script, 'utf8');
  } catch (error) {
    fail(`cannot read ${values.script} (${(error as NodeJS.ErrnoException).code ?? 'error'})`, 2);
  }
  const { runScenario } = await import('./cli/script.js');
  const result = await runScenario(script, {
    loaded,
    log,
    start,
    seed,
    output: (line) => process.stdout.write(`${JSON.stringify(line)}\n`),
  });
  await closeLogger(log);
  if (result.error) {
    process.stderr.write(`${result.error}\n`);
    process.exitCode = 2;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<void> {
  // Each file the bot writes itself is created 0600 whatever the umask; this covers what it does
  // not write itself: Chromium's WhatsApp session (the key to the bot's account) inherits it.
  process.umask(0o077);
  const [command, ...rest] = argv;
  switch (command) {
    case 'simulate':
      return simulate(rest);
    case 'reports': {
      const { reportsCommand } = await import('./cli/reports.js');
      const loaded = load();
      // Only these write; the list and show stay read-only, safe beside a running bot.
      if (['retry', 'delete', 'forget'].includes(rest[0] ?? '')) await makeStoragePrivate(loaded.config.storage.dir);
      return reportsCommand(loaded, rest);
    }
    case 'start': {
      const { runWhatsApp } = await import('./cli/start.js');
      return runWhatsApp(load());
    }
    case 'health': {
      const { checkHealth } = await import('./services/health.js');
      const result = await checkHealth(load().config.storage.dir);
      process.stdout.write(`${result.line}\n`);
      process.exitCode = result.healthy ? 0 : 1;
      return;
    }
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(`${usage}\n`);
      return;
    default:
      fail(`unknown command "${command}"\n\n${usage}`, 2);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // A problem a person can fix is said plainly; only a real bug gets a stack trace.
  if (error instanceof StorageError) {
    process.stderr.write(`Storage problem, the bot did not start: ${error.message}\n`);
  } else {
    process.stderr.write(`The bot stopped on an unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  process.exit(1);
});
