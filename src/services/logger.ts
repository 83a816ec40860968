import path from 'node:path';
import winston from 'winston';
import DailyRotateFile from 'winston-daily-rotate-file';

/** The winston logger behind the core's Logger: only the command line that made it closes it. */
export type WinstonLogger = winston.Logger;
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface LoggerOptions {
  level: LogLevel;
  /** Folder for rotating log files; none keeps logs on stderr only. */
  dir?: string;
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
  if (options.dir) {
    transports.push(
      new DailyRotateFile({
        dirname: path.join(options.dir, 'logs'),
        filename: 'steward-%DATE%.log',
        maxSize: '5m',
        maxFiles: '14d',
        level: options.level,
        format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      }),
    );
  }
  return winston.createLogger({
    level: options.level,
    // Each transport formats its own lines; the logger-wide default (json) would serialise every
    // entry, even the debug lines the transports then drop.
    format: winston.format((info) => info)(),
    transports,
    silent: transports.length === 0,
  });
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
