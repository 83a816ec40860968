import { writeSync } from 'node:fs';

/**
 * Ends a jest run with one plain line, "N passed, N failed", that any CI can read. It is written
 * as the process exits, because jest prints its own summary after every custom reporter.
 */
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `\n${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
    process.once('exit', () => writeSync(2, line));
  }
}
