import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { Report } from '../core/report.js';
import { formatUkTime } from '../services/report-email.js';
import { DurableJsonFile } from '../services/durable-file.js';
import { SystemClock } from '../core/clock.js';
import { closeLogger, createLogger } from '../services/logger.js';
import { Reports } from '../services/reports.js';
import { Store, type StoreData } from '../services/store.js';

function line(report: Report): string {
  const d = report.delivery;
  const state = d.state === 'queued' && d.lastError ? `queued, last error ${d.lastError}` : d.state;
  const where = report.group?.name || (report.kind === 'forward' ? 'forwarded privately' : '-');
  return `${report.id}  ${formatUkTime(report.createdAt)}  ${report.kind}${report.urgent ? ' URGENT' : ''}  ${where}  ${state}, ${d.attempts} attempt(s)`;
}

/**
 * `npm run reports` lists the reports in storage (read-only, safe while the bot runs);
 * `npm run reports -- retry R-…` puts a failed report back in the queue (with the bot stopped).
 */
export async function reportsCommand(loaded: LoadedConfig, args: string[]): Promise<void> {
  const dir = loaded.config.storage.dir;
  if (args[0] === 'retry') {
    const reference = args[1]?.toUpperCase();
    if (!reference) {
      process.stderr.write('usage: npm run reports -- retry R-YYMMDD-XXXX\n');
      process.exitCode = 2;
      return;
    }
    const store = await Store.open(dir);
    const log = createLogger({ level: 'warn' });
    try {
      // The same service the bot uses, so a report is queued again exactly as the bot would.
      const reports = new Reports(store, new SystemClock(() => undefined), Math.random, loaded.config, log);
      const report = reports.report(reference);
      if (!report) return void process.stdout.write(`No report ${reference} in ${dir}.\n`);
      await reports.requeue(report);
      process.stdout.write(`${reference} is queued again; it is sent when the bot next runs.\n`);
    } finally {
      await store.close();
      await closeLogger(log);
    }
    return;
  }
  const data = await new DurableJsonFile<StoreData>(path.join(dir, 'db.json')).read();
  const reports = data?.reports ?? [];
  if (!reports.length) return void process.stdout.write(`No reports in ${dir}.\n`);
  process.stdout.write(`${reports.length} report(s) in ${dir} (delivered ones are kept ${loaded.config.reports.retentionDays} days):\n`);
  for (const report of reports) process.stdout.write(`${line(report)}\n`);
}
