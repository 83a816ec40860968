import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../src/core/log.js';
import { createLogger } from '../../src/services/logger.js';

export interface LogLine {
  level: string;
  message: string;
  [key: string]: unknown;
}

/** A logger that writes nowhere but keeps every line at `level` and above, so a test can read what a volunteer would see. */
export function capturingLogger(level: 'debug' | 'error' = 'debug'): { log: Logger; lines: LogLine[] } {
  const log = createLogger({ level, consoleLevel: 'silent' });
  const lines: LogLine[] = [];
  const stream = new Writable({
    objectMode: true,
    write(info: LogLine, _encoding, done) {
      lines.push({ ...info });
      done();
    },
  });
  log.add(new winston.transports.Stream({ stream }));
  // createLogger silences a logger with no transport of its own; this one now has one.
  log.silent = false;
  return { log, lines };
}
