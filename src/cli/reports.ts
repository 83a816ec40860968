import path from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import type { AuditEntry, Report } from '../core/report.js';
import { formatUkTime } from '../services/report-email.js';
import { DurableJsonFile } from '../services/durable-file.js';
import { SystemClock } from '../core/clock.js';
import { erasedNothing, erasePerson } from '../core/erasure.js';
import type { PersonId } from '../core/ids.js';
import { AUDIT_KEEP_DAYS } from '../core/report.js';
import { closeLogger, createLogger } from '../services/logger.js';
import { Reports } from '../services/reports.js';
import { Store, type StoreData } from '../services/store.js';

function line(report: Report): string {
  const d = report.delivery;
  const state = d.state === 'queued' && d.lastError ? `queued, last error ${d.lastError}` : d.state;
  const where = report.group?.name || (report.kind === 'forward' ? 'forwarded privately' : '-');
  return `${report.id}  ${formatUkTime(report.createdAt)}  ${report.kind}${report.urgent ? ' URGENT' : ''}  ${where}  ${state}, ${d.attempts} attempt(s)`;
}

function trailLine(entry: AuditEntry): string {
  return `  ${formatUkTime(entry.at)}  ${entry.event}${entry.code ? `  ${entry.code}` : ''}`;
}

/**
 * What the volunteer can show the school when asked "did my report arrive?": the report's line
 * and every step of its life, with no content. The steps outlive the report, so this works after
 * it was deleted. Read-only, safe while the bot runs.
 */
