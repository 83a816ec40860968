import { afterEach, expect } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Report } from '../../src/core/report.js';
import type { StoreData } from '../../src/services/store.js';
import type { OutputLine } from '../../src/transports/simulator.js';
import { GROUP, message, startBot, type TestBot } from './bot.js';
import { startSmtpServer, type SmtpTestServer } from './smtp.js';

/**
 * What the report tests share: bots and SMTP servers closed after each test, the reports as
 * stored on disk, and who was told what.
 */
export function closedAfterEach() {
  const resources: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(resource: T): T => {
    resources.push(resource);
    return resource;
  };
  afterEach(async () => {
    for (const resource of resources.splice(0).reverse()) await resource.close().catch(() => undefined);
  });
  /** Closes one early, for a test that restarts the bot on the same storage. */
  const closeNow = async (resource: { close(): Promise<void> }) => {
    resources.splice(resources.indexOf(resource), 1);
    await resource.close();
  };
  return {
    track,
    closeNow,
    bot: async (options: Parameters<typeof startBot>[0] = {}): Promise<TestBot> => track(await startBot(options)),
    smtpServer: async (behaviour: Parameters<typeof startSmtpServer>[0] = 'accept'): Promise<SmtpTestServer> =>
      track(await startSmtpServer(behaviour)),
  };
}

export async function storedReports(dir: string): Promise<Report[]> {
  return (JSON.parse(await readFile(path.join(dir, 'db.json'), 'utf8')) as StoreData).reports;
}

export async function onlyReport(dir: string): Promise<Report> {
  const reports = await storedReports(dir);
  expect(reports).toHaveLength(1);
  return reports[0]!;
}

export const emailLines = (b: TestBot) => b.out.filter((l): l is Extract<OutputLine, { type: 'email' }> => l.type === 'email');
export const toPerson = (b: TestBot, who: string) => b.sends().filter((s) => s.chat === who).map((s) => s.text);
export const toGroup = (b: TestBot, chat = GROUP) => b.sends().filter((s) => s.chat === chat);
/** A little simulated time for paced private answers to go out, well inside any window or retry. */
export const pause = (seconds = 10) => ({ type: 'wait', seconds });
export const privately = (from: string, text: string, extra: Record<string, unknown> = {}) => message(from, text, { chat: from, ...extra });
