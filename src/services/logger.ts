import { chmod, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';
import { PRIVATE_FILE_MODE, PRIVATE_FOLDER_MODE } from './private-files.js';

/** The winston logger behind the core's Logger: only the command line that made it closes it. */
export type WinstonLogger = winston.Logger;
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  level: LogLevel;
  /** Folder for rotating log files; none keeps logs on stderr only. */
  dir?: string;
  /** Days a log file is kept before the next new file deletes it (default 14). */
  keepDays?: number;
  /** What reaches stderr: in script mode stdout is for JSON lines and stderr for what a person must see. */
  consoleLevel?: LogLevel | 'silent';
  /** More destinations (tests read log lines through one). */
  extra?: winston.transport[];
}

/**
 * Logs carry event ids, masked person ids and error codes. Message text and full phone numbers
 * never reach a log: callers pass ids through maskId and never pass bodies.
 */
export function createLogger(options: LoggerOptions): WinstonLogger {
  const transports: winston.transport[] = [...(options.extra ?? [])];
  if (options.consoleLevel !== 'silent') {
    transports.push(
      new winston.transports.Console({
        level: options.consoleLevel ?? options.level,
        stderrLevels: ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'],
        format: winston.format.combine(
          winston.format.timestamp(),
          winston.format.printf(({ timestamp, level, message, ...meta }) => {
            const extra = Object.keys(meta).length ? ` ${JSON.stringify(meta)}` : '';
            return `${String(timestamp)} ${level}: ${String(message)}${extra}`;
          }),
        ),
      }),
    );
  }
  if (options.dir) transports.push(privateLogFiles(path.join(options.dir, 'logs'), options.level, options.keepDays ?? 14));
  return winston.createLogger({
    level: options.level,
    // Each transport formats its own lines; the logger-wide default (json) would serialise every
    // entry, even the debug lines the transports then drop.
    format: winston.format((info) => info)(),
    transports,
    silent: transports.length === 0,
  });
}

/**
 * Rotating log files readable by the bot's user only. The rotator takes a mode for the log files
 * but makes its folder and its audit file (the list of logs to delete after `keepDays`) with no
 * mode of their own: the folder is made here first, and the audit file, which it rewrites just
 * before each new log file is announced, is set then.
 */
function privateLogFiles(dirname: string, level: LogLevel, keepDays: number): DailyRotateFile {
  mkdirSync(dirname, { recursive: true, mode: PRIVATE_FOLDER_MODE });
  // Named, not left to the rotator: its default name is a hash of these options, so any change to
  // them (a log level) would start a new audit file and orphan the logs the old one listed.
  const auditFile = path.join(dirname, '.steward-audit.json');
  adoptEarlierAudits(dirname, auditFile);
  const files = new DailyRotateFile({
    dirname,
    filename: 'steward-%DATE%.log',
    maxSize: '5m',
    maxFiles: `${keepDays}d`,
    auditFile,
    options: { flags: 'a', mode: PRIVATE_FILE_MODE },
    level,
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
  });
  files.on('new', () => chmod(auditFile, PRIVATE_FILE_MODE, () => undefined));
  return files;
}

/**
 * Audit files named by the rotator's hash (before the audit file had a name of its own) list
 * logs that are still to be deleted after 14 days: their lists go into the named one, so none of
 * those logs is kept for ever.
 */
function adoptEarlierAudits(dirname: string, auditFile: string): void {
  if (existsSync(auditFile)) return;
  const earlier = readdirSync(dirname).filter((name) => /^\.[0-9a-f]{40}-audit\.json$/.test(name));
  if (!earlier.length) return;
  const byName = new Map<string, { date: number; name: string; hash: string }>();
  for (const name of earlier) {
    try {
      const audit = JSON.parse(readFileSync(path.join(dirname, name), 'utf8')) as { hashType?: string; files?: unknown };
      if (audit.hashType !== 'sha256' || !Array.isArray(audit.files)) continue;
      for (const entry of audit.files as Array<{ date: number; name: string; hash: string }>) {
        const known = byName.get(entry.name);
        if (!known || entry.date < known.date) byName.set(entry.name, entry);
      }
    } catch {
      // An audit file cut short is of no use: the logs it listed stay as they are.
    }
  }
  const files = [...byName.values()].sort((a, b) => a.date - b.date);
  const audit = { keep: { days: true, amount: 14 }, auditLog: auditFile, files, hashType: 'sha256' };
  writeFileSync(auditFile, JSON.stringify(audit), { mode: PRIVATE_FILE_MODE });
  for (const name of earlier) rmSync(path.join(dirname, name), { force: true });
}

/** Resolves once the log files hold every line logged so far, so an exiting process keeps its last lines. */
export async function closeLogger(logger: WinstonLogger): Promise<void> {
  const files = logger.transports.filter((t): t is DailyRotateFile => t instanceof DailyRotateFile);
  const withinTwoSeconds = (work: Promise<unknown>) =>
    Promise.race([work, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  await withinTwoSeconds(
    new Promise((resolve) => {
      logger.once('finish', resolve);
      logger.end();
    }),
  );
  // The file transport hands lines to its own stream: only closing it flushes them to disk.
  await Promise.all(
    files.map((file) =>
      withinTwoSeconds(
        new Promise((resolve) => {
          file.once('finish', resolve);
          file.close?.();
        }),
      ),
    ),
  );
}