async function show(dir: string, reference: string | undefined): Promise<void> {
  if (!reference) {
    process.stderr.write('usage: npm run reports -- show R-YYMMDD-XXXX\n');
    process.exitCode = 2;
    return;
  }
  const data = await new DurableJsonFile<StoreData>(path.join(dir, 'db.json')).read();
  const report = data?.reports.find((r) => r.id === reference);
  const trail = (data?.audit ?? []).filter((entry) => entry.report === reference);
  if (!report && !trail.length) {
    process.stdout.write(`No report ${reference} in ${dir}, and nothing recorded about it.\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(report ? `${line(report)}\n` : `${reference} is no longer in storage; what is recorded of it:\n`);
  for (const entry of trail) process.stdout.write(`${trailLine(entry)}\n`);
}

function usage(text: string): void {
  process.stderr.write(`usage: ${text}\n`);
  process.exitCode = 2;
}

/**
 * The same services the bot uses on the stored data, so a change is made exactly as the bot
 * would make it. With the bot stopped: the storage lock says so otherwise.
 */
async function withReports(loaded: LoadedConfig, work: (reports: Reports, store: Store) => Promise<void>): Promise<void> {
  const store = await Store.open(loaded.config.storage.dir);
  const log = createLogger({ level: 'warn' });
  try {
    await work(new Reports(store, new SystemClock(() => undefined), Math.random, loaded.config, log), store);
  } finally {
    await store.close();
    await closeLogger(log);
  }
}

async function retry(loaded: LoadedConfig, reference: string | undefined): Promise<void> {
  if (!reference) return usage('npm run reports -- retry R-YYMMDD-XXXX');
  const dir = loaded.config.storage.dir;
  await withReports(loaded, async (reports) => {
    const report = reports.report(reference);
    if (!report) return void process.stdout.write(`No report ${reference} in ${dir}.\n`);
    await reports.requeue(report);
    process.stdout.write(`${reference} is queued again; it is sent when the bot next runs.\n`);
  });
}

/**
 * Deletes one report, with every copy in storage, when someone asks the volunteer to. One still
 * on its way is deleted only once delivered, and only when asked for with --after-delivery: it
 * has not reached the school yet.
 */
async function deleteReport(loaded: LoadedConfig, args: string[]): Promise<void> {
  const afterDelivery = args.includes('--after-delivery');
  const rest = args.filter((arg) => arg !== '--after-delivery');
  const reference = rest[0]?.toUpperCase();
  if (!reference || rest.length > 1) return usage('npm run reports -- delete R-YYMMDD-XXXX [--after-delivery]');
  const dir = loaded.config.storage.dir;
  await withReports(loaded, async (reports) => {
    const report = reports.report(reference);
    if (!report) {
      process.stdout.write(`No report ${reference} in ${dir}.\n`);
      process.exitCode = 1;
      return;
    }
    if (await reports.deleteNow(report)) {
      process.stdout.write(
        `${reference} is deleted, with every copy in ${dir} (its record, its .eml, its attachments).\n` +
          `Only its trail remains (reference, times, codes; no content), kept ${AUDIT_KEEP_DAYS} days: npm run reports -- show ${reference}\n` +
          (report.delivery.state === 'sent' ? `The school keeps its own copy: to have that erased, ask ${loaded.config.school.email}.\n` : ''),
      );
      return;
    }
    if (!afterDelivery) {
      process.stdout.write(
        `${reference} is still on its way to the school, so it was not deleted.\n` +
          `To delete it as soon as it is delivered (or if it fails for good): npm run reports -- delete ${reference} --after-delivery\n`,
      );
      process.exitCode = 1;
      return;
    }
    await reports.deleteWhenDelivered(report);
    process.stdout.write(
      `${reference} is still on its way to the school. It is sent when the bot next runs, and deleted with every copy as soon as it is delivered (or if it fails for good).\n`,
    );
  });
}

/**
 * A phone number as a volunteer types it, as a WhatsApp id: `+44 7700 900123`, `447700900123`,
 * `07700 900123`, `+44 (0)7700 900123`, another country's with its `+`, or the id itself.
 */
export function personFromNumber(text: string): PersonId | undefined {
  const value = text.trim();
  if (/^\d{5,20}@(c\.us|lid)$/.test(value)) return value;
  const digits = value.replace(/[\s().-]/g, '');
  const uk = /^(?:\+?44|\+?440|0)([1-9]\d{8,9})$/.exec(digits);
  if (uk) return `44${uk[1]}@c.us`;
  if (/^\+[1-9]\d{6,14}$/.test(digits)) return `${digits.slice(1)}@c.us`;
  return undefined;
}

/** What `!forget` does, for someone who asks the volunteer instead of the bot. */
async function forget(loaded: LoadedConfig, args: string[]): Promise<void> {
  const person = args.length ? personFromNumber(args.join(' ')) : undefined;
  if (!person) {
    return usage('npm run reports -- forget +447700900123 (a number with its country code, or a UK number such as 07700 900123)');
  }
  const number = `+${person.split('@')[0]}`;
  await withReports(loaded, async (reports, store) => {
    const erasure = await erasePerson(person, store, reports);
    const { reports: r, person: p } = erasure;
    const list = (ids: string[]) => (ids.length ? ` (${ids.join(', ')})` : '');
    const lines = erasedNothing(erasure)
      ? [`Nothing is stored about ${number}: no report they made or flagged, no record of them in a group.`]
      : [
          `Forgot ${number}:`,
          `  reports they made, deleted now with every copy: ${r.deleted.length}${list(r.deleted)}`,
          `  reports they made still on their way, sent when the bot next runs and deleted once delivered: ${r.afterDelivery.length}${list(r.afterDelivery)}`,
          `  reports by others they also flagged, their number replaced by a fingerprint: ${r.coFlagged}`,
          `  group member lists they were taken out of: ${p.memberLists}`,
          `  other records (their linked WhatsApp ids, that they added the bot to a group): ${p.otherRecords}`,
        ];
    if (p.adminOf) lines.push(`They are an admin of ${p.adminOf} group(s): their id is kept there while they are an admin.`);
    lines.push(
      `The school keeps its own copy of reports already delivered: to have those erased, they ask ${loaded.config.school.email}.`,
      `Each report's trail (reference, times, codes; no content) is kept ${AUDIT_KEEP_DAYS} days.`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  });
}

/**
 * `npm run reports` lists the reports in storage (read-only, safe while the bot runs);
 * `npm run reports -- show R-…` prints one report's line and its audit trail (read-only too);
 * `retry R-…` puts a failed report back in the queue, `delete R-…` deletes one and `forget +44…`
 * does what `!forget` does for that number (these three with the bot stopped).
 */
export async function reportsCommand(loaded: LoadedConfig, args: string[]): Promise<void> {
  const dir = loaded.config.storage.dir;
  if (args[0] === 'show') return show(dir, args[1]?.toUpperCase());
  if (args[0] === 'retry') return retry(loaded, args[1]?.toUpperCase());
  if (args[0] === 'delete') return deleteReport(loaded, args.slice(1));
  if (args[0] === 'forget') return forget(loaded, args.slice(1));
  const data = await new DurableJsonFile<StoreData>(path.join(dir, 'db.json')).read();
  const reports = data?.reports ?? [];
  if (!reports.length) return void process.stdout.write(`No reports in ${dir}.\n`);
  const { retentionDays, failedRetentionDays } = loaded.config.reports;
  process.stdout.write(
    `${reports.length} report(s) in ${dir} (delivered ones are kept ${retentionDays} days, failed ones ${failedRetentionDays}):\n`,
  );
  for (const report of reports) process.stdout.write(`${line(report)}\n`);
}
